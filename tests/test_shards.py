"""A sharded index (``build --shards K``) searches and checks exactly as the one-folder index of the same corpus.

Searched in this process (shards in turn); ``tests/test_distributed.py`` runs the same comparison with
one Ray actor per shard. Bad input (an unreachable cluster, a shard missing or corrupt) is one error line.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from conftest import REPO, FakeEmbedder

from index import ClaimIndex, IndexStoreError, build_index
from index.shards.layout import SHARDS_MANIFEST, read_shard_manifest, shard_folder, shard_of
from index.shards.sharded_index import RAY_ENV, ShardedIndex
from verify import Settings, Verifier

ray = pytest.importorskip("ray")

CLAIMS = ["Kim Jong Un met Putin at the Vostochny cosmodrome", "Lavrov will visit Pyongyang",
          "North Korea launched a satellite", "The price of bread rose in Paris"]


class WordJudge:
    """Deterministic probabilities from the premise's words, so reports differ only if the evidence does."""

    def predict(self, pairs):
        rows = []
        for premise, _ in pairs:
            text = premise.lower()
            rows.append([0.8, 0.1, 0.1] if "putin" in text else [0.1, 0.8, 0.1] if " not " in text
                        else [0.1, 0.1, 0.8])
        return np.array(rows, dtype=np.float32)


@pytest.fixture
def built(corpus_dir, tmp_path):
    """The corpus built as one index and as a 3-shard index (in this process)."""
    build_index(corpus_dir, tmp_path / "one", FakeEmbedder())
    result = build_index(corpus_dir, tmp_path / "three", FakeEmbedder(), shards=3)
    assert (result.added, result.sources, result.sentences) == (5, 5, 79)
    return tmp_path / "one", tmp_path / "three"


def folder_of(index_dir: Path, number: int) -> Path:
    """The folder of shard ``number`` that the index's shards.json names now."""
    return shard_folder(index_dir, read_shard_manifest(index_dir).shards[number])


def same_search(one, many) -> None:
    queries = FakeEmbedder().embed(CLAIMS)
    assert list(one.sentences) == list(many.sentences)
    assert one.source_summaries() == many.source_summaries()
    for pool in (256, 7, 1):  # a small pool makes the shards' candidate lists decide which sources are searched
        assert one.search_batch(queries, 3, pool) == many.search_batch(queries, 3, pool)
    some = set(list(one.documents)[1:3])
    assert one.nearest(queries, 10) == many.nearest(queries, 10)
    for n in (3, 40):  # the chosen sources' rows scored exactly, and (a global row made cheap) the global top filtered
        assert one.nearest_among(queries, n, some) == many.nearest_among(queries, n, some)
        with mock.patch("index.search.filtered.GLOBAL_ROW", 1):
            assert one.nearest_among(queries, n, some) == many.nearest_among(queries, n, some)
    np.testing.assert_array_equal(one.vectors_at(np.array([78, 0, 40])), many.vectors_at(np.array([78, 0, 40])))
    for runs in ([(0, len(one.sentences))], [(3, 30), (40, 41), (50, 79)], [(5, 5)], []):  # across documents and shards
        np.testing.assert_array_equal(one.vectors_in(runs), many.vectors_in(runs))
    many.prefetch([17, 40, 78])  # read ahead in one call per shard: the same sentences and contexts
    for row in (0, 17, 40, 78):
        assert one.sentences[row] == many.sentences[row] and one.context(row) == many.context(row)
        assert one.context(row, 2) == many.context(row, 2) and one.paragraph_text(row) == many.paragraph_text(row)
        np.testing.assert_array_equal(one.vector(row), many.vector(row))
    # keyword scores are BM25 within each shard (as within each segment of one index): the same rows match
    for words in ("Vostochny", "Pyongyang Lavrov"):
        found = many.keyword_search(words, 100)
        assert found and {h.sentence for h in found} == {h.sentence for h in one.keyword_search(words, 100)}
        assert [h.score for h in found] == sorted((h.score for h in found), reverse=True)


def verifier(index_or_dir) -> Verifier:
    """A verifier with the fakes, on a loaded index or (through ``Verifier.from_index``) a folder."""
    settings = Settings(min_similarity=-1.0, stance_calibration=None)
    if isinstance(index_or_dir, Path):
        return Verifier.from_index(index_or_dir, settings, FakeEmbedder(), WordJudge())
    return Verifier(index_or_dir, settings, FakeEmbedder(), WordJudge())


def same_reports(one: Verifier, many: Verifier) -> None:
    assert isinstance(many.index, ShardedIndex)
    expected = one.check_many(CLAIMS)
    assert [r.model_dump() for r in expected] == [r.model_dump() for r in many.check_many(CLAIMS)]
    assert any(v.stance != "none" for r in expected for v in r.sources)  # the judge saw evidence: a real comparison


def test_documents_go_to_a_stable_shard():
    ids = [f"doc-{n}" for n in range(400)]
    # sha256, not hash(): the same shard on every machine, run and Python version
    assert [shard_of(i, 4) for i in ids] == [int(hashlib.sha256(i.encode()).hexdigest()[:16], 16) % 4 for i in ids]
    counts = np.bincount([shard_of(i, 4) for i in ids], minlength=4)
    assert counts.min() > 60  # spread evenly enough (100 expected per shard)


def test_sharded_index_searches_and_checks_like_one_index(built):
    one_dir, many_dir = built
    assert json.loads((many_dir / SHARDS_MANIFEST).read_text())["sources"] == 5
    one, many = ClaimIndex.load(one_dir), ClaimIndex.load(many_dir)
    assert isinstance(many, ShardedIndex) and many.shard_count == 3
    same_search(one, many)
    same_reports(verifier(one_dir), verifier(many_dir))


