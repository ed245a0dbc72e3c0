"""Weeks counted from a text's date ("last week", "earlier this week") as spans of days: examples written for the
class, none from an evaluation set."""

from datetime import date

import pytest

from verify.evidence.detectors import detect
from verify.evidence.slots import find_dates, relative_week

THURSDAY = date(2023, 10, 12)
TALKS = "The two ministers held talks in Geneva earlier this week on the grain corridor."


@pytest.mark.parametrize("phrase, first, last", [
    ("last week", date(2023, 10, 2), date(2023, 10, 8)),
    ("this week", date(2023, 10, 9), date(2023, 10, 15)),
    ("earlier this week", date(2023, 10, 9), THURSDAY),
    ("later this week", THURSDAY, date(2023, 10, 15)),
    ("next week", date(2023, 10, 16), date(2023, 10, 22)),
])
def test_weeks_from_monday(phrase, first, last):
    assert relative_week(phrase, THURSDAY) == (first, last)
    [slot] = find_dates(f"They met {phrase}.", THURSDAY)
    assert slot.days() == (first, last)


def test_without_a_date_a_week_dates_nothing():
    assert find_dates("They met last week.") == []


@pytest.mark.parametrize("claim", [
    "The two ministers held talks in Geneva on October 10 on the grain corridor.",
    "The two ministers held talks in Geneva in October on the grain corridor.",
])
def test_a_day_or_month_the_week_meets_agrees(claim):
    found = detect(claim, TALKS, anchor=THURSDAY)
    assert not [m for m in found.mismatches if m.kind == "date"] and found.agreed["date"] == 1


@pytest.mark.parametrize("claim", [
    "The two ministers held talks in Geneva on October 4 on the grain corridor.",
    "The two ministers held talks in Geneva in September on the grain corridor.",
])
def test_a_day_or_month_outside_the_week_differs(claim):
    assert [m.kind for m in detect(claim, TALKS, anchor=THURSDAY).mismatches] == ["date"]
