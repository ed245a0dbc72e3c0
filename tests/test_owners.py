"""Whose state a state-run outlet belongs to (verify/evidence/owners.py). Claims and passages written for these tests
(none is a dev claim or a claim of the held-back batches)."""

from __future__ import annotations

import pytest

from verify.evidence.detectors import detect
from verify.evidence.owners import outlets


def owner_mismatches(claim, passage):
    return [m.detail for m in detect(claim, passage).mismatches if m.detail.startswith("owner differs")]


@pytest.mark.parametrize("text, state, kind", [
    ("Footage from Iran's state-run Press TV showed the launch.", "IR", "broadcast"),
    ("Egyptian state media said the talks had ended.", "EG", "media"),
    ("Egypt's official news agency, MENA, reported the decree.", "EG", "agency"),
    ("the official Vietnam News Agency reported", "VN", "agency"),
    ("Ankara's government-run broadcaster aired the speech.", "TR", "broadcast"),
])
def test_an_outlet_is_read_with_its_state_and_kind(text, state, kind):
    (found,) = outlets(text)
    assert (found.state, found.kind) == (state, kind)


@pytest.mark.parametrize("text", [
    "He made an official visit to Peru and met state officials.",  # no outlet
    "The state-run Central Television said so.",  # no state named
])
def test_no_outlet_without_a_state_and_a_kind(text):
    assert outlets(text) == ()


def test_another_states_outlet_of_the_kind_contradicts():
    passage = "The footage of the launch was first aired by Iran's state-run Press TV on Monday evening."
    assert owner_mismatches("The footage of the launch was first aired by Syrian state television on Monday evening.",
                            passage)
    # media in general may be any outlet: still another state's
    assert owner_mismatches("The footage of the launch was first aired by Syrian state media on Monday evening.",
                            passage)
    # the claim's own state, or an outlet of another kind, says nothing against it
    assert owner_mismatches("The footage of the launch was first aired by Iranian state television on Monday evening.",
                            passage) == []
    assert owner_mismatches("The footage of the launch was first reported by Syria's official news agency on Monday.",
                            "The footage of the launch was first aired by Iran's state-run Press TV on Monday.") == []
