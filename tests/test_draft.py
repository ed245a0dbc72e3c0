"""Drafts: reading uploads, splitting, picking the check-worthy sentences (verify/workbench/draft.py, worthiness.py)."""

from __future__ import annotations

import io

import pytest
from conftest import contradicted_in_october

from verify.workbench.draft import MAX_DRAFT_BYTES, DraftError, read_draft, split_draft
from verify.workbench.worthiness import check_worthiness, reported_claim


@pytest.mark.parametrize("sentence, reason", [
    ("Lavrov plans to visit Pyongyang in October.", "date"),
    ("The ministry said the bridges would open in 2026.", "number"),
    ("Officials approved forty new bridges for the region.", "number"),
    ("According to KCNA, the delegation arrived by train.", "attribution"),
    ("The government will publish the budget after the vote.", "plan"),
    ("Russia and North Korea signed a treaty after the summit.", "name"),
    ("It was the first visit by a foreign leader since the pandemic.", "comparison"),
    ("I believe the 40 bridges cost far too much money.", "number"),  # an opinion that states a fact
])
def test_sentences_stating_facts_are_checked(sentence, reason):
    reasons, skipped = check_worthiness(sentence)
    assert skipped is None and reason in reasons


@pytest.mark.parametrize("sentence, why", [
    ("Did Lavrov really visit Pyongyang in October?", "a question"),
    ("Kim met Putin.", "too short"),
    ("Read more", "too short"),
    ("I think this is a terrible idea for Russia.", "an opinion"),
    ("We should all be proud of what the team achieved.", "an opinion"),
    ("It was a long and quiet afternoon by the sea.", "no checkable fact"),
    ("word " * 500 + "in October.", "longer than 2000 characters"),
])
def test_questions_fragments_and_opinions_are_skipped(sentence, why):
    assert check_worthiness(sentence)[1] == why


def test_split_draft_keeps_offsets_paragraphs_and_numbers():
    text = ("Summit report\n\nKim Jong Un met Putin in Vostochny on Wednesday. Is that so? "
            "It was great.\nThe talks will resume next week, officials said.\n")
    sentences = split_draft(text)
    assert [s.number for s in sentences] == [1, 2, 3, 4, 5]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 1, 1, 1, 2]
    assert [s.worthy for s in sentences] == [False, True, False, False, True]
    assert [s.skipped for s in sentences] == ["too short", None, "a question", "too short", None]


@pytest.mark.parametrize("sentence, claim", [
    ("Lavrov plans to visit Pyongyang in October, the Russian foreign ministry said.",
     "Lavrov plans to visit Pyongyang in October."),
    ("The ministry said the bridges would open in 2026.", "The bridges would open in 2026."),
    ("According to KCNA, Kim met Putin in 2019 at the spaceport.", "Kim met Putin in 2019 at the spaceport."),
    ('"We are ready," said the minister on Monday.', '"We are ready," said the minister on Monday.'),
    ("Kim met Putin at the spaceport.", "Kim met Putin at the spaceport."),
])
def test_an_attributed_sentence_is_checked_for_what_it_reports(sentence, claim):
    assert reported_claim(sentence) == claim
    assert split_draft(sentence)[0].claim == claim


def test_an_empty_draft_is_refused():
    with pytest.raises(DraftError, match="empty"):
        split_draft(" \n\n ")


def test_read_draft_txt_md_and_docx():
    assert read_draft("a.txt", b"Line one.\r\nLine two.") == "Line one.\nLine two."
    assert read_draft("notes.MD", b"# Title\n\nKim **met** Putin in [Vostochny](http://x).\n") \
        .split() == ["Title", "Kim", "met", "Putin", "in", "Vostochny."]
    import docx

    document = docx.Document()
    document.add_paragraph("Lavrov plans to visit Pyongyang in October.")
    document.add_paragraph("")
    document.add_paragraph("The talks will resume next week, officials said.")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_draft("../../draft.docx", buffer.getvalue())
    assert text == "Lavrov plans to visit Pyongyang in October.\n\nThe talks will resume next week, officials said."
    assert [s.worthy for s in split_draft(text)] == [True, True]


