"""Exports of reports (verify/workbench/export.py): JSON contract, CSV, Markdown memo, ClaimReview JSON-LD."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from markdown_it import MarkdownIt

from verify.models import Mismatch, Passage, Probabilities, Report, SourceVerdict, Span
from verify.workbench.checked import CheckedStatement, checked_statements
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


def test_json_is_the_report_contract_plus_review_sentence_and_position(reports):
    reviewed = review(reports[0].claim, "contradicted", "called")
    data = json.loads(reports_json(reports, reviewed))
    contract = [{k: v for k, v in item.items() if k in Report.model_fields} for item in data]
    assert contract == [r.model_dump() for r in reports]
    assert [Report.model_validate(r) for r in contract] == reports
    assert data[0]["review"]["verdict"] == "contradicted" and data[0]["review"]["note"] == "called"
    assert data[1]["review"] is None and data[0]["sentence"] is None and data[0]["position"] is None


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
    assert first["itemReviewed"] == {"@type": "Claim", "text": reports[0].claim,
                                     "appearance": [{"@type": "CreativeWork", "name": "draft.docx"}]}
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


# -- one model of a checked statement, every export parsed back ------------------------------

ATTRIBUTED = "Lavrov plans to visit Pyongyang in December, the ministry said."


@pytest.fixture
def draft(reports) -> list[CheckedStatement]:
    """The statements of a draft: sentence 3 attributed (checked for what it reports), its KCNA source
    rejected by the reviewer; sentence 7 unreviewed. Two sources have URLs, one of them unsafe in a link."""
    first = reports[0].model_copy(update={"sources": [
        s.model_copy(update={"url": {"yonhap": "https://en.yna.co.kr/view/AEN2023", "kcna": "https://kcna.kp/x",
                                     "wire": "https://wire.example/a) [evil](http://evil"}.get(s.source_id)})
        for s in reports[0].sources]})
    reviewed = Review(claim=first.claim, automatic="conflicting", verdict="supported", accepted=False,
                      note="KCNA misquotes the date", reviewed_at="2024-01-02T03:04:05+00:00",
                      rejected_sources=["kcna"])
    return checked_statements([first, reports[1]], {claim_key(first.claim): reviewed},
                              as_written=[ATTRIBUTED, None], positions=[3, 7])


def test_checked_statements_keep_what_they_know_and_fill_the_rest(reports, draft):
    assert [s.written for s in draft] == [ATTRIBUTED, "The pound rose."]
    assert [s.source_id for s in draft[0].cited] == ["yonhap", "wire"]
    # a checked statement is a report: the CLI's JSON validates as one
    plain = CheckedStatement.model_validate(reports[0].model_dump())
    assert plain.review is None and plain.written == reports[0].claim
    # what a statement knows stays; what it lacks is filled in
    again = checked_statements(draft, review(reports[0].claim, "contradicted"), as_written=["x", "y"])
    assert again[0] == draft[0] and again[1].sentence == "y" and again[1].position == 7
    with pytest.raises(ValueError, match="positions has 1 entries for 2 reports"):
        checked_statements(reports, positions=[1])


def test_the_json_export_parses_back_into_the_same_statements(draft):
    data = json.loads(reports_json(draft))
    assert [CheckedStatement.model_validate(item) for item in data] == draft
    assert data[0]["sentence"] == ATTRIBUTED and data[0]["position"] == 3
    assert data[0]["review"]["rejected_sources"] == ["kcna"]
    assert [s["url"] for s in data[0]["sources"]][:2] == ["https://en.yna.co.kr/view/AEN2023",
                                                          "https://wire.example/a) [evil](http://evil"]


def test_the_csv_carries_the_sentence_as_written_its_position_and_the_rejections(draft):
    rows = list(csv.DictReader(io.StringIO(reports_csv(draft))))
    first = [r for r in rows if r["position"] == "3"]
    assert {r["sentence"] for r in first} == {ATTRIBUTED}
    assert {r["claim"] for r in first} == {"Lavrov plans to visit Pyongyang in December"}
    assert {(r["source_id"], r["url"], r["rejected_by_reviewer"]) for r in first} == {
        ("yonhap", "https://en.yna.co.kr/view/AEN2023", ""),
        ("wire", "https://wire.example/a) [evil](http://evil", ""), ("kcna", "https://kcna.kp/x", "yes")}
    assert first[0]["reviewer_verdict"] == "supported"
    assert [(r["position"], r["sentence"], r["verdict"]) for r in rows if r["position"] == "7"] == [
        ("7", "The pound rose.", "not_enough_evidence")]


def test_the_memo_drops_rejected_citations_and_links_safe_urls(draft):
    memo = reports_markdown(draft, when=dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC))
    tokens = MarkdownIt().parse(memo)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert headings == [f"1. {ATTRIBUTED}", "2. The pound rose."]
    links = [t.attrGet("href") for t in tokens if t.type == "inline" for t in t.children or []
             if t.type == "link_open"]
    assert links == ["https://en.yna.co.kr/view/AEN2023"]  # wire's URL would break the link: shown unlinked
    quotes = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "blockquote_open"]
    assert quotes == ["Lavrov will visit Pyongyang in December.", "Lavrov will visit Pyongyang in December."]
    assert "October" not in memo and "alert(1)" not in memo  # kcna's quote and title are gone
    assert "Sentence 3 of the draft." in memo and "Sentence 7 of the draft." in memo
    assert "Checked as what it reports: Lavrov plans to visit Pyongyang in December\n" in memo
    assert "**Rejected by the reviewer:** 1 source, not quoted here." in memo
    assert "same story as wire" in memo


def test_the_claim_review_cites_urls_and_says_where_the_statement_appeared(draft):
    items = json.loads(claim_review(draft, appearance="https://news.example/draft-7", url="https://desk.example/r/1",
                                    today=dt.date(2024, 1, 2)))
    first, second = items
    assert first["url"] == second["url"] == "https://desk.example/r/1"
    assert first["itemReviewed"] == {"@type": "Claim", "text": ATTRIBUTED, "position": 3,
                                     "appearance": [{"@type": "CreativeWork", "url": "https://news.example/draft-7"}]}
    assert first["claimReviewed"] == "Lavrov plans to visit Pyongyang in December"
    assert [(c["identifier"], c.get("url")) for c in first["citation"]] == [
        ("yonhap", "https://en.yna.co.kr/view/AEN2023"), ("wire", "https://wire.example/a) [evil](http://evil")]
    assert first["reviewRating"]["ratingValue"] == 5 and first["reviewBody"] == "KCNA misquotes the date"
    assert second["citation"] == [] and "ratingValue" not in second["reviewRating"]
