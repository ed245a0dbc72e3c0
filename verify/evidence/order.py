"""The order of two events: a claim's "A (a month) after B" against what a passage says of A and B.

A claim may date nothing and still be false: "The council approved the bridge's funding a year after the bridge
opened" is refuted by "The bridge opened on 3 May 1998, a year after the council had approved its funding in May
1997". The passage either dates both events (or the claim dates one of them itself: "before the end of the civil war
in 1918") or orders them in words ("the strike was called off *after* the union accepted the offer"). Each side of
the claim is matched to the passage's clause that holds more of that side's own words (those the other side does
not share) and at least one of its event words; a passage that holds both sides in one clause, or dates one side
twice, decides nothing. (A bare "before" in the claim against an "after" in the passage, whatever events they
order, was read as opposite words until this module compared the events.)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache

from verify.evidence.analysis import Analysis
from verify.evidence.dateslot import DateSlot
from verify.evidence.detection import Detection, span
from verify.evidence.events import KIND_OF
from verify.evidence.reporting import PAST_VERBS
from verify.evidence.slots import NUMBER_WORDS
from verify.evidence.text import content_stems
from verify.models import Mismatch
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.4, "year": 365.25, "decade": 3652.5}
_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|several|\d{1,3})"
_CUE = re.compile(
    r"\b(?:(?P<offset>(?:(?:just|only|roughly|about|some|nearly|almost|around|approximately|barely)\s+)?"
    rf"(?P<count>{_COUNT})\s+(?P<unit>day|week|month|year|decade)s?)\s+|(?:shortly|soon|just|long|right)\s+)?"
    r"(?P<cue>before|after|prior\s+to|following|ahead\s+of)\b", re.IGNORECASE)
"""A sequence cue with the gap it may state ("a month after", "roughly two years before", "shortly before")."""
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
    return tuple(out)


@lru_cache(maxsize=8192)
def _dated(text: str, dates: tuple[DateSlot, ...]) -> tuple[tuple[DateSlot, Side], ...]:
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


def _held(side: Side, other: Side, candidate: Side) -> tuple[int, int]:
    """How many of ``side``'s own words (those ``other`` does not share) and of ``other``'s own ``candidate`` holds."""
    return len(candidate.stems & (side.stems - other.stems)), len(candidate.stems & (other.stems - side.stems))


def _fits(side: Side, other: Side, candidate: Side) -> bool:
    """Whether ``candidate`` (a passage clause) may be the claim's ``side``: it holds an event word of ``side``'s
    own (or one of its kind; two of its own words where it has no listed event word: "approved its funding"), and
    no fewer of ``side``'s own words than of ``other``'s."""
    own, others = _held(side, other, candidate)
    if distinct := side.events - other.events:
        kinds = {KIND_OF[e] for e in distinct}
        if not (candidate.events & distinct or {KIND_OF[e] for e in candidate.events} & kinds):
            return False
    elif own < 2:
        return False
    return own >= others


def _matches(side: Side, other: Side, candidate: Side) -> bool:
    """Whether ``candidate`` is the claim's ``side`` and not its ``other``: it fits ``side`` only, or fits both
    and holds more of ``side``'s own words."""
    if not _fits(side, other, candidate):
        return False
    own, others = _held(side, other, candidate)
    return not _fits(other, side, candidate) or own > others


def _date_in(claim: Analysis, side: Side) -> DateSlot | None:
    """The claim's own date of one side ("before Japan's defeat in World War II *in 1945*")."""
    found = [d for d in claim.dates if side.start <= d.start and d.end <= side.end and not d.relation]
    return found[0] if len(found) == 1 else None


def _one_date(claim: Analysis, side: Side, other: Side, dated) -> DateSlot | None:
    """The one date the claim or the passage gives ``side``; None when none or several differ."""
    own = _date_in(claim, side)
    if own is not None:
        return own
    found = {(d.year, d.month, d.day): d for d, clause in dated if _matches(side, other, clause)}
    return next(iter(found.values())) if len(found) == 1 else None


def _order(a: DateSlot, b: DateSlot) -> int:
    """-1 when ``a`` is before ``b``, 1 when after, 0 when their common precision cannot tell."""
    keys = a.order_key(b)
    if keys is None or keys[0] == keys[1]:
        return 0
    return -1 if keys[0] < keys[1] else 1


