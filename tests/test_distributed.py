"""``build_index(..., ray_address=...)`` on a local Ray cluster gives the index a local build gives; a sharded
index searched by one Ray actor per shard gives the hits and reports of one index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO, FakeEmbedder
from test_shards import folder_of, same_reports, same_search, verifier

from index import ClaimIndex, IndexStoreError, build_index
from index.shards import distributed
from index.shards.layout import shard_of
from index.shards.sharded_index import RAY_ENV, ShardedIndex

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_cluster():
    """A 2-CPU Ray cluster in this process; its workers import the tests' FakeEmbedder."""
    path = os.pathsep.join([str(REPO), str(REPO / "tests")])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path}})
    yield
    ray.shutdown()


@pytest.mark.parametrize("address", ["127.0.0.1:9", "nonsense"])
def test_an_unreachable_cluster_is_one_line(corpus_dir, tmp_path, address):
    if ray.is_initialized():
        pytest.skip("this process is attached to a cluster")
    with pytest.raises(IndexStoreError, match="Ray"):
        build_index(corpus_dir, tmp_path / "index", FakeEmbedder(), ray_address=address)
    done = subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus_dir), "--out",
                           str(tmp_path / "index"), "--ray", address], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "index" / "manifest.json").exists()


def test_ray_build_equals_the_local_build(local_cluster, corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(distributed, "RAY_CHUNK", 2)  # three Ray jobs, their results in one order
    local, remote = tmp_path / "local", tmp_path / "ray"
    build_index(corpus_dir, local, FakeEmbedder())
    result = build_index(corpus_dir, remote, FakeEmbedder(), ray_address="auto")
    assert (result.added, result.sources, result.sentences) == (5, 5, 79)
    a, b = ClaimIndex.load(local), ClaimIndex.load(remote)
    assert list(a.sentences) == list(b.sentences) and list(a.documents.values()) == list(b.documents.values())
    for source_id in a.documents:
        np.testing.assert_array_equal(a.vectors_of(source_id), b.vectors_of(source_id))
    (corpus_dir / "005_new.txt").write_text("Putin plans a trip to Pyongyang next year.", encoding="utf-8")
    assert build_index(corpus_dir, remote, FakeEmbedder(), ray_address="auto").added == 1  # incremental too


def test_ray_build_and_ray_search_equal_one_index(local_cluster, corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(distributed, "RAY_CHUNK", 3)  # a chunk spans two shards' documents
    one_dir, many_dir = tmp_path / "one", tmp_path / "ray"
    build_index(corpus_dir, one_dir, FakeEmbedder())
    result = build_index(corpus_dir, many_dir, FakeEmbedder(), ray_address="auto", shards=3)
    assert (result.added, result.sources, result.sentences) == (5, 5, 79)
    monkeypatch.setenv(RAY_ENV, "auto")  # ClaimIndex.load (so Verifier.from_index) opens one actor per shard
    one, many = ClaimIndex.load(one_dir), ClaimIndex.load(many_dir)
    assert many.remote
    same_search(one, many)
    same_reports(verifier(one), verifier(many))
    many.close()
    # an update whose new documents land in several shards, not all: one Ray job feeds each its own
    for n, text in enumerate(["Putin plans a trip to Pyongyang next year.", "Seoul protested the launch.",
                              "Lavrov met Choe Son Hui in Moscow.", "A satellite reached orbit."]):
        (corpus_dir / f"00{5 + n}_new.txt").write_text(text, encoding="utf-8")
    assert build_index(corpus_dir, many_dir, FakeEmbedder(), ray_address="auto", shards=3).added == 4
    build_index(corpus_dir, one_dir, FakeEmbedder())
    updated = ShardedIndex.load(many_dir, ray_address="")  # in this process
    assert len({shard_of(s.source_id, 3) for s in updated.source_summaries() if "_new" in s.path}) == 2
    same_search(ClaimIndex.load(one_dir), updated)
    shutil.rmtree(folder_of(many_dir, 0))
    with pytest.raises(IndexStoreError, match="shard 000 of the sharded index is missing"):
        ShardedIndex.load(many_dir)  # the actor's own error, not Ray's wrapper
