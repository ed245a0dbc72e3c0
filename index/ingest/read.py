"""Read a corpus (a folder or one file) into cleaned ``Document`` records.

Everything a user can get wrong about a corpus is caught here, before any model
loads, with a one-line ``IngestError`` that names the file and says what is accepted.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, Field

from index.errors import EmptyDocumentError, IngestError
from index.ingest.clean import Extracted, clean_text, html_to_text, markdown_to_text
from index.ingest.corpus import ACCEPTED, SUPPORTED_EXTENSIONS, corpus_entries, relative_name, sha256
from index.ingest.dates import parse_date
from index.ingest.decode import decode_text
from index.ingest.layout import detect_title, find_date, find_publisher
from index.models import Document

__all__ = ["Corpus", "load_corpus", "load_document_bytes", "read_corpus", "stream_corpus"]

LOG = logging.getLogger(__name__)

_OPTIONAL_FIELDS = ("title", "url", "date", "publisher")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Corpus(BaseModel):
    """A corpus as read from disk: its documents and the fingerprint of every file."""

    model_config = ConfigDict(extra="forbid")

    root: str
    documents: list[Document]
    files: dict[str, str]
    skipped: dict[str, str] = Field(default_factory=dict, description="file -> why it was not indexed")


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _document(source_id: str, path: str, digest: str, extracted: Extracted) -> Document:
    """Fill in what the file did not declare (title, date, publisher) from the text itself."""
    paragraphs = _paragraphs(extracted.text)
    return Document(
        source_id=source_id,
        title=extracted.title or detect_title(paragraphs),
        url=extracted.url,
        date=extracted.date or find_date(paragraphs),
        publisher=extracted.publisher or find_publisher(paragraphs),
        path=path,
        sha256=digest,
        text=extracted.text,
    )


def _jsonl_documents(name: str, path: str, text: str) -> list[Document]:
    documents: list[Document] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{where}: not valid JSON ({exc.msg}); each line must be an object "
                              "with \"id\" and \"text\"") from exc
        except RecursionError:
            raise IngestError(f"{where}: JSON nested too deeply; each line must be a flat object "
                              "with \"id\" and \"text\"") from None
        if not isinstance(record, dict):
            raise IngestError(f"{where}: expected a JSON object with \"id\" and \"text\", "
                              f"got {type(record).__name__}")
        for key in ("id", "text"):
            if key not in record:
                raise IngestError(f"{where}: missing '{key}'; each line needs \"id\" and \"text\"")
            if not isinstance(record[key], str) or not record[key].strip():
                raise IngestError(f"{where}: '{key}' must be a non-empty string")
        for key in _OPTIONAL_FIELDS:
            if record.get(key) is not None and not isinstance(record[key], str):
                raise IngestError(f"{where}: '{key}' must be a string when given")
        for key in ("id", "text", *_OPTIONAL_FIELDS):
            if isinstance(record.get(key), str) and _SURROGATE.search(record[key]):
                raise IngestError(f"{where}: '{key}' holds a lone UTF-16 surrogate (an escape such as "
                                  "\\ud800 that is no character); fix the text")
        source_id = record["id"].strip()
        if source_id in first_line:
            raise IngestError(f"{where}: duplicate id {source_id!r} (first on line {first_line[source_id]})")
        first_line[source_id] = number
        date = record.get("date")
        if date and parse_date(date) is None:
            raise IngestError(f"{where}: 'date' must be a date such as 2020-04-24, got {date!r}")
        body = clean_text(record["text"])
        if not body:
            raise IngestError(f"{where}: 'text' holds no text")
        extracted = Extracted(
            text=body, title=clean_text(record.get("title") or "") or None,
            date=parse_date(date) if date else None,
            url=record.get("url"), publisher=record.get("publisher"),
        )
        documents.append(_document(source_id, path, sha256(line.encode("utf-8")), extracted))
    if not documents:
        raise EmptyDocumentError(f"{name} is empty; accepted: {ACCEPTED}")
    return documents


MAX_MARKDOWN_BYTES = 1024 * 1024
"""Largest Markdown file read. Markdown's inline syntax costs ~20 us a character on hostile input
(a run of ``[``) even with a linear parser: 1 MB stays within seconds, a 10 MB upload would not."""


def _parse(name: str, path: str, data: bytes) -> list[Document]:
    """Documents of one file's bytes; ``name`` is used in messages, ``path`` is recorded."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise IngestError(f"{name}: unsupported file type {suffix or '(none)'!r}; accepted: {ACCEPTED}")
    text = decode_text(name, data)
    if suffix == ".jsonl":
        return _jsonl_documents(name, path, text)
    if suffix in (".html", ".htm"):
        extracted = html_to_text(text)
    elif suffix == ".md":
        if len(data) > MAX_MARKDOWN_BYTES:
            raise IngestError(f"{name}: a Markdown file of {len(data):,} bytes; at most {MAX_MARKDOWN_BYTES:,} "
                              "(split it, or save it as .txt)")
        extracted = markdown_to_text(text)
    else:
        extracted = Extracted(text=clean_text(text))
    if not extracted.text:
        raise EmptyDocumentError(f"{name} is empty (no text after cleaning); accepted: {ACCEPTED}")
    return [_document(PurePath(name).stem, path, sha256(data), extracted)]


def load_document_bytes(name: str, data: bytes) -> list[Document]:
    """Read one uploaded file.

    Args:
        name: The file's name; its extension picks the format and its stem is the
            source id (jsonl documents use their ``id``).
        data: The file's bytes.

    Returns:
        The file's documents (one, or one per jsonl line).

    Raises:
        IngestError: Unsupported type, not UTF-8, binary, malformed jsonl, or empty
            (``EmptyDocumentError``).
    """
    base = PurePath(name).name
    return _parse(base, base, data)


def read_corpus(path: Path, strict: bool = False) -> Corpus:
    """Read a corpus and fingerprint its files.

    A file that cannot be read is skipped with a one-line warning naming it and the
    reason, and listed in ``Corpus.skipped``; the other files are read. Skipped are:
    files of other types, links to files outside the folder, names that are not UTF-8,
    empty files, files that are unreadable, not UTF-8, binary or malformed, and a file
    whose source id an earlier file (in corpus order) already uses.

    Args:
        path: A folder (recursive) or a single ``.txt``, ``.md``, ``.html``/``.htm``
            or ``.jsonl`` file.
        strict: Fail on the first bad file instead (empty files and other types are
            still skipped). Defaults to False.

    Returns:
        The documents, sorted by file then line; ``{relative name: sha256}`` of every
        supported file that was read (bad and empty ones included); the skipped files.

    Raises:
        IngestError: The path is missing, nothing readable is left, a single-file corpus
            is bad, or (``strict``) any file is bad or two documents share a source id.
    """
    corpus, documents = stream_corpus(path, strict)
    corpus.documents = list(documents)
    return corpus


def stream_corpus(path: Path, strict: bool = False) -> tuple[Corpus, Iterator[Document]]:
    """Read a corpus as ``read_corpus`` does, a file at a time, so no more than one file's documents are held.

    Returns:
        A ``Corpus`` whose ``files`` and ``skipped`` fill in as the documents are taken (its
        ``documents`` stay empty), and the documents, in corpus order. The iterator raises
        what ``read_corpus`` raises, when it reaches the file at fault (or its end).
    """
    root = Path(path)
    files, refused = corpus_entries(root)
    corpus = Corpus(root=str(root.resolve()), documents=[], files={}, skipped={})
    for name, reason in refused.items():
        if strict and not reason.startswith("unsupported"):
            raise IngestError(f"{name}: {reason}")
        LOG.warning("skipped %s: %s", name, reason)
        corpus.skipped[name] = reason
    return corpus, _documents(root, files, strict, corpus)


def _documents(root: Path, files: list[Path], strict: bool, corpus: Corpus) -> Iterator[Document]:
    """``stream_corpus``'s documents, file by file; each file's hash and any skip go into ``corpus``."""
    seen: dict[str, str] = {}
    for file in files:
        name = relative_name(root, file)
        try:
            data = file.read_bytes()
            corpus.files[name] = sha256(data)  # bad files too: fixing one later is a change
            parsed = _parse(name, name, data)
        except (OSError, IngestError) as exc:
            error = exc if isinstance(exc, IngestError) else IngestError(f"cannot read {name}: {exc.strerror or exc}")
            if root.is_file() or strict and not isinstance(error, EmptyDocumentError):
                raise error from exc if error is not exc else None
            reason = "empty file" if isinstance(error, EmptyDocumentError) else str(error)
            LOG.warning("skipped %s: %s", name, reason)
            corpus.skipped[name] = reason
            continue
        clash = next((d.source_id for d in parsed if d.source_id in seen), None)
        if clash is not None:
            reason = (f"duplicate source id {clash!r} in {seen[clash]} and {name}; source ids are file "
                      "names without extension (or jsonl ids), so rename one")
            if strict:
                raise IngestError(reason)
            LOG.warning("skipped %s: %s", name, reason)
            corpus.skipped[name] = reason
            continue
        seen.update((d.source_id, name) for d in parsed)
        yield from parsed
    if not seen:
        raise IngestError(f"no readable documents in {root}; accepted: {ACCEPTED}")


def load_corpus(path: Path) -> list[Document]:
    """Read a corpus into cleaned documents.

    Args:
        path: A folder (recursive) or a single supported file.

    Returns:
        The documents in corpus order.

    Raises:
        IngestError: See ``read_corpus``.
    """
    return read_corpus(path).documents
