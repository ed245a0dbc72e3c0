"""Durable writes for an index folder: fsync, an atomic file swap, and a build lock.

An index folder changes in exactly one step: ``manifest.json`` is replaced by one
``os.replace``. Everything it points to is written, fsynced and closed before that
rename, and the folder itself is fsynced after it, so a crash (kill -9, power loss)
at any moment leaves either the old manifest or the new one, each naming complete data.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from index.errors import IndexStoreError

__all__ = ["LOCK_NAME", "build_lock", "fsync_dir", "fsync_file", "remove_path", "write_atomic"]

LOG = logging.getLogger(__name__)

LOCK_NAME = ".lock"
"""File in an index folder that a build holds an exclusive ``flock`` on."""


def _fsync(path: Path, flags: int) -> None:
    """Open ``path`` with ``flags``, fsync it, and close it again."""
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a written file's data to disk."""
    _fsync(path, os.O_RDONLY)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new, renamed or removed names) to disk."""
    _fsync(path, os.O_RDONLY | os.O_DIRECTORY)


def remove_path(path: Path) -> None:
    """Remove a file or a folder with what it holds (nothing when it is already gone)."""
    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old bytes or the new, never a mix.

    The bytes go to a temporary name in the same folder, are fsynced, and are renamed
    over ``path``; then the folder is fsynced so the rename itself survives a crash.
    """
    tmp = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


@contextlib.contextmanager
def build_lock(folder: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the exclusive build lock of an index folder (created if needed).

    The lock is an ``flock`` on ``folder/.lock``: the kernel drops it when the holder
    exits, even by kill -9, so a crashed build never leaves the folder locked.

    Args:
        folder: The index folder.
        wait_s: How long to wait for another build to finish. Defaults to 0 (fail at once).

    Raises:
        IndexStoreError: Another build holds the lock after ``wait_s`` seconds.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexStoreError(
                        f"another build is writing the index at {folder}; wait for it to finish and run again"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
