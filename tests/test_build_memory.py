"""A build holds a file's text at a time: each file's documents go to the new segment as it is read."""

from __future__ import annotations

import tracemalloc

import numpy as np

import index.build.new_segment
from bench.synthetic import line_split
from index import build_index


class _Watching:
    """An embedder of one fixed unit vector that records the Python memory traced at each call, and its peak so far."""

    name, dim = "watching", 8

    def __init__(self) -> None:
        self.traced: list[int] = []
        self.peaks: list[int] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        now, peak = tracemalloc.get_traced_memory()
        self.traced.append(now)
        self.peaks.append(peak)
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        vectors[:, 0] = 1.0
        return vectors


def test_the_corpus_text_is_never_all_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(index.build.new_segment, "split_document", line_split)  # lines as sentences: fast
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(20):  # 20 documents of 200 lines of ~1,000 characters: 4 MB of text
        lines = (f"Report {number} line {line} says " + "the figure rose again " * 45 for line in range(200))
        (corpus / f"doc{number:02d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    text_bytes = sum(p.stat().st_size for p in corpus.iterdir())
    embedder = _Watching()
    tracemalloc.start()
    try:
        build_index(corpus, tmp_path / "index", embedder)
    finally:
        tracemalloc.stop()
    assert len(embedder.traced) == 4_000 // index.build.new_segment.EMBED_CHUNK + 1
    # the peak while the corpus was read and written, up to the first embedding: read whole before anything
    # was written (as before), it passed text_bytes; streamed, one file (200 KB) is held at a time, with its
    # bytes, cleaned text and sentences (~1.3 MB), and the first 256 texts to embed
    assert embedder.peaks[0] < text_bytes / 2, (text_bytes, embedder.peaks[0])
    # held through the embedding, the documents would be text_bytes more; 256 texts a call are ~250 KB
    assert max(embedder.traced) < text_bytes / 4, (text_bytes, max(embedder.traced))
