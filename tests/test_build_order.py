"""The build embeds a segment's sentences in order of length, yet each vector lands on its own row."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CORPUS, FakeEmbedder

from bench.synthetic import write_corpus
from index import ClaimIndex, build_index
from index.build.new_segment import EMBED_CHUNK
from index.models import Document, Sentence
from index.store.segment import VECTORS
from index.store.segment_writer import SegmentWriter, new_segment_name


@pytest.mark.parametrize("sentences", [0, 2000], ids=["sample-corpus", "synthetic-2000"])
def test_vectors_sit_on_their_sentences_rows_though_embedded_by_length(tmp_path, sentences):
    corpus = CORPUS
    if sentences:
        corpus = tmp_path / "corpus"
        write_corpus(corpus, sentences)
    embedder = FakeEmbedder()
    build_index(corpus, tmp_path / "index", embedder)
    index = ClaimIndex.load(tmp_path / "index")
    texts = [s.text for s in index.sentences]
    assert sentences == 0 or len(texts) >= sentences
    # every call is bounded (a check sharing the embedder waits for one), shortest texts first overall
    assert all(len(call) <= EMBED_CHUNK for call in embedder.calls)
    lengths = [len(text) for text in embedder.embedded]
    assert lengths == sorted(lengths) and sorted(embedder.embedded) == sorted(texts)
    if sentences:
        assert len(embedder.calls) > 1
    # the row of each sentence holds that sentence's vector (the fake embeds each text alone)
    stored = np.concatenate([index.vectors_of(d) for d in index.documents])
    np.testing.assert_array_equal(stored, FakeEmbedder().embed(texts))


def _writer_with(folder, rows: int) -> SegmentWriter:
    writer = SegmentWriter(folder, dim=4, dtype="float16")
    text = " ".join(f"w{i}" for i in range(rows))
    sentences = [Sentence(id=f"s{i}", source_id="d", position=i, text=f"w{i}", start=3 * i, end=3 * i + 2,
                          kind="body", paragraph=0) for i in range(rows)]
    writer.add_document(Document(source_id="d", path="d.txt", sha256="0", text=text), 0, sentences)
    return writer


def test_vectors_put_in_any_order_make_the_same_file_as_appended(tmp_path):
    vectors = np.random.default_rng(0).standard_normal((10, 4)).astype(np.float32)
    appended = _writer_with(tmp_path / new_segment_name(), 10)
    appended.add_vectors(vectors)
    appended.finish(0)
    scattered = _writer_with(tmp_path / new_segment_name(), 10)
    for rows in ([7, 2, 3], [9, 0, 1, 8], [6, 4, 5]):  # runs of consecutive rows and lone rows
        scattered.put_vectors(np.array(rows), vectors[rows])
    scattered.finish(0)
    assert (appended.folder / VECTORS).read_bytes() == (scattered.folder / VECTORS).read_bytes()


def test_a_vector_for_a_row_not_added_is_refused(tmp_path):
    writer = _writer_with(tmp_path / new_segment_name(), 3)
    with pytest.raises(ValueError, match="outside the 3 sentences"):
        writer.put_vectors(np.array([1, 3]), np.zeros((2, 4), dtype=np.float32))
    writer.put_vectors(np.array([0, 1]), np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="3 sentences but 2 vectors"):  # a row left without a vector
        writer.finish(0)
    writer.abort()
