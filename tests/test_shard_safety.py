"""A sharded build never loses the index the user had: until the new one is complete, the previous one opens
and answers the same; bad input on the sharded paths is one line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, FakeEmbedder
from test_shards import CLAIMS, _cli, _one_line, folder_of, same_search

import index.shards.build
import index.shards.sharded_index
from index import ClaimIndex, build_index
from index.shards.layout import SHARDS_FOLDER, SHARDS_MANIFEST, read_shard_manifest, shard_of

pytest.importorskip("ray")

NEW = ["Putin plans a trip to Pyongyang next year.", "Seoul protested the launch.",
       "Lavrov met Choe Son Hui in Moscow.", "A satellite reached orbit.", "Bread prices rose in Paris."]


def answers(index_dir: Path) -> tuple:
    """What a check of ``CLAIMS`` reads from the index: per-source hits, global neighbours, counts."""
    loaded = ClaimIndex.load(index_dir, corpus_check=False)  # the corpus gained files the index has not yet
    try:
        queries = FakeEmbedder().embed(CLAIMS)
        return (loaded.search_batch(queries, 3), loaded.nearest(queries, 10), loaded.manifest.sources,
                list(loaded.sentences))
    finally:
        loaded.close()


def files_of(index_dir: Path) -> dict[str, str]:
    """sha256 of every file of the index (the lock aside), by path."""
    return {str(p.relative_to(index_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(index_dir.rglob("*")) if p.is_file() and p.name != ".lock"}


def add_documents(corpus: Path) -> None:
    """New corpus files (their documents land in more than one shard of three)."""
    for n, text in enumerate(NEW):
        (corpus / f"{5 + n:03d}_new.txt").write_text(text, encoding="utf-8")


@pytest.fixture
def three(corpus_dir, tmp_path):
    out = tmp_path / "three"
    build_index(corpus_dir, out, FakeEmbedder(), shards=3)
    return out


def test_a_build_that_fails_after_one_shard_leaves_the_previous_index_as_it_was(three, corpus_dir, tmp_path,
                                                                                monkeypatch):
    before_answers, before_files = answers(three), files_of(three)
    add_documents(corpus_dir)
    real, written = index.shards.build.write_update, []

    def crash_after_the_first_shard(folder, *args, **kwargs):
        if written:
            raise OSError(28, "No space left on device")
        written.append(folder)
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(index.shards.build, "write_update", crash_after_the_first_shard)
    with pytest.raises(OSError, match="No space left"):
        build_index(corpus_dir, three, FakeEmbedder(), shards=3)
    assert written  # one shard was written in full before the failure
    assert files_of(three) == before_files  # not a byte changed, and the new shard's folder is gone
    assert answers(three) == before_answers
    monkeypatch.undo()
    # the next build completes the update: the same index as a fresh build of the changed corpus
    assert build_index(corpus_dir, three, FakeEmbedder(), shards=3).added == len(NEW)
    build_index(corpus_dir, tmp_path / "one", FakeEmbedder())
    same_search(ClaimIndex.load(tmp_path / "one"), ClaimIndex.load(three))
    assert sorted(p.name for p in (three / SHARDS_FOLDER).iterdir()) == sorted(
        folder_of(three, n).name for n in range(3))  # the retired versions were removed


KILL = """
import os, sys
sys.path[:0] = [{repo!r}, {tests!r}]
from conftest import FakeEmbedder
import index.shards.build
from index import build_index
real, written = index.shards.build.write_update, []
def killed(folder, *args, **kwargs):
    if written:
        os._exit(9)  # as kill -9: no cleanup runs
    written.append(folder)
    return real(folder, *args, **kwargs)
