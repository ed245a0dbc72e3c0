"""Write an IVF index file without holding its inverted lists in memory.

``faiss.write_index`` needs the whole index in memory: at 1M vectors adding them raised the
build's anonymous memory by ~765 MiB, most of it the lists (384 code bytes and an 8-byte id a
vector, 374 MiB, in per-list vectors that grow by doubling). Here
the trained, empty index is serialised by faiss, and the lists section that follows it is
written by this module in faiss's own layout (``ilar``: per-list codes then ids, lists in
order), in two passes over the memory-mapped vectors, ``ADD_CHUNK`` at a time:

1. encode each chunk (``sa_encode``: the list number, then the code, as ``add`` stores it)
   into an unlinked temporary file, keeping each vector's list number (4 bytes a vector);
2. with every list's size known, sort the list numbers once (stably) and write the file front to
   back: each list's codes, gathered from the scratch file memory-mapped, then its ids.

Within a list the vectors stay in the order they were added, so the file is byte for byte
the one ``faiss.write_index`` writes for ``Trained.in_memory``'s index (``tests/test_ann_file.py``).
The file is then read back memory-mapped to tune ``nprobe``, which is patched into its header.
Where this faiss lays out an empty index differently from what is expected here, the index is
built in memory as before (one warning).
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from index.search.ann import ADD_CHUNK, Trained

__all__ = ["write_ivf"]

LOG = logging.getLogger(__name__)

_SIZE = struct.Struct("<Q")  # faiss writes size_t, idx_t and list sizes as 8 little-endian bytes
_ID = np.dtype("<i8")
_MAGIC = 0x5A17_C0DE_0FF5_E7A1


def _serialised(index: faiss.Index) -> bytes:
    return faiss.serialize_index(index).tobytes()


def _offset(index: faiss.Index, field: str, owner: object) -> int:
    """Where the 8-byte ``field`` of ``owner`` sits in ``index``'s serialised header (found by a marker value)."""
    old = getattr(owner, field)
    setattr(owner, field, _MAGIC)
    try:
        data = _serialised(index)
    finally:
        setattr(owner, field, old)
    at = data.find(_SIZE.pack(_MAGIC))
    if at < 0 or data.find(_SIZE.pack(_MAGIC), at + 1) >= 0:
        raise ValueError(f"{field} not found once in the serialised index")
    return at


def _header(index: faiss.Index) -> tuple[bytes, int, int, int] | None:
    """The serialised empty index up to its (empty) lists section, the ``ntotal`` and ``nprobe`` offsets,
    and the code size; None where faiss lays it out otherwise than expected."""
    ivf = faiss.extract_index_ivf(index)
    data = _serialised(index)
    empty_lists = b"ilar" + _SIZE.pack(ivf.nlist) + _SIZE.pack(ivf.code_size) + b"sprs" + _SIZE.pack(0)
    if index.ntotal != 0 or not data.endswith(empty_lists):
        return None
    try:
        ntotal_at, nprobe_at = _offset(index, "ntotal", index), _offset(index, "nprobe", ivf)
    except ValueError:
        return None
    # keep "ilar", nlist and the code size; the table of sizes and the lists follow (``_write_lists``)
    return data[:len(data) - 12], ntotal_at, nprobe_at, ivf.code_size


def _write_all(fd: int, data: bytes | np.ndarray, offset: int) -> int:
    """Write all of ``data`` at ``offset``; where it ends."""
    view = memoryview(np.ascontiguousarray(data) if isinstance(data, np.ndarray) else data).cast("B")
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written
    return offset


