"""Reading an index folder's manifest, and the commands that error messages suggest."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import faiss
from pydantic import ValidationError
from threadpoolctl import threadpool_limits

from index.embed import DEFAULT_MODEL_NAME
from index.errors import IndexStoreError, MissingIndexError, StaleIndexError
from index.models import FORMAT_VERSION, Manifest

__all__ = ["MANIFEST", "build_command", "read_manifest", "set_search_threads"]

MANIFEST = "manifest.json"


def set_search_threads(threads: int) -> None:
    """Set the process's faiss and BLAS thread counts (both are process-wide)."""
    faiss.omp_set_num_threads(threads)
    threadpool_limits(threads, user_api="blas")


def build_command(corpus: str, out: Path, model: str | None = None) -> str:
    """The shell command that (re)builds an index, for error messages."""
    command = f"python -m index build --corpus {shlex.quote(corpus)} --out {shlex.quote(str(out))}"
    return command if model in (None, DEFAULT_MODEL_NAME) else f"{command} --model {shlex.quote(model)}"


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else error["msg"]


def read_manifest(path: Path) -> Manifest:
    """The manifest of the index in ``path``.

    Raises:
        MissingIndexError: No index there.
        StaleIndexError: An index of an older format (the message gives the rebuild command).
        IndexStoreError: An unreadable manifest, or one of a newer format.
    """
    hint = f"; delete it and build again with: {build_command('PATH', path)}"
    if not (path / MANIFEST).is_file():
        raise MissingIndexError(f"no index at {path}; build one with: {build_command('PATH', path)}")
    try:
        raw = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise IndexStoreError(f"index at {path} is corrupt: {MANIFEST} is not valid JSON{hint}") from exc
    if not isinstance(raw, dict):
        raise IndexStoreError(f"index at {path} is corrupt: {MANIFEST} holds no manifest object{hint}")
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        rebuild = build_command(str(raw.get("corpus_root", "PATH")), path)
        if isinstance(version, int) and version < FORMAT_VERSION:
            raise StaleIndexError(f"index at {path} has format version {version}, this Crosscheck reads version "
                                  f"{FORMAT_VERSION}; rebuild it with: {rebuild}")
        raise IndexStoreError(f"index at {path} has format version {version}, this Crosscheck reads version "
                              f"{FORMAT_VERSION}; rebuild it with: {rebuild}")
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise IndexStoreError(f"index at {path} is corrupt: {MANIFEST} {_first_error(exc)}{hint}") from exc
