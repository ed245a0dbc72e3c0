"""Supporting and conflicting words of a claim and a passage (verify/workbench/highlight.py)."""

from __future__ import annotations

import itertools

from verify.models import Mismatch, Passage, Probabilities, Span
from verify.workbench.highlight import Mark, content_words, highlights, normalise_word

CLAIM = "Lavrov plans to visit Pyongyang in December"
TEXT = "Lavrov earlier said he plans to visit Pyongyang in October, according to KCNA."


def passage(text: str = TEXT, mismatches: list[Mismatch] | None = None) -> Passage:
    return Passage(text=text, start=0, end=len(text), label="contradicts",
                   probabilities=Probabilities(supports=0.1, contradicts=0.8, neutral=0.1), similarity=0.8,
                   mismatches=mismatches or [])


def date_mismatch(claim: str = CLAIM, text: str = TEXT) -> Mismatch:
    c, p = claim.index("in December"), text.index("in October")
    return Mismatch(kind="date", claim=Span(text="in December", start=c, end=c + 11),
                    passage=Span(text="in October", start=p, end=p + 10), detail="claim says December")


def spans(text, marks):
    return [(text[m.start:m.end], m.kind) for m in marks]


def test_shared_content_words_support_and_detector_spans_conflict_in_both_texts():
    found = highlights(CLAIM, passage(mismatches=[date_mismatch()]))
    assert spans(CLAIM, found.claim) == [("Lavrov plans to visit Pyongyang", "support"), ("in December", "conflict")]
    assert spans(TEXT, found.passage) == [
        ("Lavrov", "support"), ("plans to visit Pyongyang", "support"), ("in October", "conflict")]


def test_marks_are_sorted_and_never_overlap():
    found = highlights(CLAIM, passage(mismatches=[date_mismatch(), date_mismatch()]))
    for marks in (found.claim, found.passage):
        assert all(a.end <= b.start for a, b in itertools.pairwise(marks))


def test_stopwords_alone_are_not_supporting_words():
    found = highlights("It is in the news.", passage("It was in the paper."))
    assert found.claim == [] and found.passage == []


def test_words_match_across_case_plural_and_possessive():
    found = highlights("The talks in Moscow", passage("Kim's talk happened in MOSCOW's centre."))
    assert spans("The talks in Moscow", found.claim) == [("talks in Moscow", "support")]
    assert normalise_word("Kim’s") == normalise_word("kim") == "kim"
    assert normalise_word("1990s") == "1990s"


def test_a_span_whose_offsets_miss_its_text_is_left_out():
    stray = Mismatch(kind="entity", claim=Span(text="Pyongyang", start=0, end=9), detail="elsewhere")
    found = highlights(CLAIM, passage(mismatches=[stray]))
    assert all(m.kind == "support" for m in found.claim)  # "Pyongyang" is not at 0..9 of the claim


def test_a_name_the_passage_lacks_conflicts_in_the_claim_only():
    at = CLAIM.index("Pyongyang")
    missing = Mismatch(kind="entity", claim=Span(text="Pyongyang", start=at, end=at + 9), detail="not mentioned")
    found = highlights(CLAIM, passage("Lavrov plans to visit Seoul.", [missing]))
    assert ("Pyongyang", "conflict") in spans(CLAIM, found.claim)
    assert all(m.kind == "support" for m in found.passage)


def test_content_words_keep_numbers_and_names_whole():
    words = [w for _, _, w in content_words("The U.S. paid 1,000 dollars, Kim's aides said.")]
    assert words == ["u.s", "paid", "1,000", "dollar", "kim", "aide"]


def test_marked_html_escapes_the_text_and_colours_each_mark():
    from verify.workbench.highlight import marked_html
    from verify.workbench.palette import colours

    text = "<b>Kim</b> met\nPutin"
    marks = [Mark(start=3, end=6, kind="support"), Mark(start=4, end=5, kind="conflict"),
             Mark(start=15, end=20, kind="conflict")]
    out = marked_html(text, marks, "dark", mark_id="here")
    fg, bg = colours("support", "dark")
    assert out.startswith(f'&lt;b&gt;<mark class="cc-mark cc-support" id="here" style="color:{fg};background-color:{bg};')
    assert out.count("<mark") == 2 and out.count('id="here"') == 1  # the overlapping mark is left out
    assert "&lt;/b&gt; met<br>" in out and out.endswith(">Putin</mark>")


def test_claim_marks_show_the_statement_once_with_every_quote_s_conflicts():
    from verify.workbench.highlight import claim_marks

    claim = "Lavrov plans to visit Pyongyang in December"
    october, two_days = passage("Lavrov plans to visit Pyongyang in October."), passage("Lavrov stayed two days.")
    october.mismatches = [Mismatch(kind="date", claim=Span(text="in December", start=32, end=43),
                                   passage=Span(text="in October", start=32, end=42), detail="d")]
    marks = claim_marks(claim, [october, two_days])
    assert [(claim[m.start:m.end], m.kind) for m in marks] == [
        ("Lavrov plans to visit Pyongyang", "support"), ("in December", "conflict")]
