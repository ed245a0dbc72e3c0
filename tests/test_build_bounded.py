"""Builds that read the whole corpus hold a file's documents (and the changed ones), not the corpus's.

Each test counts the ``Document`` objects still alive (weak references) each time the build takes the
next one from the corpus (or from a shard's spool): a build that kept every document would reach the
corpus's count.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Iterable, Iterator

import numpy as np
import pytest
from conftest import FakeEmbedder

import index.build.plan as index_plan
import index.shards.spool as index_spool
from index import ClaimIndex, build_index
from index.build.new_segment import write_segment
from index.errors import UsageError
from index.models import Document
from index.shards import distributed
from index.split.document import split_document
from index.store.text_tables import DEFAULT_TABLES

FILES, LINES = 40, 4
"""The corpus: FILES one-document .txt files and one .jsonl file of LINES documents."""
ALLOWED = LINES + 4
"""Documents alive at most: the file being read (LINES), the changed one, and the few in the build's hands."""


class _Refs:
    """Weak references to documents (they are not hashable, so no ``WeakSet``): how many are alive."""

    def __init__(self, documents: Iterable[Document] = ()) -> None:
        self._refs = [weakref.ref(d) for d in documents]

    def add(self, document: Document) -> None:
        self._refs.append(weakref.ref(document))

    def __len__(self) -> int:
        return sum(ref() is not None for ref in self._refs)


class _Alive:
    """Counts the documents handed out that are still alive, each time another is taken."""

    def __init__(self) -> None:
        self._alive = _Refs()
        self.taken = 0
        self.peak = 0

    def watch(self, documents: Iterable[Document]) -> Iterator[Document]:
        for document in documents:
            self.peak = max(self.peak, len(self._alive))
            self._alive.add(document)
            self.taken += 1
            yield document


def _corpus(folder):
    folder.mkdir()
    for n in range(FILES):
        (folder / f"report{n:02d}.txt").write_text(f"Report {n} says the port reopened on day {n}. Ships queued.",
                                                   encoding="utf-8")
    lines = [{"id": f"wire-{n}", "text": f"Wire story {n} says the bridge closed. Traffic waited."}
             for n in range(LINES)]
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    for path in folder.iterdir():
        os.utime(path, (1_600_000_000, 1_600_000_000))
    return folder


def _watch_stream(monkeypatch, module, alive: _Alive) -> None:
    real = module.stream_corpus

    def watched(root, strict=False):
        corpus, documents = real(root, strict)
        return corpus, alive.watch(documents)

    monkeypatch.setattr(module, "stream_corpus", watched)


def _change(corpus) -> None:
    (corpus / "report07.txt").write_text("Report 7 now says the port closed again.", encoding="utf-8")


def test_a_strict_update_reads_every_file_and_holds_only_the_changed_documents(tmp_path, monkeypatch):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, out, FakeEmbedder())
    _change(corpus)
    alive = _Alive()
    _watch_stream(monkeypatch, index_plan, alive)
    embedder = FakeEmbedder()
    result = build_index(corpus, out, embedder, strict=True)
    assert alive.taken == FILES + LINES  # every file read and checked
    assert alive.peak <= ALLOWED, alive.peak  # the whole read would hold FILES + LINES
    assert (result.changed, result.unchanged, result.sources) == (1, FILES, FILES + LINES)
    assert {text for batch in embedder.calls for text in batch} == {"Report 7 now says the port closed again."}
    fresh = tmp_path / "fresh"
    build_index(corpus, fresh, FakeEmbedder())
    assert list(ClaimIndex.load(out).sentences) == list(ClaimIndex.load(fresh).sentences)


