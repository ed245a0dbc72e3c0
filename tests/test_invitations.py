"""Who invited whom: an invitation the passage tells the other way round cannot confirm the claim.

Claims and passages written for these tests (the corpus's "Putin had accepted Kim's offer to visit North Korea" is
the class; the examples here are not in any evaluation set).
"""

import numpy as np
import pytest

from verify.evidence.detectors import detect
from verify.evidence.invitations import invitations
from verify.scoring.aggregate import combine

PASSAGE = "The chancellery said on Monday that Scholz had accepted Macron's invitation to visit Paris in May."


def directions(claim, passage=PASSAGE):
    return [m for m in detect(claim, passage).mismatches if m.kind == "direction"]


@pytest.mark.parametrize("text, host, guest", [
    ("Scholz had accepted Macron's invitation to visit Paris.", "macron", "scholz"),
    ("President Macron invited Chancellor Scholz to Paris.", "macron", "scholz"),
    ("Scholz accepted an invitation from Emmanuel Macron.", "macron", "scholz"),
])
def test_who_invited_whom_is_read_in_three_wordings(text, host, guest):
    [found] = invitations(text)
    assert host in found.host and guest in found.guest


@pytest.mark.parametrize("claim", [
    "Macron accepted Scholz's invitation.",
    "Scholz invited Macron to his country.",
])
def test_an_invitation_the_other_way_round_cannot_confirm_the_claim(claim):
    [m] = directions(claim)
    assert m.passage.text == "Scholz had accepted Macron's invitation"
    assert m.detail.startswith("the passage has the invitation the other way round: claim says ")
    s, c, n = combine(np.array([0.85, 0.05, 0.10]), detect(claim, PASSAGE))
    assert n > s and n > c  # a judge reads the same words as support; two people may invite each other: no contradiction


@pytest.mark.parametrize("claim", [
    "Macron invited Scholz to visit Paris.",
    "Scholz accepted Macron's invitation.",
    "Macron visited Berlin in May.",  # no invitation in the claim
])
def test_the_claims_way_round_or_no_invitation_is_no_mismatch(claim):
    assert not directions(claim)


def test_a_passage_that_tells_both_ways_confirms_either():
    both = "Scholz accepted Macron's invitation to Paris, and Macron accepted Scholz's invitation to Berlin."
    assert not directions("Macron accepted Scholz's invitation to visit Berlin.", both)
