"""One immutable segment of an index: documents, their sentences and vectors, on disk.

A segment folder ``seg-<hex>/`` holds::

    vectors.npy   (sentences, dim) float32 or float16 unit vectors, read memory-mapped
    rows.sqlite   documents and sentences tables (row ids = vector rows), an FTS5
                  full-text table over the sentence texts with its terms' document counts

A segment is written once (streamed: rows go to SQLite and vectors to disk as they
are embedded), fsynced, and never changed; an update writes a new segment and marks
the replaced documents as removed in the manifest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import numpy as np

from index.durable import fsync_dir, fsync_file
from index.models import Document, SegmentInfo, Sentence

__all__ = ["ROWS", "VECTORS", "DocRow", "Segment", "SegmentCorrupt", "SegmentWriter", "document_digest",
           "new_segment_name"]

VECTORS, ROWS = "vectors.npy", "rows.sqlite"
_CHUNK = 1 << 24

_SCHEMA = """
CREATE TABLE documents (
    ordinal INTEGER PRIMARY KEY, source_id TEXT NOT NULL, file_pos INTEGER NOT NULL,
    title TEXT, url TEXT, date TEXT, publisher TEXT, path TEXT NOT NULL, sha256 TEXT NOT NULL,
    text TEXT NOT NULL, digest TEXT NOT NULL, first INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE sentences (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL, source_id TEXT NOT NULL, position INTEGER NOT NULL,
    text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, kind TEXT NOT NULL,
    paragraph INTEGER NOT NULL);
CREATE TABLE terms (tbl TEXT NOT NULL, ordinal INTEGER NOT NULL, term TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(text, content='sentences', content_rowid='row');
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'row');
CREATE TABLE df (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
"""
_SENTENCE_COLUMNS = 'id, source_id, position, text, start, "end", kind, paragraph'
_DOC_FIELDS = ("source_id", "title", "url", "date", "publisher", "path", "sha256", "text")


def new_segment_name() -> str:
    """A fresh segment folder name."""
    return f"seg-{uuid.uuid4().hex[:12]}"


def document_digest(document: Document) -> str:
    """Hash of everything a document record holds: a kept document must match it exactly."""
    return hashlib.sha256(document.model_dump_json().encode("utf-8")).hexdigest()


FULL_CRC_BELOW = 256 << 20
"""Vector files up to this size are checksummed whole on every load; larger ones in ``_WINDOWS``
evenly spaced 1 MiB windows plus their size (a whole-file CRC of 1.5 GB took seconds)."""
_WINDOWS = 64
_ID_CHUNK = 65_536


def _crc32(path: Path) -> int:
    """CRC32 of a vector file: whole, or of sampled windows and the size above ``FULL_CRC_BELOW``."""
    size = path.stat().st_size
    crc = zlib.crc32(str(size).encode())
    with path.open("rb") as data:
        if size <= FULL_CRC_BELOW:
            while chunk := data.read(_CHUNK):
                crc = zlib.crc32(chunk, crc)
            return crc
        window = min(1 << 20, size)
        for offset in np.linspace(0, size - window, _WINDOWS).astype(np.int64).tolist():
            data.seek(offset)
            crc = zlib.crc32(data.read(window), crc)
    return crc


def _rows_digest(documents: Iterable[tuple], db: sqlite3.Connection, sentences: int) -> str:
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


class SegmentWriter:
    """Write one segment, document by document, then ``finish`` it (fsynced, ready to name in a manifest).

    Args:
        folder: The new segment folder (must not exist).
        dim: Vector dimension.
        dtype: ``float32`` or ``float16`` on disk.
    """

    def __init__(self, folder: Path, dim: int, dtype: str) -> None:
        self.folder = folder
        self.dim, self._dtype = dim, np.dtype(dtype)
        folder.mkdir()
        self._db = sqlite3.connect(folder / ROWS)
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self._raw = (folder / "vectors.raw").open("wb")
        self._rows = 0
        self._vectors = 0
        self._documents = 0

    def add_document(self, document: Document, file_pos: int, sentences: list[Sentence],
                     terms: dict[str, Iterable[str]] | None = None) -> None:
        """Add a document and its sentences (their vectors follow through ``add_vectors``)."""
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._documents, document.source_id, file_pos, document.title, document.url, document.date,
             document.publisher, document.path, document.sha256, document.text, document_digest(document),
             self._rows, len(sentences)),
        )
        self._db.executemany(
            f"INSERT INTO sentences (row, {_SENTENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(self._rows + i, s.id, s.source_id, s.position, s.text, s.start, s.end, s.kind, s.paragraph)
             for i, s in enumerate(sentences)],
        )
        for table, values in (terms or {}).items():
            self._db.executemany("INSERT INTO terms VALUES (?, ?, ?)",
                                 [(table, self._documents, term) for term in sorted(set(values))])
        self._documents += 1
        self._rows += len(sentences)

    @property
    def sentences(self) -> int:
        """Sentences added so far."""
        return self._rows

    def texts(self, chunk: int) -> Iterator[list[str]]:
        """The texts of the sentences added, in order, ``chunk`` at a time (read back, not kept in memory)."""
        for start in range(0, self._rows, chunk):
            rows = self._db.execute("SELECT text FROM sentences WHERE row >= ? AND row < ? ORDER BY row",
                                    (start, start + chunk)).fetchall()
            yield [text for (text,) in rows]

    def add_vectors(self, vectors: np.ndarray) -> None:
        """Append the vectors of the next sentences, in the order they were added."""
        self._raw.write(np.ascontiguousarray(vectors, dtype=self._dtype).tobytes())
        self._vectors += len(vectors)

    def finish(self, base: int, tables: list[str] | None = None) -> SegmentInfo:
        """Write the vector file and the full-text index, fsync everything, and describe the segment.

        Raises:
            ValueError: The vectors do not match the sentences added.
        """
        if self._vectors != self._rows:
            raise ValueError(f"segment has {self._rows} sentences but {self._vectors} vectors")
        self._raw.close()
        raw = self.folder / "vectors.raw"
        with (self.folder / VECTORS).open("wb") as out:
            header = {"descr": np.lib.format.dtype_to_descr(self._dtype), "fortran_order": False,
                      "shape": (self._rows, self.dim)}
            np.lib.format.write_array_header_1_0(out, header)
            with raw.open("rb") as data:
                shutil.copyfileobj(data, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        raw.unlink()
        self._db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        # document frequencies, once: fts5vocab counts a term by reading its whole posting list (ms a word)
        self._db.execute("INSERT INTO df SELECT term, doc FROM fts_vocab")
        self._db.execute("CREATE INDEX terms_by_table ON terms (tbl)")
        self._db.commit()
        documents = self._db.execute("SELECT source_id, digest, first, count FROM documents ORDER BY ordinal")
        digest = _rows_digest(documents.fetchall(), self._db, self._rows)
        self._db.close()
        fsync_file(self.folder / ROWS)
        fsync_dir(self.folder)
        fsync_dir(self.folder.parent)
        return SegmentInfo(name=self.folder.name, base=base, documents=self._documents, sentences=self._rows,
                           vectors_crc32=_crc32(self.folder / VECTORS), rows_digest=digest,
                           tables=sorted(tables or []))

    def abort(self) -> None:
        """Drop a half-written segment."""
        self._raw.close()
        self._db.close()
        shutil.rmtree(self.folder, ignore_errors=True)


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
            digest = _rows_digest([(d[1], d[4], d[5], d[6]) for d in documents], self._db, self.info.sentences)
        if digest != self.info.rows_digest:
            raise SegmentCorrupt(f"{folder.name}: documents or sentences are not the rows the index was "
                                 "built with (reordered, duplicated or changed)")
        if _crc32(folder / VECTORS) != self.info.vectors_crc32:
            raise SegmentCorrupt(f"{folder.name}/{VECTORS} does not match its checksum")

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Run a read-only query (thread-safe)."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def sentences(self, first: int, end: int) -> Iterator[Sentence]:
        """Sentences of local rows ``first..end-1``, in order."""
        rows = self.query(f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE row >= ? AND row < ? ORDER BY row",
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
