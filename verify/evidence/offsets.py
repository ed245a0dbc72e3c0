"""Dates counted from a written date: "(which had proclaimed its independence) just a month earlier",
"(and ratified it) two years later", "the following month" (read by :func:`verify.evidence.analysis.analyse`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate

from verify.evidence.dateslot import DateSlot
from verify.evidence.events import KIND_OF
from verify.evidence.quantities import NUMBER_WORDS, ORDINAL_WORDS
from verify.evidence.slots import shift_month
from verify.evidence.text import fold, stem, words

__all__ = ["offset_dates"]

_OFFSET_COUNT = {"a": 1, "an": 1, **{w: int(v) for w, v in NUMBER_WORDS.items() if v <= 12 and w not in ORDINAL_WORDS}}
_OFFSET = re.compile(r"\b(?:(?:just|only|exactly)\s+)?(?P<n>" + "|".join(_OFFSET_COUNT) + r"|\d{1,2})\s+"
                     r"(?P<unit>day|week|month|year)s?\s+(?P<dir>earlier|later|before|after)"
                     r"(?=\s*(?:[.,;:)]|$)|\s+(?:and|but|when|while)\b)", re.IGNORECASE)
"""A date counted from the sentence's written date: "(which had proclaimed its independence) just a month earlier",
"(and ratified it) two years later". Only a count that ends its clause: "a month before the vote" counts from an
event, not a date; "about a month earlier" is no date."""
_OFFSET_NAMED = re.compile(r"\bthe\s+(?:(?P<dir>previous|preceding|next|following)\s+(?P<unit>day|week|month|year)|"
                           r"(?P<unit2>day|week|month|year)\s+(?P<dir2>before|after))"
                           r"(?=\s*(?:[.,;:)]|$)|\s+(?:and|but|when|while)\b)", re.IGNORECASE)
"""The same count of one, named: "(holding talks) the previous day", "(and signed it) the following month"."""


def offset_dates(text: str, dates: tuple[DateSlot, ...]) -> tuple[DateSlot, ...]:
    """The dates that counts from a written date give another event of the same sentence ("Sweden recognized the
    republic on May 20, 1990, which had declared its independence two weeks earlier" dates the declaring to 6 May
    1990; "signed in 2001 and ratified two years later" the ratifying to 2003). Not a count with no other event word
    between it and the written date ("was ratified in March 2004, a year later"), nor one whose date needs a part the
    written date does not give (days from a month)."""
    out = []
    folded = fold(text)
    # the written dates a count may start from, by where they end, each with the latest (in ``dates``' order) of
    # those ending by then: one binary search a count (a pass over every date for each was quadratic)
    written = sorted((d.end, i) for i, d in enumerate(dates) if not d.derived and not d.relation and d.weekday is None)
    ends = [end for end, _ in written]
    latest = list(accumulate((i for _, i in written), max))
    for m in sorted([*_OFFSET.finditer(folded), *_OFFSET_NAMED.finditer(folded)], key=lambda m: m.start()):
        k = bisect_right(ends, m.start())
        if not k:
            continue
        base = dates[latest[k - 1]]
        between = text[base.end:m.start()]
        if not any(stem(w) in KIND_OF for w in words(between.lower())):
            continue  # no other event between the written date and the count
        g = m.groupdict()
        count = (_OFFSET_COUNT.get(g["n"].lower()) or int(g["n"])) if g.get("n") else 1
        unit, way = (g["unit"] or g["unit2"]).lower(), (g["dir"] or g["dir2"]).lower()
        sign = -1 if way in ("earlier", "before", "previous", "preceding") else 1
        year, month, day = base.year, None, None
        if unit == "year":
            if base.year is None:
                continue
            year = base.year + sign * count
        elif unit == "month":
            if base.month is None:
                continue
            year, month = shift_month(base.year, base.month, sign * count)
        else:
            if base.month is None or base.day is None:
                continue
            try:
                moved = date(base.year or 2001, base.month, base.day) + timedelta(days=sign * count * (7 if unit == "week" else 1))
            except ValueError:
                continue
            year, month, day = (moved.year if base.year is not None else None), moved.month, moved.day
        out.append(DateSlot(m.group(0), *m.span(), year=year, month=month, day=day, relative=True, derived=True))
    return tuple(out)
