"""Numbers in text with what they count, their bounds and ranges; whether two can be the same figure.

Pure functions over strings, read through :mod:`verify.evidence.analysis`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from verify.evidence.spans import Spans
from verify.evidence.text import fold, stem

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "twentieth": 20, "fiftieth": 50, "hundredth": 100,
}
ORDINAL_WORDS = frozenset(w for w in NUMBER_WORDS if w.endswith(("th", "nd", "rd")))
"""The number words that rank rather than count ("fifth", "second")."""
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = {"first": 1, **{w: v for w, v in NUMBER_WORDS.items() if v < 10}}
"""The second word of a number of two ("seventy-five", "seventy-fifth"): one figure, not "seventy" and "five"."""
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9}
UNIT_ALIASES = {"percent": "%", "per cent": "%", "pct": "%", "%": "%", "yr": "year", "km": "kilometre",
                "kilometer": "kilometre", "anniversary": "anniversary", "$": "usd", "dollar": "usd",
                "us$": "usd", "won": "krw", "€": "eur", "euro": "eur"}

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
    r"|\b(?P<tens>" + "|".join(_TENS) + r")[-\s](?P<units>" + "|".join(_UNITS) + r")\b"
    r"|\b(?P<word>" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_BOUND_PHRASES = ("more than", "over", "at least", "above", "exceeding", "less than", "under", "fewer than", "below",
                  "at most", "about", "around", "approximately", "nearly", "almost", "some", "roughly", "up to")
_BOUND = re.compile("(" + "|".join(_BOUND_PHRASES) + r")\s*$", re.IGNORECASE)
_BOUND_LONGEST = max(map(len, _BOUND_PHRASES))
_BOUND_KIND = {"more than": "min", "over": "min", "at least": "min", "above": "min", "exceeding": "min",
               "less than": "max", "under": "max", "fewer than": "max", "below": "max", "at most": "max",
               "up to": "max"}
_RANGE_BEFORE_REVERSED = re.compile(r"\s*(?:dna\s+[\d.,]+\s+neewteb\b|(?:-|–|—|ot)\s*\d)", re.IGNORECASE)
"""A range's first end and mark just before a number ("between 6 and ", "10 to ", "2016-"), spelled backwards.

Forwards it is ``(?:\\bbetween\\s+[\\d.,]+\\s+and\\s*|\\d\\s*(?:-|–|—|to)\\s*)$`` searched over
``text[:start]``: that copied and tried every character before each number, quadratic in the numbers
of a long passage. Matched at ``len(text) - start`` in the reversed text, it reads back from the
number only as far as the mark and its first end reach, and finds a match exactly when the forward
search does (a regular pattern and its reversal accept reversed strings; ``\\b`` looks both ways;
``tests/test_quantities_range.py`` compares the two on generated texts).
"""
_DEFINITE = re.compile(r"\b(?:the|these|those|both|all)\s+$", re.IGNORECASE)
"""What makes a number word a reference, not a figure: "the two countries", "all three leaders" name those already
spoken of. Read back from the number only as far as "these" reaches (see :func:`_ends_with`)."""
_RANGE_AFTER = re.compile(r"\s*(?:-|–|—|to)\s*\d", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_INCLUSIVE_BOUNDS = frozenset({"at least", "at most", "up to"})
"""The other bounds are strict: "more than 84%" excludes 84%."""
_UNIT_WORD = re.compile(r"\s*-?\s*([A-Za-z]+(?:\s+cent)?)")


def find_quantities(text: str, skip: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Numbers in ``text`` (not inside the ``skip`` spans, e.g. dates) with their unit word.

    Cached, as :func:`verify.evidence.slots.find_dates` (the same texts are read for the judge
    and for the detectors)."""
    return list(_find_quantities(text, tuple(skip or ())))


def _ends_with(tail: re.Pattern, text: str, end: int, longest: int) -> re.Match | None:
    """The match of ``tail`` that ends ``text[:end]`` (the one ``tail.search(text[:end])`` finds), or None.

    ``tail`` is a pattern of literals of at most ``longest`` characters that end in a non-space,
    then ``\\s*$`` (or ``\\s+$``): a match's literal ends where ``text[:end]`` ends before its
    spaces, so only the ``longest`` starts before that are tried, leftmost first. Such patterns
    were searched over the whole text before each number, a regex attempt at every character
    (quadratic in a long passage); tried only where they can match, the same pattern finds the
    same matches (``tests/test_analysis.py``).
    """
    last = end
    while last and text[last - 1].isspace():  # the spaces ``str.rstrip`` and ``\\s`` take
        last -= 1
    for at in range(max(0, last - longest), last):
        found = tail.match(text, at, end)
        if found:
            return found
    return None


