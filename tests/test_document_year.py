"""The year an undated document's own anniversaries give it (verify.evidence.document_year), and what it decides.
The texts are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from verify.evidence.detectors import detect
from verify.evidence.document_year import document_year

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("text, year", [
    # the anniversary's "of" shares a word with the dated sentence
    (("Gala\n\nChile and Peru marked the 40th anniversary of their fishing accord this week.\n\n"
     "The fishing accord was signed in Lima in 1983."), 2023),
    # or a kind of event: "founding" / "was founded"
    ("The town celebrated the 200th anniversary of its founding on Sunday.\n\nSettlers founded it in 1824.", 2024),
    # nothing dates what the anniversary is of
    ("Chile and Peru marked the 40th anniversary of their fishing accord this week.", None),
    # two dated origins that give two years: no year
    ("They marked the 40th anniversary of the accord.\n\nThe first accord was signed in 1979, a second accord in 1983.",
     None),
    # a year after today is no year an article was written in
    ("They marked the 40th anniversary of the accord.\n\nThe accord was signed in 1999.", None),
    # nor one before a year the text writes
    ("They marked the 40th anniversary of the accord.\n\nThe accord, signed in 1950, was renewed in 2001.", None),
])
def test_document_year(text, year):
    assert document_year(text, TODAY) == year


def test_a_passage_of_a_placed_document_contradicts_a_dated_claims_rank():
    claim = "In 2023 Chile and Peru marked the 30th anniversary of their fishing accord."
    passage = "Chile and Peru marked the 40th anniversary of their fishing accord this week."
    # the passage alone places its anniversary in no year: another occasion (neither side)
    assert [m.kind for m in detect(claim, passage).mismatches] == ["occasion"]
    # its document places it in 2023: the same celebration, ranked otherwise
    found = detect(claim, passage, document_year=lambda: 2023)
    assert [m.kind for m in found.hard] == ["number"]
    # in 2019 it is still another occasion
    assert not detect(claim.replace("2023", "2019"), passage, document_year=lambda: 2023).hard
