"""A claim's own "last month" / "this year" is read as of the date of the document it is checked against:
examples written for the class, none from an evaluation set."""

from datetime import date

import pytest

from verify.evidence.detectors import detect

OCT_2023 = date(2023, 10, 12)


def dates(claim, passage, anchor=OCT_2023):
    found = detect(claim, passage, anchor=anchor)
    return [m for m in found.mismatches if m.kind == "date"], found.agreed["date"]


@pytest.mark.parametrize("claim, passage", [
    ("The minister resigned last month.", "The minister resigned in September."),
    ("The minister resigned last month.", "The minister resigned on Sept. 3."),
    ("The plant opened this year.", "The plant opened in March 2023."),
    ("The ministers met last month.", "The ministers met last month in Geneva."),
])
def test_the_same_time_agrees(claim, passage):
    found, agreed = dates(claim, passage)
    assert not found and agreed == 1


@pytest.mark.parametrize("claim, passage", [
    ("The minister resigned last month.", "The minister resigned in July."),
    ("The plant opened this year.", "The plant opened in March 2021."),
    ("The ministers met last month.", "The ministers met this month in Geneva."),
])
def test_another_time_of_the_same_event_differs_and_says_how_it_was_read(claim, passage):
    found, _ = dates(claim, passage)
    assert len(found) == 1
    assert "as of 12 October 2023" in found[0].detail


def test_without_the_documents_date_a_relative_claim_date_dates_nothing():
    assert dates("The minister resigned last month.", "The minister resigned in July.", anchor=None) == ([], 0)


def test_a_recurring_event_years_apart_is_another_occasion():
    found, _ = dates("The leaders met last year.", "The leaders met in April 2019.")
    assert not found
