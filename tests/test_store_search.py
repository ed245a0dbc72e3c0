"""Global, approximate and keyword search of an index; corpus-wide tables; the fast no-op rebuild."""

from __future__ import annotations

import os
import re
from pathlib import PurePath

import faiss
import numpy as np
import pytest
from conftest import FakeEmbedder

import index.build.plan as index_plan
from index import ClaimIndex, IngestError, build_index
from index.build import update
from index.search import ann
from index.store.claim_index import read_manifest

LAVROV = "Lavrov earlier said he plans to visit Pyongyang in October"


def _oracle(index: ClaimIndex, queries: np.ndarray, n: int) -> list[list[int]]:
    vectors = np.concatenate([index.vectors_of(s) for s in index.documents])
    sims = queries @ vectors.T
    return [np.lexsort((np.arange(len(row)), -row))[:n].tolist() for row in sims]


def _capitals(document) -> list[str]:
    return re.findall(r"\b[A-Z][a-z]+\b", document.text)


def test_nearest_matches_brute_force(corpus_dir, tmp_path, fake_embedder):
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)
    index = ClaimIndex.load(out)
    queries = fake_embedder.embed([LAVROV, "Kim and Putin exchanged letters", "rice harvest"])
    found = index.nearest(queries, 7)
    assert [[h.sentence for h in hits] for hits in found] == _oracle(index, queries, 7)
    assert all(h.source_id == index.sentences[h.sentence].source_id for hits in found for h in hits)
    assert any(index.sentences[h.sentence].text.startswith(LAVROV) for h in found[0])
    assert found == [index.nearest(q[None], 7)[0] for q in queries]  # the same alone as in a batch
    assert len(index.nearest(queries[:1], 10_000)[0]) == len(index.sentences)
    with pytest.raises(ValueError, match="at least 1"):
        index.nearest(queries, 0)


def test_ivf_reaches_its_recall_target_on_clustered_vectors():
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((200, 32))
    vectors = (centres[rng.integers(0, 200, 20_000)] + 0.5 * rng.standard_normal((20_000, 32))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    blocks, ids = [vectors[:15_000], vectors[15_000:]], [np.arange(15_000), np.arange(20_000, 25_000)]
    trained = ann.Trained(blocks, threads=2, seed=0)
    nprobe = trained.in_memory(ids)
    index, kind = trained.index, trained.kind
    assert kind.startswith("IVF") and faiss.extract_index_ivf(index).nprobe == nprobe
    queries = vectors[rng.choice(20_000, 100, replace=False)] + 0.3 * rng.standard_normal((100, 32)).astype(np.float32)
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    _, truth = ann.exact_top(blocks, queries, 10)
    truth = np.concatenate(ids)[truth]
    _, found = index.search(queries, 40)
    rows = np.concatenate(blocks)
    position = {int(i): n for n, i in enumerate(np.concatenate(ids))}
    _, found = ann.rerank(found, queries, lambda picked: rows[[position[int(p)] for p in picked]], 10)
    assert ann.recall_at(found, truth) >= 0.95


def test_an_index_over_the_threshold_searches_its_ann_and_new_segments(corpus_dir, tmp_path, monkeypatch,
                                                                        fake_embedder):
    monkeypatch.setattr(ann, "EXACT_BELOW", 50)
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)
    first = read_manifest(out).ann
    assert first is not None and first.kind.startswith("IVF")
    index = ClaimIndex.load(out)
    queries = fake_embedder.embed([LAVROV, "Kim and Putin exchanged letters"])
    truth = _oracle(index, queries, 10)
    found = [[h.sentence for h in hits] for hits in index.nearest(queries, 10)]
    assert np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]) >= 0.9

    (corpus_dir / "005_new.txt").write_text("Putin plans a trip to Pyongyang next year.", encoding="utf-8")
    build_index(corpus_dir, out, fake_embedder)
    assert read_manifest(out).ann == first  # a small addition is searched exactly beside the kept ANN file
    index = ClaimIndex.load(out)
    (query,) = fake_embedder.embed(["Putin plans a trip to Pyongyang next year."])
    top = index.nearest(query[None], 1)[0][0]
    assert top.source_id == "005_new" and top.similarity == pytest.approx(1.0, abs=1e-5)
    hits = index.search(query, k_per_source=2)
    assert hits[0].source_id == "005_new"


