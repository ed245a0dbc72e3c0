"""A fresh build writes each file's documents as it reads them: the same index as reading the corpus whole."""

from __future__ import annotations

import json
import sqlite3
import time

import numpy as np
import pytest

from index import IngestError, build_index
from index.build.plan import Plan, Snapshot, file_stats, stamp_of
from index.build.update import write_update
from index.ingest.read import read_corpus
from index.store.text_tables import DEFAULT_TABLES
from tests.conftest import FakeEmbedder


def _corpus(corpus_dir, bad: bool = False):
    lines = [{"id": f"wire-{n}", "text": f"Wire story {n} says the port reopened. Ships queued for {n} days."}
             for n in range(3)]
    (corpus_dir / "wire.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    (corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    if bad:
        (corpus_dir / "zz_bad.txt").write_bytes(b"not utf-8 \x80")  # not \xff\xfe first: that is a UTF-16 mark, and text
    return corpus_dir


def _tables(index_dir) -> tuple[list, list, bytes]:
    (segment,) = sorted(index_dir.glob("seg-*"))
    with sqlite3.connect(segment / "rows.sqlite") as db:
        documents = db.execute("SELECT * FROM documents ORDER BY ordinal").fetchall()
        sentences = db.execute("SELECT * FROM sentences ORDER BY row").fetchall()
    return documents, sentences, np.load(segment / "vectors.npy").tobytes()


def test_the_streamed_build_writes_what_reading_the_corpus_whole_wrote(corpus_dir, tmp_path):
    corpus = _corpus(corpus_dir, bad=True)  # a bad file skipped, an empty one too
    streamed = build_index(corpus, tmp_path / "streamed", FakeEmbedder())

    whole = tmp_path / "whole"  # the path every fresh build took before: the corpus read, then written
    whole.mkdir()
    stats, checked = file_stats(corpus), time.time_ns()
    snapshot = Snapshot.of(read_corpus(corpus))
    result = write_update(whole, Plan(snapshot, None), snapshot, stamp_of(snapshot.files, stats, checked),
                          FakeEmbedder(), None, "float32", DEFAULT_TABLES, None, None)

    assert streamed.model_dump(exclude={"out"}) == result.model_dump(exclude={"out"})
    assert streamed.skipped == {"empty.txt": "empty file", "zz_bad.txt": streamed.skipped["zz_bad.txt"]}
    assert _tables(tmp_path / "streamed") == _tables(whole)
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (tmp_path / "streamed", whole)]
    for manifest in manifests:
        for key in ("built_at", "checked_ns", "file_stats"):
            manifest.pop(key)
        for segment in manifest["segments"]:
            segment.pop("name")
    assert manifests[0] == manifests[1]


class _Unloaded(FakeEmbedder):
    """A fake embedder that records when its model would load (its size is asked, or it embeds)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False

    @property
    def dim(self) -> int:
        self.loaded = True
        return 32

    @dim.setter
    def dim(self, value: int) -> None:
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        self.loaded = True
        return super().embed(texts)


def test_a_bad_file_stops_a_strict_build_before_the_model_loads_and_leaves_nothing(corpus_dir, tmp_path):
    corpus = _corpus(corpus_dir, bad=True)  # the bad file comes last: every other file was written first
    embedder = _Unloaded()
    with pytest.raises(IngestError, match="zz_bad.txt"):
        build_index(corpus, tmp_path / "index", embedder, strict=True)
    assert not embedder.loaded
    assert not list((tmp_path / "index").glob("seg-*")) and not (tmp_path / "index" / "manifest.json").exists()

    (corpus / "zz_bad.txt").unlink()
    result = build_index(corpus, tmp_path / "index", embedder, strict=True)
    assert embedder.loaded and result.sources == 8 and not result.up_to_date
