"""Find the files of a corpus and fingerprint them, for ingest and staleness checks."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from index.errors import IngestError
from index.models import FileChanges

__all__ = [
    "ACCEPTED", "SUPPORTED_EXTENSIONS", "corpus_entries", "corpus_files", "diff_files", "file_hashes",
    "relative_name", "sha256",
]

LOG = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".jsonl")
ACCEPTED = "UTF-8 or UTF-16 .txt, .md, .html/.htm files, or .jsonl with one {\"id\", \"text\"} object per line"
"""What a corpus may hold, for error messages."""


def sha256(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _refusal(root: Path, path: Path, name: str) -> str | None:
    """Why a file found in a corpus folder is not read, or None when it is."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its file name is not UTF-8; rename it"
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        return f"unsupported file type; accepted: {ACCEPTED}"
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        return "a link to a file outside the corpus folder; copy the file in instead"
    return None


def corpus_entries(root: Path) -> tuple[list[Path], dict[str, str]]:
    """The files a corpus path stands for, and the files of a folder that are not read.

    Args:
        root: A folder (searched recursively; hidden files and folders are ignored)
            or a single file.

    Returns:
        The supported files sorted by relative path (for a single-file corpus, that
        file), and ``{relative name: reason}`` of the other files of a folder: an
        unsupported type, a name that is not UTF-8, a link that leads outside the folder.

    Raises:
        IngestError: The path does not exist, or is a single file of an unsupported type.
    """
    if not root.exists():
        raise IngestError(f"corpus path {root} does not exist; pass a folder or a file ({ACCEPTED})")
    if root.is_file():
        if root.suffix.lower() not in SUPPORTED_EXTENSIONS:
            raise IngestError(f"{root.name}: unsupported file type {root.suffix or '(none)'!r}; accepted: {ACCEPTED}")
        return [root], {}
    files, refused = [], {}
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        if not path.is_file() or _hidden(path, root):
            continue
        name = relative_name(root, path)
        if (reason := _refusal(root, path, name)) is not None:
            refused[name.encode("utf-8", "backslashreplace").decode("utf-8")] = reason
        else:
            files.append(path)
    return files, refused


def corpus_files(root: Path, warn: bool = True) -> list[Path]:
    """The files of a corpus that are read (see ``corpus_entries``), sorted by relative path.

    Args:
        root: A folder or a single file.
        warn: Log a one-line warning for each file of a folder that is not read.
            Defaults to True.

    Raises:
        IngestError: The path does not exist, or is a single file of an unsupported type.
    """
    files, refused = corpus_entries(root)
    if warn:
        for name, reason in refused.items():
            LOG.warning("skipped %s: %s", name, reason)
    return files


def relative_name(root: Path, path: Path) -> str:
    """A corpus file's name as the manifest records it: posix path relative to the root folder."""
    return path.name if root.is_file() else path.relative_to(root).as_posix()


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 of every supported corpus file, keyed by relative name.

    Raises:
        IngestError: The path is missing or a file cannot be read.
    """
    hashes = {}
    for path in corpus_files(root, warn=False):
        try:
            hashes[relative_name(root, path)] = sha256(path.read_bytes())
        except OSError as exc:
            raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return hashes


def diff_files(old: dict[str, str], new: dict[str, str]) -> FileChanges:
    """Compare two ``{relative name: sha256}`` maps.

    Args:
        old: The files an index was built from.
        new: The files on disk now.

    Returns:
        The added, changed, removed and unchanged names, each sorted.
    """
    return FileChanges(
        added=sorted(set(new) - set(old)),
        changed=sorted(n for n in set(new) & set(old) if new[n] != old[n]),
        removed=sorted(set(old) - set(new)),
        unchanged=sorted(n for n in set(new) & set(old) if new[n] == old[n]),
    )