def test_keyword_search_finds_rare_words_and_numbers(corpus_dir, tmp_path, fake_embedder):
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)
    index = ClaimIndex.load(out)
    hits = index.keyword_search("Lavrov", 5)
    assert hits and all("lavrov" in index.sentences[h.sentence].text.lower() for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.keyword_search("2019", 3) and all("2019" in index.sentences[h.sentence].text
                                                   for h in index.keyword_search("2019", 3))
    only = {"002_6dff4dd19ee322e5"}
    assert {h.source_id for h in index.keyword_search("Pyongyang Moscow", 50, sources=only)} == only
    assert index.keyword_search("\"; DROP TABLE sentences; --", 5) == []  # words only, never FTS syntax
    assert index.keyword_search("  ", 5) == [] and index.keyword_search("zzzyzx", 5) == []


def test_removed_documents_leave_every_channel(corpus_dir, tmp_path, fake_embedder):
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder, tables={"capitals": _capitals})
    index = ClaimIndex.load(out)
    gone = "000_0e7c1c881fb697f2"
    own = set(_capitals(index.documents[gone])) - {
        w for sid in index.documents if sid != gone for w in _capitals(index.documents[sid])}
    assert own and own <= index.table("capitals")
    word = min(own)
    assert any(h.source_id == gone for h in index.keyword_search(word, 5))

    (corpus_dir / f"{gone}.txt").unlink()
    build_index(corpus_dir, out, FakeEmbedder(), tables={"capitals": _capitals})
    index = ClaimIndex.load(out)
    assert gone not in index.documents and len(read_manifest(out).segments) == 1  # marked removed, not rewritten
    assert not any(h.source_id == gone for h in index.keyword_search(word, 5))
    assert not own & index.table("capitals")
    assert index.table("no such table") is None
    assert all(h.source_id != gone for hits in index.nearest(FakeEmbedder().embed([LAVROV]), 50) for h in hits)


def _age(corpus_dir, stamp: int = 1_600_000_000) -> int:
    """Give every corpus file the same old time (so a later touch is a change); returns it."""
    for path in corpus_dir.iterdir():
        os.utime(path, (stamp, stamp))
    return stamp


def test_a_rebuild_of_untouched_files_reads_none_of_them(corpus_dir, tmp_path, fake_embedder, monkeypatch):
    old = _age(corpus_dir)
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)

    def no_reading(*args):
        raise AssertionError("the corpus was read")

    monkeypatch.setattr(index_plan, "load_document_bytes", no_reading)
    monkeypatch.setattr(index_plan, "stream_corpus", no_reading)
    monkeypatch.setattr(update, "stream_corpus", no_reading)
    result = build_index(corpus_dir, out, fake_embedder)
    assert result.up_to_date and (result.unchanged, result.sources, result.sentences) == (5, 5, 79)
    monkeypatch.undo()
    touched = corpus_dir / "002_6dff4dd19ee322e5.txt"
    os.utime(touched, (old + 10, old + 10))  # a new time, the same bytes: read again, nothing re-embedded
    embedder = FakeEmbedder()
    assert build_index(corpus_dir, out, embedder).up_to_date and embedder.calls == []


def test_search_threads_are_set_on_load(corpus_dir, tmp_path, fake_embedder):
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)
    ClaimIndex.load(out, threads=1)
    assert faiss.omp_get_max_threads() == 1