def write_ivf(path: Path, blocks: Sequence[np.ndarray], ids: Sequence[np.ndarray], threads: int = 2,
              seed: int = 0) -> tuple[str, int]:
    """Write the IVF index ``Trained(blocks, threads, seed).in_memory(ids)`` would build to ``path``, its lists streamed.

    Args:
        path: The new file (not fsynced here).
        blocks: The vectors, one array per segment (memory-mapped is fine).
        ids: The id of each row of each block (int64, same lengths).
        threads: faiss threads while training and encoding. Defaults to 2.
        seed: Sampling seed. Defaults to 0.

    Returns:
        The index's factory string and its tuned ``nprobe`` (also stored in the file).
    """
    trained = Trained(blocks, threads, seed)
    layout = _header(trained.index)
    if layout is None:
        LOG.warning("this faiss serialises IVF indexes differently; building %s in memory", trained.kind)
        nprobe = trained.in_memory(ids)
        faiss.write_index(trained.index, str(path))
        return trained.kind, nprobe
    try:
        return _stream(path, trained, ids, layout)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _stream(path: Path, trained: Trained, ids: Sequence[np.ndarray], layout: tuple[bytes, int, int, int]
            ) -> tuple[str, int]:
    """``write_ivf`` once the header is known: encode, write the lists, tune, patch ``nprobe``."""
    head, ntotal_at, nprobe_at, code_size = layout
    ivf = faiss.extract_index_ivf(trained.index)
    prefix = ivf.coarse_code_size()
    listnos = np.empty(trained.total, dtype=np.int32)
    sizes = np.zeros(ivf.nlist, dtype=np.int64)
    with tempfile.TemporaryFile(dir=path.parent) as scratch:  # unlinked: a killed build leaves nothing
        done = 0
        for vectors, _ in trained.chunks(ids):
            encoded = trained.index.sa_encode(vectors)
            numbers = _list_numbers(encoded[:, :prefix])
            listnos[done:done + len(vectors)] = numbers
            sizes += np.bincount(numbers, minlength=ivf.nlist)
            scratch.write(np.ascontiguousarray(encoded[:, prefix:]).data)
            done += len(vectors)
        scratch.flush()
        _write_lists(path, head, ntotal_at, trained.total, sizes, code_size, listnos, ids, scratch.fileno())
    del listnos
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    nprobe = trained.tune(index, ids)
    del index
    fd = os.open(path, os.O_WRONLY)
    try:
        _write_all(fd, _SIZE.pack(nprobe), nprobe_at)
    finally:
        os.close(fd)
    return trained.kind, nprobe


def _list_numbers(prefixes: np.ndarray) -> np.ndarray:
    """The list numbers ``sa_encode`` puts before each code (little-endian, as few bytes as the lists need)."""
    weights = 256 ** np.arange(prefixes.shape[1], dtype=np.int64)
    return prefixes.astype(np.int64) @ weights


def _write_lists(path: Path, head: bytes, ntotal_at: int, total: int, sizes: np.ndarray, code_size: int,
                 listnos: np.ndarray, ids: Sequence[np.ndarray], codes_fd: int) -> None:
    """Write the file: the header with ``ntotal``, the lists' sizes, then each list's codes and ids.

    One stable sort of the list numbers puts every vector where faiss has it (by list, then in
    the order of adding); the file is then written front to back, each list's codes (gathered
    from the memory-mapped scratch file) and ids ``ADD_CHUNK`` rows at a time: the loop runs
    once per non-empty list and once per chunk, whatever the corpus's size.
    """
    header = bytearray(head)
    header[ntotal_at:ntotal_at + 8] = _SIZE.pack(total)
    nlist = len(sizes)
    used = np.flatnonzero(sizes)
    if len(used) > nlist // 2:  # faiss's choice between a full and a sparse table of sizes
        header += b"full" + _SIZE.pack(nlist) + sizes.astype("<u8").tobytes()
    else:
        header += b"sprs" + _SIZE.pack(2 * len(used)) + np.stack([used, sizes[used]], axis=1).astype("<u8").tobytes()
    order = np.argsort(listnos, kind="stable")  # positions in the order of adding, list by list
    ends = np.cumsum(sizes)
    starts = np.cumsum([0, *[len(b) for b in ids]])  # where each block's rows begin among all positions
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # as fopen: the umask decides
    try:
        with mmap.mmap(codes_fd, total * code_size, prot=mmap.PROT_READ) as scratch:
            codes = np.frombuffer(scratch, dtype=np.uint8).reshape(total, code_size)
            at = _write_all(fd, bytes(header), 0)
            for number in used.tolist():
                rows = order[ends[number] - sizes[number]:ends[number]]
                for first in range(0, len(rows), ADD_CHUNK):
                    at = _write_all(fd, codes[rows[first:first + ADD_CHUNK]], at)
                for first in range(0, len(rows), ADD_CHUNK):
                    at = _write_all(fd, _ids_at(rows[first:first + ADD_CHUNK], ids, starts), at)
            del codes  # the map closes only once no array views it
    finally:
        os.close(fd)


def _ids_at(positions: np.ndarray, ids: Sequence[np.ndarray], starts: np.ndarray) -> np.ndarray:
    """The ids of the vectors at ``positions`` (counted across the blocks), little-endian int64."""
    block = np.searchsorted(starts, positions, side="right") - 1
    found = np.empty(len(positions), dtype=_ID)
    for number in np.unique(block).tolist():
        picked = block == number
        found[picked] = np.asarray(ids[number])[positions[picked] - starts[number]]
    return found
