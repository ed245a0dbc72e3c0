"""The notes database (verify/workbench/notes.py): history, reviews, WAL, never losing or overwriting anything."""

from __future__ import annotations

import sqlite3

import pytest

from verify.models import Report
from verify.workbench.notes import SCHEMA_VERSION, NotesError, NotesStore, claim_key


def report(claim: str, verdict: str = "supported", confidence: float = 0.9) -> Report:
    return Report(claim=claim, verdict=verdict, confidence=confidence)


def test_claim_key_folds_whitespace_and_case():
    assert claim_key("  Kim  MET\nPutin. ") == claim_key("kim met putin.") == "kim met putin."


def test_checks_and_reviews_survive_a_restart_and_are_found_by_normalised_claim(tmp_path):
    path = tmp_path / "var" / "notes.sqlite3"
    notes = NotesStore(path)
    notes.record_check(report("Kim met Putin."))
    notes.record_check(report("Kim  met PUTIN.", "contradicted", 0.7))
    notes.record_check(report("Something else entirely."))
    notes.add_review("Kim met Putin.", "supported", "supported", "ok")
    notes.add_review("KIM MET PUTIN.", "supported", "contradicted", "  the date is wrong  ")

    again = NotesStore(path)  # a new process
    assert [(c.verdict, c.confidence) for c in again.checks("kim met putin.")] == [("contradicted", 0.7),
                                                                                   ("supported", 0.9)]
    assert len(again.checks()) == 3
    latest = again.latest_review("Kim met Putin.")
    assert (latest.automatic, latest.verdict, latest.accepted, latest.note) == (
        "supported", "contradicted", False, "the date is wrong")
    assert [r.accepted for r in again.reviews("kim met putin.")] == [False, True]  # the earlier review is kept
    assert set(again.latest_reviews(["Kim met Putin.", "Unknown."])) == {"kim met putin."}
    assert again.latest_review("Unknown.") is None
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.parametrize("content", [b"this is not a database, it is a text file\n" * 20,
                                     b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_damaged_file_is_reported_and_left_untouched(tmp_path, content):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(content)
    notes = NotesStore(path)
    with pytest.raises(NotesError, match="left untouched"):
        notes.checks()
    with pytest.raises(NotesError):
        notes.record_check(report("Kim met Putin."))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_a_foreign_or_newer_database_is_not_touched(tmp_path):
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE accounts (id INTEGER)")
    with pytest.raises(NotesError, match="something else"):
        NotesStore(foreign).checks()
    newer = tmp_path / "newer.sqlite3"
    NotesStore(newer).record_check(report("Kim met Putin."))
    with sqlite3.connect(newer) as con:
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(NotesError, match="newer Crosscheck"):
        NotesStore(newer).checks()
    with sqlite3.connect(newer) as con:
        assert con.execute("SELECT count(*) FROM checks").fetchone()[0] == 1


def test_a_folder_in_place_of_the_file_is_a_clear_error(tmp_path):
    with pytest.raises(NotesError, match="not a file"):
        NotesStore(tmp_path).checks()


def test_an_overlong_note_is_refused(tmp_path):
    with pytest.raises(NotesError, match="characters long"):
        NotesStore(tmp_path / "n.sqlite3").add_review("Kim met Putin.", "supported", "supported", "x" * 20_000)


def test_a_check_keeps_its_report_and_index_and_reopens_as_it_was(tmp_path):
    from verify.workbench.live_index import IndexStamp

    notes = NotesStore(tmp_path / "notes.sqlite3")
    stamp = IndexStamp(built_at="2026-11-26T01:00:00+00:00", sources=5, sentences=79)
    first = notes.record_check(report("Kim met Putin.", "contradicted", 0.6), stamp)
    second = notes.record_check(report("Kim met Putin."), stamp)
    assert second > first
    stored = notes.stored_check(first)
    assert stored.report == report("Kim met Putin.", "contradicted", 0.6)
    assert stored.record.index == stamp and stored.record.stored and stored.record.id == first
    assert notes.latest_stored("KIM met putin.").record.id == second
    assert notes.stored_check(999) is None and notes.latest_stored("Unknown.") is None


def test_search_finds_statements_by_their_words_and_wildcards_are_literal(tmp_path):
    notes = NotesStore(tmp_path / "notes.sqlite3")
    for claim in ("Kim met Putin in Vostochny.", "Lavrov plans to visit Pyongyang.", "Growth was 100% in 2023."):
        notes.record_check(report(claim))
    assert [c.claim for c in notes.checks(search="kim  PUTIN")] == ["Kim met Putin in Vostochny."]
    assert [c.claim for c in notes.checks(search="100%")] == ["Growth was 100% in 2023."]
    assert [c.claim for c in notes.checks(search="%")] == ["Growth was 100% in 2023."]
    assert notes.checks(search="_") == []
    assert len(notes.checks(search="  ")) == 3


def test_deleting_a_check_is_a_tombstone_and_keeps_the_reviews(tmp_path):
    path = tmp_path / "notes.sqlite3"
    notes = NotesStore(path)
    kept = notes.record_check(report("Kim met Putin."))
    gone = notes.record_check(report("Kim met Putin.", "contradicted", 0.5))
    notes.add_review("Kim met Putin.", "contradicted", "supported", "called them")
    assert notes.delete_check(gone) and not notes.delete_check(gone) and not notes.delete_check(12345)
    assert [c.id for c in notes.checks()] == [kept]
    assert notes.stored_check(gone) is None and notes.latest_stored("Kim met Putin.").record.id == kept
    assert notes.latest_review("Kim met Putin.").note == "called them"
    with sqlite3.connect(path) as con:  # the row itself stays: append-only
        assert con.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 2


def test_a_schema_1_database_is_upgraded_in_place_and_keeps_its_history(tmp_path):
    path = tmp_path / "notes.sqlite3"
    with sqlite3.connect(path) as con:  # a database as the first Crosscheck wrote it
        con.executescript("""
            CREATE TABLE checks (id INTEGER PRIMARY KEY, claim_key TEXT NOT NULL, claim TEXT NOT NULL,
                verdict TEXT NOT NULL, confidence REAL NOT NULL, checked_at TEXT NOT NULL);
            CREATE TABLE reviews (id INTEGER PRIMARY KEY, claim_key TEXT NOT NULL, claim TEXT NOT NULL,
                automatic TEXT NOT NULL, verdict TEXT NOT NULL, accepted INTEGER NOT NULL,
                note TEXT NOT NULL DEFAULT '', reviewed_at TEXT NOT NULL);
            INSERT INTO checks VALUES (1, 'kim met putin.', 'Kim met Putin.', 'supported', 0.9, '2026-11-01T10:00:00+00:00');
            INSERT INTO reviews VALUES (1, 'kim met putin.', 'Kim met Putin.', 'supported', 'supported', 1, 'ok',
                                        '2026-11-01T10:05:00+00:00');
            PRAGMA user_version = 1;
        """)
    notes = NotesStore(path)
    [old] = notes.checks()
    assert (old.id, old.claim, old.stored, old.index) == (1, "Kim met Putin.", False, None)
    assert notes.stored_check(1) is None  # no report was kept then: the page checks it again
    assert notes.latest_review("Kim met Putin.").note == "ok"
    assert notes.latest_review("Kim met Putin.").rejected_sources == []
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_sources_a_reviewer_rejects_are_stored_with_the_review_and_the_latest_review_wins(tmp_path):
    notes = NotesStore(tmp_path / "notes.sqlite3")
    notes.add_review("Kim met Putin.", "supported", "supported", rejected_sources=["b", "a", "b"])
    assert notes.latest_review("kim met putin.").rejected_sources == ["b", "a"]
    notes.add_review("Kim met Putin.", "supported", "conflicting")
    assert notes.latest_review("Kim met Putin.").rejected_sources == []
    assert [r.rejected_sources for r in notes.reviews("Kim met Putin.")] == [[], ["b", "a"]]
