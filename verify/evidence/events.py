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

from verify.evidence.doers import TRAVEL, proposed, traveller
from verify.evidence.places import government
from verify.evidence.reporting import SAYING, VOICING
from verify.evidence.slots import MONTHS
from verify.evidence.spans import Spans
from verify.evidence.text import STOPWORDS, canonical, opens_sentence, stem

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
    "report": "record recorded case confirm count",
}
KIND_OF: dict[str, str] = {**{stem(w): "statement" for w in (*SAYING, *VOICING, "told", "voiced", "expressed")},
                           **{stem(w): kind for kind, ws in _EVENT_KINDS.items() for w in ws.split()}}
"""A verb of saying is a statement unless a kind above names it ("declared" an agreement, "wrote" a message)."""
_LISTED = frozenset(w for ws in _EVENT_KINDS.values() for w in ws.split())
REPEATABLE = frozenset({"encounter", "message", "celebration", "vote", "test"})
"""Kinds of event that happen again and again: another year is another occasion."""
_LIGHT = frozenset(map(stem, ["hold", "held", "have", "had", "make", "made", "take", "took", "give", "gave", "pay", "paid",
                             "conduct", "stage"]))
"""Verbs that name no event of their own: "held celebrations" is a celebration."""
_MARKERS = {"first": "first", "initially": "first", "inaugural": "first", "earliest": "first",
            "last": "last", "latest": "last", "previous": "earlier", "previously": "earlier",
            "earlier": "earlier", "former": "earlier", "once": "earlier", "recent": "last"}
_MARKER_RE = re.compile(r"\b(?:for\s+the\s+(first|last)\s+time\b|(first|initially|inaugural|earliest|last|latest|"
                        r"previous|previously|earlier|former|once|most recent)(?:-ever)?\s+(?:(?:official|state|rare|such|"
                        r"two-day|three-day|overseas|foreign)\s+|time\s+(?:that\s+)?(?:[\w'’-]+\s+){1,3}?(?:ha[sd]\s+|have\s+)?"
                        r"(?:ever\s+)?)?(?P<event>[A-Za-z]+))", re.IGNORECASE)
