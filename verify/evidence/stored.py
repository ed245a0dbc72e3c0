"""The passage analyses of an index, made once and stored in its folder (``analyses.sqlite``).

A check's detectors read each judged passage's :class:`~verify.evidence.analysis.Analysis`;
at scale every judged sentence is new to the process and parsing it is the largest cost of a
check besides the judge. ``python -m verify analyse --index DIR`` (:func:`fill`) parses every
sentence of an index once, as the check does (role "passage", anchored at its document's
date), and stores the records; a check reads those of its passages in one query a batch
(:class:`PassageRecords`) and parses only the sentences without one.

The file is verify's, beside the index's own parts (the index never reads it). A record is
keyed by a digest of its text, role and anchor, under the stamp of everything else that
determines it (:func:`verify.evidence.records.stamp`); a record under another stamp is never
used, and :func:`fill` removes them. Records are JSON (:mod:`verify.evidence.records`), never
pickle: an index may come from someone else. A store that cannot be read costs a warning and
the parsing it would have saved, never a check.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from index.store.base import IndexBase
from verify.errors import AnalysisStoreError
from verify.evidence.analysis import analyse, is_remembered, remember
from verify.evidence.records import RecordError, decode, encode, record_key, stamp
from verify.scoring.assemble import iso_date
from verify.settings import EvidenceSettings

__all__ = ["FILE_NAME", "FillResult", "PassageRecords", "fill", "store_path"]

LOG = logging.getLogger(__name__)
FILE_NAME = "analyses.sqlite"
FILE_FORMAT = 1
"""``PRAGMA user_version`` of the file: the layout of its tables."""
CHUNK = 2000
"""Rows :func:`fill` reads, parses and commits at a time (an interrupted fill keeps what it committed)."""
QUERY = 500
"""Keys one ``IN (...)`` query asks for."""
MAX_RECORD = 1 << 20
"""Bytes of JSON one record may hold (a passage sentence's record is a few kilobytes at most)."""
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS stamps (id INTEGER PRIMARY KEY, stamp TEXT NOT NULL UNIQUE)",
    ("CREATE TABLE IF NOT EXISTS records (stamp_id INTEGER NOT NULL, key BLOB NOT NULL, body BLOB NOT NULL, "
    "PRIMARY KEY (stamp_id, key)) WITHOUT ROWID"),
)


def store_path(index_dir: Path) -> Path:
    """Where the passage analyses of the index in ``index_dir`` are stored."""
    return Path(index_dir) / FILE_NAME


def _select(conn: sqlite3.Connection, stamp_id: int, keys: Sequence[bytes]) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for start in range(0, len(keys), QUERY):
        part = keys[start:start + QUERY]
        found.update(conn.execute(f"SELECT key, body FROM records WHERE stamp_id = ? AND key IN "
                                  f"({','.join('?' * len(part))})", (stamp_id, *part)))
    return found


def _inflate(body: bytes) -> bytes:
    """A record's JSON; one that would inflate past :data:`MAX_RECORD` is refused, not read (the file may
    come with an index from someone else)."""
    inflater = zlib.decompressobj()
    raw = inflater.decompress(body, MAX_RECORD)
    if inflater.unconsumed_tail:
        raise RecordError(f"a record inflates to more than {MAX_RECORD:,} bytes")
    return raw


def _stamp_id(conn: sqlite3.Connection, current: str) -> int | None:
    if conn.execute("PRAGMA user_version").fetchone()[0] != FILE_FORMAT:
        return None
    row = conn.execute("SELECT id FROM stamps WHERE stamp = ?", (current,)).fetchone()
    return None if row is None else row[0]


