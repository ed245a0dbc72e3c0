"""The on-disk layout of a sharded index: shard folders and the top manifest that lists them.

A sharded index directory (``python -m index build --shards K``)::

    shards.json     ShardManifest: model, corpus files, counts, and each shard with its checksum
    .lock           held by a running build (see ``durable.build_lock``)
    shards/000-<version>/   an ordinary index directory (manifest.json + segments, see ``store``)
    shards/001-<version>/   ...

Each document lives in exactly one shard, chosen by a stable hash of its source id
(``shard_of``), so an update re-embeds and rewrites only the shards that hold changed
documents. ``shards.json`` records the sha256 of each shard's ``manifest.json``; a shard's
manifest in turn records the checksums of its segments, so a load checks the whole chain.

A folder that ``shards.json`` names is never written: a build writes each shard it changes
into a new version folder (``index.shards.folders``) and swaps ``shards.json`` last, so the
previous index opens unchanged until that swap. Indexes built before versions existed name
their shards ``shards/000`` (``ShardInfo.version`` empty); they open and update as before.
"""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from index.errors import IndexStoreError, StaleIndexError
from index.models import FileStat
from index.store.manifest_file import MANIFEST, read_json_object, validate_manifest

__all__ = [
    "SHARDS_FOLDER",
    "SHARDS_MANIFEST",
    "SHARD_FORMAT",
    "ShardInfo",
    "ShardManifest",
    "is_sharded",
    "manifest_digest",
    "read_shard_manifest",
    "shard_build_command",
    "shard_folder",
    "shard_of",
    "shard_path",
]

SHARDS_MANIFEST = "shards.json"
SHARDS_FOLDER = "shards"
SHARD_FORMAT = 1
"""Version of the top manifest's layout (each shard has the ordinary index format)."""


class ShardInfo(BaseModel):
    """One shard as the top manifest lists it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[0-9]{3}$", description="the shard's number")
    version: str = Field(default="", pattern=r"^([0-9a-f]{12})?$",
                         description="the build that wrote its folder, shards/NAME-VERSION (empty: shards/NAME)")
    manifest_sha256: str = Field(description="sha256 of the shard's manifest.json bytes")
    sources: int = Field(ge=0)
    sentences: int = Field(ge=0)


class ShardManifest(BaseModel):
    """What a sharded index was built from, and its shards (the only file a build swaps last)."""

    model_config = ConfigDict(extra="forbid")

    shard_format: int = SHARD_FORMAT
    embedding_model: str
    embedding_dim: int
    corpus_root: str
    files: dict[str, str] = Field(description="every corpus file (relative path) -> sha256 of its bytes")
    file_stats: dict[str, FileStat] = Field(default_factory=dict)
    checked_ns: int = 0
    sentences: int
    sources: int
    built_at: str
    skipped: dict[str, str] = Field(default_factory=dict)
    shards: list[ShardInfo]


def shard_of(source_id: str, shards: int) -> int:
    """The shard that holds a document: the first 8 bytes of sha256(source id), modulo ``shards``.

    Stable across runs, machines and Python versions (unlike ``hash``), so a document
    stays in its shard for as long as the shard count does.
    """
    digest = hashlib.sha256(source_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def shard_path(root: Path, number: int, version: str = "") -> Path:
    """Folder of shard ``number`` inside the sharded index ``root``, as the build ``version`` wrote it.

    An empty version is the folder of an index built before versions existed (``shards/000``).
    """
    return Path(root) / SHARDS_FOLDER / (f"{number:03d}-{version}" if version else f"{number:03d}")


def shard_folder(root: Path, info: ShardInfo) -> Path:
    """The folder that holds the shard the top manifest lists as ``info``."""
    return shard_path(root, int(info.name), info.version)


def is_sharded(path: Path) -> bool:
    """Whether ``path`` holds a sharded index (its top manifest)."""
    return (Path(path) / SHARDS_MANIFEST).is_file()


def manifest_digest(shard: Path) -> str:
    """sha256 of a shard's ``manifest.json`` bytes.

    Raises:
        OSError: The file cannot be read.
    """
    return hashlib.sha256((Path(shard) / MANIFEST).read_bytes()).hexdigest()


def shard_build_command(corpus: str, out: Path, shards: int | str) -> str:
    """The shell command that (re)builds a sharded index, for error messages."""
    return (f"python -m index build --corpus {shlex.quote(corpus)} --out {shlex.quote(str(out))} "
            f"--shards {shards} [--ray ADDRESS]")


def read_shard_manifest(path: Path) -> ShardManifest:
    """The top manifest of the sharded index in ``path``.

    Raises:
        MissingIndexError: No sharded index there.
        StaleIndexError: A top manifest of an older layout.
        IndexStoreError: An unreadable top manifest, or one of a newer layout.
    """
    path = Path(path)
    hint = f"; delete it and build again with: {shard_build_command('PATH', path, 'K')}"
    where = f"sharded index at {path}"
    raw = read_json_object(path / SHARDS_MANIFEST, where, hint, "is not a JSON object",
                           missing=f"no sharded index at {path}; build one with: "
                                   f"{shard_build_command('PATH', path, 'K')}")
    version = raw.get("shard_format")
    if isinstance(version, int) and version < SHARD_FORMAT:
        raise StaleIndexError(f"{where} has layout {version}, this Crosscheck reads {SHARD_FORMAT}{hint}")
    if version != SHARD_FORMAT:
        raise IndexStoreError(f"{where} has layout {version!r}, this Crosscheck reads {SHARD_FORMAT}{hint}")
    manifest = validate_manifest(ShardManifest, raw, path / SHARDS_MANIFEST, where, hint)
    if [s.name for s in manifest.shards] != [f"{n:03d}" for n in range(len(manifest.shards))] or not manifest.shards:
        raise IndexStoreError(f"{where} is corrupt: {SHARDS_MANIFEST} lists shards "
                              f"{[s.name for s in manifest.shards]}, expected 000 upwards{hint}")
    return manifest
