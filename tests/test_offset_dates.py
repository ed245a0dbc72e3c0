"""Dates a passage counts from its written date ("which had declared independence two weeks earlier"): examples
written for the class, none from an evaluation set."""

import pytest

from verify.evidence.analysis import analyse
from verify.evidence.detectors import detect

RECOGNISED = ("Sweden recognized the republic on May 20, 1990, the first state to do so, which had declared its "
              "independence two weeks earlier.")


def dated(text):
    return [(d.year, d.month, d.day) for d in analyse(text, "passage").dates]


@pytest.mark.parametrize("text, expected", [
    (RECOGNISED, [(1990, 5, 20), (1990, 5, 6)]),
    ("The pact was signed in 2001 and ratified two years later.", [(2001, None, None), (2003, None, None)]),
    ("Parliament met in January 1999, which had adopted the charter just a month earlier.",
     [(1999, 1, None), (1998, 12, None)]),
    ("A photo released on March 1 shows the two ministers signing the pact the previous day.",
     [(None, 3, 1), (None, 2, 28)]),
    ("The bill passed on June 30, 2010, and the president signed it the following month.",
     [(2010, 6, 30), (2010, 7, None)]),
])
def test_a_count_from_the_written_date_dates_the_other_event(text, expected):
    assert dated(text) == expected


@pytest.mark.parametrize("text", [
    "The treaty was ratified in March 2004, a year later.",  # no other event between: the same one
    "The treaty was signed in 2004, about a year later.",  # "about": no date
    "The vote was held in 2004, a month before the summit.",  # counted from an event, not a date
    "Talks began in 2019, and the ministers met a few days later.",  # days from a year
])
def test_no_date_without_another_event_or_a_part_to_count_from(text):
    assert len(dated(text)) == 1


def test_the_counted_date_agrees_and_contradicts_as_a_written_one():
    def found(claim):
        d = detect(claim, RECOGNISED)
        return [m.kind for m in d.mismatches], d.agreed["date"]
    assert found("The republic declared its independence on May 6, 1990.") == ([], 1)
    assert found("Sweden recognized the republic on May 20, 1990.") == ([], 1)
    kinds, agreed = found("The republic declared its independence in April 1990.")
    assert "date" in kinds and agreed == 0
