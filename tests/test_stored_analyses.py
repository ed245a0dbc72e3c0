"""Passage analyses stored with the index: the codec round trip, the store's keys, filling, and a
check that reads them (same reports; a stale or damaged store is parsed around, never trusted)."""

from __future__ import annotations

import gzip
import itertools
import json
import logging
import sqlite3
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny_index
from hypothesis import given, settings
from hypothesis import strategies as st

from index import build_index
from index.store.claim_index import ClaimIndex
from verify import Settings, Verifier
from verify.cli import main
from verify.evidence import analysis, records, stored
from verify.evidence.analysis import analyse
from verify.evidence.records import RecordError, decode, encode
from verify.evidence.stored import PassageRecords, fill, store_path
from verify.settings import EVIDENCE_DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
NLI = next((p for p in (ROOT.parent / "shared" / "nli" / "train_3way.jsonl.gz",  # beside a checkout
                         ROOT.parent.parent / "shared" / "nli" / "train_3way.jsonl.gz") if p.exists()), None)  # a worktree


def _round_trip(text: str, role: str = "passage", anchor: date | None = None) -> None:
    a = analyse(text, role, anchor)
    assert decode(encode(a), text, role, anchor) == a


def test_every_sentence_of_the_sample_corpus_round_trips(fake_embedder, tmp_path):
    build_index(ROOT / "data" / "corpus", tmp_path / "index", fake_embedder)
    index = ClaimIndex.load(tmp_path / "index")
    for sent in index.sentences:
        for anchor in (None, date(2024, 6, 1)):  # the sample corpus has no dates; a dated copy would
            _round_trip(sent.text, "passage", anchor)
        _round_trip(sent.text, "claim")


@pytest.mark.skipif(NLI is None, reason="the shared NLI pairs are not on this machine")
def test_nli_premises_round_trip():
    with gzip.open(NLI, "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, 600):
            _round_trip(json.loads(line)["premise"], "passage", date(2020, 4, 5))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["On 3 May 2021", "more than 8,000 cases", "in Paris", "did not", "plans to",
                                 "last month", "the 70th anniversary", "Putin said", "\udc80", "é", "1e400",
                                 "between 6 and 15", "He", ",", "."]) | st.text(), min_size=1, max_size=8)
       .map(" ".join))
def test_any_text_round_trips(text):
    _round_trip(text, "passage", date(2019, 12, 31))


def test_a_damaged_record_is_refused_not_half_read():
    a = analyse("More than 8,000 people marched in Paris on 3 May 2021.", "passage")
    raw = json.loads(encode(a))
    bad = [b"not json", b"[]", json.dumps(raw + [1]).encode()]
    figure = raw[2][0]
    for i, value in ((1, True), (1, "8"), (2, "8")):  # Quantity.start as a bool / a str; Quantity.end as a str
        changed = json.loads(json.dumps(raw))
        changed[2][0][0][i] = value
        bad.append(json.dumps(changed).encode())
    for field, value in ((8, [1]), (8, "stem"), (9, [["more", "0", 4]]), (9, [["more", 0]]), (10, [["a"], [1]])):
        changed = json.loads(json.dumps(raw))  # content stems, word spans, the wording: each of a wrong type
        changed[field] = value
        bad.append(json.dumps(changed).encode())
    assert figure  # the record has a figure to damage
    for record in bad:
        with pytest.raises(RecordError):
            decode(record, a.text, "passage", None)


def test_stamp_names_version_settings_and_shape(monkeypatch):
    base = records.stamp(EVIDENCE_DEFAULTS)
    assert records.stamp(EVIDENCE_DEFAULTS.model_copy(update={"min_city_population": 5000})) != base
    monkeypatch.setattr(records, "ANALYSIS_VERSION", records.ANALYSIS_VERSION + 1)
    assert records.stamp(EVIDENCE_DEFAULTS) != base


class FakeJudge:
    def predict(self, pairs):
        return np.array([[0.6, 0.1, 0.3] if "harbour" in p else [0.1, 0.6, 0.3] for p, _ in pairs], dtype=np.float32)


CLAIMS = ["The harbour at Port 3 handled 40 ships in May 2020.", "Officials denied the harbour trade grew in Lyon.",
          "Bake the bread for 30 minutes."]


DATELINE = "(Harbour News - May 20, 2020)"
ANCHOR = date(2020, 5, 20)
SENTENCES, RECORDS = 35, 34
"""Sentences of the index below (titles and every paragraph), and distinct ones (both files end in DATELINE)."""


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    return tiny_index(tmp_path, {
        "long.txt": "Harbours\n\n" + "\n\n".join(
            f"The harbour at Port {i} handled {i * 10} ships in May 2020, not more than last year." for i in range(30))
        + f"\n\n{DATELINE}\n",
        "short.txt": f"Note\n\nOfficials in Paris denied the harbour trade grew last month.\n\n{DATELINE}\n"},
        fake_embedder)


