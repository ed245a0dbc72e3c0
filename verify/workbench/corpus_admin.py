"""Managing the corpus folder from the app: list its files, add uploads safely, remove a file.

Every path this module writes or deletes is a plain file directly inside (or, for removal,
below) the corpus folder: uploaded names are reduced to a safe base name with an allowed
extension, nothing is overwritten unless the caller asks, and nothing outside the folder
is touched. Rebuilding the index afterwards is ``index.build.update.build_index``'s job.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from index.errors import IngestError
from index.ingest.corpus import ACCEPTED, SUPPORTED_EXTENSIONS, corpus_files, file_hashes, relative_name
from index.ingest.read import load_document_bytes
from index.models import SourceSummary
from index.store.claim_index import ClaimIndex

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_UPLOAD_BYTES",
    "CorpusEntry",
    "SavedUpload",
    "UploadError",
    "corpus_listing",
    "remove_file",
    "safe_name",
    "save_upload",
    "taken_ids",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ]+")

FileStatus = Literal["indexed", "new", "changed", "removed", "skipped"]


class UploadError(IngestError):
    """An upload is refused (name, type, size, content, clash) or a removal is not allowed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CorpusEntry(_Strict):
    """One corpus file and what the index knows of it."""

    file: str = Field(description="path relative to the corpus folder")
    status: FileStatus = Field(description="indexed, new / changed since the index was built, removed from disk, "
                                           "or skipped by the build (unreadable or malformed)")
    size: int | None = Field(default=None, ge=0, description="bytes on disk; None when removed")
    reason: str | None = Field(default=None, description="why the build skipped the file")
    sources: list[SourceSummary] = Field(default_factory=list, description="its documents in the index")


class SavedUpload(_Strict):
    file: str
    source_ids: list[str]
    replaced: bool


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def safe_name(name: str) -> str:
    """A safe base name for an uploaded file.

    Directories are dropped (``../../etc/passwd.txt`` -> ``passwd.txt``, Windows paths too),
    characters other than letters, digits, ``. - _`` and spaces become ``_``, leading dots
    are dropped (no hidden files) and the extension is lower-cased.

    Raises:
        UploadError: Nothing usable is left, or the extension is not one the corpus reads.
    """
    base = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UploadError(f"{name!r}: unsupported file type {suffix or '(none)'}; accepted: {ACCEPTED}")
    stem = stem.strip(" .")
    if not re.search(r"[^\W_]", stem):  # at least one letter or digit
        raise UploadError(f"{name!r} has no usable file name; rename it (letters, digits, - and _)")
    return stem[:MAX_NAME_CHARS].rstrip(" .") + suffix


def _folder(corpus_dir: Path) -> Path:
    corpus_dir = Path(corpus_dir)
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise UploadError(f"the corpus {corpus_dir} is a single file; point CROSSCHECK_CORPUS at a folder "
                          "to add or remove documents")
    return corpus_dir


def taken_ids(corpus_dir: Path, index: ClaimIndex | None) -> dict[str, str]:
    """``source id -> file`` of the documents the corpus already holds.

    From the index when there is one, plus the source ids of the files on disk: the stems
    of .txt/.md/.html files and the ids of .jsonl files (read with the build's own code; a
    file the build would skip holds none), so an upload cannot collide with any of them.
    """
    taken = {s.source_id: s.path for s in index.source_summaries()} if index is not None else {}
    folder = _folder(corpus_dir)
    if folder.is_dir():
        for path in corpus_files(folder, warn=False):
            name = relative_name(folder, path)
            if path.suffix.lower() != ".jsonl":
                taken.setdefault(path.stem, name)
                continue
            try:
                documents = load_document_bytes(name, path.read_bytes())
            except (OSError, IngestError):
                continue
            for document in documents:
                taken.setdefault(document.source_id, name)
    return taken


