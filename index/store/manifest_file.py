"""Reading an index folder's manifest, and the commands that error messages suggest."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import TypeVar

import faiss
from pydantic import BaseModel, ValidationError
from threadpoolctl import threadpool_limits

from index.embed import DEFAULT_MODEL_NAME
from index.errors import IndexStoreError, MissingIndexError, StaleIndexError
from index.models import FORMAT_VERSION, Manifest

__all__ = ["MANIFEST", "build_command", "read_json_object", "read_manifest", "set_search_threads", "validate_manifest"]

MANIFEST = "manifest.json"

ModelT = TypeVar("ModelT", bound=BaseModel)


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


def read_json_object(file: Path, where: str, hint: str, not_object: str, missing: str | None = None) -> dict:
    """The JSON object a manifest file holds, or one error line that says what is wrong with it.

    Args:
        file: The manifest file (``manifest.json``, ``shards.json``).
        where: What holds it, as the messages name it (``index at PATH``).
        hint: Added to the end of each message: what to do about it.
        not_object: What the message says of a file that holds JSON but no object.
        missing: The message when there is no file. Defaults to None: a missing file is
            reported as unreadable, like any other that cannot be read.

    Raises:
        MissingIndexError: There is no file and ``missing`` is given.
        IndexStoreError: The file cannot be read, is not JSON, or holds no JSON object.
    """
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, ValueError) as exc:
        if missing is not None and isinstance(exc, FileNotFoundError):
            raise MissingIndexError(missing) from exc
        raise IndexStoreError(f"{where} is corrupt: {file.name} is not valid JSON{hint}") from exc
    if not isinstance(raw, dict):
        raise IndexStoreError(f"{where} is corrupt: {file.name} {not_object}{hint}")
    return raw


def validate_manifest(model: type[ModelT], raw: dict, file: Path, where: str, hint: str) -> ModelT:
    """``raw`` (read from ``file``) as ``model``, or one error line naming its first bad field.

    Raises:
        IndexStoreError: ``raw`` does not fit ``model`` (``where`` and ``hint`` as in ``read_json_object``).
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise IndexStoreError(f"{where} is corrupt: {file.name} {_first_error(exc)}{hint}") from exc


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
    raw = read_json_object(path / MANIFEST, f"index at {path}", hint, "holds no manifest object")
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        rebuild = build_command(str(raw.get("corpus_root", "PATH")), path)
        if isinstance(version, int) and version < FORMAT_VERSION:
            raise StaleIndexError(f"index at {path} has format version {version}, this Crosscheck reads version "
                                  f"{FORMAT_VERSION}; rebuild it with: {rebuild}")
        raise IndexStoreError(f"index at {path} has format version {version}, this Crosscheck reads version "
                              f"{FORMAT_VERSION}; rebuild it with: {rebuild}")
    return validate_manifest(Manifest, raw, path / MANIFEST, f"index at {path}", hint)
