"""A number after a range's first end ("between 6 and 15", "10 to 20", "2016-17") is read backwards
from the number (``quantities._RANGE_BEFORE_REVERSED``), not by searching all the text before it:
the same ranges are found."""

from __future__ import annotations

import dataclasses
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from verify.evidence import quantities as q

RANGE_BEFORE = re.compile(r"(?:\bbetween\s+[\d.,]+\s+and\s*|\d\s*(?:-|–|—|to)\s*)$", re.IGNORECASE)
"""The forward pattern the module searched over ``text[:start]`` before each number (the oracle)."""

PIECES = ["3", "5", "12", "1,000", "2.5", "1.", ",7", "2016", "17th", "twenty", "between", "BETWEEN", "Between",
          "and", "AND", "to", "TO", "from", "more than", "about", "cases", "%", "$", "-", "–", "—", ".", ",",
          ":", "x", "abetween", "betweens", "sand", "toe", "2to", "and5", " ", "  ", "\n", "\t", "\u00a0", ""]


def _oracle(text: str, found: q.Quantity) -> q.Quantity:
    """``found`` with ``in_range`` as the whole-prefix search decided it."""
    in_range = bool(RANGE_BEFORE.search(text[:found.start]) or q._RANGE_AFTER.match(text, found.end)
                    or q._BETWEEN.search(text[:found.bound_start]))
    return dataclasses.replace(found, in_range=in_range)


def _same_as_oracle(text: str) -> list[q.Quantity]:
    text = q.fold(text)
    found = q.find_quantities(text)
    assert found == [_oracle(text, f) for f in found], repr(text)
    return found


def test_ranges_read_backwards_are_those_the_forward_search_found():
    texts = ["between 6 and 15 cases", "BETWEEN 1,000 AND\n2,000", "from 10 to 20", "2016-17 season", "5 – 7",
             "3—4", "between about 5 and 6", "abetween 5 and 6", "between 5 sand 6", "1 to\n", "x-5", "2to5",
             "between 5,5. and 7", "between\t3\tand\t4 and 5 to 6-7"]
    found = [f for t in texts for f in _same_as_oracle(t)]
    # both answers occur, so the comparison can fail either way
    assert {f.in_range for f in found} == {True, False}
    assert [f.in_range for f in _same_as_oracle("between 6 and 15")] == [True, True]
    assert [f.in_range for f in _same_as_oracle("abetween 6 and 15")] == [False, False]


def test_generated_texts_give_the_same_ranges_as_the_forward_search():
    rng = random.Random(20261126)
    in_range = 0
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "  "]) for _ in range(rng.randint(1, 24)))
        in_range += sum(f.in_range for f in _same_as_oracle(text))
    assert in_range > 500  # the texts hold many ranges, not only plain numbers


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_any_text_of_numbers_marks_and_words_gives_the_same_ranges(pieces):
    _same_as_oracle("".join(pieces))
