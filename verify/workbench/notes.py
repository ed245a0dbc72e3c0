"""A fact-checker's notes: the history of checks and the verdicts a person accepted or overrode.

Kept in a local SQLite database (WAL mode, so the app's sessions can read while one
writes). Records are only ever appended: a new review supersedes the previous one for
the same statement but never replaces it, and the schema only grows, so no upgrade can
lose a note. A file that is not a Crosscheck notes database is reported and left untouched.
Statements are looked up by :func:`claim_key` (whitespace and case folded).

Since schema 2 each check keeps its report (JSON) and the index it came from, so a past check
reopens as it was; deleting a check from the history adds a tombstone (the row stays, and
reviews are never deleted).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from index.errors import CrosscheckError
from verify.models import Report, Verdict
from verify.workbench.live_index import IndexStamp

__all__ = ["SCHEMA_VERSION", "CheckRecord", "NotesError", "NotesStore", "Review", "StoredCheck", "claim_key"]

LOG = logging.getLogger(__name__)

SCHEMA_VERSION = 3
# Additive steps only (CREATE ... IF NOT EXISTS, ADD COLUMN): step n brings a database to version n.
_MIGRATIONS = {
    1: """
        CREATE TABLE IF NOT EXISTS checks (
            id INTEGER PRIMARY KEY, claim_key TEXT NOT NULL, claim TEXT NOT NULL,
            verdict TEXT NOT NULL, confidence REAL NOT NULL, checked_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS checks_by_claim ON checks (claim_key, id);
        CREATE TABLE IF NOT EXISTS reviews (
            id INTEGER PRIMARY KEY, claim_key TEXT NOT NULL, claim TEXT NOT NULL,
            automatic TEXT NOT NULL, verdict TEXT NOT NULL, accepted INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '', reviewed_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS reviews_by_claim ON reviews (claim_key, id);
    """,
    2: """
        ALTER TABLE checks ADD COLUMN report TEXT;
        ALTER TABLE checks ADD COLUMN index_stamp TEXT;
        CREATE TABLE IF NOT EXISTS deleted_checks (
            id INTEGER PRIMARY KEY, check_id INTEGER NOT NULL, deleted_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS deleted_by_check ON deleted_checks (check_id);
    """,
    3: """
        ALTER TABLE reviews ADD COLUMN rejected TEXT NOT NULL DEFAULT '[]';
    """,
}
_LIVE = "NOT EXISTS (SELECT 1 FROM deleted_checks d WHERE d.check_id = checks.id)"
MAX_NOTE_CHARS = 10_000


class NotesError(CrosscheckError):
    """The notes database cannot be used (not a database, damaged, newer, unwritable)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckRecord(_Strict):
    """One check of a statement, as the history lists it."""

    id: int = Field(default=0, ge=0, description="the check's number (0 for records made outside a database)")
    claim: str
    verdict: Verdict
    confidence: float = Field(ge=0, le=1)
    checked_at: str = Field(description="ISO time, UTC")
    index: IndexStamp | None = Field(default=None, description="the index it was checked against, when recorded")
    stored: bool = Field(default=False, description="whether its report was kept (checks since schema 2)")


class StoredCheck(_Strict):
    """A past check with the report it gave, to reopen it as it was."""

    record: CheckRecord
    report: Report


class Review(_Strict):
    """A person's verdict on a statement: the automatic one accepted, or another one."""

    claim: str
    automatic: Verdict = Field(description="the verdict Crosscheck gave")
    verdict: Verdict = Field(description="the verdict the person set")
    accepted: bool = Field(description="True when the person accepted the automatic verdict")
    note: str = ""
    reviewed_at: str = Field(description="ISO time, UTC")
    rejected_sources: list[str] = Field(
        default_factory=list, description="source ids the person rejected as evidence: the exports cite none of them")


def claim_key(claim: str) -> str:
    """The lookup key of a statement: whitespace collapsed, case folded."""
    return " ".join(claim.split()).casefold()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class NotesStore:
    """The notes database at ``path`` (created with its folder on first write).

    Every call opens its own short-lived connection, so one store can serve several app
    sessions (threads) at once.

    Raises:
        NotesError: from every method, when the file is not a usable notes database.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        where = f"the notes database {self.path}"
        if self.path.exists() and not self.path.is_file():
            raise NotesError(f"{where} is not a file; set CROSSCHECK_NOTES to a file path")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as con:
                if not self._ready:
                    self._prepare(con)
                with con:  # one transaction: committed on success, rolled back on error
                    yield con
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed", ...
            raise NotesError(f"{where} cannot be read ({exc}); it was left untouched: move it aside to start "
                             "a new one, or restore it from a backup") from exc
        except (sqlite3.Error, OSError) as exc:
            raise NotesError(f"{where} cannot be used: {exc}") from exc

    def _prepare(self, con: sqlite3.Connection) -> None:
        """Check the file is ours (reading only), then bring its schema up to date (additively)."""
        version = con.execute("PRAGMA user_version").fetchone()[0]  # reads the header: fails on a non-database
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version > SCHEMA_VERSION:
            raise NotesError(f"the notes database {self.path} was written by a newer Crosscheck (schema {version}, "
                             f"this one reads {SCHEMA_VERSION}); it was left untouched")
        if version == 0 and tables:
            raise NotesError(f"{self.path} is an SQLite database of something else (tables: {', '.join(sorted(tables))}); "
                             "it was left untouched; set CROSSCHECK_NOTES to another file")
        con.execute("PRAGMA journal_mode=WAL")
        for step in range(version + 1, SCHEMA_VERSION + 1):
            con.executescript(_MIGRATIONS[step])
            con.execute(f"PRAGMA user_version = {step}")
            LOG.info("notes database %s upgraded to schema %d", self.path, step)
        self._ready = True

    def _latest(self, select: str, claim: str | None, limit: int) -> list[tuple]:
        """Rows of ``select`` (one table), newest first: of one statement, or all when ``claim`` is None."""
        where, args = ("", ()) if claim is None else (" WHERE claim_key = ?", (claim_key(claim),))
        with self._connect() as con:
            return con.execute(f"{select}{where} ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()

    # -- history ---------------------------------------------------------------------------
    _CHECK_FIELDS = "id, claim, verdict, confidence, checked_at, index_stamp, report IS NOT NULL"

    @staticmethod
    def _record(row: tuple) -> CheckRecord:
        ident, claim, verdict, confidence, checked_at, stamp, stored = row
        return CheckRecord(id=ident, claim=claim, verdict=verdict, confidence=confidence, checked_at=checked_at,
                           index=IndexStamp.model_validate_json(stamp) if stamp else None, stored=bool(stored))

    def record_check(self, report: Report, index: IndexStamp | None = None) -> int:
        """Add a check of ``report.claim`` to the history, with its report; returns the check's id."""
        with self._connect() as con:
            cursor = con.execute(
                "INSERT INTO checks (claim_key, claim, verdict, confidence, checked_at, report, index_stamp) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (claim_key(report.claim), report.claim, report.verdict, report.confidence, _now(),
                 report.model_dump_json(), index.model_dump_json() if index else None))
            return int(cursor.lastrowid)

    def checks(self, claim: str | None = None, limit: int = 50, search: str | None = None) -> list[CheckRecord]:
        """The latest checks not deleted, newest first.

        Args:
            claim: Only the checks of this statement. Defaults to all.
            limit: At most this many. Defaults to 50.
            search: Only statements that hold these words (in this order, case folded). Defaults to all.
        """
        where, args = [_LIVE], []
        if claim is not None:
            where.append("claim_key = ?")
            args.append(claim_key(claim))
        if search and search.strip():
            where.append("claim_key LIKE ? ESCAPE '\\'")
            words = [re.sub(r"([%_\\])", r"\\\1", w) for w in claim_key(search).split()]
            args.append("%" + "%".join(words) + "%")
        with self._connect() as con:
            rows = con.execute(f"SELECT {self._CHECK_FIELDS} FROM checks WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
                               (*args, limit)).fetchall()
        return [self._record(row) for row in rows]

    def stored_check(self, check_id: int) -> StoredCheck | None:
        """A past check with its report; None when it is unknown, deleted, or older than schema 2."""
        with self._connect() as con:
            row = con.execute(f"SELECT {self._CHECK_FIELDS}, report FROM checks WHERE id = ? AND {_LIVE}",
                              (check_id,)).fetchone()
        if row is None or row[-1] is None:
            return None
        return StoredCheck(record=self._record(row[:-1]), report=Report.model_validate_json(row[-1]))

    def latest_stored(self, claim: str) -> StoredCheck | None:
        """The newest check of a statement that kept its report, or None."""
        with self._connect() as con:
            row = con.execute(f"SELECT id FROM checks WHERE claim_key = ? AND report IS NOT NULL AND {_LIVE} "
                              "ORDER BY id DESC LIMIT 1", (claim_key(claim),)).fetchone()
        return self.stored_check(row[0]) if row else None

    def delete_check(self, check_id: int) -> bool:
        """Hide a check from the history (a tombstone: the row stays; reviews are untouched).

        Returns:
            False when there is no such check (or it was deleted already).
        """
        with self._connect() as con:
            if con.execute(f"SELECT 1 FROM checks WHERE id = ? AND {_LIVE}", (check_id,)).fetchone() is None:
                return False
            con.execute("INSERT INTO deleted_checks (check_id, deleted_at) VALUES (?, ?)", (check_id, _now()))
        return True

    # -- reviews ---------------------------------------------------------------------------
    def add_review(self, claim: str, automatic: Verdict, verdict: Verdict, note: str = "",
                   rejected_sources: list[str] | tuple[str, ...] = ()) -> Review:
        """Record a person's verdict on a statement (it supersedes, and keeps, the earlier ones).

        ``rejected_sources`` are the source ids the person rejected as evidence: the exports cite none of them.

        Raises:
            NotesError: The note is longer than :data:`MAX_NOTE_CHARS`, or the database cannot be used.
        """
        if len(note) > MAX_NOTE_CHARS:
            raise NotesError(f"the note is {len(note)} characters long; keep it under {MAX_NOTE_CHARS}")
        review = Review(claim=" ".join(claim.split()), automatic=automatic, verdict=verdict,
                        accepted=automatic == verdict, note=note.strip(), reviewed_at=_now(),
                        rejected_sources=list(dict.fromkeys(rejected_sources)))
        with self._connect() as con:
            con.execute("INSERT INTO reviews (claim_key, claim, automatic, verdict, accepted, note, reviewed_at, "
                        "rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (claim_key(claim), review.claim, review.automatic, review.verdict, int(review.accepted),
                         review.note, review.reviewed_at, json.dumps(review.rejected_sources)))
        return review

    def reviews(self, claim: str | None = None, limit: int = 50) -> list[Review]:
        """Reviews, newest first: of one statement, or of all when ``claim`` is None."""
        rows = self._latest("SELECT claim, automatic, verdict, accepted, note, reviewed_at, rejected FROM reviews",
                            claim, limit)
        return [Review(claim=c, automatic=a, verdict=v, accepted=bool(ok), note=n, reviewed_at=t,
                       rejected_sources=json.loads(r))
                for c, a, v, ok, n, t, r in rows]

    def latest_review(self, claim: str) -> Review | None:
        """The review in force for a statement, or None."""
        found = self.reviews(claim, limit=1)
        return found[0] if found else None

    def latest_reviews(self, claims: list[str]) -> dict[str, Review]:
        """``claim_key -> review in force`` for those of ``claims`` that have one."""
        found = {}
        for claim in claims:
            if (review := self.latest_review(claim)) is not None:
                found[claim_key(claim)] = review
        return found
