"""Rewrite a claim's dates and numbers in a passage's words where the passage confirms them.

A reading for the NLI model, not a detector: the model takes "75 years of ties" against
"the 75th anniversary of ties" for a changed number; the detectors know they agree.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from verify.evidence.places import in_place_role, state_runs
from verify.evidence.reporting import PAST_VERBS
from verify.evidence.slots import calendar_word, find_dates, find_quantities, quantity_agrees, same_measure
from verify.evidence.text import canonical, fold

_DATE_PREPOSITION = re.compile(r"^(?:in|on|since|until|by|during|from|early|late|mid|of)\s+", re.IGNORECASE)


def harmonise(claim: str, passage: str, anchor: date | None = None) -> str | None:
    """The claim with each date and number that the passage confirms, but words differently,
    rewritten in the passage's words; None when there is nothing to rewrite.

    The NLI model reads "75 years of ties" against "the 75th anniversary of ties" (or "in
    September" against "13 September 2023") as a changed number, a contradiction. Only
    slots the detectors find equal (or the passage's more precise) are rewritten, and a
    bounded number ("more than 10,500") only by an exact figure that meets the bound (10,538),
    never a bounded date ("after 1944"); so the rewritten claim says no more than the passage
    does about that slot: judging it answers the same question. A year the passage implies by
    an anniversary is dropped from the claim instead (it is settled).
    """
    edits: list[tuple[int, int, str]] = []
    claim_dates = find_dates(claim)
    all_passage_dates = find_dates(passage, anchor, anniversaries=True)
    passage_dates = [p for p in all_passage_dates if not p.relation]
    for c in claim_dates:
        if c.relation or c.relative or c.weekday is not None:
            continue
        p = next((p for p in passage_dates if p.weekday is None and c.comparable(p) and c.compatible(p)), None)
        if p is None or canonical(passage[p.start:p.end]) == canonical(claim[c.start:c.end]):
            continue
        if p.derived:
            # "established in 1948" vs "the 70th anniversary ... in 2018": the year is settled,
            # the model judges the rest ("established"), not two years it cannot subtract
            before = re.search(r"\s*\b(?:in|on|since|from|of)\s+$", claim[:c.start], re.IGNORECASE)
            edits.append((before.start() if before else c.start, c.end, ""))
            continue
        prep = _DATE_PREPOSITION.match(fold(claim[c.start:c.end]))
        text = passage[p.start:p.end]
        if prep and not _DATE_PREPOSITION.match(fold(text)):
            text = ("on " if p.day and prep.group(0).lower().strip() in ("in", "on") else prep.group(0)) + text
        edits.append((c.start, c.end, text))
    claim_q = find_quantities(claim, [(d.start, d.end) for d in claim_dates])
    passage_q = find_quantities(passage, [(d.start, d.end) for d in all_passage_dates if not d.derived])
    for q in claim_q:
        p = next((p for p in passage_q if p.bound not in ("min", "max") and same_measure(q.unit, p.unit)
                  and quantity_agrees(q, p)), None)
        if p is None:
            continue
        # a bound the passage's exact figure meets ("more than 25%" for "26%") is rewritten as that
        # figure: the passage then says it outright, and 26% > 25% settles the bound
        start = q.bound_start if q.bound in ("min", "max") else q.start
        old, new = claim[start:q.unit_end], passage[p.start:p.unit_end]
        if canonical(old) != canonical(new):
            edits.append((start, q.unit_end, new))
    edits += _states_renamed(claim, passage)
    if not edits:
        return None
    out = claim
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _states_renamed(claim: str, passage: str) -> list[tuple[int, int, str]]:
    """The claim's names of states the passage names otherwise ("Washington and Seoul warned" against "The US and South
    Korea ... stressed"), as edits to the passage's names. The model reads a capital against its country as two
    parties; the detectors know them for one. A name in a place's role ("held in Moscow", "a visit to Russia") is a
    place, not the state, on either side: it is left for the place comparison, and a country is never rewritten as
    a city the passage puts something in ("16 cases in Cameroon" is not "6 in Yaoundé")."""
    theirs: dict[str, str] = {}
    for start, end, code in state_runs(passage):
        if in_place_role(passage, start):
            continue  # "6 in Yaoundé": the city, not the government of Cameroon
        theirs.setdefault(code, ("the " if _the_before(passage, start) else "") + passage[start:end])
    edits = []
    folded = fold(passage)
    for start, end, code in state_runs(claim):
        name, other = claim[start:end], theirs.get(code)
        if other is None or re.search(r"\b" + re.escape(fold(name)) + r"\b", folded):
            continue
        if in_place_role(claim, start):
            continue
        if other.startswith("the ") and (start == 0 or _the_before(claim, start)):
            other = other[4:] if start else "The " + other[4:]
        edits.append((start, end, other))
    return edits


_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)


def _the_before(text: str, start: int) -> bool:
    """Whether "the" stands right before ``start`` (read back a bounded stretch: linear in a long text)."""
    return _THE.search(text, max(0, start - 40), start) is not None


_NO_ONE_BEFORE = re.compile(
    r"^(?P<lead>(?:[^,;]*,\s+)?)(?:[Nn]o\s+(?:one|[\w'’-]+(?:\s+[\w'’-]+)?)|[Nn]obody|[Nn]one)\s+"
    rf"(?P<act>(?:(?:had|has|ever)\s+)*(?:[a-z][\w'’-]*ed|{'|'.join(sorted(PAST_VERBS))})\b.*?)"
    r"\s+before\s+(?P<who>(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)"
    r"(?:\s+(?:did|had|has|was)(?:\s+so)?)?(?P<rest>.*)$")


@lru_cache(maxsize=1024)
def plain(claim: str) -> str | None:
    """The claim as the NLI model is to read it, where its form misleads the model; None when it reads as it is.

    "No country recognised X before the Soviet Union did so in 1948" reads as "The Soviet Union recognised X first in
    1948": the model reads "No country" as a denial of what the passage says ("the first nation to recognise").
    (An exclusive doer, "It was Choe, not Lavrov, who ...", read as "Choe ...", was tried: the model then gave a
    quote whose speaker the sentence does not name to the claim's doer; it reads such claims as they are.)
    """
    m = _NO_ONE_BEFORE.match(claim)
    if m is not None and not calendar_word(m["who"]):
        text = f"{m['lead']}{m['who']} {m['act']} first{m['rest']}"
        return text[:1].upper() + text[1:]
    return None


def judged(claim: str, passage: str, anchor: date | None = None) -> str:
    """What the NLI model reads of ``claim`` against ``passage``: its :func:`plain` reading, with the dates and numbers
    the passage confirms in the passage's words (:func:`harmonise`)."""
    reading = plain(claim) or claim
    return harmonise(reading, passage, anchor) or reading
