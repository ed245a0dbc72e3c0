"""Extract comparable slots from text: dates and quantities, each with its span.

Pure functions over strings; :mod:`verify.evidence.compare` compares the slots of a claim
with those of a passage. A date found is a :class:`~verify.evidence.dateslot.DateSlot`; quantities live in
:mod:`verify.evidence.quantities` (both re-exported here).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from datetime import date, timedelta
from functools import lru_cache

from verify.evidence.dateslot import DateSlot
from verify.evidence.quantities import (  # noqa: F401  (the slots, in one place for callers)
    NUMBER_WORDS,
    Quantity,
    find_quantities,
    find_ranks,
    quantity_agrees,
    same_measure,
)
from verify.evidence.spans import DisjointSpans
from verify.evidence.text import fold

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MONTH = r"(?P<month>" + "|".join(
    name if len(name) > 4 or name in ("june", "july") else name + r"\.?"
    for name in sorted(MONTHS, key=len, reverse=True)) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),          # Oct. 12, 1948 / October 12
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),  # 12 October 1948
    re.compile(rf"\b{_MONTH}(?:,?\s+(?:of\s+)?{_YEAR})\b", re.IGNORECASE),            # July 2000
    re.compile(rf"\b(?:in|since|until|by|during|from|early|late|mid|of|on)\s+{_MONTH}(?![\w-])", re.IGNORECASE),  # in October
    re.compile(rf"(?<![\w$.,-]){_YEAR}(?![\w%-]|\.\d|,\d)"),                  # 1949
]
_CENTURY_WORDS = {"fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
                  "twentieth": 20, "twenty-first": 21}
_SPAN_PART = r"(?:(?P<part>early|mid|late|first\s+half\s+of|second\s+half\s+of|latter\s+half\s+of)[\s-]+(?:the\s+)?)?"
_DECADE = re.compile(r"\b" + _SPAN_PART + r"(?P<decade>1[5-9]\d0|20\d0)['’]?s\b", re.IGNORECASE)
_CENTURY = re.compile(r"\b" + _SPAN_PART + r"(?P<century>1[5-9]th|2[01](?:st|th)|" + "|".join(_CENTURY_WORDS)
                      + r"|past|last|previous)[\s-]+century\b", re.IGNORECASE)
"""Spans of years: "the 1980s", "the late 1990s", "the 19th century", "the first half of the past century"."""
_SPAN_THIRDS = {"early": (0.0, 0.4), "mid": (0.3, 0.7), "late": (0.6, 1.0), "first half of": (0.0, 0.49),
                "second half of": (0.5, 1.0), "latter half of": (0.5, 1.0)}
"""The share of a span each part can mean: early, mid and late overlap ("early" may stretch to the fourth year of
a decade); the halves do not (1900-1949, 1950-2000)."""


def _span_of_years(m: re.Match, anchor: date | None) -> tuple[int, int] | None:
    """The first and last year a decade or century match means, narrowed to its part; None when "the past century"
    has no ``anchor`` to count from."""
    g = m.groupdict()
    if g.get("decade"):
        first, length = int(g["decade"]), 9
    else:
        word = g["century"].lower()
        if word in ("past", "last", "previous"):
            if anchor is None:
                return None
            number = (anchor.year - 1) // 100  # 2023: the past century is the 20th
        else:
            number = _CENTURY_WORDS.get(word) or int(word[:-2])
        first, length = (number - 1) * 100, 100  # 1900 to 2000: both ways of counting a century
    part = " ".join(g["part"].lower().split()) if g.get("part") else None
    low, high = _SPAN_THIRDS.get(part, (0.0, 1.0))
    return first + round(low * length), first + round(high * length)


_PART = re.compile(r"\b(?P<part>early|mid|late|the\s+(?:start|beginning|middle|end)\s+of)[\s-]+$", re.IGNORECASE)
"""The part of a year or month named just before it ("late 1949", "early October", "at the end of 1949")."""
_PART_OF = {"early": "early", "start": "early", "beginning": "early", "mid": "mid", "middle": "mid",
            "late": "late", "end": "late"}
_RELATION = re.compile(
    r"\b(?P<rel>before|prior to|until|till|up to|by|earlier than|after|since|later than|following|"
    r"beyond|no later than|no earlier than)\s+(?:the\s+(?:end|start|beginning)\s+of\s+)?(?:the\s+year\s+)?$",
    re.IGNORECASE)
_RELATION_KIND = {"before": "before", "prior to": "before", "until": "before", "till": "before", "up to": "before",
                  "by": "before", "earlier than": "before", "no later than": "before", "after": "after",
                  "since": "after", "later than": "after", "following": "after", "beyond": "after",
                  "no earlier than": "after"}
_ANNIVERSARY = re.compile(r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\s+anniversary\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?P<rel>(?:last|next|this|earlier this|later this)\s+(?:week|month|year)|yesterday|today|tomorrow)\b", re.IGNORECASE)


def calendar_word(word: str) -> bool:
    """Whether ``word`` names a month or a weekday ("Oct.", "October", "Thursday"): a date's word, not a name."""
    word = word.lower()
    return word.rstrip(".") in MONTHS or word in WEEKDAYS


