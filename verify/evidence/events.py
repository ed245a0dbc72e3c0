"""Which event a date, number or place belongs to, and whether two such events are the same.

A slot (a date, a figure, a place) is attached to the event words around it in its clause:
"established diplomatic relations in 1948" dates an *establishing*, "a treaty ... concluded in
February 2000" dates an *agreement*. A difference in the slot contradicts a claim only when the
passage speaks of the same event; and for events that recur (visits, meetings, messages) a
different occasion ("Putin *last* visited Pyongyang in July 2000", a visit years apart) is not
the claim's occasion either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import snowballstemmer

from verify.evidence.slots import DateSlot

_STEMMER = snowballstemmer.stemmer("english")

# Event words by kind: two slots belong to one event when their clauses share a kind. Kept
# coarse on purpose: a paraphrase ("forged ties" / "established relations") must land in one
# kind, since a wrong "different event" hides a true contradiction.
_EVENT_KINDS = {
    "establish": "establish establishment forge found foundation form create set recognize recognise "
                 "recognition proclaim proclamation independence birth born begin began start launch open",
    "encounter": "visit trip travel travelled traveled tour journey arrive arrival go went come came fly flew "
                 "meet met meeting summit talks talk negotiate negotiation discuss discussion confer "
                 "conference host hosted invite invitation return returned",
    "agreement": "sign signing conclude adopt agree agreement treaty accord deal pact declaration declare "
                 "alliance contract ratify",
    "celebration": "celebrate celebration mark commemorate commemoration anniversary festival ceremony banquet "
                   "reception parade",
    "message": "message letter send sent exchange write wrote congratulate congratulation greet greeting "
               "telegram call",
    "death": "die died death dead kill killed",
    "vote": "elect election vote referendum",
    "conflict": "war invade invasion attack battle fight fought strike",
    "test": "test fire fired missile",
    "report": "record recorded report case confirm count",
}
KIND_OF: dict[str, str] = {_STEMMER.stemWord(w): kind for kind, ws in _EVENT_KINDS.items() for w in ws.split()}
REPEATABLE = frozenset({"encounter", "message", "celebration", "vote", "test"})
"""Kinds of event that happen again and again: another year is another occasion."""
OCCASION_YEARS = 2
"""Years apart at which two dates of a repeatable event are two occasions, not a disagreement
("visited Pyongyang in 2024" / "in 2000"); one year apart is still read as a slip."""
_LIGHT = frozenset(_STEMMER.stemWords("hold held have had make made take took give gave pay paid conduct stage".split()))
"""Verbs that name no event of their own: "held celebrations" is a celebration."""
_MARKERS = {"first": "first", "initially": "first", "inaugural": "first", "earliest": "first",
            "last": "last", "latest": "last", "previous": "earlier", "previously": "earlier",
            "earlier": "earlier", "former": "earlier", "once": "earlier", "recent": "last"}
_MARKER_RE = re.compile(r"\b(first|initially|inaugural|earliest|last|latest|previous|previously|earlier|former|once|"
                        r"most recent)\b(?!\s+(?:this|that|half|week|month|year|century|decade|of)\b)", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.;:!?]\s|\s(?:while|whereas|but|although|though|which|who)\s|,\s(?:and|but)\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@lru_cache(maxsize=65536)
def event_stem(word: str) -> str:
    """The Snowball stem event words are compared by ("visited" -> "visit")."""
    return _STEMMER.stemWord(word.lower().strip("'’-").removesuffix("'s"))


@dataclass(frozen=True)
class Event:
    """The event words around one slot."""

    kinds: frozenset[str]
    """Event kinds named in the slot's clause (empty: the clause names no event word)."""
    words: frozenset[str]
    """Stems of the event words themselves."""
    marker: str | None = None
    """"first" / "last" / "earlier" when the clause singles out one occasion of several."""

    @property
    def known(self) -> bool:
        """Names an event of a listed kind (another past-tense verb alone is too little to say
        two clauses speak of different events: "grossed" / "earned")."""
        return any(not k.startswith("verb:") for k in self.kinds)

    @property
    def repeatable(self) -> bool:
        listed = {k for k in self.kinds if not k.startswith("verb:")}
        return bool(listed) and listed <= REPEATABLE


