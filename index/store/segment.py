"""One immutable segment of an index: documents, their sentences and vectors, on disk.

A segment folder ``seg-<hex>/`` holds::

    vectors.npy   (sentences, dim) float32 or float16 unit vectors, read memory-mapped
    rows.sqlite   documents and sentences tables (row ids = vector rows), an FTS5
                  full-text table over the sentence texts with its terms' document counts

A segment is written once (``index.store.segment_writer``: rows go to SQLite and vectors to
disk as they are embedded), fsynced, and never changed; an update writes a new segment and marks
the replaced documents as removed in the manifest.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import numpy as np

from index.models import Document, SegmentInfo, Sentence

__all__ = ["READ_CHUNK", "ROWS", "SENTENCE_COLUMNS", "VECTORS", "DocRow", "Segment", "SegmentCorrupt",
           "document_digest", "rows_digest", "vectors_crc32"]

VECTORS, ROWS = "vectors.npy", "rows.sqlite"
READ_CHUNK = 1 << 24

SENTENCE_COLUMNS = 'id, source_id, position, text, start, "end", kind, paragraph'
_DOC_FIELDS = ("source_id", "title", "url", "date", "publisher", "path", "sha256", "text")


def document_digest(document: Document) -> str:
    """Hash of everything a document record holds: a kept document must match it exactly."""
    return hashlib.sha256(document.model_dump_json().encode("utf-8")).hexdigest()


FULL_CRC_BELOW = 256 << 20
"""Vector files up to this size are checksummed whole on every load; larger ones in ``_WINDOWS``
evenly spaced 1 MiB windows plus their size (a whole-file CRC of 1.5 GB took seconds)."""
_WINDOWS = 64
_ID_CHUNK = 65_536


def vectors_crc32(path: Path) -> int:
    """CRC32 of a vector file: whole, or of sampled windows and the size above ``FULL_CRC_BELOW``."""
    size = path.stat().st_size
    crc = zlib.crc32(str(size).encode())
    with path.open("rb") as data:
        if size <= FULL_CRC_BELOW:
            while chunk := data.read(READ_CHUNK):
                crc = zlib.crc32(chunk, crc)
            return crc
        window = min(1 << 20, size)
        for offset in np.linspace(0, size - window, _WINDOWS).astype(np.int64).tolist():
            data.seek(offset)
            crc = zlib.crc32(data.read(window), crc)
    return crc


def rows_digest(documents: Iterable[tuple], db: sqlite3.Connection, sentences: int) -> str:
    """Digest binding the order of documents and sentences (and so of vector rows).

    Args:
        documents: ``(source_id, digest, first, count)`` per document, in order.
        db: The segment's table; sentence ids are read in row order, 65,536 a time,
            joined by SQLite (a Python row per sentence cost 3 s at 1M sentences).
        sentences: Rows in the sentences table.
    """
    digest = hashlib.sha256()
    for source_id, document, first, count in documents:
        digest.update(f"{source_id}\x1f{document}\x1f{first}\x1f{count}\n".encode())
    for start in range(0, sentences, _ID_CHUNK):
        (joined,) = db.execute(
            "SELECT group_concat(id, char(10)) FROM (SELECT id FROM sentences WHERE row >= ? AND row < ? "
            "ORDER BY row)", (start, start + _ID_CHUNK)).fetchone()
        digest.update(f"{joined or ''}\n".encode())
    return digest.hexdigest()


class DocRow:
    """A document's place in a segment, kept in memory for every live document (small: no text)."""

    __slots__ = ("count", "digest", "file_pos", "first", "ordinal", "path", "segment", "source_id")

    def __init__(self, segment: int, ordinal: int, source_id: str, path: str, file_pos: int, digest: str,
                 first: int, count: int) -> None:
        self.segment, self.ordinal, self.source_id, self.path = segment, ordinal, source_id, path
        self.file_pos, self.digest, self.first, self.count = file_pos, digest, first, count


