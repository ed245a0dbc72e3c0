"""Who gave what to whom, told the other way round: examples written for the class, none from an evaluation set."""

import pytest

from verify.evidence.detectors import detect
from verify.evidence.meaning import transfers


def roles(claim, passage):
    return [m for m in detect(claim, passage).mismatches if m.kind == "role"]


@pytest.mark.parametrize("claim, passage", [
    ("China sold fighter jets to Pakistan.", "Pakistan sold fighter jets to China in 2019."),
    ("Paris supplied tanks to Kyiv last year.", "Ukraine had supplied tanks to France last year, officials said."),
    ("Chile exported copper to Peru in May.", "Peru shipped copper to Chile in May."),
])
def test_a_transfer_told_the_other_way_round_contradicts(claim, passage):
    [m] = roles(claim, passage)
    assert "the other way round" in m.detail


@pytest.mark.parametrize("claim, passage", [
    ("China sold fighter jets to Pakistan.", "China sold fighter jets to Pakistan in 2019."),  # the same way
    ("China sent rice to Nepal.", "Nepal exported timber to China."),  # another thing passed
    ("India sent rice to Nepal.", "India sent rice to Nepal, and Nepal sent rice to India in return."),  # both ways
])
def test_no_reversal_without_the_same_thing_going_the_other_way_only(claim, passage):
    assert roles(claim, passage) == []


@pytest.mark.parametrize("claim", [
    "It was Chile that exported copper to Peru in May, not the other way round.",
    "Chile exported copper to Peru in May, and not vice versa.",
])
def test_saying_which_way_round_adds_no_topic_the_passage_must_hold(claim):
    [m] = roles(claim, "Peru shipped copper to Chile in May.")
    assert "the other way round" in m.detail


def test_what_a_transfer_is():
    [t] = transfers("Officials said North Korea had supplied weapons to Russia, including shells.")
    assert (t.giver, t.receiver, t.what) == ("KP", "RU", frozenset({"weapon"}))
    assert transfers("Kim sent a letter to Putin.") == ()  # people, not states: no giver or receiver read
    assert transfers("Russia sent troops.") == ()  # no receiver
