"""A claim's own "last month" dates nothing: the day it counts from is the claim's, which a check does not know.
Reading it as of the passage's document date (tried) read a claim about 2023 news as of a 2020 article. Examples
written for the class, none from an evaluation set."""

from datetime import date

import pytest

from verify.evidence.detectors import detect

OCT_2023 = date(2023, 10, 12)


@pytest.mark.parametrize("claim, passage", [
    ("The minister resigned last month.", "The minister resigned in July."),
    ("The plant opened this year.", "The plant opened in March 2021."),
    ("The ministers met last week.", "The ministers met on 3 October."),
])
def test_a_claims_relative_date_neither_agrees_nor_differs(claim, passage):
    found = detect(claim, passage, anchor=OCT_2023)
    assert not [m for m in found.mismatches if m.kind == "date"] and found.agreed["date"] == 0


def test_the_passages_relative_date_is_read_as_of_its_document():
    found = detect("The minister resigned in July 2023.", "The minister resigned last month.", anchor=OCT_2023)
    assert [m.kind for m in found.mismatches] == ["date"]
