"""The sequences a text states: "A (a month) before/after B" and a clause's "(a month) earlier / later" against the
clause before it, with the clauses its dates date. :mod:`verify.evidence.order` compares a claim's with a passage's.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from verify.evidence.dateslot import DateSlot
from verify.evidence.events import KIND_OF
from verify.evidence.reporting import PAST_VERBS
from verify.evidence.slots import NUMBER_WORDS
from verify.evidence.text import content_stems

_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.4, "year": 365.25, "decade": 3652.5}
_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|several|\d{1,3})"
_CUE = re.compile(
    r"\b(?:(?P<offset>(?:(?:just|only|roughly|about|some|nearly|almost|around|approximately|barely)\s+)?"
    rf"(?P<count>{_COUNT})\s+(?:full\s+|whole\s+)?(?P<unit>day|week|month|year|decade)s?)\s+|"
    r"(?:shortly|soon|just|long|right)\s+)?(?P<cue>before|after|prior\s+to|following|ahead\s+of)\b", re.IGNORECASE)
"""A sequence cue with the gap it may state ("a month after", "a full year before", "shortly before")."""
_RELATIVE = re.compile(
    r"\b(?P<offset>(?:(?:just|only|roughly|about|some|nearly|almost|around|approximately|barely)\s+)?"
    rf"(?P<count>{_COUNT})\s+(?:full\s+|whole\s+)?(?P<unit>day|week|month|year|decade)s?)\s+"
    r"(?P<cue>earlier|later|before|after)(?=\s*(?:[.,;:!?)]|$))", re.IGNORECASE)
"""A gap that ends its clause ("which had proclaimed its independence just a month earlier"): counted from the event
of the clause before."""
_BREAK = re.compile(r"[,;:!?()–—\"“”]|\.(?:\s|$)|\s-\s|\s(?:which|who|while|whereas|but|although|when)\s",
                    re.IGNORECASE)
"""Where a clause ends, for the stretch of words a date or a cue belongs to."""
_VERBS = PAST_VERBS | {"cut", "cuts", "shut", "quit", "hurt", "cast", "split", "spread", "sat", "fell", "grew",
                       "broke", "rode", "fought", "taken", "given", "begun", "done"}
"""Past verbs without "-ed" (with :data:`~verify.evidence.reporting.PAST_VERBS`): a side that holds one names an act."""
_REACH = 200
"""Characters a side reaches from its cue or date at most: the clause of a sentence, not a run-on text's."""
_FEW = {"a few": 3, "several": 5}
_LIGHT = frozenset({"come", "came", "go", "went"})
"""Event words that are mostly light verbs beside a sequence cue ("the exchange comes after ...")."""


@dataclass(frozen=True)
class Side:
    """One event of a sequence: its words' stems, its event words, and its span in the text."""

    stems: frozenset[str]
    events: frozenset[str]
    start: int
    end: int


@dataclass(frozen=True)
class Sequence:
    """"``first`` comes (``gap`` days) before ``second``", as a text says it (``after`` turned round)."""

    first: Side
    second: Side
    gap: float | None
    """The days the text puts between them ("a month": 30.4), None when it says none."""
    cue: tuple[int, int]


def _side(text: str, start: int, end: int) -> Side | None:
    """The stems and event words of ``text[start:end]``; None where it names no event (a bare date bound:
    "before 1950" is the date detector's)."""
    stems = content_stems(text[start:end])
    events = frozenset(s for s in stems if s in KIND_OF and s not in _LIGHT)
    told = text[start:end].lower()
    if not events and not re.search(r"\b[a-z]{3,}(?:ed|ing)\b", told) and not set(told.split()) & _VERBS:
        return None
    return Side(frozenset(stems), events, start, end)


def _gap(m: re.Match) -> float | None:
    """The days of a cue's stated gap ("a month": 30.4; "several years": five years'), None without one."""
    if not m["offset"]:
        return None
    count = m["count"].lower()
    n = _FEW.get(" ".join(count.split())) or (int(count) if count.isdigit() else NUMBER_WORDS.get(count, 1))
    return n * _UNIT_DAYS[m["unit"].lower()]