class PassageRecords:
    """A check's reader of an index's stored passage analyses.

    Args:
        index_dir: The index folder.
        settings: The evidence settings of the check (records made with others are not used).
    """

    def __init__(self, index_dir: Path, settings: EvidenceSettings) -> None:
        self.path, self.settings, self.stamp = store_path(index_dir), settings, stamp(settings)
        self.broken = self.stale = False

    def load(self, passages: Sequence[tuple[str, date | None]]) -> int:
        """Hand :func:`verify.evidence.analysis.analyse` the stored analyses of ``passages``.

        One query a few hundred passages. A missing store, or one of another version, is
        skipped quietly; one that cannot be read costs one warning, and is not read again.

        Args:
            passages: Each passage's sentence text and its document's date.

        Returns:
            How many were found (those :func:`analyse` already remembers count, and are not read again).
        """
        if self.broken or not passages or not self.path.is_file():
            return 0
        held = {(text, anchor) for text, anchor in passages if is_remembered(text, "passage", anchor, self.settings)}
        wanted = {record_key(text, "passage", anchor): (text, anchor) for text, anchor in passages
                  if (text, anchor) not in held}
        if not wanted:
            return len(held)
        try:
            conn = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True, timeout=2)
            try:
                stamp_id = _stamp_id(conn, self.stamp)
                bodies = {} if stamp_id is None else _select(conn, stamp_id, list(wanted))
            finally:
                conn.close()
            if stamp_id is None and not self.stale:
                self.stale = True
                LOG.info("the passage analyses stored at %s are of another version or settings; parsing the "
                         "passages instead (store them again with: python -m verify analyse --index %s)",
                         self.path, self.path.parent)
            found = [decode(_inflate(body), wanted[key][0], "passage", wanted[key][1])
                     for key, body in bodies.items()]
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):  # ``verify analyse`` is committing: parse this time
                LOG.debug("passage analyses at %s are being written; parsing this batch", self.path)
                return 0
            return self._broken(exc)
        except (sqlite3.DatabaseError, zlib.error, RecordError, OSError) as exc:
            return self._broken(exc)
        remember(found, self.settings)
        return len(found) + len(held)

    def _broken(self, exc: Exception) -> int:
        self.broken = True
        LOG.warning("the stored passage analyses at %s cannot be read (%s); parsing the passages instead. "
                    "Delete the file, or store them again with: python -m verify analyse --index %s",
                    self.path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__, self.path.parent)
        return 0


class FillResult(BaseModel):
    """What :func:`fill` did."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    sentences: int
    analysed: int
    """Passages parsed and stored now."""
    current: int
    """Passages whose record was there already."""
    removed: int
    """Records of another stamp (version, settings, packages) removed."""
    size: int
    """Bytes of the file."""


def _open_store(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, FILE_FORMAT):
            raise sqlite3.DatabaseError(f"file format {version}, not {FILE_FORMAT}")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {FILE_FORMAT}")
        conn.commit()
    except BaseException:
        conn.close()
        raise
    return conn


def _writable(path: Path) -> sqlite3.Connection:
    """The store opened for writing; one that is not a store of this format is made again (it holds
    only what :func:`fill` can make again, never anything of the user's)."""
    try:
        return _open_store(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, no such folder: not the file's fault
            raise
        LOG.warning("%s is not a store of passage analyses this version reads (%s); writing it again", path, exc)
    for part in (path, path.with_name(path.name + "-journal")):
        part.unlink(missing_ok=True)
    return _open_store(path)


def fill(index: IndexBase, settings: EvidenceSettings,
         progress: Callable[[int, int], None] | None = None) -> FillResult:
    """Parse and store the analysis of every sentence of ``index`` that has no current record.

    Writes only ``analyses.sqlite`` in the index folder, a chunk of rows a transaction.

    Args:
        index: The open index.
        settings: The evidence settings checks will use.
        progress: Called as ``progress(done, total)`` after each chunk of rows. Defaults to None.

    Returns:
        What was done.

    Raises:
        AnalysisStoreError: The file cannot be written.
    """
    path, current = store_path(index.path), stamp(settings)
    total, analysed, present = len(index.sentences), 0, 0
    try:
        conn = _writable(path)
        try:
            conn.execute("INSERT OR IGNORE INTO stamps (stamp) VALUES (?)", (current,))
            stamp_id = _stamp_id(conn, current)
            removed = conn.execute("DELETE FROM records WHERE stamp_id != ?", (stamp_id,)).rowcount
            conn.execute("DELETE FROM stamps WHERE id != ?", (stamp_id,))
            conn.commit()
            anchors: dict[str, date | None] = {}
            for start in range(0, total, CHUNK):
                todo: dict[bytes, tuple[str, date | None]] = {}
                for sent in index.sentences[start:start + CHUNK]:
                    if sent.source_id not in anchors:
                        anchors.clear()  # a source's rows are adjacent: keep one
                        anchors[sent.source_id] = iso_date(index.summary(sent.source_id).date)
                    anchor = anchors[sent.source_id]
                    todo[record_key(sent.text, "passage", anchor)] = (sent.text, anchor)
                have = _select(conn, stamp_id, list(todo))
                present += len(have)
                made = ((key, encode(analyse(text, "passage", anchor, settings)))
                        for key, (text, anchor) in todo.items() if key not in have)
                rows = [(stamp_id, key, zlib.compress(body)) for key, body in made if len(body) <= MAX_RECORD]
                conn.executemany("INSERT OR IGNORE INTO records (stamp_id, key, body) VALUES (?, ?, ?)", rows)
                conn.commit()
                analysed += len(rows)
                if progress:
                    progress(min(start + CHUNK, total), total)
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        raise AnalysisStoreError(f"cannot store passage analyses at {path}: {exc}") from exc
    return FillResult(path=path, sentences=total, analysed=analysed, current=present, removed=removed,
                      size=path.stat().st_size)