def shift_month(year: int | None, month: int, by: int) -> tuple[int | None, int]:
    """(year, month) ``by`` months from ``month`` of ``year`` (a year of None stays None): (2023, 1, -1) -> (2022, 12)."""
    at = month - 1 + by
    return (year + at // 12 if year is not None else None), at % 12 + 1


def resolve_relative(phrase: str, anchor: date) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) meant by "last month" and friends, relative to ``anchor``."""
    p = phrase.lower()
    if p == "yesterday":
        d = anchor - timedelta(days=1)
        return d.year, d.month, d.day
    if p == "today":
        return anchor.year, anchor.month, anchor.day
    if p == "tomorrow":
        d = anchor + timedelta(days=1)
        return d.year, d.month, d.day
    if p.endswith("month"):
        return *shift_month(anchor.year, anchor.month, -1 if p.startswith("last") else 1 if p.startswith("next") else 0), None
    if p.endswith("year"):
        shift = -1 if p.startswith("last") else 1 if p.startswith("next") else 0
        return anchor.year + shift, None, None
    return None, None, None  # weeks: see ``relative_week``


def relative_week(phrase: str, anchor: date) -> tuple[date, date] | None:
    """The days "last week", "this week", "earlier this week", "later this week" and "next week" mean, relative to
    ``anchor`` (weeks from Monday); None for another phrase."""
    p = " ".join(phrase.lower().split())
    if not p.endswith("week"):
        return None
    monday = anchor - timedelta(days=anchor.weekday())
    if p == "last week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if p == "next week":
        return monday + timedelta(days=7), monday + timedelta(days=13)
    if p == "earlier this week":
        return monday, anchor
    if p == "later this week":
        return anchor, monday + timedelta(days=6)
    return monday, monday + timedelta(days=6)


def implied_year(slot: DateSlot, anchor: date | None) -> int | None:
    """The year a news text means by a date without one ("on September 14" in a text of October 2023:
    2023; "in December" in a text of January 2024: 2023); None without ``anchor`` or a month."""
    if anchor is None or not slot.month:
        return None
    return anchor.year if slot.month <= anchor.month else anchor.year - 1


def find_dates(text: str, anchor: date | None = None, anniversaries: bool = False) -> list[DateSlot]:
    """Date mentions in ``text``, most specific first where they overlap.

    Cached: a check reads the claim's dates once per judged passage, and a passage's for the
    judge's reading (``harmonise``) and again for the detectors (``analyse``).

    Args:
        text: any text.
        anchor: the document's date; resolves "last month", "yesterday" when given.
        anniversaries: also the dates that anniversaries imply: "the 70th anniversary ...
            in 2018" (or, with no year near, in the ``anchor``'s year) dates the event to 1948.
    """
    return list(_find_dates(text, anchor, anniversaries))


@lru_cache(maxsize=8192)
def _find_dates(text: str, anchor: date | None, anniversaries: bool) -> tuple[DateSlot, ...]:
    text = fold(text)
    found: list[DateSlot] = []
    taken = DisjointSpans()  # a binary search a candidate (a pass over them all was quadratic in the dates)
    for pattern in (_CENTURY, _DECADE):
        for m in pattern.finditer(text):
            years = _span_of_years(m, anchor)
            if years is not None and not taken.overlaps(*m.span()):
                found.append(DateSlot(m.group(0), *m.span(), year=years[0], until=years[1]))
                taken.add(*m.span())
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if taken.overlaps(start, end):
                continue
            g = m.groupdict()
            month = MONTHS.get((g.get("month") or "").lower().rstrip("."))
            if g.get("month") and g["month"] in ("may", "MAY") and not (g.get("day") or g.get("year")):
                continue  # the modal verb, not the month
            day = int(g["day"]) if g.get("day") else None
            if day is not None and not 1 <= day <= 31:
                continue
            year = int(g["year"]) if g.get("year") else None
            rel = _RELATION.search(text[max(0, start - 40):start])
            relation = _RELATION_KIND.get(" ".join(rel.group("rel").lower().split())) if rel else None
            if re.match(r"(?:since|until|by|from)\s", m.group(0), re.IGNORECASE):
                relation = _RELATION_KIND.get(m.group(0).split()[0].lower())
            if relation and (re.search(r"\b(?:from|between)\b", text[max(0, start - 40):start], re.IGNORECASE)
                             and re.match(r"\s*(?:to|until|and|-)\s", text[end:end + 8])):
                relation = None  # "from 2007 to 2009": a range, not a bound
            part, written = None, m.group(0)
            if day is None:
                before = _PART.search(text, max(0, start - 20), start)
                lead = re.match(r"(early|late|mid)\s", written, re.IGNORECASE)  # "early October" is matched whole
                phrase = (before.group("part") if before else lead.group(1) if lead else "").lower().split()
                if phrase:
                    part = _PART_OF[phrase[1] if phrase[0] == "the" else phrase[0]]
                if before:  # shown whole ("late 1949"); the slot's span stays the date's own
                    written = text[before.start():end]
            found.append(DateSlot(written, start, end, year=year, month=month, day=day, relation=relation,
                                  part=part))
            taken.add(start, end)
    for m in _WEEKDAY.finditer(text):
        found.append(DateSlot(m.group(0), *m.span(), weekday=WEEKDAYS[m.group("weekday").lower()]))
    # the dates with a year and no relation, as (start, place in ``found``, year), sorted: an anniversary
    # reads only those within 120 characters (a pass over every date for each was quadratic)
    years = sorted((d.start, i, d.year) for i, d in enumerate(found) if d.year and not d.relation)
    for m in _ANNIVERSARY.finditer(text) if anniversaries else ():
        # "the 70th anniversary of ties in 2018": the ties date from 1948
        n, at = int(m.group("n")), m.start()
        near = years[bisect_left(years, (at - 120,)):bisect_right(years, (at + 120, len(found)))]
        # the nearest; of two as near, the one found first
        year = min(near, key=lambda y: (abs(y[0] - at), y[1]))[2] if near else anchor.year if anchor else None
        if year and 0 < n < year:
            insort(years, (at, len(found), year - n))  # a later anniversary may read it
            found.append(DateSlot(m.group(0), *m.span(), year=year - n, derived=True))
    if anchor is not None:
        for m in _RELATIVE.finditer(text):
            y, mo, d = resolve_relative(m.group("rel"), anchor)
            if y is not None:
                found.append(DateSlot(m.group(0), *m.span(), year=y, month=mo, day=d, relative=True))
            elif week := relative_week(m.group("rel"), anchor):
                first, last = week
                found.append(DateSlot(m.group(0), *m.span(), year=first.year, month=first.month, day=first.day,
                                      relative=True, through=last))
    return tuple(sorted(found, key=lambda s: s.start))
