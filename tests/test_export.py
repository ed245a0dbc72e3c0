"""Exports of reports (verify/workbench/export.py): JSON contract, CSV, Markdown memo, ClaimReview JSON-LD."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from verify.models import Mismatch, Passage, Probabilities, Report, SourceVerdict, Span
from verify.workbench.export import CSV_COLUMNS, claim_review, reports_csv, reports_json, reports_markdown
from verify.workbench.notes import Review, claim_key

EVIL = "<script>alert(1)</script> **bold** [link](http://x) =HYPERLINK(\"http://x\")"


def passage(text: str, label: str = "supports", mismatches=()) -> Passage:
    p = {"supports": (0.9, 0.05, 0.05), "contradicts": (0.05, 0.9, 0.05), "neutral": (0.1, 0.1, 0.8)}[label]
    return Passage(text=text, start=0, end=len(text), label=label, similarity=0.7,
                   probabilities=Probabilities(supports=p[0], contradicts=p[1], neutral=p[2]),
                   mismatches=list(mismatches))


@pytest.fixture
def reports() -> list[Report]:
    date = Mismatch(kind="date", claim=Span(text="in December", start=31, end=42),
                    passage=Span(text="in October", start=25, end=35), detail="claim says December, passage October")
    first = Report(claim="Lavrov plans to visit Pyongyang in December", verdict="conflicting", confidence=0.8,
                   groups=[["yonhap", "wire"], ["kcna"]], sources=[
                       SourceVerdict(source_id="yonhap", title="N. Korea, Russia ties", publisher="Yonhap",
                                     date="2023-10-12", stance="supports", confidence=0.9, group=0,
                                     passages=[passage("Lavrov will visit Pyongyang in December."),
                                               passage("Other words.", "neutral")]),
                       SourceVerdict(source_id="wire", title="Copy", stance="supports", confidence=0.8, group=0,
                                     passages=[passage("Lavrov will visit Pyongyang in December.")]),
                       SourceVerdict(source_id="kcna", title=EVIL, stance="contradicts", confidence=0.85, group=1,
                                     passages=[passage("Lavrov said he plans in October to go.", "contradicts",
                                                       [date])]),
                       SourceVerdict(source_id="cooking", stance="none", confidence=1.0)])
    nothing = Report(claim="The pound rose.", verdict="not_enough_evidence", confidence=1.0,
                     sources=[SourceVerdict(source_id="cooking", stance="none", confidence=1.0)])
    return [first, nothing]


def review(claim: str, verdict: str, note: str = "") -> dict[str, Review]:
    return {claim_key(claim): Review(claim=claim, automatic="conflicting", verdict=verdict, accepted=False,
                                     note=note, reviewed_at="2024-01-02T03:04:05+00:00")}


def test_json_is_the_report_contract(reports):
    data = json.loads(reports_json(reports))
    assert data == [r.model_dump() for r in reports]
    assert [Report.model_validate(r) for r in data] == reports


def test_csv_has_one_row_per_claim_and_passage(reports):
    rows = list(csv.DictReader(io.StringIO(reports_csv(reports, review(reports[0].claim, "contradicted", "called")))))
    assert list(rows[0]) == CSV_COLUMNS
    first = [r for r in rows if r["claim"] == reports[0].claim]
    assert [(r["source_id"], r["label"]) for r in first] == [
        ("yonhap", "supports"), ("yonhap", "neutral"), ("wire", "supports"), ("kcna", "contradicts")]
    assert first[0]["reviewer_verdict"] == "contradicted" and first[0]["reviewer_note"] == "called"
    assert first[3]["mismatches"] == "claim says December, passage October"
    assert first[0]["group"] == first[2]["group"] == "0"
    # a claim with no passages at all still gets its row
    assert [(r["claim"], r["verdict"], r["source_id"]) for r in rows[4:]] == [
        ("The pound rose.", "not_enough_evidence", "")]


def test_csv_cells_never_start_a_spreadsheet_formula():
    text = '=HYPERLINK("http://evil")'
    report = Report(claim="-1 is less than 0", verdict="supported", confidence=0.9, sources=[
        SourceVerdict(source_id="s", title="@title", stance="supports", confidence=0.9, passages=[passage(text)])])
    row = next(csv.DictReader(io.StringIO(reports_csv([report]))))
    assert row["claim"] == "'-1 is less than 0" and row["title"] == "'@title" and row["passage"] == "'" + text


def test_markdown_memo_quotes_the_evidence_and_escapes_corpus_text(reports):
    memo = reports_markdown(reports, review(reports[0].claim, "contradicted", "Ministry *denies*"),
                            when=dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC))
    assert memo.startswith("# Fact-check memo\n\n2 statements checked by Crosscheck on 2024-01-02 03:04 UTC.")
    assert "## 1. Lavrov plans to visit Pyongyang in December" in memo
    assert "**Automatic verdict:** Conflicting (80% confidence); 1 independent source supports (2 in all), " \
           "1 contradicts, 1 has nothing relevant." in memo
    assert "**Reviewer verdict:** Contradicted (set 2024-01-02T03:04:05+00:00): Ministry \\*denies\\*" in memo
    assert "- **N. Korea, Russia ties** (Yonhap, 2023-10-12): supports (90%); same story as wire" in memo
    assert "  > Lavrov will visit Pyongyang in December." in memo
    assert "  - date: claim says December, passage October" in memo
    assert "- Nothing relevant in: cooking" in memo
    assert "<script>" not in memo and "**bold**" not in memo and "[link](" not in memo
    assert r"\<script\>alert(1)\</script\> \*\*bold\*\* \[link\](http://x)" in memo


def test_the_memo_heads_each_statement_as_the_draft_writes_it(reports):
    memo = reports_markdown(reports, as_written=["Lavrov plans to visit Pyongyang in December, TASS said.",
                                                 "The pound rose."])
    assert "## 1. Lavrov plans to visit Pyongyang in December, TASS said.\n\n" \
           "Checked as what it reports: Lavrov plans to visit Pyongyang in December\n" in memo
    assert "## 2. The pound rose.\n\n**Automatic verdict:**" in memo


def test_claim_review_is_an_unreviewed_draft_until_a_person_sets_the_verdict(reports):
    drafts = json.loads(claim_review(reports, author="Desk", appearance="draft.docx", today=dt.date(2024, 1, 2)))
    first = drafts[0]
    assert first["@context"] == "https://schema.org" and first["@type"] == "ClaimReview"
    assert first["claimReviewed"] == reports[0].claim and first["datePublished"] == "2024-01-02"
    assert first["author"] == {"@type": "Organization", "name": "Desk"}
    assert first["itemReviewed"] == {"@type": "Claim", "appearance": [{"@type": "CreativeWork", "name": "draft.docx"}]}
    assert first["reviewRating"]["alternateName"] == "Unreviewed draft: conflicting (automatic)"
    assert "ratingValue" not in first["reviewRating"]
    assert [c["identifier"] for c in first["citation"]] == ["yonhap", "wire", "kcna"]
    assert first["citation"][0]["publisher"] == {"@type": "Organization", "name": "Yonhap"}

    reviewed = json.loads(claim_review(reports, review(reports[0].claim, "contradicted", "Checked with the ministry"),
                                       appearance="https://example.org/story"))
    rating = reviewed[0]["reviewRating"]
    assert rating == {"@type": "Rating", "bestRating": 5, "worstRating": 1, "alternateName": "Contradicted",
                      "ratingValue": 1}
    assert reviewed[0]["reviewBody"] == "Checked with the ministry"
    assert reviewed[0]["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "url": "https://example.org/story"}]
    assert "ratingValue" not in reviewed[1]["reviewRating"]  # the other statement is still a draft
