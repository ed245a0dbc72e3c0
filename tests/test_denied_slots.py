"""A place or date a negation rules out ("in Geneva, not in Vienna", "in October rather than in September") is not
one the text states: written for the class, none of these is a claim of an evaluation set."""

import pytest

from verify.evidence.analysis import denied_spans
from verify.evidence.detectors import detect


def kinds(claim, passage):
    found = detect(claim, passage)
    return [m.kind for m in found.mismatches], found.agreed


@pytest.mark.parametrize("claim, passage, kind", [
    ("The summit was held in Geneva, not in Vienna.", "The summit was held in Geneva.", "place"),
    ("The summit was held in Geneva, not Vienna.", "The summit was held in Geneva last year.", "place"),
    ("The summit was held in October rather than in September.", "The summit was held in October.", "date"),
    ("The vote took place in May 2021 instead of in March 2021.", "The vote took place in May 2021.", "date"),
])
def test_a_claims_correction_agrees_with_what_it_keeps(claim, passage, kind):
    found, agreed = kinds(claim, passage)
    assert found == [] and agreed[kind] == 1


@pytest.mark.parametrize("claim, passage", [
    ("The summit was held in Geneva, not Vienna.", "The summit was held in Vienna."),
    ("The summit was held in October rather than in September.", "The summit was held in September."),
    ("The summit was held in Vienna.", "The summit was held in Geneva, not in Vienna."),  # the passage's correction
])
def test_what_is_ruled_out_still_contradicts(claim, passage):
    found, _ = kinds(claim, passage)
    assert found and set(found) <= {"place", "date", "negation"}


def test_bounds_and_idioms_deny_nothing():
    text = "Ties were not established until 1948."
    assert all(b <= text.index("1948") for _, b in denied_spans(text))  # dated to 1948, not ruled out
    assert denied_spans("no more than 200 people") == ()
    assert denied_spans("It is not only in Vienna but in Geneva.") == ()
    text = "The summit was held in Geneva, not in Vienna, in May."
    (a, b), = denied_spans(text)
    assert text[a:b] == "not in Vienna"


def test_a_name_ruled_out_need_not_be_mentioned_a_name_in_a_denied_act_must():
    def missing(claim, passage):
        return [m.claim.text for m in detect(claim, passage).mismatches if m.kind == "entity"]
    assert missing("The talks were hosted by Norway, not Sweden.", "Norway hosted the talks in May.") == []
    assert missing("The talks were hosted by Norway rather than Sweden.", "Norway hosted the talks in May.") == []
    # "refused to join the pact with Sweden": Sweden is part of what the claim says was refused
    assert missing("Norway refused to join the pact with Sweden.", "Norway joined the pact in May.") == ["Sweden"]


@pytest.mark.parametrize("passage, contradicts", [
    # the passage puts the treaty in Vienna: what the claim rules out is stated
    ("The treaty was signed at a lakeside villa in Vienna.", True),
    # it names Vienna, but not as where anything was done: a government praising, a city hosting other talks
    ("The treaty was signed at a lakeside villa, and both Vienna and Bern praised it.", False),
    ("The treaty was signed at the villa on the lake; Vienna hosted the follow-up talks.", False),
])
def test_a_ruled_out_place_is_stated_only_where_the_passage_puts_something_there(passage, contradicts):
    found, _ = kinds("The treaty was signed at a lakeside villa, not in Vienna.", passage)
    assert ("negation" in found) is contradicts