class SegmentCorrupt(Exception):
    """A segment does not match its description in the manifest; the message says how."""


class Segment:
    """An open, read-only segment.

    Args:
        folder: The segment folder.
        info: Its entry in the manifest.
        dim: Expected vector dimension.
        dtype: Expected vector dtype.
        verify: Check the vector checksum and row digest against ``info``. Defaults to True.

    Raises:
        SegmentCorrupt: Missing files, wrong shapes, or a checksum that does not match.
    """

    def __init__(self, folder: Path, info: SegmentInfo, dim: int, dtype: str, verify: bool = True) -> None:
        self.info = info
        for name in (VECTORS, ROWS):
            if not (folder / name).is_file():
                raise SegmentCorrupt(f"{folder.name}/{name} is missing")
        try:
            self.vectors = np.load(folder / VECTORS, mmap_mode="r")
        except (ValueError, OSError) as exc:
            raise SegmentCorrupt(f"{folder.name}/{VECTORS} is not a vector file") from exc
        if self.vectors.shape != (info.sentences, dim) or self.vectors.dtype != np.dtype(dtype):
            raise SegmentCorrupt(f"{folder.name}/{VECTORS} holds {self.vectors.shape} {self.vectors.dtype} "
                                 f"vectors; the manifest says ({info.sentences}, {dim}) {dtype}")
        uri = f"file:{quote(str(folder / ROWS))}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        try:
            documents = self._db.execute(
                "SELECT ordinal, source_id, path, file_pos, digest, first, count FROM documents ORDER BY ordinal"
            ).fetchall()
            sentences = self._db.execute("SELECT count(*) FROM sentences").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise SegmentCorrupt(f"{folder.name}/{ROWS} is not a readable table: {exc}") from exc
        if len(documents) != info.documents or sentences != info.sentences:
            raise SegmentCorrupt(f"{folder.name} holds {len(documents)} documents and {sentences} sentences; "
                                 f"the manifest says {info.documents} and {info.sentences}")
        self.documents = documents
        if verify:
            self._verify(folder, documents)

    def _verify(self, folder: Path, documents: list[tuple]) -> None:
        for expected, (ordinal, source_id, _, _, _, first, count) in enumerate(documents):
            if ordinal != expected or first < 0 or count < 1:
                raise SegmentCorrupt(f"{folder.name}: document {source_id!r} has a bad place in the table")
        with self._lock:
            digest = rows_digest([(d[1], d[4], d[5], d[6]) for d in documents], self._db, self.info.sentences)
        if digest != self.info.rows_digest:
            raise SegmentCorrupt(f"{folder.name}: documents or sentences are not the rows the index was "
                                 "built with (reordered, duplicated or changed)")
        if vectors_crc32(folder / VECTORS) != self.info.vectors_crc32:
            raise SegmentCorrupt(f"{folder.name}/{VECTORS} does not match its checksum")

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Run a read-only query (thread-safe)."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def sentences(self, first: int, end: int) -> Iterator[Sentence]:
        """Sentences of local rows ``first..end-1``, in order."""
        rows = self.query(f"SELECT {SENTENCE_COLUMNS} FROM sentences WHERE row >= ? AND row < ? ORDER BY row",
                          (first, end))
        for sid, source_id, position, text, start, end_, kind, paragraph in rows:
            yield Sentence.model_construct(id=sid, source_id=source_id, position=position, text=text, start=start,
                                           end=end_, kind=kind, paragraph=paragraph)

    def document(self, ordinal: int) -> Document:
        """The full document with ordinal ``ordinal``."""
        (row,) = self.query(f"SELECT {', '.join(_DOC_FIELDS)} FROM documents WHERE ordinal = ?", (ordinal,))
        return Document.model_construct(**dict(zip(_DOC_FIELDS, row)))

    def close(self) -> None:
        """Close the table (the vectors stay mapped while referenced)."""
        self._db.close()