@pytest.mark.parametrize("name, data, message", [
    ("draft.pdf", b"%PDF-1.4", "not .pdf"),
    ("draft", b"text", "without an extension"),
    ("draft.docx", b"not a zip file", "not a Word .docx file"),
    ("draft.txt", "Kim met Putin.".encode("utf-16-le"), "UTF-16 text \\(without a byte-order mark\\)"),
    ("draft.txt", b"ab\x00cd", "binary"),
    ("draft.txt", b"caf\xe9 au lait", "not UTF-8"),
    ("draft.txt", b"   \n", "holds no text"),
    ("draft.txt", b"x" * (MAX_DRAFT_BYTES + 1), "at most 2 MB"),
])
def test_read_draft_refuses_what_it_cannot_read_with_a_clear_message(name, data, message):
    with pytest.raises(DraftError, match=message):
        read_draft(name, data)


# -- checking a draft ------------------------------------------------------------------------

class CountingVerifier:
    """Records each ``check_many`` call and reports progress per batch as the real one does;
    every claim gets the verdict its text names."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def check_many(self, claims, progress=None):
        from verify.models import Report
        from verify.verifier import CHECK_BATCH

        self.calls.append(list(claims))
        reports = []
        for start in range(0, len(claims), CHECK_BATCH):
            reports.extend(Report(claim=c, verdict="contradicted" if "wrong" in c else "supported", confidence=0.8)
                           for c in claims[start:start + CHECK_BATCH])
            if progress:
                progress(len(reports), len(claims))
        return reports


def test_check_sentences_names_the_next_sentence_after_each_batch_and_keeps_the_order():
    from verify.verifier import CHECK_BATCH
    from verify.workbench.draft import check_sentences

    verifier, seen = CountingVerifier(), []
    claims = [f"Kim met Putin in {1990 + i}." if i % 3 else f"The date is wrong in {1990 + i}."
              for i in range(CHECK_BATCH + 3)]
    reports = check_sentences(verifier, claims, lambda done, total, claim: seen.append((done, total, claim)))
    assert [r.claim for r in reports] == claims
    assert [r.verdict for r in reports][:2] == ["contradicted", "supported"]
    assert verifier.calls == [claims]  # one call: check_many batches the models itself
    total = len(claims)
    assert seen == [(0, total, claims[0]), (CHECK_BATCH, total, claims[CHECK_BATCH]), (total, total, None)]


def test_check_sentences_of_no_claims_reports_that_it_is_done():
    from verify.workbench.draft import check_sentences

    seen = []
    assert check_sentences(CountingVerifier(), [], lambda *args: seen.append(args)) == []
    assert seen == [(0, 0, None)]


def test_check_sentences_validates_every_claim_before_checking_any():
    from verify.errors import InvalidClaimError
    from verify.workbench.draft import check_sentences

    verifier = CountingVerifier()
    with pytest.raises(InvalidClaimError):
        check_sentences(verifier, ["Kim met Putin in 2019.", "   "])
    assert verifier.calls == []


def test_the_first_problem_and_the_inline_note_of_a_contradicted_sentence():
    from verify.models import Report
    from verify.workbench.draft import CheckedDraft, first_problem, sentence_note

    text = "Lavrov earlier said he plans to visit Pyongyang in October."
    contradicted = contradicted_in_october(text)
    draft = CheckedDraft(name="d", sentences=split_draft(
        "Kim Jong Un met Putin in 2019 at Vostochny. Lavrov plans to visit Pyongyang in December."),
        reports=[Report(claim="Kim Jong Un met Putin in 2019 at Vostochny.", verdict="supported", confidence=0.9),
                 contradicted])
    assert first_problem(draft) == 2
    note = sentence_note(contradicted, {"y": "Yonhap"})
    assert (note.problem, note.source, note.words) == (True, "Yonhap", "in October")
    without_span = contradicted.model_copy(deep=True)
    without_span.sources[0].passages[0].mismatches = []
    assert sentence_note(without_span).words == text and sentence_note(without_span).source == "y"
    assert sentence_note(draft.reports[0]).problem is False and sentence_note(draft.reports[0]).words is None


def test_a_draft_over_the_sentence_limit_is_refused_and_one_at_the_limit_is_split():
    from verify.workbench.draft import MAX_DRAFT_SENTENCES

    sentence = "The harbour at Busan handled 3 million containers in 2023. "
    assert len(split_draft(sentence * MAX_DRAFT_SENTENCES)) == MAX_DRAFT_SENTENCES
    with pytest.raises(DraftError, match=f"more than {MAX_DRAFT_SENTENCES} sentences"):
        split_draft(sentence * (MAX_DRAFT_SENTENCES + 1))
