"""Versioned shard folders: how a sharded build changes shards without touching the ones in use.

A folder that ``shards.json`` names is never written. A build that changes a shard starts a
new folder for it (``shards/NNN-<version>``, one version per build) from the old one's parts,
linked rather than copied (segments are immutable once written), writes its update there,
and only the swap of ``shards.json`` makes the new folders the index. A build killed before
the swap leaves the previous index as it was, plus unnamed folders that the next build
removes; after the swap the folders no longer named are removed.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import uuid
from pathlib import Path

from index.models import Manifest
from index.shards.layout import SHARDS_FOLDER, ShardManifest, shard_folder
from index.store.durable import LOCK_NAME, fsync_dir, remove_path
from index.store.manifest_file import MANIFEST

__all__ = ["new_version", "remove_if_bare", "remove_unlisted", "start_from"]

LOG = logging.getLogger(__name__)

_NO_LINK = (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK, errno.EOPNOTSUPP)
"""``os.link`` errors of a file system without hard links (or at its link limit): the file is copied instead."""


def new_version() -> str:
    """A fresh version name for the folders one build writes (12 hex digits)."""
    return uuid.uuid4().hex[:12]


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        shutil.copy2(source, target)


def start_from(old: Path, manifest: Manifest, new: Path) -> None:
    """Make ``new`` hold the index in ``old`` as ``manifest`` describes it, without writing to ``old``.

    The manifest, each segment's files and the ANN file are hard-linked (copied where the file
    system has no links): the new folder costs no space until its update writes.

    Raises:
        OSError: A part cannot be read or linked.
    """
    new.mkdir(parents=True)
    for segment in manifest.segments:
        (new / segment.name).mkdir()
        for part in (old / segment.name).iterdir():
            _link(part, new / segment.name / part.name)
    if manifest.ann is not None:
        _link(old / manifest.ann.name, new / manifest.ann.name)
    _link(old / MANIFEST, new / MANIFEST)
    fsync_dir(new)


def remove_unlisted(out: Path, manifest: ShardManifest | None) -> None:
    """Remove every shard folder that ``manifest`` does not name (call with the build lock held).

    These are the folders of a killed build (never named) and the versions a swap retired.
    Readers that opened them keep their open files (POSIX keeps an open file until it is closed).
    """
    folder = out / SHARDS_FOLDER
    if not folder.is_dir():
        return
    keep = {shard_folder(out, info).name for info in manifest.shards} if manifest is not None else set()
    removed = False
    for entry in folder.iterdir():
        if entry.name not in keep:
            LOG.info("removing %s from %s (not part of the index)", entry.name, folder)
            remove_path(entry)
            removed = True
    if removed:
        fsync_dir(folder)


def remove_if_bare(out: Path) -> None:
    """Remove ``out`` when it holds nothing but the build lock and an empty ``shards`` folder.

    A first build that fails (a bad corpus, a shard count it refuses) leaves no folder behind.
    """
    try:
        if {p.name for p in out.iterdir()} <= {LOCK_NAME, SHARDS_FOLDER} and not any((out / SHARDS_FOLDER).glob("*")):
            shutil.rmtree(out, ignore_errors=True)
    except OSError:
        LOG.debug("left %s in place", out, exc_info=True)  # the next build reuses it