"""An occasion word with the event word it qualifies ("last visited", "the previous summit",
"for the first time", "first-ever summit", "the first time he had ever visited"); "earlier said" or "last month" single
out no occasion of the event."""
_ACCORDING_TO = re.compile(r"according\s+to\b", re.IGNORECASE)
_ACCORD = stem("according")
_CLAUSE_BREAK = re.compile(r"[.;:!?]\s|\s(?:while|whereas|but|although|though|which|who)\s|,\s(?:and|but)\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Event:
    """The event words around one slot."""

    kinds: frozenset[str]
    """Event kinds named in the slot's clause (empty: the clause names no event word)."""
    words: frozenset[str]
    """Stems of the event words themselves."""
    marker: str | None = None
    """"first" / "last" / "earlier" when the clause singles out one occasion of several."""
    actors: frozenset[str] = frozenset()
    """Name tokens before the event word: who acts ("Putin visited" -> putin)."""
    names: frozenset[str] = frozenset()
    """Name tokens anywhere in the clause: who takes part."""
    document: str | None = None
    """The kind of signed text nearest before the slot ("treaty", "declaration"; see :data:`_DOCUMENTS`)."""
    traveller: frozenset[str] = frozenset()
    """Name tokens of who makes the journey when the event is one (:func:`verify.evidence.doers.traveller`)."""
    proposed: bool = False
    """The visit or meeting is only planned, offered or asked for (:func:`verify.evidence.doers.proposed`)."""

    @property
    def known(self) -> bool:
        """Names an event of a listed kind (another past-tense verb alone is too little to say
        two clauses speak of different events: "grossed" / "earned")."""
        return any(not k.startswith("verb:") for k in self.kinds)

    @property
    def repeatable(self) -> bool:
        """The clause's event recurs; a reporting verb beside it frames the event, it is not the
        event ("Putin visited Pyongyang in July 2000, the Kremlin said" dates a visit)."""
        listed = {k for k in self.kinds if not k.startswith("verb:")}
        if len(listed) > 1:
            listed.discard("statement")
        return bool(listed) and listed <= REPEATABLE


_DOCUMENTS = {w: family for family, ws in {
    "treaty": "treaty treaties pact pacts", "declaration": "declaration declarations", "charter": "charter",
    "memorandum": "memorandum memorandums", "convention": "convention conventions", "protocol": "protocol",
    "resolution": "resolution resolutions"}.items() for w in ws.split()}
"""Kinds of signed text that are not one another: "the Moscow Declaration adopted ... and the treaty concluded in
February 2000" dates the treaty. "Agreement", "accord" and "deal" may name any of them."""


def kinds_of(stems) -> set[str]:
    """The kinds of event the ``stems`` name (see :data:`KIND_OF`)."""
    return {KIND_OF[s] for s in stems if s in KIND_OF}


def kin_held(stems: set[str], passage_stems) -> set[str]:
    """The ``stems`` (event words) a passage holds by another word of the same kind: "letter" by "message", "talks"
    by "visit", "voiced" by "said"."""
    kinds = kinds_of(passage_stems)
    return {s for s in stems if KIND_OF.get(s) in kinds}


def _clause(text: str, start: int, end: int, before: int = 60, after: int = 40) -> tuple[int, int]:
    """The stretch of ``text`` around ``start:end`` up to the nearest clause break on each side."""
    lo, hi = max(0, start - before), min(len(text), end + after)
    while 0 < lo < start and text[lo - 1].isalnum() and text[lo].isalnum():
        lo += 1  # a word the window cut in two is left out ("xchanged" is no word)
    while end < hi < len(text) and text[hi - 1].isalnum() and text[hi].isalnum():
        hi -= 1
    breaks = [m for m in _CLAUSE_BREAK.finditer(text, lo, hi)]
    left = [m.end() for m in breaks if m.end() <= start]
    right = [m.start() for m in breaks if m.start() >= end]
    return (left[-1] if left else lo), (right[0] if right else hi)


_PLACED_BY = re.compile(r"\b(?:(?:took|take|takes|taking)\s+place|(?:was|were|is|are|be|been|being)\s+(?:held|staged|"
                        r"hosted|convened|organi[sz]ed)|happened|occurred)\s+(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)
"""Words that say only where their subject happened ("the summit was held in ...")."""
_WHICH = re.compile(r",?\s+which\s+$")
_ANNIVERSARY_OF = re.compile(r"\s+of\s+(?:the\s+)?[^,.;:]{1,60}")


def anniversary_of(text: str, end: int) -> tuple[int, int]:
    """The span of what the anniversary ending at ``end`` is of (" of diplomatic ties" after "the 75th anniversary");
    empty (``end``, ``end``) when the text does not say."""
    of = _ANNIVERSARY_OF.match(text, end)
    return (of.start(), of.end()) if of else (end, end)


def _actor(word: str) -> frozenset[str]:
    """The name tokens of one capitalised word ("Kim's" -> kim, "DPRK" -> north, korea)."""
    return frozenset(w for w in canonical(word.removesuffix("'s").removesuffix("’s")).split() if w not in STOPWORDS)


def event_at(text: str, start: int, end: int, skip: tuple[tuple[int, int], ...] | Spans = (),
             anniversary: bool = False, nearest: bool = False) -> Event:
    """The event words of the clause around the slot at ``start:end`` (the slot itself and the
    ``skip`` spans, other slots, left out), and the names before the first of them (who acts).

    Args:
        text: the text the slot is in.
        start: where the slot starts.
        end: where it ends.
        skip: other slots' spans, not event words (a :class:`~verify.evidence.spans.Spans` when the
            caller reads many slots of one text: sorted once, not once a slot).
        anniversary: the slot is a date an anniversary implies ("the 70th anniversary of the
            establishment of ties" -> 1948): its event is what the anniversary is of, not the
            celebration.
        nearest: only the event word nearest before the slot (after it when none is before):
            a place belongs to the word it follows ("a visit had raised concerns in the US" puts
            the concerns in the US, not the visit).
    """
    lo, hi = _clause(text, start, end, before=100)
    placed = nearest and _PLACED_BY.search(text, max(lo, start - 40), start)
    if placed and (which := _WHICH.search(text, max(0, lo - 8), lo)):
        lo = _clause(text, which.start(), which.start(), before=100)[0]  # "the summit, which was held in": the summit
    if anniversary:
        lo, hi = anniversary_of(text, end)
    found: list[tuple[int, str, str]] = []
    names: list[tuple[int, frozenset[str]]] = []
    capitals: list[tuple[int, int, str]] = []
    # the other slots: sorted once a text by the caller that reads all its slots (a pass over
    # them all for each slot was quadratic in a long passage's slots)
    slots = skip if isinstance(skip, Spans) else Spans(skip)
    document = None
    for m in _WORD.finditer(text, lo, hi):
        s = m.start()
        if start <= s < end or slots.overlaps(s, s + 1):
            continue
        word = m.group(0)
        if s < start and word.lower() in _DOCUMENTS:
            document = _DOCUMENTS[word.lower()]  # the last before the slot: the nearest
        if word[0].isupper() and not (opens_sentence(text, s) and stem(word) in KIND_OF):
            if word.lower() not in STOPWORDS and word.lower().rstrip(".") not in MONTHS:
                names.append((s, _actor(word)))  # a name ("Kim Jong Un", "Victory Day"): who, not what
                capitals.append((s, m.end(), word.removesuffix("'s").removesuffix("’s")))
            continue
        if word.lower().endswith("ly") and word.lower() not in _LISTED:
            continue  # an adverb names no event ("met openly": stemmed, "openly" would be an opening)
        st = stem(word)
        if st in _LIGHT or (st == _ACCORD and _ACCORDING_TO.match(text, s)):
            continue  # "according to" attributes; it is no accord (an agreement)
        kind = KIND_OF.get(st)
        if kind is None and word.lower().endswith("ed") and len(word) > 4:
            kind = f"verb:{st}"  # any other past-tense verb is an event of its own kind
        if kind:
            found.append((s, kind, st))
    # a state is one actor however it is named: "Pyongyang's state media" is "North Korean state media"
    for i, (s, e, word) in enumerate(capitals):
        pair = f"{word} {capitals[i + 1][2]}" if i + 1 < len(capitals) and capitals[i + 1][0] == e + 1 else None
        code = (government(pair) if pair else None) or government(word)
        if code is not None:
            names.append((s, frozenset({f"state:{code}"})))
    if nearest and found:
        before = [f for f in found if f[0] < start]
        if placed:  # "celebrations attended by the envoy took place in ...": the subject's event, not a participle's
            before = [f for f in before if not f[1].startswith("verb:") and f[1] != "statement"] or before
        found = [before[-1]] if before else [found[0]]
    first = min((f[0] for f in found), default=start)
    actors = frozenset().union(*(n for at, n in names if at < first))
    named = frozenset().union(*(n for _, n in names))
    marker = None
    for m in _marked(text, start, end, lo, hi):
        if start <= m.start() < end or (m.group("event") and KIND_OF.get(stem(m.group("event"))) in (None, "statement")):
            continue
        word = (m.group(1) or m.group(2)).lower()
        marker = "last" if word == "most recent" else _MARKERS[word]
        break
    at = next((s for s, _, st in found if st in TRAVEL), None)  # the first journey word
    journey = traveller(text, at, _WORD.match(text, at).end(), lo, _actor, _acts) if at is not None else frozenset()
    met = [s for s, k, _ in found if k == "encounter"]  # the visit or meeting nearest before the slot, or the first
    met = [s for s in met if s < start][-1:] or met[:1]
    return Event(frozenset(k for _, k, _ in found), frozenset(st for _, _, st in found), marker, actors, named,
                 document, journey, bool(met) and proposed(text, met[0], lo))


def _acts(st: str) -> bool:
    """Whether a stemmed word names an event of its own (the name before it acts in that one)."""
    return st in KIND_OF and st not in _LIGHT


def occasion_words(text: str) -> list[tuple[int, int]]:
    """Spans of the words that single out an occasion ("for the first time", "the first time he had ever" before
    "visited", "previous" before "summit"): they say which occasion, not what the text is about."""
    return [(m.start(), m.start("event") if m.group("event") else m.end()) for m in _MARKER_RE.finditer(text)
            if not m.group("event") or KIND_OF.get(stem(m.group("event"))) not in (None, "statement")]


_PREDICATE = re.compile(r"\b(?:was|were|is|are|became|marked)\s+(?:his|her|its|their|the)\s+$", re.IGNORECASE)
"""What names the subject as the marked event: "the July 2000 visit *was his* first trip"."""


def _marked(text: str, start: int, end: int, lo: int, hi: int) -> list[re.Match]:
    """The occasion markers of the clause ``lo:hi`` of a slot ``start:end``, and one past its window that the
    slot's event is said to be ("Putin's July 2000 visit to the capital was his first-ever trip": the visit was
    the first; "forged ties in 1948, recognizing the North for the first time" says nothing of the ties)."""
    found = list(_MARKER_RE.finditer(text, lo, hi))
    far = _clause(text, start, end, before=0, after=hi - end + 60)[1]
    inside = {m.start() for m in found}
    return found + [m for m in _MARKER_RE.finditer(text, lo, far) if m.start() not in inside
                    and _PREDICATE.search(text, max(lo, m.start() - 20), m.start())]


def same_event(claim: Event, passage: Event, actors: bool = True) -> bool | None:
    """True when both clauses name an event of one kind, False when both name listed events and
    share no kind, or when who acts in the claim takes no part in the passage's clause ("Putin
    visited" / "Kim traveled to Vladivostok"; not checked without ``actors``), None when either
    names no event."""
    # who acts only tells events apart in a clause that names an event: a date alone in a caption's
    # credit line ("Russia, 13 September 2023. EFE-EPA FILE/MIKHAIL METZEL") says nothing of who met
    if actors and claim.actors and passage.names and passage.kinds and not claim.actors & passage.names:
        return False
    if claim.traveller and passage.traveller and not (claim.traveller & passage.traveller or passage.traveller & claim.names):
        return False  # a third person's journey ("Lavrov visited" / "Kim's latest trip"); not the claim's counterpart's
    if claim.proposed != passage.proposed and "encounter" in claim.kinds and "encounter" in passage.kinds:
        return False  # a visit or meeting offered is not one made ("invited Putin to visit" / "Kim's latest trip")
    if claim.document and passage.document and claim.document != passage.document:
        return False  # a declaration's date is not a treaty's
    if claim.kinds & passage.kinds:
        return True
    if not (claim.known and passage.known):
        return None
    return False