def test_an_update_reads_only_the_changed_files(corpus_dir, tmp_path, fake_embedder, monkeypatch):
    _age(corpus_dir)
    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)
    changed = corpus_dir / "004_b105797065ca642f.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nKim will visit Moscow next spring.\n",
                       encoding="utf-8")
    (corpus_dir / "sub").mkdir()
    (corpus_dir / "sub" / "005_new.md").write_text("# A new source\n\nPutin plans a trip.\n", encoding="utf-8")
    read = []
    real_read, real_stream = index_plan.load_document_bytes, index_plan.stream_corpus

    def counting(name, data):  # a changed file's bytes, parsed
        read.append(PurePath(name).name)
        return real_read(name, data)

    def counting_stream(path, *args, **options):
        read.append(path.name)
        return real_stream(path, *args, **options)

    monkeypatch.setattr(index_plan, "load_document_bytes", counting)
    monkeypatch.setattr(index_plan, "stream_corpus", counting_stream)
    embedder = FakeEmbedder()
    result = build_index(corpus_dir, out, embedder)
    assert sorted(read) == ["004_b105797065ca642f.txt", "005_new.md"]
    assert (result.added, result.changed, result.removed, result.unchanged) == (1, 1, 0, 4)
    index = ClaimIndex.load(out)
    fresh = tmp_path / "fresh"
    build_index(corpus_dir, fresh, FakeEmbedder())
    assert list(index.sentences) == list(ClaimIndex.load(fresh).sentences)
    assert index.documents["005_new"].path == "sub/005_new.md"
    assert {s for batch in embedder.calls for s in batch} == {
        s.text for s in index.sentences if s.source_id in {"004_b105797065ca642f", "005_new"}}
    (corpus_dir / "sub" / "dup.txt").write_text("Another 004.", encoding="utf-8")
    (corpus_dir / "sub" / "dup.txt").rename(corpus_dir / "sub" / "004_b105797065ca642f.txt")
    read.clear()
    result = build_index(corpus_dir, out, FakeEmbedder())  # the full read reports the clash and skips the file
    assert corpus_dir.name in read
    assert "duplicate source id" in result.skipped["sub/004_b105797065ca642f.txt"]
    assert ClaimIndex.load(out).documents["004_b105797065ca642f"].path == "004_b105797065ca642f.txt"
    with pytest.raises(IngestError, match="duplicate source id"):  # all-or-nothing on request
        build_index(corpus_dir, out, FakeEmbedder(), strict=True)


def test_float16_vectors_halve_the_file_and_search_alike(corpus_dir, tmp_path, fake_embedder):
    full, half = tmp_path / "f32", tmp_path / "f16"
    build_index(corpus_dir, full, fake_embedder)
    build_index(corpus_dir, half, fake_embedder, vector_dtype="float16")
    a, b = ClaimIndex.load(full), ClaimIndex.load(half)
    assert b.manifest.vector_dtype == "float16"
    size = lambda out: sum(p.stat().st_size for p in out.glob("seg-*/vectors.npy"))
    assert size(half) < 0.6 * size(full)
    np.testing.assert_allclose(b.vectors_of("000_0e7c1c881fb697f2"), a.vectors_of("000_0e7c1c881fb697f2"), atol=2e-3)
    queries = fake_embedder.embed([LAVROV])
    assert [h.sentence for h in b.nearest(queries, 5)[0]] == [h.sentence for h in a.nearest(queries, 5)[0]]


def test_a_context_reads_only_the_neighbours_it_needs(corpus_dir, tmp_path, fake_embedder, monkeypatch):
    from index.split.document import context_for

    build_index(corpus_dir, tmp_path / "index", fake_embedder)
    index = ClaimIndex.load(tmp_path / "index")
    whole = {}
    for i in range(len(index.sentences)):
        start, end = index.source_range(index.sentences[i].source_id)
        whole[i] = [context_for(index.sentences[start:end], i - start, w) for w in (1, 2)]
    # the same text as from the whole source (titles and captions skipped alike) ...
    assert all([index.context(i, 1), index.context(i, 2)] == whole[i] for i in whole)
    # ... without reading the source's rows in bulk
    monkeypatch.setattr(type(index.sentences), "__getitem__", _no_slices(type(index.sentences).__getitem__))
    assert index.context(len(index.sentences) // 2) == whole[len(index.sentences) // 2][0]


def _no_slices(getitem):
    def guarded(self, row):
        assert not isinstance(row, slice), "a context read a slice of rows"
        return getitem(self, row)
    return guarded
