"""A rank among those who did something ("the first nation to recognize") against the passage's rank of the
same act: written for the class, none of these is a claim of an evaluation set."""

import pytest

from verify.evidence.detectors import detect
from verify.evidence.slots import find_ranks


def numbers(claim, passage):
    found = detect(claim, passage)
    return [m for m in found.mismatches if m.kind == "number"], found.agreed["number"]


@pytest.mark.parametrize("claim, passage, said, written", [
    ("Poland was the second country to ratify the accord.", "Poland became the first country to ratify the accord in May.",
     "second country", "first country"),
    ("Poland was the first country to ratify the accord.", "Poland became the third country to ratify the accord.",
     "first country", "third country"),
    ("Chile was only the fourth state in the region to legalise divorce.",
     "In 2004 Chile became the 5th state in the region to legalize divorce.", "fourth state", "5th state"),
])
def test_another_rank_of_the_same_act_contradicts(claim, passage, said, written):
    found, _ = numbers(claim, passage)
    assert len(found) == 1
    assert (found[0].claim.text, found[0].passage.text) == (said, written)


@pytest.mark.parametrize("claim, passage", [
    # the same rank, in other words and the other spelling
    ("Norway was the third nation to sign the pact.", "Norway became the third country to sign the pact last year."),
    ("Norway was the third nation to recognise the state.", "Norway became the third country to recognize the state."),
])
def test_the_same_rank_agrees(claim, passage):
    found, agreed = numbers(claim, passage)
    assert not found and agreed == 1


@pytest.mark.parametrize("claim, passage", [
    ("Norway was the third nation to sign the pact.", "Norway was the first nation to ratify the pact."),  # another act
    ("Norway was the second nation to sign the pact.", "Sweden was the first nation to sign the pact."),  # another one
    ("Kim was the second leader to visit Vostochny.", "Kim visited Vostochny for the first time."),  # not a rank of leaders
    ("Kim made his second visit to Russia.", "Kim made his first visit to Russia in 2019."),  # a rank of occasions
])
def test_no_rank_of_the_same_act_is_no_contradiction(claim, passage):
    found, _ = numbers(claim, passage)
    assert not found


def test_what_is_a_rank():
    assert [(q.text, q.value, verb) for q, verb, _ in find_ranks("It was the first nation ever to have recognized it")] \
        == [("first", 1.0, "recognized")]
    assert [(q.value, verb) for q, verb, _ in find_ranks("its 2nd city to ban cars")] == [(2.0, "ban")]
    assert find_ranks("the first visit to Moscow") == []  # a name after "to" is no act
    assert find_ranks("for the first time") == []
