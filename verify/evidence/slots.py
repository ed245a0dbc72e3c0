"""Extract comparable slots from text: dates and quantities, each with its span.

Pure functions over strings; :mod:`verify.evidence.detectors` compares the slots of a
claim with those of a passage.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from verify.evidence.text import fold, stem

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "twentieth": 20, "fiftieth": 50, "hundredth": 100,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9}
UNIT_ALIASES = {"percent": "%", "per cent": "%", "pct": "%", "%": "%", "yr": "year", "km": "kilometre",
                "kilometer": "kilometre", "anniversary": "anniversary", "$": "usd", "dollar": "usd",
                "us$": "usd", "won": "krw", "€": "eur", "euro": "eur"}

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


@dataclass(frozen=True)
class DateSlot:
    """A date mention; ``None`` fields were not stated."""

    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relative: bool = False
    relation: str | None = None
    """"before" / "after" when the text bounds the date ("born after 1944", "until 2009")."""
    derived: bool = False
    """Implied, not written: "the 70th anniversary ... in 2018" implies 1948."""

    def order_key(self, other: DateSlot) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """Both dates as comparable tuples, down to the precision both state: (year, month, day),
        or (month, day) when a year is missing ("before 2nd April" against "April 1")."""
        fields = [(self.year, other.year), (self.month, other.month), (self.day, other.day)]
        if self.year is None or other.year is None:
            fields = fields[1:]
        mine, theirs = [], []
        for a, b in fields:
            if a is None or b is None:
                break
            mine.append(a)
            theirs.append(b)
        return (tuple(mine), tuple(theirs)) if mine else None

    def compatible(self, other: DateSlot) -> bool:
        """True unless a field that both state differs.

        A bounded date ("after 1944", "before April 12, 2020") agrees with any date on the
        right side of the bound (1945; April 13, 2020 is *after* April 12).
        """
        if self.relation and other.relation:
            if self.relation == other.relation:
                return True  # "before 1999" and "before 2000" do not exclude each other
        elif (self.relation or other.relation) and self.order_key(other):
            bound, point = (self, other) if self.relation else (other, self)
            b, p = bound.order_key(point)
            if (p < b) if bound.relation == "before" else (p > b):
                return True
        for a, b in ((self.year, other.year), (self.month, other.month), (self.day, other.day),
                     (self.weekday, other.weekday)):
            if a is not None and b is not None and a != b:
                return False
        return True

    def comparable(self, other: DateSlot) -> bool:
        """True when both state at least one common field (so a difference would mean something)."""
        return any(a is not None and b is not None for a, b in (
            (self.year, other.year), (self.month, other.month), (self.day, other.day),
            (self.weekday, other.weekday)))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


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
        shift = -1 if p.startswith("last") else 1 if p.startswith("next") else 0
        m = anchor.month + shift
        y = anchor.year + (m - 1) // 12
        return y, (m - 1) % 12 + 1, None
    if p.endswith("year"):
        shift = -1 if p.startswith("last") else 1 if p.startswith("next") else 0
        return anchor.year + shift, None, None
    return None, None, None  # weeks: too coarse to compare


def find_dates(text: str, anchor: date | None = None, anniversaries: bool = False) -> list[DateSlot]:
    """Date mentions in ``text``, most specific first where they overlap.

    Args:
        text: any text.
        anchor: the document's date; resolves "last month", "yesterday" when given.
        anniversaries: also the dates that anniversaries imply: "the 70th anniversary ...
            in 2018" (or, with no year near, in the ``anchor``'s year) dates the event to 1948.
    """
    text = fold(text)
    found: list[DateSlot] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if _overlaps(taken, start, end):
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
            found.append(DateSlot(m.group(0), start, end, year=year, month=month, day=day, relation=relation))
            taken.append((start, end))
    for m in _WEEKDAY.finditer(text):
        found.append(DateSlot(m.group(0), *m.span(), weekday=WEEKDAYS[m.group("weekday").lower()]))
    for m in _ANNIVERSARY.finditer(text) if anniversaries else ():
        # "the 70th anniversary of ties in 2018": the ties date from 1948
        n = int(m.group("n"))
        years = [d for d in found if d.year and not d.relation and abs(d.start - m.start()) <= 120]
        year = min(years, key=lambda d: abs(d.start - m.start())).year if years else anchor.year if anchor else None
        if year and 0 < n < year:
            found.append(DateSlot(m.group(0), *m.span(), year=year - n, derived=True))
    if anchor is not None:
        for m in _RELATIVE.finditer(text):
            y, mo, d = resolve_relative(m.group("rel"), anchor)
            if y is not None:
                found.append(DateSlot(m.group(0), *m.span(), year=y, month=mo, day=d, relative=True))
    return sorted(found, key=lambda s: s.start)


@dataclass(frozen=True)
class Quantity:
    """A number with the word it counts (its unit), e.g. ``75th anniversary``."""

    text: str
    start: int
    end: int
    value: float
    unit: str | None
    ordinal: bool = False
    bound: str | None = None  # "min", "max", "approx" from "more than", "under", "about"
    unit_end: int | None = None
    """End of the unit word ("75th anniversary" -> after "anniversary"); ``end`` when none."""
    bound_start: int | None = None
    """Start of the bound phrase ("more than 25%" -> at "more"); ``start`` when none."""
    strict: bool = False
    """The bound excludes the number itself ("more than 6" is not 6; "at least 6" is)."""
    in_range: bool = False
    """One end of a range ("between 6 and 15", "2016-17", "10 to 20"): not a figure on its own."""


_NUM = r"(?<![A-Za-z]-)(?<![A-Za-z\d:])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<ord>st|nd|rd|th)?(?!:\d)"
_QUANTITY = re.compile(
    r"(?P<cur>\$|€|£|US\$)?\s?" + _NUM + r"(?:\s?(?P<scale>" + "|".join(SCALES) + r"))?"
    r"(?:\s?(?P<pct>%|percent|per cent))?"
    r"|\b(?P<word>" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_BOUND = re.compile(r"(more than|over|at least|above|exceeding|less than|under|fewer than|below|at most|"
                    r"about|around|approximately|nearly|almost|some|roughly|up to)\s*$", re.IGNORECASE)
_BOUND_KIND = {"more than": "min", "over": "min", "at least": "min", "above": "min", "exceeding": "min",
               "less than": "max", "under": "max", "fewer than": "max", "below": "max", "at most": "max",
               "up to": "max"}
_RANGE_BEFORE = re.compile(r"(?:\bbetween\s+[\d.,]+\s+and\s*|\d\s*(?:-|–|—|to)\s*)$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"\s*(?:-|–|—|to)\s*\d", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_INCLUSIVE_BOUNDS = frozenset({"at least", "at most", "up to"})
"""The other bounds are strict: "more than 84%" excludes 84%."""
_UNIT_WORD = re.compile(r"\s*-?\s*([A-Za-z]+(?:\s+cent)?)")


def find_quantities(text: str, skip: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Numbers in ``text`` (not inside the ``skip`` spans, e.g. dates) with their unit word."""
    text = fold(text)
    skip = skip or []
    out = []
    for m in _QUANTITY.finditer(text):
        start, end = m.span()
        if m.group(0).strip() == "" or _overlaps(skip, start, end):
            continue
        start += len(m.group(0)) - len(m.group(0).lstrip())
        g = m.groupdict()
        if g["word"]:
            word = g["word"].lower()
            value, ordinal = float(NUMBER_WORDS[word]), word.endswith(("th", "nd", "rd")) or word in {
                "second", "third", "fifth", "eighth", "ninth", "twelfth"}
        else:
            value = float(g["num"].replace(",", ""))
            ordinal = bool(g["ord"])
            if g["scale"]:
                value *= SCALES[g["scale"].lower()]
        unit, unit_end = None, end
        if g.get("pct"):
            unit = "%"
        elif g.get("cur"):
            unit = UNIT_ALIASES.get(g["cur"].lower(), g["cur"])
        else:
            um = _UNIT_WORD.match(text, end)
            if um:
                word = um.group(1).lower()
                unit = UNIT_ALIASES.get(word, stem(word))
                unit_end = um.end()
        bm = _BOUND.search(text[:start])
        bound, bound_start, strict = None, start, False
        if bm:
            phrase = " ".join(bm.group(1).lower().split())
            bound, bound_start = _BOUND_KIND.get(phrase, "approx"), bm.start(1)
            strict = bound in ("min", "max") and phrase not in _INCLUSIVE_BOUNDS
        in_range = bool(_RANGE_BEFORE.search(text[:start]) or _RANGE_AFTER.match(text, end)
                        or _BETWEEN.search(text[:bound_start]))
        out.append(Quantity(text[start:end], start, end, value, unit, ordinal, bound, unit_end, bound_start,
                            strict, in_range))
    return out