def _clause_bounds(breaks: tuple[list[int], list[int]], at: int, length: int) -> tuple[int, int]:
    """The clause around offset ``at`` of a text of ``length``: from the last break ending at or before it to the
    first break starting at or after it (``breaks``: :func:`_breaks`)."""
    starts, ends = breaks
    i = bisect_right(ends, at)
    j = bisect_left(starts, at)
    return (ends[i - 1] if i else 0), (starts[j] if j < len(starts) else length)


def _breaks(masked: str) -> tuple[list[int], list[int]]:
    """Where each clause break of ``masked`` starts and ends, read once a text (not once a date or cue: a long
    sentence of many cues is read once)."""
    found = [(b.start(), b.end()) for b in _BREAK.finditer(masked)]
    return [a for a, _ in found], sorted(b for _, b in found)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` blanked (a date's "Oct. 12, 1948" holds no clause break)."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = "x" * (b - a)
    return "".join(chars)


@lru_cache(maxsize=8192)
def sequences(text: str, dates: tuple[DateSlot, ...] = ()) -> tuple[Sequence, ...]:
    """The "A before/after B" statements of ``text``: A is the clause before the cue (its gap left out), B the
    clause after it."""
    breaks = _breaks(_masked(text, [(d.start, d.end) for d in dates]))
    out = []
    for m in _CUE.finditer(text):
        if m["cue"].lower() == "following" and not re.match(r"\s+(?:the|a|an|his|her|their|its)\b", text[m.end():]):
            continue  # "the following day", "following talks" read as a list: only "following the X" orders
        lo, _ = _clause_bounds(breaks, m.start(), len(text))
        _, hi = _clause_bounds(breaks, m.end(), len(text))
        lo, hi = max(lo, m.start() - _REACH), min(hi, m.end() + _REACH)  # a run-on text is no clause: linear cost
        a, b = _side(text, lo, m.start()), _side(text, m.end("cue"), hi)
        if a is None or b is None:
            continue
        before = m["cue"].lower() in ("before", "prior to", "ahead of")
        first, second = (a, b) if before else (b, a)
        out.append(Sequence(first, second, _gap(m), m.span()))
    for m in _RELATIVE.finditer(text):
        lo, _ = _clause_bounds(breaks, m.start(), len(text))
        a, b = _side(text, max(lo, m.start() - _REACH), m.start()), _previous(text, breaks, lo)
        if a is not None and b is not None:
            earlier = m["cue"].lower() in ("earlier", "before")
            out.append(Sequence(a, b, _gap(m), m.span()) if earlier else Sequence(b, a, _gap(m), m.span()))
    return tuple(out)


def _previous(text: str, breaks: tuple[list[int], list[int]], lo: int, tries: int = 3) -> Side | None:
    """The nearest clause before the one starting at ``lo`` that names an event, skipping up to ``tries`` that name
    none ("the Soviet Union recognized the DPRK – the official name of North Korea – which had ...")."""
    starts, ends = breaks
    for _ in range(tries):
        k = bisect_left(ends, lo)
        if k == len(ends) or ends[k] != lo:
            return None
        prev_lo = ends[k - 1] if k else 0
        side = _side(text, max(prev_lo, starts[k] - _REACH), starts[k])
        if side is not None or not k:
            return side
        lo = prev_lo
    return None


@lru_cache(maxsize=8192)
def dated(text: str, dates: tuple[DateSlot, ...]) -> tuple[tuple[DateSlot, Side], ...]:
    """Each date of a passage with the clause it dates (the next clause when its own holds fewer than two words:
    "On Oct. 12, 1948, the Soviet Union ..."). An anniversary's implied date is left out: it dates what the
    anniversary is of, which the clause names only in passing."""
    breaks = _breaks(_masked(text, [(d.start, d.end) for d in dates]))
    out = []
    for d in dates:
        if d.relation or (d.derived and "anniversar" in d.text.lower()):
            continue
        lo, hi = _clause_bounds(breaks, d.start, len(text))
        for _ in range(2):
            if len(content_stems(_masked(text[lo:hi], [(d.start - lo, d.end - lo)]))) >= 2 or hi >= len(text):
                break
            _, hi = _clause_bounds(breaks, hi + 1, len(text))
        lo, hi = max(lo, d.start - _REACH), min(hi, d.end + _REACH)
        side = _side(text, lo, hi)
        if side is not None:
            out.append((d, side))
    return tuple(out)