def test_the_chosen_rows_of_a_sharded_index_are_read_run_by_run(built):
    _, many_dir = built
    many = ClaimIndex.load(many_dir)
    calls = []
    real_call = many._shards.call

    def spy(method, args, shards=None):
        calls.append((method, args, shards))
        return real_call(method, args, shards)

    with mock.patch.object(many._shards, "call", spy):
        stored = many.vectors_in([(0, len(many.sentences))])
    # every shard reads its own documents' rows as runs (a slice each, joined where its documents are adjacent),
    # in one call; no row is asked for on its own
    assert [m for m, _, _ in calls] == ["vectors_in"] and sorted(calls[0][2]) == [0, 1, 2]
    pieces = [run for (runs,) in calls[0][1] for run in runs]
    assert sum(e - s for s, e in pieces) == len(many.sentences) and len(pieces) <= many.rows.documents
    np.testing.assert_array_equal(stored, many.vectors_at(np.arange(len(many.sentences))))


def test_an_update_rewrites_only_the_shard_of_the_changed_document(built, corpus_dir, tmp_path):
    _, many_dir = built
    before = {n: (folder_of(many_dir, n) / "manifest.json").read_bytes() for n in range(3)}
    new = corpus_dir / "005_new.txt"
    new.write_text("Putin plans a trip to Pyongyang next year.", encoding="utf-8")
    assert build_index(corpus_dir, many_dir, FakeEmbedder(), shards=3).added == 1
    index = ClaimIndex.load(many_dir)
    home = shard_of(next(s.source_id for s in index.source_summaries() if s.path == new.name), 3)
    assert [n for n in range(3) if (folder_of(many_dir, n) / "manifest.json").read_bytes() != before[n]] == [home]
    build_index(corpus_dir, tmp_path / "fresh", FakeEmbedder())
    same_search(ClaimIndex.load(tmp_path / "fresh"), index)
    assert build_index(corpus_dir, many_dir, FakeEmbedder(), shards=3).up_to_date


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "index", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, **(env or {})})


def _one_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert all(w in done.stderr for w in words), done.stderr


def test_a_missing_or_corrupt_shard_is_one_line(built, corpus_dir):
    one_dir, many_dir = built
    manifest = folder_of(many_dir, 1) / "manifest.json"
    original = manifest.read_bytes()
    manifest.write_bytes(original.replace(b'"built_at": "', b'"built_at": "1'))  # still valid, not the same bytes
    with pytest.raises(IndexStoreError, match="shard 001 .* corrupt: its manifest's checksum"):
        ClaimIndex.load(many_dir)
    _one_line(_cli("info", "--index", str(many_dir)), "shard 001", "checksum", "--shards 3")
    manifest.write_bytes(original)
    shutil.rmtree(folder_of(many_dir, 2))
    _one_line(_cli("info", "--index", str(many_dir)), "shard 002", "missing")
    vectors = next(folder_of(many_dir, 1).glob("seg-*")) / "vectors.npy"
    data = bytearray(vectors.read_bytes())
    data[-5] ^= 0xFF
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexStoreError, match="shard 001 .* cannot be opened .*vectors.npy does not match"):
        ClaimIndex.load(many_dir)
    _one_line(_cli("info", "--index", str(many_dir)), "shard 001", "--shards 3")
    # the command the message gives repairs both: the broken shards are rebuilt, the sound one kept
    kept = (folder_of(many_dir, 0) / "manifest.json").read_bytes()
    build_index(corpus_dir, many_dir, FakeEmbedder(), shards=3)
    assert (folder_of(many_dir, 0) / "manifest.json").read_bytes() == kept
    same_search(ClaimIndex.load(one_dir), ClaimIndex.load(many_dir))
    (folder_of(many_dir, 0) / "manifest.json").write_text("{not json", encoding="utf-8")
    _one_line(_cli("info", "--index", str(many_dir)), "shard 000", "checksum")
    build_index(corpus_dir, many_dir, FakeEmbedder(), shards=3)  # an unreadable shard is built again
    same_search(ClaimIndex.load(one_dir), ClaimIndex.load(many_dir))


def test_wrong_build_targets_are_one_line(built, corpus_dir):
    one_dir, many_dir = built
    with pytest.raises(IndexStoreError, match="holds a sharded index"):
        build_index(corpus_dir, many_dir, FakeEmbedder())
    with pytest.raises(IndexStoreError, match="3 shards, this build asks for 2"):
        build_index(corpus_dir, many_dir, FakeEmbedder(), shards=2)
    with pytest.raises(IndexStoreError, match="not sharded"):
        build_index(corpus_dir, one_dir, FakeEmbedder(), shards=2)


def test_a_shard_count_out_of_range_is_a_usage_error(corpus_dir, tmp_path):
    done = _cli("build", "--corpus", str(corpus_dir), "--out", str(tmp_path / "index"), "--shards", "0")
    assert done.returncode == 2 and done.stderr == "error: --shards must be between 1 and 999, got 0\n"
    assert not (tmp_path / "index").exists()


def test_an_unreachable_search_cluster_is_one_line(built):
    _, many_dir = built
    _one_line(_cli("info", "--index", str(many_dir), env={RAY_ENV: "127.0.0.1:9"}), "Ray", "127.0.0.1:9")
    if ray.is_initialized():
        pytest.skip("this process is attached to a cluster")
    with pytest.raises(IndexStoreError, match="cannot reach the Ray cluster"):
        ShardedIndex.load(many_dir, ray_address="127.0.0.1:9")