def _interval(q: Quantity, tolerance: float) -> tuple[float, bool, float, bool]:
    """``(low, low is open, high, high is open)``."""
    v = q.value
    if q.bound == "min":
        return v, q.strict, math.inf, True
    if q.bound == "max":
        return -math.inf, True, v, q.strict
    slack = tolerance * max(abs(v), 1)
    return v - slack, False, v + slack, False


def quantity_agrees(claim: Quantity, passage: Quantity) -> bool:
    """Whether the passage's number can be the claim's (bounds and rounding allowed).

    Each side is an interval ("more than 8" is (8, inf), "at least 8" is [8, inf), "about 180"
    is 180 +- 10%); they agree when the intervals meet: "over 4 times" neither confirms nor
    refutes "more than 8 times", so it is no mismatch; "29 reviews" refutes "less than 29".
    """
    tolerance = 0.1 if "approx" in (claim.bound, passage.bound) else 0.0
    lo, lo_open, hi, hi_open = _interval(claim, tolerance)
    plo, plo_open, phi, phi_open = _interval(passage, tolerance)
    low, low_open = max((lo, lo_open), (plo, plo_open), key=lambda e: (e[0], e[1]))
    high, high_open = min((hi, hi_open), (phi, phi_open), key=lambda e: (e[0], not e[1]))
    return low < high or (low == high and not low_open and not high_open)


_SAME_MEASURE = [{"year", "anniversary"}]
"""Units that measure the same thing: "75 years of ties" is their "75th anniversary"."""


def same_measure(a: str | None, b: str | None) -> bool:
    """Whether two unit words count the same thing."""
    return a == b or any({a, b} <= group for group in _SAME_MEASURE)