def _clause(text: str, start: int, end: int, before: int = 60, after: int = 40) -> tuple[int, int]:
    """The stretch of ``text`` around ``start:end`` up to the nearest clause break on each side."""
    lo, hi = max(0, start - before), min(len(text), end + after)
    breaks = [m for m in _CLAUSE_BREAK.finditer(text, lo, hi)]
    left = [m.end() for m in breaks if m.end() <= start]
    right = [m.start() for m in breaks if m.start() >= end]
    return (left[-1] if left else lo), (right[0] if right else hi)


_ANNIVERSARY_OF = re.compile(r"\s+of\s+(?:the\s+)?[^,.;:]{1,60}")


def event_at(text: str, start: int, end: int, skip: tuple[tuple[int, int], ...] = (),
             anniversary: bool = False) -> Event:
    """The event words of the clause around the slot at ``start:end`` (the slot itself and the
    ``skip`` spans, other slots, left out; capitalised names are participants, not events).

    With ``anniversary`` the slot is a date an anniversary implies ("the 70th anniversary of the
    establishment of ties" -> 1948): its event is what the anniversary is of, not the celebration.
    """
    lo, hi = _clause(text, start, end)
    if anniversary:
        of = _ANNIVERSARY_OF.match(text, end)
        lo, hi = (of.start(), of.end()) if of else (end, end)
    kinds, stems = set(), set()
    for m in _WORD.finditer(text, lo, hi):
        s, e = m.span()
        if start <= s < end or any(a <= s < b for a, b in skip):
            continue
        word = m.group(0)
        if word[0].isupper() and s > 0 and text[:s].rstrip()[-1:] not in ".!?\"“":
            continue  # a name inside the sentence ("Kim Jong Un", "Victory Day")
        st = event_stem(word)
        if st in _LIGHT:
            continue
        kind = KIND_OF.get(st)
        if kind is None and word.lower().endswith("ed") and len(word) > 4 and not word[0].isupper():
            kind = f"verb:{st}"  # any other past-tense verb is an event of its own kind
        if kind:
            kinds.add(kind)
            stems.add(st)
    marker = None
    for m in _MARKER_RE.finditer(text, lo, hi):
        if not start <= m.start() < end:
            marker = "last" if m.group(1).lower() == "most recent" else _MARKERS[m.group(1).lower()]
            break
    return Event(frozenset(kinds), frozenset(stems), marker)


def same_event(claim: Event, passage: Event) -> bool | None:
    """True when both clauses name an event of one kind, False when both name listed events and
    share no kind, None when either names none (nothing to go by)."""
    if claim.kinds & passage.kinds:
        return True
    if not (claim.known and passage.known):
        return None
    return False


def other_occasion(claim: Event, passage: Event, claim_date: DateSlot, passage_date: DateSlot,
                   anchor: date | None = None) -> bool:
    """Whether two differing dates of one event name two occasions of it, not a disagreement.

    A passage's "last visited in July 2000" speaks of an earlier occasion unless the passage was
    written (``anchor``) after the claim's date: then a visit at that date would have been the
    last. A claim's "first visited in 2001" is contradicted only by an earlier occasion, its
    "last" only by a later one; "first" against "first" is one occasion. Without such a word,
    dates of a recurring event (a visit, a meeting) years apart are two occasions.
    """
    if claim.marker and claim.marker == passage.marker:
        return False
    keys = claim_date.order_key(passage_date)
    before = keys is not None and keys[0] < keys[1]  # the claim's date is the earlier one
    after = keys is not None and keys[0] > keys[1]
    if passage.marker == "last":
        stamp = DateSlot("", 0, 0, year=anchor.year, month=anchor.month, day=anchor.day) if anchor else None
        written = claim_date.order_key(stamp) if stamp else None
        return not (after and written is not None and written[0] <= written[1])
    if passage.marker == "first":
        return not before
    if claim.marker == "last":
        return not before
    if claim.marker == "first":
        return not after
    if "earlier" in (claim.marker, passage.marker):
        return True
    if claim.repeatable and passage.repeatable and claim_date.year and passage_date.year:
        return abs(claim_date.year - passage_date.year) >= OCCASION_YEARS
    return False
