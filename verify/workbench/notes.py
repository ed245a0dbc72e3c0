"""A fact-checker's notes: the history of checks and the verdicts a person accepted or overrode.

Kept in a local SQLite database (WAL mode, so the app's sessions can read while one
writes). Records are only ever appended: a new review supersedes the previous one for
the same statement but never replaces it, and the schema only grows, so no upgrade can
lose a note. A file that is not a Crosscheck notes database is reported and left untouched.
Statements are looked up by :func:`claim_key` (whitespace and case folded).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from index.errors import CrosscheckError
from verify.models import Report, Verdict

__all__ = ["SCHEMA_VERSION", "CheckRecord", "NotesError", "NotesStore", "Review", "claim_key"]

LOG = logging.getLogger(__name__)

SCHEMA_VERSION = 1
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
}
MAX_NOTE_CHARS = 10_000


class NotesError(CrosscheckError):
    """The notes database cannot be used (not a database, damaged, newer, unwritable)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckRecord(_Strict):
    """One check of a statement, as the history lists it."""

    claim: str
    verdict: Verdict
    confidence: float = Field(ge=0, le=1)
    checked_at: str = Field(description="ISO time, UTC")


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
    def record_check(self, report: Report) -> None:
        """Add a check of ``report.claim`` to the history."""
        with self._connect() as con:
            con.execute("INSERT INTO checks (claim_key, claim, verdict, confidence, checked_at) VALUES (?, ?, ?, ?, ?)",
                        (claim_key(report.claim), report.claim, report.verdict, report.confidence, _now()))

    def checks(self, claim: str | None = None, limit: int = 50) -> list[CheckRecord]:
        """The latest checks, newest first: of one statement, or of all when ``claim`` is None."""
        rows = self._latest("SELECT claim, verdict, confidence, checked_at FROM checks", claim, limit)
        return [CheckRecord(claim=c, verdict=v, confidence=x, checked_at=t) for c, v, x, t in rows]

    # -- reviews ---------------------------------------------------------------------------
    def add_review(self, claim: str, automatic: Verdict, verdict: Verdict, note: str = "") -> Review:
        """Record a person's verdict on a statement (it supersedes, and keeps, the earlier ones).

        Raises:
            NotesError: The note is longer than :data:`MAX_NOTE_CHARS`, or the database cannot be used.
        """
        if len(note) > MAX_NOTE_CHARS:
            raise NotesError(f"the note is {len(note)} characters long; keep it under {MAX_NOTE_CHARS}")
        review = Review(claim=" ".join(claim.split()), automatic=automatic, verdict=verdict,
                        accepted=automatic == verdict, note=note.strip(), reviewed_at=_now())
        with self._connect() as con:
            con.execute("INSERT INTO reviews (claim_key, claim, automatic, verdict, accepted, note, reviewed_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (claim_key(claim), review.claim, review.automatic, review.verdict, int(review.accepted),
                         review.note, review.reviewed_at))
        return review

    def reviews(self, claim: str | None = None, limit: int = 50) -> list[Review]:
        """Reviews, newest first: of one statement, or of all when ``claim`` is None."""
        rows = self._latest("SELECT claim, automatic, verdict, accepted, note, reviewed_at FROM reviews", claim, limit)
        return [Review(claim=c, automatic=a, verdict=v, accepted=bool(ok), note=n, reviewed_at=t)
                for c, a, v, ok, n, t in rows]

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
