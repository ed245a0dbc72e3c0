"""Decades and centuries as spans of years ("the 1980s", "the late 1990s", "the 19th century"): examples written
for the class, none from an evaluation set."""

from datetime import date

import pytest

from verify.evidence.detectors import detect
from verify.evidence.slots import find_dates, find_quantities


@pytest.mark.parametrize("text, anchor, expected", [
    ("The bridge was built in the 1980s.", None, [(1980, 1989)]),
    ("The bridge was built in the late 1990s.", None, [(1995, 1999)]),
    ("The bridge was built in the 19th century.", None, [(1800, 1900)]),
    ("The bridge was built in the second half of the twentieth century.", None, [(1950, 2000)]),
    ("The bridge was built in the first half of the past century.", date(2021, 5, 1), [(1900, 1949)]),
    ("The bridge was built in the past century.", None, []),  # counted from a date the text does not give
])
def test_spans_of_years(text, anchor, expected):
    assert [(d.year, d.until) for d in find_dates(text, anchor)] == expected


def test_a_decade_is_no_figure():
    text = "Prices rose in the 1980s."
    assert find_quantities(text, [(d.start, d.end) for d in find_dates(text)]) == []


@pytest.mark.parametrize("claim, passage", [
    ("The bridge was built in the 1980s.", "The bridge was built in 1985."),
    ("The bridge was built in 1998.", "The bridge was built in the late 1990s."),
    ("The bridge was built in the 19th century.", "The bridge was built in 1850 by convicts."),
])
def test_a_year_in_the_span_agrees(claim, passage):
    found = detect(claim, passage)
    assert not [m for m in found.mismatches if m.kind in ("date", "number")] and found.agreed["date"] == 1


@pytest.mark.parametrize("claim, passage", [
    ("The bridge was built in the 1980s.", "The bridge was built in 1992."),
    ("The bridge was built in the late 1990s.", "The bridge was built in 1991."),
    ("The bridge was built in the 1980s.", "The bridge was built in the 1990s."),
    ("The bridge was built in the 19th century.", "The bridge was built in 1920 by convicts."),
])
def test_a_year_outside_the_span_differs(claim, passage):
    assert [m.kind for m in detect(claim, passage).mismatches] == ["date"]


def test_halves_of_the_past_century_differ_as_of_the_passages_date():
    found = detect("The bridge was built in the second half of the twentieth century.",
                   "The bridge was built in the first half of the past century.", anchor=date(2021, 5, 1))
    assert [m.kind for m in found.mismatches] == ["date"]