@lru_cache(maxsize=8192)
def _find_quantities(text: str, skip: tuple[tuple[int, int], ...]) -> tuple[Quantity, ...]:
    text = fold(text)
    backwards = text[::-1]  # for ``_RANGE_BEFORE_REVERSED``, once a text
    skipped = Spans(skip)
    out = []
    for m in _QUANTITY.finditer(text):
        start, end = m.span()
        if m.group(0).strip() == "" or skipped.overlaps(start, end):
            continue
        start += len(m.group(0)) - len(m.group(0).lstrip())
        g = m.groupdict()
        if g["tens"]:
            units = g["units"].lower()
            value, ordinal = float(NUMBER_WORDS[g["tens"].lower()] + _UNITS[units]), units == "first" or units in ORDINAL_WORDS
        elif g["word"]:
            word = g["word"].lower()
            value, ordinal = float(NUMBER_WORDS[word]), word in ORDINAL_WORDS
        else:
            value = float(g["num"].replace(",", ""))
            ordinal = bool(g["ord"])
            if g["scale"]:
                value *= SCALES[g["scale"].lower()]
        if ((g["tens"] or g["word"]) and not ordinal and not text.startswith("-", end)
                and _ends_with(_DEFINITE, text, start, len("these"))):
            continue  # "the two countries": who, not how many ("the two-day visit" is a figure)
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
        bm = _ends_with(_BOUND, text, start, _BOUND_LONGEST)
        bound, bound_start, strict = None, start, False
        if bm:
            phrase = " ".join(bm.group(1).lower().split())
            bound, bound_start = _BOUND_KIND.get(phrase, "approx"), bm.start(1)
            strict = bound in ("min", "max") and phrase not in _INCLUSIVE_BOUNDS
        in_range = bool(_RANGE_BEFORE_REVERSED.match(backwards, len(text) - start)
                        or _RANGE_AFTER.match(text, end)
                        or _ends_with(_BETWEEN, text, bound_start, len("between")))
        out.append(Quantity(text[start:end], start, end, value, unit, ordinal, bound, unit_end, bound_start,
                            strict, in_range))
    return tuple(out)


_RANK = re.compile(
    r"\b(?:the|its|his|her|their)\s+(?P<rank>first|" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
    + r"|\d{1,2}(?:st|nd|rd|th))\s+(?P<who>(?:[a-z][a-z'-]*\s+){1,5}?)(?:ever\s+)?to\s+(?:have\s+)?(?:been\s+)?"
    r"(?P<verb>[a-z]+)\b", re.IGNORECASE)
"""A rank among those who did something: "the third government in the world to recognise", "the first
nation to recognize", "its 2nd city to have banned" (what is ranked, up to five words, then "to" and the act)."""


def find_ranks(text: str) -> list[tuple[Quantity, str, tuple[str, ...]]]:
    """Ranks among those who did something ("the first nation to recognize" -> 1 of "recognize"), each as an
    ordinal with the word of the act ranked and the words of who is ranked ("nation"). "For the first time"
    ranks no one; a name after "to" ("the first visit to Moscow") is no act.

    Cached, as :func:`find_quantities`."""
    return list(_find_ranks(text))


@lru_cache(maxsize=8192)
def _find_ranks(text: str) -> tuple[tuple[Quantity, str, tuple[str, ...]], ...]:
    text = fold(text)
    out = []
    for m in _RANK.finditer(text):
        if m.group("verb")[0].isupper():
            continue  # "the first visit to Moscow"
        word = m.group("rank").lower()
        value = 1.0 if word == "first" else float(NUMBER_WORDS.get(word) or word[:-2])
        start, end = m.span("rank")
        unit_end = start + len(m.group("rank")) + 1 + len(m.group("who").split()[0])
        out.append((Quantity(text[start:end], start, end, value, None, True, unit_end=unit_end, bound_start=start),
                    m.group("verb").lower(), tuple(m.group("who").lower().split())))
    return tuple(out)


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
