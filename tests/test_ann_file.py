"""The IVF file written with its lists streamed (``index.search.ann_file``) is faiss's own, in bounded memory."""

from __future__ import annotations

import tracemalloc

import faiss
import numpy as np
import pytest

from index.search import ann, ann_file


def _clustered(n: int, dim: int, seed: int = 7, points: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((points, dim))
    vectors = (centres[rng.integers(0, points, n)] + 0.5 * rng.standard_normal((n, dim))).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _in_memory(path, blocks, ids) -> tuple[faiss.Index, str, int]:
    """The index built with its lists in memory (``Trained.in_memory``), written by ``faiss.write_index``."""
    trained = ann.Trained(blocks, threads=2, seed=0)
    nprobe = trained.in_memory(ids)
    faiss.write_index(trained.index, str(path))
    return trained.index, trained.kind, nprobe


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
    _, kind, nprobe = _in_memory(tmp_path / "memory.faiss", blocks, ids)

    assert ann_file.write_ivf(tmp_path / "streamed.faiss", blocks, ids) == (kind, nprobe)
    assert (tmp_path / "streamed.faiss").read_bytes() == (tmp_path / "memory.faiss").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.faiss", "streamed.faiss"]  # no scratch left


def _peak_bytes(tmp_path, n: int, monkeypatch) -> tuple[int, list[int]]:
    """Peak traced memory of writing ``n`` vectors' lists (after training, before tuning), and the sizes
    of the writes the file was written in (the header first, the tuned ``nprobe`` patched in last)."""
    vectors, ids = _clustered(n, 64), [np.arange(n // 3), np.arange(n // 3, n)]
    writes: list[int] = []
    write_all, stream = ann_file._write_all, ann_file._stream

    def counted(fd: int, data, offset: int) -> int:
        writes.append(data.nbytes if isinstance(data, np.ndarray) else len(data))
        return write_all(fd, data, offset)

    def measured(*args):
        tracemalloc.reset_peak()
        return stream(*args)

    monkeypatch.setattr(ann_file, "_write_all", counted)
    monkeypatch.setattr(ann_file, "_stream", measured)
    monkeypatch.setattr(ann.Trained, "tune", lambda self, index, ids: 1)  # its exact search is bounded apart
    tracemalloc.start()
    try:
        ann_file.write_ivf(tmp_path / f"ivf-{n}.faiss", [vectors[:n // 3], vectors[n // 3:]], ids)
        return tracemalloc.get_traced_memory()[1], writes
    finally:
        tracemalloc.stop()


def test_writing_the_lists_holds_chunks_not_the_index(tmp_path, monkeypatch):
    monkeypatch.setattr(ann, "ivf_kind", lambda n: "IVF64,SQ8")  # the same lists at both sizes
    monkeypatch.setattr(ann, "ADD_CHUNK", 2_000)
    monkeypatch.setattr(ann_file, "ADD_CHUNK", 2_000)
    small, small_writes = _peak_bytes(tmp_path, 10_000, monkeypatch)
    large, large_writes = _peak_bytes(tmp_path, 80_000, monkeypatch)
    code_size = 64  # SQ8: a byte a dimension
    lists = small_writes[1:-1] + large_writes[1:-1]
    assert max(lists) <= 2_000 * code_size  # the lists are written in bounded pieces
    # a write of codes and one of ids a list, more only for lists past a chunk: linear in the vectors
    # (writing chunk by chunk into every list's place took a write per list per chunk: 2 x 64 x 40 here)
    assert len(large_writes) - 2 <= 2 * (64 + 80_000 // 2_000), len(large_writes)
    assert sum(large_writes[1:-1]) == 80_000 * (code_size + 8)
    # holding the lists would add 72 bytes a vector (code and id); streamed, what is left is its
    # list number (4 bytes) and its place in the sorted order (8 bytes) until the lists are written
    assert large - small < 14 * (80_000 - 10_000), (small, large)


@pytest.mark.parametrize("layout", ["one list", "uneven, some empty"])
def test_lists_of_any_sizes_are_written_as_faiss_writes_them(tmp_path, monkeypatch, layout):
    monkeypatch.setattr(ann, "ADD_CHUNK", 700)
    monkeypatch.setattr(ann_file, "ADD_CHUNK", 700)
    if layout == "one list":
        monkeypatch.setattr(ann, "ivf_kind", lambda n: "IVF1,SQ8")
        vectors = _clustered(3_000, 16)
    else:  # 64 lists over 12 distinct vectors, one of them 2,000 times (a list past a chunk): most lists empty
        vectors = np.repeat(_clustered(12, 16, seed=3), [2_000, *range(10, 120, 10)], axis=0)
        vectors = vectors[np.random.default_rng(0).permutation(len(vectors))]
    blocks = [vectors[:1_000], vectors[1_000:1_001], vectors[1_001:]]  # a one-row block too
    ids = [np.arange(1_000) * 3, np.array([5_000]), np.arange(10**9, 10**9 + len(vectors) - 1_001)]
    index, kind, nprobe = _in_memory(tmp_path / "memory.faiss", blocks, ids)
    sizes = faiss.extract_index_ivf(index).invlists
    lengths = [sizes.list_size(i) for i in range(sizes.nlist)]
    if layout != "one list":
        assert 0 in lengths and max(lengths) > 700, lengths

    assert ann_file.write_ivf(tmp_path / "streamed.faiss", blocks, ids) == (kind, nprobe)
    assert (tmp_path / "streamed.faiss").read_bytes() == (tmp_path / "memory.faiss").read_bytes()


def test_a_faiss_laid_out_otherwise_gets_the_same_file_built_in_memory(tmp_path, monkeypatch, caplog):
    vectors = _clustered(6_000, 16)
    blocks, ids = [vectors[:2_500], vectors[2_500:]], [np.arange(2_500), np.arange(10**6, 10**6 + 3_500)]
    _, kind, nprobe = _in_memory(tmp_path / "memory.faiss", blocks, ids)
    monkeypatch.setattr(ann_file, "_header", lambda index: None)  # as if faiss serialised it otherwise

    assert ann_file.write_ivf(tmp_path / "fallback.faiss", blocks, ids) == (kind, nprobe)
    assert (tmp_path / "fallback.faiss").read_bytes() == (tmp_path / "memory.faiss").read_bytes()
    assert "building IVF" in caplog.text and "in memory" in caplog.text
