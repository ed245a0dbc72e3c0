"""Read a corpus (a folder or one file) into cleaned ``Document`` records.

Everything a user can get wrong about a corpus is caught here, before any model
loads, with a one-line ``IngestError`` that names the file and says what is accepted.
"""

from __future__ import annotations

import codecs
import json
import logging
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict

from index.clean import Extracted, clean_text, html_to_text, markdown_to_text
from index.corpus import ACCEPTED, SUPPORTED_EXTENSIONS, corpus_files, relative_name, sha256
from index.dates import parse_date
from index.errors import EmptyDocumentError, IngestError
from index.layout import detect_title, find_date, find_publisher
from index.models import Document

__all__ = ["Corpus", "load_corpus", "load_document_bytes", "read_corpus"]

LOG = logging.getLogger(__name__)

_OPTIONAL_FIELDS = ("title", "url", "date", "publisher")


class Corpus(BaseModel):
    """A corpus as read from disk: its documents and the fingerprint of every file."""

    model_config = ConfigDict(extra="forbid")

    root: str
    documents: list[Document]
    files: dict[str, str]


def decode_text(name: str, data: bytes, accepted: str = ACCEPTED) -> str:
    """``data`` as UTF-8 text (a BOM is dropped).

    Raises:
        IngestError: UTF-16, binary (a NUL byte) or not UTF-8, in one line naming ``name``
            and what is ``accepted``.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(f"{name} is UTF-16 text; save it as UTF-8 (accepted: {accepted})")
    if b"\x00" in data:
        raise IngestError(f"{name} is a binary file, not text; accepted: {accepted}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from exc


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


def read_corpus(path: Path) -> Corpus:
    """Read a corpus and fingerprint its files.

    Args:
        path: A folder (recursive) or a single ``.txt``, ``.md``, ``.html``/``.htm``
            or ``.jsonl`` file. In a folder, files of other types and empty files are
            skipped with a warning.

    Returns:
        The documents, sorted by file then line, and ``{relative name: sha256}``
        of every supported file (skipped empty files included).

    Raises:
        IngestError: The path is missing, a file is unreadable, not UTF-8, binary or
            malformed, two documents share a source id, or nothing readable is left.
    """
    root = Path(path)
    files = corpus_files(root)
    documents: list[Document] = []
    hashes: dict[str, str] = {}
    seen: dict[str, str] = {}
    for file in files:
        name = relative_name(root, file)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read {file}: {exc.strerror or exc}") from exc
        hashes[name] = sha256(data)
        try:
            parsed = _parse(name, name, data)
        except EmptyDocumentError:
            if root.is_file():
                raise
            LOG.warning("skipped %s: empty file", name)
            continue
        for document in parsed:
            if document.source_id in seen:
                raise IngestError(
                    f"duplicate source id {document.source_id!r} in {seen[document.source_id]} and {name}; "
                    "source ids are file names without extension (or jsonl ids), so rename one"
                )
            seen[document.source_id] = name
        documents.extend(parsed)
    if not documents:
        raise IngestError(f"no readable documents in {root}; accepted: {ACCEPTED}")
    return Corpus(root=str(root.resolve()), documents=documents, files=hashes)


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
