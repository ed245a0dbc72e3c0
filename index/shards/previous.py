"""What a sharded build finds in its folder: the top manifest, and each shard opened for the update.

A folder that is not a sharded index of this model and shard count is refused in one line; a
shard that cannot be read is built again (in a new version folder), never repaired in place.
"""

from __future__ import annotations

import logging
from pathlib import Path

from index.build.folder import check_out, collect_garbage
from index.build.update import opens, previous_index
from index.embed import Embedder
from index.errors import IndexStoreError
from index.shards.layout import (
    SHARDS_FOLDER,
    SHARDS_MANIFEST,
    ShardManifest,
    is_sharded,
    manifest_digest,
    read_shard_manifest,
    shard_folder,
)
from index.store.claim_index import ClaimIndex
from index.store.durable import LOCK_NAME
from index.store.manifest_file import MANIFEST, read_manifest
from index.store.segment import DocRow

__all__ = ["Joined", "check_out_sharded", "current", "previous_shards"]

LOG = logging.getLogger(__name__)


def check_out_sharded(out: Path, embedder_name: str, shards: int) -> ShardManifest | None:
    """The top manifest of the sharded index in ``out`` (None when there is none yet).

    Raises:
        IndexStoreError: ``out`` is a file, a one-folder index, a folder of other things, or a
            sharded index of another model or shard count.
    """
    if not out.exists():
        return None
    if not out.is_dir():
        raise IndexStoreError(f"{out} is a file, not an index directory; choose another --out")
    if (out / MANIFEST).is_file():
        raise IndexStoreError(f"{out} holds an index that is not sharded; build it without --shards, "
                              f"or choose another --out")
    if not is_sharded(out):
        if any(p.name not in (LOCK_NAME, SHARDS_FOLDER) and not p.name.startswith(SHARDS_MANIFEST + ".tmp-")
               for p in out.iterdir()):
            raise IndexStoreError(f"{out} is not empty and holds no Crosscheck index; choose another --out or "
                                  f"empty it")
        return None
    manifest = read_shard_manifest(out)
    if manifest.embedding_model != embedder_name:
        raise IndexStoreError(f"{out} holds an index built with model {manifest.embedding_model}; this build uses "
                              f"model {embedder_name}; choose another --out or delete {out} first")
    if len(manifest.shards) != shards:
        raise IndexStoreError(f"{out} holds an index of {len(manifest.shards)} shards, this build asks for {shards}; "
                              f"pass --shards {len(manifest.shards)}, or choose another --out to split it anew")
    return manifest


class Joined:
    """The previous shards seen as one index, for ``read_changed`` (it reads the file stamps and who owns what)."""

    def __init__(self, manifest: ShardManifest, shards: list[ClaimIndex]) -> None:
        self.manifest = manifest
        self._shards = shards

    def doc_rows(self) -> dict[str, DocRow]:
        return {sid: row for shard in self._shards for sid, row in shard.doc_rows().items()}


def current(out: Path, old: ShardManifest, embedder: Embedder) -> bool:
    """Whether every shard matches the top manifest's checksum and opens (checksums of its segments too)."""
    for info in old.shards:
        folder = shard_folder(out, info)
        try:
            same = manifest_digest(folder) == info.manifest_sha256
        except OSError:
            same = False
        if not same or not opens(folder, embedder):
            return False
    return True


def previous_shards(out: Path, old: ShardManifest | None, embedder: Embedder, shards: int,
                     resolved: str) -> list[ClaimIndex | None]:
    """Each shard of ``old`` opened for the update; None where there is none or it cannot be read (built anew)."""
    if old is None:
        return [None] * shards
    previous: list[ClaimIndex | None] = []
    for number in range(shards):
        folder = shard_folder(out, old.shards[number])
        try:
            shard_old = read_manifest(folder) if check_out(folder, embedder.name) else None
        except IndexStoreError as exc:  # a shard that cannot be read is built again, in a new folder
            LOG.warning("%s; building shard %03d again", exc, number)
            shard_old = None
        if shard_old is not None:
            collect_garbage(folder, shard_old)  # leftovers of an in-place build (before versions): never named
        previous.append(previous_index(folder, shard_old, embedder, resolved))
    return previous
