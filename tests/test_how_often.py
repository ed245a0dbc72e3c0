"""How often and how many (verify/evidence/meaning.py): a first time against a repetition of the same act, one of
several against the only one of a kind, and a negation that says who was first. Claims and passages written for
these tests (none is a dev claim)."""

from __future__ import annotations

import pytest

from verify.evidence.detectors import detect


def found(claim, passage):
    d = detect(claim, passage)
    return [(m.kind, m.detail) for m in d.mismatches if m.kind in ("antonym", "negation")]


@pytest.mark.parametrize("claim, passage, detail", [
    # a first against "again", "reaffirmed", "reiterated" of the same act, either way round
    ("The statement was the first time Hungary had voiced support for the Baltic pipeline.",
     "Hungary reaffirmed its support for the Baltic pipeline in a statement on Monday.",
     "claim says 'the first time', passage says it was done before: 'reaffirmed'"),
    ("For the first time, the council criticised the port authority over the dredging contract.",
     "The council again criticised the port authority over the dredging contract.",
     "claim says 'For the first time', passage says it was done before: 'again'"),
    ("The mayor reiterated her pledge to freeze bus fares at the annual budget meeting.",
     "At the annual budget meeting the mayor pledged for the first time to freeze bus fares.",
     "claim says 'reiterated', passage says it was done before: 'for the first time'"),
    # one of several against the only one of the same kind
    ("Trucks queued at one of several crossing points on the Chilean border.",
     "Trucks queued at the only border crossing between the two countries.",
     "claim says 'one of several crossing points', passage says 'the only border crossing'"),
    ("The island's only airport closed for repairs in March.",
     "One of the island's three airports closed for repairs in March.",
     "claim says \"island's only airport\", passage says \"One of the island's three airports\""),
])
def test_a_first_against_a_repeat_and_one_against_several_contradict(claim, passage, detail):
    assert (("antonym", detail)) in found(claim, passage)


@pytest.mark.parametrize("claim, passage", [
    # the repeated act is another one than the first ("first visit" / "reaffirmed support")
    ("Kim made his first visit to the region, the first time he had travelled abroad in four years.",
     "During the visit, Kim reaffirmed his support for the regional trade plan."),
    # both say the same
    ("Hungary reaffirmed its support for the Baltic pipeline.", "Hungary reaffirmed its support for the Baltic pipeline."),
    ("Trucks queued at the only crossing point on the Chilean border.",
     "Trucks queued at the only border crossing between the two countries."),
    # the only one of another kind
    ("Trucks queued at one of several crossing points on the Chilean border.",
     "Trucks queued at the border, the only road into the valley."),
])
def test_no_count_mismatch_for_another_act_or_kind(claim, passage):
    assert found(claim, passage) == []


@pytest.mark.parametrize("claim", [
    "No country recognised the new republic before Sweden did so in March 1921.",
    "Nobody had climbed the north face before Lindqvist.",
])
def test_no_one_before_someone_says_who_was_first_and_is_no_negation(claim):
    passage = ("In March 1921 Sweden became the first country to recognise the new republic; Lindqvist was the first "
               "to climb the north face.")
    assert found(claim, passage) == []


@pytest.mark.parametrize("claim", [
    "Sweden never recognised the new republic.",
    "No country recognised the new republic before 1925.",
    "Sweden did not recognise the new republic before Norway did.",
])
def test_a_negated_act_or_a_negation_before_a_date_is_still_a_negation(claim):
    passage = "In March 1921 Sweden became the first country to recognise the new republic."
    assert [k for k, _ in found(claim, passage)] == ["negation"]


@pytest.mark.parametrize("claim, reading", [
    ("No country recognised the new republic before Sweden did so in March 1921.",
     "Sweden recognised the new republic first in March 1921."),
    ("Nobody had climbed the north face before Lindqvist.", "Lindqvist had climbed the north face first."),
    # read as they are: a bound of time, an exclusive doer, a cleft of time, a plain statement
    ("No country recognised the new republic before 1925.", None),
    ("It was Merkel, not Macron, who called for a common defence budget.", None),
    ("It was only in March that Sweden recognised the new republic.", None),
    ("Sweden recognised the new republic in March 1921.", None),
])
def test_the_judge_reads_a_misleading_form_plainly(claim, reading):
    from verify.evidence.harmonise import plain

    assert plain(claim) == reading


def test_a_check_judges_the_plain_reading(tmp_path, fake_embedder):
    from conftest import RecordingJudge, tiny_index

    from verify import Settings, Verifier

    text = "Recognition\n\nIn March 1921 Sweden became the first country to recognise the new republic.\n"
    judge = RecordingJudge(lambda p, h: [0.1, 0.1, 0.8])
    verifier = Verifier.from_index(tiny_index(tmp_path, {"r.txt": text}, fake_embedder), Settings(min_similarity=-1.0),
                                   embedder=fake_embedder, judge=judge)
    verifier.check("No country recognised the new republic before Sweden did so in March 1921.")
    assert {h for _, h in judge.seen} == {"Sweden recognised the new republic first in March 1921."}


def test_what_is_repeated_is_the_first_word_after_the_cue():
    # the invitation is renewed, not the visit it invites to
    assert found("In his letter, the mayor renewed his invitation for the queen to visit the harbour.",
                 "The queen visited the harbour for the first time in 1990.") == []