def _reports(index_dir, fake_embedder) -> list[str]:
    analysis.clear_cache()
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=FakeJudge())
    return [r.model_dump_json() for r in verifier.check_many(CLAIMS * 3)]  # two batches (CHECK_BATCH is 8)


def _parsed(monkeypatch) -> list[str]:
    """The passages ``analyse`` parses from now on (not those read from the store)."""
    seen: list[str] = []
    inner = analysis._analyse

    def spy(text, role, anchor, settings):
        if role == "passage" and anchor == ANCHOR:
            seen.append(text)
        return inner(text, role, anchor, settings)
    spy.cache_clear = inner.cache_clear
    monkeypatch.setattr(analysis, "_analyse", spy)
    return seen


def test_a_check_reads_the_stored_analyses_and_reports_the_same(index_dir, fake_embedder, monkeypatch):
    plain = _reports(index_dir, fake_embedder)
    result = fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    assert (result.analysed, result.sentences, result.current) == (RECORDS, SENTENCES, 0)
    parsed = _parsed(monkeypatch)
    assert _reports(index_dir, fake_embedder) == plain
    assert parsed == []  # every judged passage came from the store


def test_fill_is_incremental(index_dir, fake_embedder, tmp_path):
    fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    again = fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    assert (again.analysed, again.current, again.removed) == (0, RECORDS, 0)
    (tmp_path / "corpus" / "new.txt").write_text("New\n\nThe harbour in Lyon reopened on 2 June 2021.\n")
    build_index(tmp_path / "corpus", index_dir, fake_embedder)
    grown = fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    assert (grown.analysed, grown.current) == (2, RECORDS)  # its title and its sentence


def test_an_interrupted_fill_keeps_what_it_committed(index_dir, monkeypatch):
    monkeypatch.setattr(stored, "CHUNK", 10)

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS, progress=stop)
    rest = fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    assert (rest.analysed, rest.current) == (RECORDS - 10, 10)


def test_records_of_another_version_are_ignored_and_replaced(index_dir, fake_embedder, monkeypatch, caplog):
    plain = _reports(index_dir, fake_embedder)
    fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    monkeypatch.setattr(records, "ANALYSIS_VERSION", records.ANALYSIS_VERSION + 1)
    parsed = _parsed(monkeypatch)
    with caplog.at_level(logging.INFO, logger="verify.evidence.stored"):
        assert _reports(index_dir, fake_embedder) == plain
    assert parsed  # the stale records were not used
    told = [r for r in caplog.records if "another version" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.INFO  # said once, not per batch
    result = fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    assert (result.analysed, result.removed) == (RECORDS, RECORDS)


def test_records_of_other_settings_are_not_used(index_dir):
    fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    text = ClaimIndex.load(index_dir).sentences[1].text
    other = EVIDENCE_DEFAULTS.model_copy(update={"min_city_population": 5000})
    assert PassageRecords(index_dir, other).load([(text, date(2020, 1, 1))]) == 0


@pytest.mark.parametrize("damage", ["garbage file", "bad record", "inflates too far"])
def test_a_damaged_store_costs_one_warning_and_parsing(index_dir, fake_embedder, monkeypatch, caplog, damage):
    plain = _reports(index_dir, fake_embedder)
    fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)
    path = store_path(index_dir)
    if damage == "garbage file":
        path.write_bytes(b"\x00not a database" * 300)
    else:
        body = b"\x78\x9cnot zlib" if damage == "bad record" else zlib.compress(b"[" * (stored.MAX_RECORD + 1))
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE records SET body = ?", (body,))
    parsed = _parsed(monkeypatch)
    with caplog.at_level(logging.WARNING):
        assert _reports(index_dir, fake_embedder) == plain
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "cannot be read" in warnings[0].getMessage() and not warnings[0].exc_info
    assert damage != "inflates too far" or "inflates to more than" in warnings[0].getMessage()
    assert parsed
    result = fill(ClaimIndex.load(index_dir), EVIDENCE_DEFAULTS)  # made again, never an error
    assert result.analysed == (RECORDS if damage == "garbage file" else 0)


def test_cli_analyse(index_dir, capsys):
    assert main(["analyse", "--index", str(index_dir)]) == 0
    assert f"{RECORDS} passage analyses stored, 0 were current" in capsys.readouterr().out
    assert main(["analyse", "--index", str(index_dir)]) == 0
    assert f"0 passage analyses stored, {RECORDS} were current" in capsys.readouterr().out


def test_cli_analyse_bad_input_is_one_line(tmp_path, capsys):
    assert main(["analyse", "--index", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "Traceback" not in err[0]
    with pytest.raises(SystemExit) as exc:
        main(["analyse"])
    assert exc.value.code == 2
