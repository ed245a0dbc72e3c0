"""Write one new segment (the format is in ``index.store.segment``): rows to SQLite, vectors to their rows on disk.

Vectors may arrive in any order (the build embeds sentences in order of length); each lands at
its row's offset in a raw file, which ``finish`` turns into ``vectors.npy``, so the file on disk
is the same whatever the order, and no copy of all vectors is held in memory.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from index.models import Document, SegmentInfo, Sentence
from index.store.durable import fsync_dir, fsync_file
from index.store.segment import READ_CHUNK, ROWS, SENTENCE_COLUMNS, VECTORS, document_digest, rows_digest, vectors_crc32

__all__ = ["SegmentWriter", "new_segment_name"]

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

def new_segment_name() -> str:
    """A fresh segment folder name."""
    return f"seg-{uuid.uuid4().hex[:12]}"


class SegmentWriter:
    """Write one segment, document by document, then ``finish`` it (fsynced, ready to name in a manifest).

    Args:
        folder: The new segment folder (must not exist).
        dim: Vector dimension; None until it is set (before any vector is written), so documents can be
            written before the embedding model is loaded.
        dtype: ``float32`` or ``float16`` on disk.
    """

    def __init__(self, folder: Path, dim: int | None, dtype: str) -> None:
        self.folder = folder
        self.dim, self._dtype = dim, np.dtype(dtype)
        folder.mkdir()
        self._db = sqlite3.connect(folder / ROWS)
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self._raw = (folder / "vectors.raw").open("wb", buffering=0)  # rows land at their offsets (pwrite)
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
            f"INSERT INTO sentences (row, {SENTENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

    def texts_by_length(self, chunk: int) -> Iterator[tuple[np.ndarray, list[str]]]:
        """The rows and texts of the sentences added, shortest first (ties in row order), ``chunk`` at a time.

        SQLite sorts them (spilling to a temporary file past its cache), so the texts are
        never all in memory.
        """
        cursor = self._db.execute("SELECT row, text FROM sentences ORDER BY length(text), row")
        while batch := cursor.fetchmany(chunk):
            yield np.fromiter((row for row, _ in batch), np.int64, len(batch)), [text for _, text in batch]

    def add_vectors(self, vectors: np.ndarray) -> None:
        """Append the vectors of the next sentences, in the order they were added."""
        self.put_vectors(np.arange(self._vectors, self._vectors + len(vectors)), vectors)

    def put_vectors(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Write vectors to their rows, in any order; each row is written once (this or ``add_vectors``).

        Raises:
            ValueError: A row the segment does not hold yet.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) and (rows.min() < 0 or rows.max() >= self._rows):
            raise ValueError(f"vector rows {rows.min()}..{rows.max()} outside the {self._rows} sentences added")
        order = np.argsort(rows, kind="stable")
        rows, block = rows[order], np.ascontiguousarray(np.asarray(vectors)[order], dtype=self._dtype)
        width = self.dim * self._dtype.itemsize
        runs = np.flatnonzero(np.diff(rows) != 1) + 1  # one write per run of consecutive rows
        for first, last in zip([0, *runs.tolist()], [*runs.tolist(), len(rows)]):
            data = memoryview(block[first:last]).cast("B")
            offset = int(rows[first]) * width
            while data:
                written = os.pwrite(self._raw.fileno(), data, offset)
                data, offset = data[written:], offset + written
        self._vectors += len(rows)

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
                shutil.copyfileobj(data, out, READ_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        raw.unlink()
        self._db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        # document frequencies, once: fts5vocab counts a term by reading its whole posting list (ms a word)
        self._db.execute("INSERT INTO df SELECT term, doc FROM fts_vocab")
        self._db.execute("CREATE INDEX terms_by_table ON terms (tbl)")
        self._db.commit()
        documents = self._db.execute("SELECT source_id, digest, first, count FROM documents ORDER BY ordinal")
        digest = rows_digest(documents.fetchall(), self._db, self._rows)
        self._db.close()
        fsync_file(self.folder / ROWS)
        fsync_dir(self.folder)
        fsync_dir(self.folder.parent)
        return SegmentInfo(name=self.folder.name, base=base, documents=self._documents, sentences=self._rows,
                           vectors_crc32=vectors_crc32(self.folder / VECTORS), rows_digest=digest,
                           tables=sorted(tables or []))

    def abort(self) -> None:
        """Drop a half-written segment."""
        self._raw.close()
        self._db.close()
        shutil.rmtree(self.folder, ignore_errors=True)