def _days(a: DateSlot, b: DateSlot) -> tuple[float, float] | None:
    """How many days ``b`` may be after ``a`` at the dates' precision; None without years."""
    if not (a.year and b.year):
        return None
    def bounds(d: DateSlot) -> tuple[float, float]:
        if d.month is None:
            return d.year * 365.25, d.year * 365.25 + 365
        start = d.year * 365.25 + (d.month - 1) * 30.4
        return (start + d.day - 1, start + d.day) if d.day else (start, start + 30.4)
    (a0, a1), (b0, b1) = bounds(a), bounds(b)
    return b0 - a1, b1 - a0


def compare_order(claim: Analysis, passage: Analysis, found: Detection,
                  settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> list[tuple[int, int]]:
    """A claim's sequence against the passage's: a mismatch when the passage puts the two events the other way
    round, or (stating a gap) more than ``settings.sequence_gap_factor`` times further apart or closer. Returns the spans of the claim's
    sides the claim dates itself ("before Japan's defeat in 1945", a date bound written as an event) and of its
    cues ("a month after"): their dates are the sequence's, and their words are not what the passage must hold."""
    claimed = sequences(claim.text, claim.dates)
    own_dated = [(s.start, s.end) for seq in claimed for s in (seq.first, seq.second) if _date_in(claim, s)]
    own_dated += [seq.cue for seq in claimed]  # "a month after" is no word of the events'
    for seq in claimed:
        first, second = seq.first, seq.second
        said = _said_order(seq, passage)
        if said is None:
            dated = _dated(passage.text, passage.dates)
            d1, d2 = _one_date(claim, first, second, dated), _one_date(claim, second, first, dated)
            if d1 is None or d2 is None or d1 is d2:
                continue
            order, days = _order(d1, d2), _days(d1, d2)
            evidence = f"the passage dates them {d1.text!r} and {d2.text!r}"
            where = (min(d1.start, d2.start), max(d1.end, d2.end))
        else:
            order, days, evidence, where = said
        if order == 0:
            continue
        wrong = order > 0
        if not wrong and seq.gap and days and days[0] >= 0:
            factor = settings.sequence_gap_factor
            wrong = days[1] < seq.gap / factor or days[0] > seq.gap * factor
        if not wrong:
            continue
        a, b = claim.text[first.start:first.end].strip(" ,"), claim.text[second.start:second.end].strip(" ,")
        what = "order differs" if order > 0 else "time between differs"
        found.counted.add(len(found.mismatches))  # both events found in the passage: a third of the words will do
        found.mismatches.append(Mismatch(
            kind="order", claim=span(claim.text, *seq.cue), passage=span(passage.text, *where),
            detail=f"{what}: the claim puts {a!r} before {b!r}; {evidence}"))
        break
    return own_dated


def _said_order(seq: Sequence, passage: Analysis):
    """The passage's own sequence of the claim's two events: ``(order, None, evidence, span)`` with order -1 when
    it puts the claim's first event first, 1 when second; None when it orders no such pair."""
    for theirs in sequences(passage.text, passage.dates):
        if _matches(seq.first, seq.second, theirs.first) and _matches(seq.second, seq.first, theirs.second):
            return -1, None, "the passage says the same order", theirs.cue
        if _matches(seq.first, seq.second, theirs.second) and _matches(seq.second, seq.first, theirs.first):
            word = passage.text[theirs.cue[0]:theirs.cue[1]]
            return 1, None, f"the passage says the other way round ({word!r})", theirs.cue
    return None


def without_dates(claim: Analysis, spans: list[tuple[int, int]]) -> Analysis:
    """``claim`` without its dates inside ``spans`` (the sides :func:`compare_order` dates; the analysis itself when
    none is inside), for the date detector: "before Japan's defeat in 1945" dates the defeat, not the claim's act."""
    kept = [i for i, d in enumerate(claim.dates) if not any(a <= d.start < b for a, b in spans)]
    if len(kept) == len(claim.dates):
        return claim  # most sequences' sides hold no date: no copy of the analysis for every passage
    return replace(claim, dates=tuple(claim.dates[i] for i in kept), date_events=tuple(claim.date_events[i] for i in kept))
