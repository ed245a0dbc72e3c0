"""The index folder as a build sees it: what may be written there, and what is garbage.

A build only writes into a folder that is missing, empty, or already a Crosscheck
index (of this model; an older format is replaced). Anything the current manifest does
not name (segments of a killed build, retired segments and ANN files, temporary
manifests, the files of a format-1 index) is removed after a swap and before a build.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from index.errors import IndexStoreError
from index.models import FORMAT_VERSION, Manifest
from index.shards.layout import is_sharded
from index.store.durable import LOCK_NAME, fsync_dir, remove_path
from index.store.manifest_file import MANIFEST

__all__ = ["check_out", "collect_garbage", "own_entry"]

LOG = logging.getLogger(__name__)

_OWN = re.compile(r"^(?:seg-[0-9a-f]{12}|ann-[0-9a-f]{12}\.faiss|manifest\.json\.tmp-[0-9a-f]{8})$")
_FORMAT_1 = ("documents.jsonl", "sentences.jsonl", "vectors.faiss")


def own_entry(name: str) -> bool:
    """Whether a name in an index folder is one a build writes (besides the manifest)."""
    return name == LOCK_NAME or bool(_OWN.match(name))


def check_out(out: Path, embedder_name: str) -> bool:
    """Refuse an ``--out`` that must not be written; say whether it holds a current-format index.

    Returns:
        True when ``out`` holds an index of this format and model (to be updated);
        False when it is missing, empty, holds only a killed build's leftovers, or an
        older-format index (to be replaced).

    Raises:
        IndexStoreError: ``out`` is a file, a folder of other things, or holds an index
            of another model, a newer format, or an unreadable manifest.
    """
    if not out.exists():
        return False
    if not out.is_dir():
        raise IndexStoreError(f"{out} is a file, not an index directory; choose another --out")
    if is_sharded(out):
        raise IndexStoreError(f"{out} holds a sharded index; build it with --shards (see python -m index info "
                              f"--index {out}), or choose another --out")
    if not (out / MANIFEST).is_file():
        if any(not own_entry(p.name) for p in out.iterdir()):
            raise IndexStoreError(
                f"{out} is not empty and holds no Crosscheck index; choose another --out or empty it"
            )
        return False
    try:
        raw = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        version, model = raw["format_version"], raw["embedding_model"]
    except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise IndexStoreError(f"{out} holds an unreadable {MANIFEST}; delete {out} or choose another --out") from exc
    if isinstance(version, int) and version < FORMAT_VERSION:
        LOG.warning("index at %s has the older format %s; building it again in format %s",
                    out, version, FORMAT_VERSION)
        return False
    if version != FORMAT_VERSION or model != embedder_name:
        raise IndexStoreError(
            f"{out} holds an index built with model {model} (format {version}); this build uses model "
            f"{embedder_name} (format {FORMAT_VERSION}); choose another --out or delete {out} first"
        )
    return True


def collect_garbage(out: Path, manifest: Manifest | None) -> None:
    """Remove what ``manifest`` does not name: leftovers of killed builds and retired parts.

    Call with the build lock held. Readers that opened retired files keep them (POSIX
    keeps an open file until it is closed).
    """
    if not out.is_dir():
        return
    keep = {s.name for s in manifest.segments} if manifest else set()
    if manifest and manifest.ann:
        keep.add(manifest.ann.name)
    removed = False
    for entry in out.iterdir():
        stale = (own_entry(entry.name) and entry.name != LOCK_NAME and entry.name not in keep) or (
            manifest is not None and entry.name in _FORMAT_1)
        if stale:
            LOG.info("removing %s from %s", entry.name, out)
            remove_path(entry)
            removed = True
    if removed:
        fsync_dir(out)
