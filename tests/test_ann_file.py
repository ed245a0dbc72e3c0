"""The IVF file written with its lists streamed (``index.ann_file``) is faiss's own, in bounded memory."""

from __future__ import annotations

import os
import tracemalloc

import faiss
import numpy as np
import pytest

from index import ann, ann_file


def _clustered(n: int, dim: int, seed: int = 7, points: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((points, dim))
    vectors = (centres[rng.integers(0, points, n)] + 0.5 * rng.standard_normal((n, dim))).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize(("vectors", "dtype"), [
    (_clustered(20_000, 32), "float32"),  # most lists hold vectors: faiss writes a full table of sizes
    (_clustered(6_000, 16), "float16"),  # float16 segments are widened chunk by chunk
    (np.repeat(_clustered(12, 16), 500, axis=0), "float32"),  # 12 distinct vectors: a sparse table
])
def test_the_streamed_file_is_byte_for_byte_faiss_own(tmp_path, monkeypatch, vectors, dtype):
    monkeypatch.setattr(ann, "ADD_CHUNK", 4_000)  # several chunks, one crossing the blocks' border
    monkeypatch.setattr(ann_file, "ADD_CHUNK", 4_000)
    vectors = vectors.astype(dtype)
    cut = len(vectors) * 3 // 5
    blocks = [vectors[:cut], vectors[cut:]]
    ids = [np.arange(cut), np.arange(10**6, 10**6 + len(vectors) - cut)]
    index, kind, nprobe = ann.build_ann(blocks, ids)
    faiss.write_index(index, str(tmp_path / "memory.faiss"))

    assert ann_file.write_ivf(tmp_path / "streamed.faiss", blocks, ids) == (kind, nprobe)
    assert (tmp_path / "streamed.faiss").read_bytes() == (tmp_path / "memory.faiss").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.faiss", "streamed.faiss"]  # no scratch left


def _peak_bytes(tmp_path, n: int, monkeypatch) -> tuple[int, list[int]]:
    """Peak traced memory of writing ``n`` vectors' lists (after training, before tuning), and the sizes
    the codes were read back in."""
    vectors, ids = _clustered(n, 64), [np.arange(n)]
    reads: list[int] = []
    pread, stream = os.pread, ann_file._stream

    def counted(fd: int, size: int, offset: int) -> bytes:
        reads.append(size)
        return pread(fd, size, offset)

    def measured(*args):
        tracemalloc.reset_peak()
        return stream(*args)

    monkeypatch.setattr(ann_file.os, "pread", counted)
    monkeypatch.setattr(ann_file, "_stream", measured)
    monkeypatch.setattr(ann.Trained, "tune", lambda self, index, ids: 1)  # its exact search is bounded apart
    tracemalloc.start()
    try:
        ann_file.write_ivf(tmp_path / f"ivf-{n}.faiss", [vectors], ids)
        return tracemalloc.get_traced_memory()[1], reads
    finally:
        tracemalloc.stop()


def test_writing_the_lists_holds_chunks_not_the_index(tmp_path, monkeypatch):
    monkeypatch.setattr(ann, "ivf_kind", lambda n: "IVF64,SQ8")  # the same lists at both sizes
    monkeypatch.setattr(ann, "ADD_CHUNK", 2_000)
    monkeypatch.setattr(ann_file, "ADD_CHUNK", 2_000)
    small, small_reads = _peak_bytes(tmp_path, 10_000, monkeypatch)
    large, large_reads = _peak_bytes(tmp_path, 80_000, monkeypatch)
    code_size = 64  # SQ8: a byte a dimension
    assert max(small_reads + large_reads) == 2_000 * code_size
    assert len(large_reads) == 40
    # holding the lists would add 72 bytes a vector (code and id); streamed, what is left is its
    # list number (4 bytes) until the lists are written
    assert large - small < 6 * (80_000 - 10_000), (small, large)