def save_upload(corpus_dir: Path, name: str, data: bytes, taken: Mapping[str, str] | None = None,
                replace: bool = False) -> SavedUpload:
    """Validate an uploaded document and save it into the corpus folder.

    Args:
        corpus_dir: The corpus folder (created when missing).
        name: The name the browser sent; only a sanitised base name is used (see ``safe_name``).
        data: The file's bytes, at most :data:`MAX_UPLOAD_BYTES`.
        taken: ``source id -> file`` already in the corpus (see ``taken_ids``). Defaults to none.
        replace: Replace a file of the same name. Defaults to False: an existing file is never
            overwritten silently.

    Returns:
        The saved file's name and the source ids of its documents.

    Raises:
        UploadError: Bad name or type, too large, unreadable (the ingest error says why), a
            source id another file uses, or an existing file and ``replace`` is False.
    """
    folder = _folder(corpus_dir)
    file = safe_name(name)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{file} is {_megabytes(len(data))}; a corpus file may be at most "
                          f"{_megabytes(MAX_UPLOAD_BYTES)} (split it, or copy it into {folder} yourself)")
    try:
        documents = load_document_bytes(file, data)
    except IngestError as exc:
        raise UploadError(str(exc)) from exc
    for document in documents:
        owner = (taken or {}).get(document.source_id)
        if owner is not None and owner != file:
            raise UploadError(f"{file}: source id {document.source_id!r} is already used by {owner}; "
                              "rename the file (or the jsonl id)")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise UploadError(f"{file} exists in the corpus and is not a plain file; it was left alone")
    existed = target.exists()
    if existed and not replace:
        raise UploadError(f"{file} is already in the corpus; remove it first or choose to replace it")
    staging = folder / f".upload-{uuid.uuid4().hex}.part"  # hidden: never read as a corpus file
    try:
        staging.write_bytes(data)
        if replace:
            os.replace(staging, target)
        else:
            try:
                os.link(staging, target)  # atomic, and fails instead of overwriting a file saved meanwhile
            except FileExistsError:
                raise UploadError(f"{file} is already in the corpus; remove it first or choose to replace it") \
                    from None
    finally:
        staging.unlink(missing_ok=True)
    return SavedUpload(file=file, source_ids=[d.source_id for d in documents], replaced=existed)


def remove_file(corpus_dir: Path, file: str) -> Path:
    """Delete one corpus file.

    Args:
        corpus_dir: The corpus folder.
        file: The file's path relative to the folder, as ``corpus_listing`` gives it.

    Returns:
        The path deleted (a link is removed, never what it points to).

    Raises:
        UploadError: The name leaves the folder, names a hidden or unsupported file, or no
            such file exists.
    """
    folder = _folder(corpus_dir)
    parts = PurePosixPath(file.replace("\\", "/")).parts
    if not parts or PurePosixPath(file).is_absolute() or any(p in ("..", ".") or p.startswith(".") for p in parts):
        raise UploadError(f"{file!r} is not a file of the corpus")
    target = folder.joinpath(*parts)
    if not target.parent.resolve().is_relative_to(folder.resolve()):
        raise UploadError(f"{file!r} is outside the corpus folder; nothing was deleted")
    if target.suffix.lower() not in SUPPORTED_EXTENSIONS or not (target.is_file() or target.is_symlink()):
        raise UploadError(f"{file!r} is not a file of the corpus")
    target.unlink()
    return target


def corpus_listing(corpus_dir: Path, index: ClaimIndex | None) -> list[CorpusEntry]:
    """The files of the corpus folder, each with its indexed documents and whether the index is current.

    Args:
        corpus_dir: The corpus folder (or single file).
        index: The index (loaded without its staleness check), or None when there is none.

    Returns:
        One entry per file on disk, in corpus order, then one per file the index holds that is gone.

    Raises:
        IngestError: A corpus file cannot be read.
    """
    corpus_dir = Path(corpus_dir)
    on_disk = file_hashes(corpus_dir) if corpus_dir.exists() else {}
    built = index.manifest.files if index is not None else {}
    same_root = index is not None and Path(index.manifest.corpus_root) == corpus_dir.resolve()
    sources: dict[str, list[SourceSummary]] = {}
    for summary in index.source_summaries() if index is not None else []:
        sources.setdefault(summary.path, []).append(summary)
    entries = []
    skipped = index.manifest.skipped if same_root else {}
    for file, digest in on_disk.items():
        status = "new" if not same_root or file not in built else "indexed" if built[file] == digest else "changed"
        if status == "indexed" and file in skipped:
            status = "skipped"
        path = corpus_dir / file if corpus_dir.is_dir() else corpus_dir
        entries.append(CorpusEntry(file=file, status=status, size=path.stat().st_size, reason=skipped.get(file)
                                   if status == "skipped" else None,
                                   sources=sources.get(file, []) if status != "new" else []))
    if same_root:
        entries += [CorpusEntry(file=f, status="removed", sources=sources.get(f, [])) for f in built if f not in on_disk]
    return entries
