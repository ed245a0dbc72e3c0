"""Span overlap in a binary search (``verify.evidence.spans``) answers as the pass over every span did."""

from __future__ import annotations

import random

from verify.evidence.analysis import analyse
from verify.evidence.events import event_at
from verify.evidence.spans import DisjointSpans, Spans


def _any_overlap(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """The pass over every span the slot finders made for each number and date (the oracle)."""
    return any(start < e and s < end for s, e in spans)


def test_spans_overlap_as_a_pass_over_all_of_them():
    rng = random.Random(3)
    answers = set()
    for _ in range(2000):
        # any spans: overlapping, nested, empty, even reversed
        spans = [(a, a + rng.randint(-2, 8)) for a in (rng.randint(0, 40) for _ in range(rng.randint(0, 8)))]
        fixed = Spans(spans)
        for _ in range(10):
            start = rng.randint(-2, 45)
            end = start + rng.randint(0, 6)
            expected = _any_overlap(spans, start, end)
            assert fixed.overlaps(start, end) == expected, (spans, start, end)
            answers.add(expected)
    assert answers == {True, False}


def test_spans_cover_as_a_pass_over_all_of_them():
    # the pass ``Analysis.denies`` made over every denial for each slot (quadratic in a long passage's slots)
    rng = random.Random(5)
    answers = set()
    for _ in range(2000):
        spans = [(a, a + rng.randint(-2, 12)) for a in (rng.randint(0, 40) for _ in range(rng.randint(0, 8)))]
        fixed = Spans(spans)
        for _ in range(10):
            start = rng.randint(-2, 45)
            end = start + rng.randint(0, 6)
            expected = any(s <= start and end <= e for s, e in spans)
            assert fixed.covers(start, end) == expected, (spans, start, end)
            answers.add(expected)
    assert answers == {True, False}


def test_disjoint_spans_added_one_at_a_time_overlap_as_a_pass_over_all_of_them():
    rng = random.Random(4)
    answers = set()
    for _ in range(2000):
        taken, added = DisjointSpans(), []
        for _ in range(rng.randint(1, 12)):  # as the date finder: a candidate is added when it overlaps none
            start = rng.randint(0, 60)
            end = start + rng.randint(1, 9)
            expected = _any_overlap(added, start, end)
            assert taken.overlaps(start, end) == expected, (added, start, end)
            answers.add(expected)
            if not expected:
                taken.add(start, end)
                added.append((start, end))
    assert answers == {True, False}


def test_event_words_skip_the_same_slots_given_as_spans_or_as_a_tuple():
    text = ("Kim visited Moscow in 2019 and met 3 officials; 2,000 people celebrated the 70th anniversary "
            "in Pyongyang on 12 October, while between 5 and 8 talks were held.")
    a = analyse(text)
    slots = tuple((d.start, d.end) for d in a.dates) + tuple((f.quantity.bound_start, f.quantity.unit_end)
                                                             for f in a.figures)
    events = [event_at(text, f.quantity.bound_start, f.quantity.unit_end, slots) for f in a.figures]
    assert events == [f.event for f in a.figures]  # analyse passes the slots sorted once, as Spans
    assert events == [event_at(text, f.quantity.bound_start, f.quantity.unit_end, Spans(slots)) for f in a.figures]
    assert any(e.words for e in events)


def test_an_anniversary_dates_from_the_nearest_year_and_of_two_as_near_the_one_found_first():
    from verify.evidence.slots import find_dates

    text = "It opened in 1999" + " " * 16 + "50th anniversary in 2019"
    at = text.index("50th")
    assert at - text.index("1999") == text.index("2019") - at  # a tie
    assert [(d.year, d.derived) for d in find_dates(text, anniversaries=True)] == [
        (1999, False), (1949, True), (2019, False)]
    # the nearest year within 120 characters, a date an earlier anniversary implied included
    text = "In 2018 the 70th anniversary came. " + "x" * 60 + " Its 10th anniversary passed."
    assert [(d.year, d.derived) for d in find_dates(text, anniversaries=True)] == [
        (2018, False), (1948, True), (1938, True)]
