"""Crash safety of index writes: kill -9 at any point of a build, the build lock, leftovers, old formats."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, FakeEmbedder

from index import ClaimIndex, IndexStoreError, MissingIndexError, StaleIndexError, build_index
from index.build.folder import own_entry
from index.store.claim_index import read_manifest
from index.store.durable import build_lock

# Each point names where the child build kills itself (SIGKILL: no cleanup runs).
_CHILD = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
import index.build.update, index.store.durable, index.build.new_segment, index.store.segment_writer
point = {point!r}

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

class Dying(FakeEmbedder):
    def embed(self, texts):
        if point == "embedding" and self.calls:
            die()
        return super().embed(texts)

if point == "segment-written":
    finish = index.store.segment_writer.SegmentWriter.finish
    def finish_then_die(self, *a, **k):
        finish(self, *a, **k)
        die()
    index.store.segment_writer.SegmentWriter.finish = finish_then_die
elif point == "before-swap":
    index.store.durable.os.replace = die
elif point == "after-swap":
    collect = index.build.update.collect_garbage
    calls = []
    def collect_then_die(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            die()
        collect(*a, **k)
    index.build.update.collect_garbage = collect_then_die
index.build.new_segment.EMBED_CHUNK = 8
index.build.update.build_index({corpus!r}, {out!r}, Dying())
"""


def _killed_build(corpus: Path, out: Path, point: str) -> None:
    script = _CHILD.format(tests=str(REPO / "tests"), point=point, corpus=str(corpus), out=str(out))
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == -9, done.stderr


def _leftovers(out: Path) -> list[str]:
    manifest = read_manifest(out)
    named = {s.name for s in manifest.segments} | ({manifest.ann.name} if manifest.ann else set())
    return [p.name for p in out.iterdir() if own_entry(p.name) and p.name != ".lock" and p.name not in named]


def _contents(index: ClaimIndex) -> tuple[list, np.ndarray]:
    return [s.model_dump() for s in index.sentences], np.concatenate([index.vectors_of(s) for s in index.documents])


def _change(corpus: Path) -> None:
    (corpus / "001_d5340ec7e7a9bdb8.txt").unlink()
    changed = corpus / "004_b105797065ca642f.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nKim will visit Moscow next spring.\n",
                       encoding="utf-8")
    (corpus / "005_new.md").write_text("# A new source\n\nPutin plans a trip to Pyongyang.\n", encoding="utf-8")


@pytest.mark.parametrize("point", ["embedding", "segment-written", "before-swap", "after-swap"])
def test_kill_during_an_update_leaves_a_usable_index(corpus_dir, tmp_path, point):
    out = tmp_path / "index"
    build_index(corpus_dir, out, FakeEmbedder())
    old = _contents(ClaimIndex.load(out))
    _change(corpus_dir)
    _killed_build(corpus_dir, out, point)

    survivor = ClaimIndex.load(out, corpus_check=False)  # opens, and its checksums hold
    sentences, vectors = _contents(survivor)
    fresh = tmp_path / "fresh"
    build_index(corpus_dir, fresh, FakeEmbedder())
    new = _contents(ClaimIndex.load(fresh))
    if point == "after-swap":
        assert sentences == new[0]
        np.testing.assert_array_equal(vectors, new[1])
    else:
        assert sentences == old[0]
        np.testing.assert_array_equal(vectors, old[1])

    result = build_index(corpus_dir, out, FakeEmbedder())  # picks up the change and clears what the kill left
    assert result.up_to_date == (point == "after-swap")
    assert not _leftovers(out)
    repaired = _contents(ClaimIndex.load(out))
    assert repaired[0] == new[0]
    np.testing.assert_array_equal(repaired[1], new[1])


def test_kill_during_a_first_build_leaves_nothing_that_passes_for_an_index(corpus_dir, tmp_path):
    out = tmp_path / "index"
    _killed_build(corpus_dir, out, "before-swap")
    with pytest.raises(MissingIndexError):
        ClaimIndex.load(out)
    assert not build_index(corpus_dir, out, FakeEmbedder()).up_to_date
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("seg-")) == [
        s.name for s in read_manifest(out).segments]


def test_a_second_build_fails_with_one_line_while_one_runs(corpus_dir, tmp_path):
    out = tmp_path / "index"
    with build_lock(out):
        with pytest.raises(IndexStoreError, match="another build is writing the index at"):
            build_index(corpus_dir, out, FakeEmbedder())
        done = subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus_dir), "--out", str(out)],
                              cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("error: another build is writing") and done.stderr.count("\n") == 1
    assert not (out / "manifest.json").exists()


def test_a_build_may_wait_for_the_running_one(corpus_dir, tmp_path):
    out = tmp_path / "index"
    held = threading.Event()

    def hold() -> None:
        with build_lock(out):
            held.set()
            time.sleep(0.5)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    assert not build_index(corpus_dir, out, FakeEmbedder(), wait_s=30).up_to_date
    thread.join()


def test_leftovers_of_a_killed_build_are_removed_by_the_next(corpus_dir, tmp_path):
    out = tmp_path / "index"
    build_index(corpus_dir, out, FakeEmbedder())
    (out / "seg-0123456789ab").mkdir()
    (out / "seg-0123456789ab" / "vectors.raw").write_bytes(b"half")
    (out / "manifest.json.tmp-0badf00d").write_text("{", encoding="utf-8")
    assert build_index(corpus_dir, out, FakeEmbedder()).up_to_date
    assert not _leftovers(out) and not (out / "manifest.json.tmp-0badf00d").exists()


def test_an_index_of_the_older_format_is_stale_and_rebuilt(corpus_dir, tmp_path):
    out = tmp_path / "index"
    out.mkdir()
    for name in ("documents.jsonl", "sentences.jsonl", "vectors.faiss"):
        (out / name).write_text("old", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"format_version": 1, "embedding_model": "fake-embedder",
                                                   "corpus_root": str(corpus_dir)}), encoding="utf-8")
    with pytest.raises(StaleIndexError, match=rf"format version 1, this Crosscheck reads version 2; rebuild it "
                                              rf"with: python -m index build --corpus {corpus_dir} --out {out}"):
        ClaimIndex.load(out)
    assert not build_index(corpus_dir, out, FakeEmbedder()).up_to_date
    assert len(ClaimIndex.load(out).documents) == 5
    assert not any((out / name).exists() for name in ("documents.jsonl", "sentences.jsonl", "vectors.faiss"))
