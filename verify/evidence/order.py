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

from dataclasses import replace

from verify.evidence.analysis import Analysis
from verify.evidence.dateslot import DateSlot
from verify.evidence.detection import Detection, span
from verify.evidence.events import KIND_OF
from verify.evidence.sequences import Sequence, Side, dated, sequences
from verify.models import Mismatch
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings


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


def _one_date(claim: Analysis, side: Side, other: Side, clauses) -> DateSlot | None:
    """The one date the claim or the passage gives ``side``; None when none or several differ."""
    own = _date_in(claim, side)
    if own is not None:
        return own
    found = {(d.year, d.month, d.day): d for d, clause in clauses if _matches(side, other, clause)}
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
            placed = dated(passage.text, passage.dates)
            d1, d2 = _one_date(claim, first, second, placed), _one_date(claim, second, first, placed)
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
            # the same order, and the gap the passage states ("just a month earlier") against the claim's
            said = passage.text[theirs.cue[0]:theirs.cue[1]]
            return (-1, (theirs.gap, theirs.gap) if theirs.gap else None, f"the passage says {said!r}",
                    theirs.cue)
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