index.shards.build.write_update = killed
build_index({corpus!r}, {out!r}, FakeEmbedder(), shards=3)
"""


def test_a_build_killed_between_shards_leaves_the_previous_index_and_the_next_build_finishes(three, corpus_dir,
                                                                                            tmp_path):
    before_answers, before_manifest = answers(three), (three / SHARDS_MANIFEST).read_bytes()
    named = {folder_of(three, n).name for n in range(3)}
    homes = {shard_of(source, 3) for source in _new_source_ids(corpus_dir)}
    assert len(homes) >= 2  # the kill comes after one shard and before another
    script = KILL.format(repo=str(REPO), tests=str(REPO / "tests"), corpus=str(corpus_dir), out=str(three))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 9, done.stderr
    left = {p.name for p in (three / SHARDS_FOLDER).iterdir()} - named
    assert left and len({name.split("-")[1] for name in left}) == 1  # the killed build's folders, never named
    assert (three / SHARDS_MANIFEST).read_bytes() == before_manifest
    assert answers(three) == before_answers
    assert _cli("info", "--index", str(three)).returncode == 0  # the CLI opens it too
    assert build_index(corpus_dir, three, FakeEmbedder(), shards=3).added == len(NEW)
    assert not left & {p.name for p in (three / SHARDS_FOLDER).iterdir()}  # its leftover is gone
    assert answers(three)[2] == 5 + len(NEW)


def _new_source_ids(corpus: Path) -> list[str]:
    """Add the new documents and return their source ids (as a fresh index of the corpus reads them)."""
    add_documents(corpus)
    from index.ingest.read import read_corpus

    return [d.source_id for d in read_corpus(corpus).documents if d.path.endswith("_new.txt")]


def test_an_index_of_the_layout_before_versions_opens_and_updates(three, corpus_dir):
    """Shard folders named ``shards/000`` (no version): the layout of indexes built before this change."""
    raw = json.loads((three / SHARDS_MANIFEST).read_text(encoding="utf-8"))
    for shard in raw["shards"]:
        (three / SHARDS_FOLDER / f"{shard['name']}-{shard.pop('version')}").rename(three / SHARDS_FOLDER / shard["name"])
    (three / SHARDS_MANIFEST).write_text(json.dumps(raw), encoding="utf-8")
    before = answers(three)
    assert [folder_of(three, n).name for n in range(3)] == ["000", "001", "002"] and before[2] == 5
    add_documents(corpus_dir)
    assert build_index(corpus_dir, three, FakeEmbedder(), shards=3).added == len(NEW)
    assert answers(three)[2] == 5 + len(NEW)


def test_bad_sharded_input_is_one_line(three, corpus_dir, tmp_path):
    info = ("info", "--index", str(three))
    build = ("build", "--corpus", str(corpus_dir), "--out")
    manifest = three / SHARDS_MANIFEST
    good = manifest.read_bytes()
    for broken, words in ((b"{not json", "not valid JSON"), (b"[]", "not a JSON object"),
                          (good.replace(b'"name": "001"', b'"name": "../x"'), "shards.1.name"),
                          (good.replace(b'"version": "', b'"version": "../'), "shards.0.version")):
        manifest.write_bytes(broken)
        _one_line(_cli(*info), "sharded index", "corrupt", words)
        _one_line(_cli(*build, str(three), "--shards", "3"), words)  # a build refuses it too: nothing is lost
    manifest.write_bytes(good)
    for count in ("0", "-2"):
        done = _cli(*build, str(tmp_path / "new"), "--shards", count)
        assert done.returncode == 2 and done.stderr == f"error: --shards must be between 1 and 999, got {count}\n"
    done = _cli(*build, str(tmp_path / "new"), "--shards", "6")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "--shards 6 is more than the 5 documents" in done.stderr and "--shards 5 or fewer" in done.stderr
    assert not (tmp_path / "new").exists()  # a refused first build leaves no folder
    assert build_index(corpus_dir, tmp_path / "five", FakeEmbedder(), shards=5).sources == 5  # one a shard is fine


def test_a_reader_that_read_shards_json_just_before_a_swap_opens_the_new_index(three, corpus_dir, monkeypatch):
    before = index.shards.sharded_index.read_shard_manifest(three)
    add_documents(corpus_dir)
    build_index(corpus_dir, three, FakeEmbedder(), shards=3)  # retires the folders ``before`` names
    reads = []

    def first_the_old_one(path):
        reads.append(path)
        return before if len(reads) == 1 else read_shard_manifest(path)

    monkeypatch.setattr(index.shards.sharded_index, "read_shard_manifest", first_the_old_one)
    assert ClaimIndex.load(three).manifest.sources == 5 + len(NEW) and len(reads) == 2