def test_a_sharded_build_spools_the_corpus_and_holds_a_file_of_documents(tmp_path, monkeypatch):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "index"
    alive = _Alive()
    _watch_stream(monkeypatch, index_spool, alive)  # the corpus read into the spool
    read_back = index_spool.Spool.documents
    monkeypatch.setattr(index_spool.Spool, "documents", lambda spool, number: alive.watch(read_back(spool, number)))
    result = build_index(corpus, out, FakeEmbedder(), shards=4)
    assert alive.taken == 2 * (FILES + LINES)  # each read once, and read back once by its shard
    assert alive.peak <= ALLOWED, alive.peak
    assert (result.added, result.sources) == (FILES + 1, FILES + LINES)
    assert not list((out / "shards").glob(index_spool.SPOOL_PREFIX + "*"))  # the spool is gone
    one = tmp_path / "one"
    build_index(corpus, one, FakeEmbedder())
    a, b = ClaimIndex.load(one), ClaimIndex.load(out)
    assert sorted(s.text for s in a.sentences) == sorted(s.text for s in b.sentences)

    _change(corpus)  # a strict update: every file read, and read back by its shard's plan, which keeps the new one
    alive.taken = alive.peak = 0
    embedder = FakeEmbedder()
    assert build_index(corpus, out, embedder, shards=4, strict=True).changed == 1
    assert alive.taken == 2 * (FILES + LINES) and alive.peak <= ALLOWED, (alive.taken, alive.peak)
    assert {text for batch in embedder.calls for text in batch} == {"Report 7 now says the port closed again."}


class _Unloaded(FakeEmbedder):
    @property
    def dim(self) -> int:
        raise AssertionError("the model loaded")

    @dim.setter
    def dim(self, value: int) -> None:
        pass


def test_more_shards_than_documents_is_counted_while_reading_and_leaves_nothing(tmp_path):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "index"
    with pytest.raises(UsageError, match=f"more than the {FILES + LINES} documents"):
        build_index(corpus, out, _Unloaded(), shards=FILES + LINES + 1)
    assert not out.exists()


def test_a_split_embed_reads_the_documents_as_it_goes_and_the_written_are_let_go(tmp_path):
    fresh = [(Document(source_id=f"d{n}", path=f"d{n}.txt", sha256="0" * 64, text=f"Story {n} is short."), 0)
             for n in range(30)]
    tracker = _Refs(d for d, _ in fresh)
    seen: list[tuple[int, int, int]] = []  # (read, written, alive) each time the job reads a document

    def split_embed(incoming, embedder, dim):  # a stand-in for the Ray job: its results trail its reads by 5
        pending, written = [], 0
        for document in incoming:
            pending.append(split_document(document))
            seen.append((len(seen) + 1, written, len(tracker)))
            if len(pending) > 5:
                sentences = pending.pop(0)
                yield sentences, embedder.embed([s.text for s in sentences])
                written += 1
        for sentences in pending:
            yield sentences, embedder.embed([s.text for s in sentences])

    _, info = write_segment(tmp_path, fresh, 0, None, "float32", FakeEmbedder(), DEFAULT_TABLES, None, split_embed)
    assert info.documents == 30 and fresh == [] and len(tracker) == 0
    assert [read - written for read, written, _ in seen] == [min(n, 6) for n in range(1, 31)]  # read as it goes
    assert all(alive <= 30 - written + 1 for _, written, alive in seen)  # the written are let go (but the last)
    assert seen[-1][2] < 10


def test_ray_documents_become_json_a_chunk_at_a_time(monkeypatch):
    made = []
    documents = (made.append(n) or Document(source_id=f"d{n}", path="d.txt", sha256="0" * 64, text=f"Story {n}.")
                 for n in range(10))
    chunks = distributed._chunks(documents, 4)
    first = next(chunks)
    assert [item["order"] for item in first] == [0, 1, 2, 3] and made == [0, 1, 2, 3]  # read lazily
    assert [[item["order"] for item in chunk] for chunk in chunks] == [[4, 5, 6, 7], [8, 9]]
    assert json.loads(first[2]["document"])["source_id"] == "d2"
    assert np.array_equal(sorted(made), np.arange(10))
