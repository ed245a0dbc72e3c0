"""Compare the claim's slots (dates, figures, places) with the passage's, event by event (the titles both give
one person and the states they list: :mod:`verify.evidence.compare_who`).

A passage's slot is set beside a claim's only when it can belong to the claim's event (see
:mod:`verify.evidence.events`): "a treaty of February 2000" is not compared with "established
ties in 1948", and a visit years apart, or one the passage calls the *last* before it was
written, is another occasion, not a contradiction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from index.ingest.layout import dateline_agency, dateline_end
from verify.evidence.analysis import Analysis
from verify.evidence.detection import Detection, span
from verify.evidence.events import KIND_OF, Event
from verify.evidence.events import same_event as _same_event
from verify.evidence.locations import relation
from verify.evidence.occasions import other_occasion, unplaced_occasion
from verify.evidence.slots import quantity_agrees, same_measure
from verify.models import Mismatch
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings


def same_event(claim_event: Event, passage_event: Event, passage: Analysis) -> bool | None:
    """:func:`verify.evidence.events.same_event`, except that a passage leaning on the sentence
    before it ("These were dispatched ...") may name its event and who acts there: never
    "another event", and who acts is not compared."""
    if passage.dependent:  # who acts may be named in the sentence before: compare the events only
        same = _same_event(claim_event, passage_event, actors=False)
        return None if same is False else same
    return _same_event(claim_event, passage_event)


def _reason(kind: str, same: bool | None, claim_text: str, passage_text: str) -> str:
    where = " for the same event" if same else ""
    return f"{kind} differs{where}: claim says {claim_text!r}, passage says {passage_text!r}"


def _elsewhere(claim: Analysis, passage: Analysis) -> bool:
    """Both texts place something, and no place of one can be a place of the other."""
    stated = [cp for cp in claim.places if not claim.denies(cp.start, cp.end)]
    written = [pp for pp in passage.places if not passage.denies(pp.start, pp.end)]
    return bool(stated and written) and all(relation(cp, pp) == "different" for cp in stated for pp in written)


@lru_cache(maxsize=8192)
def _dateline(text: str) -> tuple[int, str | None]:
    """Where the dateline that opens a passage ends ("Seoul, Oct 12 (EFE).-"), 0 when none, and its agency: its date
    is the report's, not that of an event the passage tells (a check reads the same passages for every claim:
    cached)."""
    return dateline_end(text), dateline_agency(text)


def _reported_until(claim: Analysis, passage: Analysis) -> int:
    """Where the passage's own dates begin: after its dateline, unless the claim names the dateline's agency ("EFE
    filed its report from Seoul on October 13" is about the report, and the dateline dates it)."""
    end, agency = _dateline(passage.text)
    return 0 if agency and re.search(rf"\b{re.escape(agency)}\b", claim.text, re.IGNORECASE) else end


def compare_dates(claim: Analysis, passage: Analysis, found: Detection,
                  settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> list[tuple[int, int]]:
    """Date mismatches and agreements; returns the claim's date spans."""
    reported = _reported_until(claim, passage)
    for c, ce in zip(claim.dates, claim.date_events):
        if claim.denies(c.start, c.end):
            continue  # "in October rather than in September": not the claim's date
        found.claim_slots += 1
        # a year an anniversary implies dates what it is of, not the celebration the claim dates ("the 75th
        # anniversary" in a text of 2023 is 1948, the claim's "celebrated in October 2023" another event's date)
        comparable = [(p, same_event(ce, pe, passage), pe) for p, pe in zip(passage.dates, passage.date_events)
                      if c.comparable(p) and not passage.denies(p.start, p.end) and p.start >= reported
                      and not (p.derived and "celebration" in ce.kinds and not c.derived)]
        candidates = [x for x in comparable if x[1] is not False]
        if comparable and not candidates:
            found.other_event += 1
            found.saw_event(False)
            continue
        if not candidates:
            continue
        agreeing = [x for x in candidates if c.compatible(x[0])]
        if agreeing:
            found.agreed_on("date", [x[1] for x in agreeing])
            continue
        p, same, pe = max(candidates, key=lambda x: x[1] is True)  # the same event's date first
        found.saw_event(same)
        if (other_occasion(ce, pe, c, p, passage.anchor, elsewhere=_elsewhere(claim, passage), settings=settings)
                if same else unplaced_occasion(ce, c, p, passage.anchor, settings)):
            _another_occasion(found, claim, passage, (c.start, c.end), (p.start, p.end))
            continue
        found.mismatches.append(Mismatch(
            kind="date", claim=span(claim.text, c.start, c.end), passage=span(passage.text, p.start, p.end),
            detail=_reason("date", same, c.text, p.text)))
    return [(d.start, d.end) for d in claim.dates]


def _another_occasion(found: Detection, claim: Analysis, passage: Analysis, claim_span: tuple[int, int],
                      passage_span: tuple[int, int]) -> None:
    """Note a passage's date or figure of another occasion of the claim's event ("last visited Hanoi in May 2017" for
    a visit in May 2024; "the 40th anniversary" for the 30th, in 2019): no contradiction, and no confirmation either
    (a soft finding: a judge reading the same words would call it support)."""
    found.other_occasion += 1
    c, p = span(claim.text, *claim_span), span(passage.text, *passage_span)
    found.mismatches.append(Mismatch(
        kind="occasion", claim=c, passage=p,
        detail=f"another occasion of the same kind of event: passage says {p.text!r}, claim says {c.text!r}"))


def compare_figures(claim: Analysis, passage: Analysis, found: Detection,
                    document_year: Callable[[], int | None] = lambda: None) -> list[tuple[int, int]]:
    """Each claim number against the passage's numbers that count the same thing.

    The candidate is the passage number that counts the same thing ("8,000 coronavirus cases"
    and "8,030 confirmed cases" share "cases") with the most words in common around it
    ("2,000 yards of total offense" is compared with "3,114 yards of total offense", not with
    "699 yards on 53 receptions"), of the claim's event. ``document_year`` reads the year the passage's undated
    document places itself in (see :func:`other_anniversary`). Returns the claim's figure spans.
    """
    around = [f for f in passage.figures if not f.quantity.in_range]
    for cf in claim.figures:
        q = cf.quantity
        found.claim_slots += 1
        if q.in_range:
            continue
        head = cf.head
        measured = [f for f in around
                    if (head and head == f.head) or (q.unit and f.quantity.unit and same_measure(q.unit, f.quantity.unit))
                    or not (head or f.head or q.unit or f.quantity.unit)]
        scored = [(len(cf.near & f.near), f, same_event(cf.event, f.event, passage)) for f in measured]
        if scored and all(same is False for _, _, same in scored):
            found.other_event += 1
            found.saw_event(False)
            continue
        scored = [x for x in scored if x[2] is not False]
        if not scored:
            continue
        best = max(score for score, _, _ in scored)
        closest = [(f, same) for score, f, same in scored if score == best]
        agreeing = [same for f, same in closest if quantity_agrees(q, f.quantity)]
        if agreeing:
            found.agreed_on("number", agreeing)
            continue
        if not (q.unit or head):
            continue  # a bare number ("7.8/10"): too little to call a contradiction
        f, same = max(closest, key=lambda x: x[1] is True)
        found.saw_event(same)
        p = f.quantity
        if other_anniversary(q.unit, p.unit, claim, passage, document_year):
            _another_occasion(found, claim, passage, (q.bound_start, q.unit_end), (p.bound_start, p.unit_end))
            continue
        if head and head == f.head:
            found.counted.add(len(found.mismatches))  # both count the same thing ("cases")
        c_text, p_text = claim.text[q.bound_start:q.unit_end], passage.text[p.bound_start:p.unit_end]
        found.mismatches.append(Mismatch(
            kind="number", claim=span(claim.text, q.bound_start, q.unit_end),
            passage=span(passage.text, p.bound_start, p.unit_end), detail=_reason("number", same, c_text, p_text)))
    # the figures and their bounds ("fewer than"); what they count still says what the claim is about
    return [(f.quantity.bound_start, f.quantity.end) for f in claim.figures]


def other_anniversary(claim_unit: str | None, passage_unit: str | None, claim: Analysis, passage: Analysis,
                      document_year: Callable[[], int | None] = lambda: None) -> bool:
    """Whether two anniversaries of different rank ("the 70th anniversary" / "the 75th"; "marked 70
    years of ties" is one too) are two occasions of one recurring celebration, not a disagreement: the
    claim dates its own to a year and the passage places its one in no such year (its written years
    and its text's own year, or for a text without a date, the year its document's anniversaries give it:
    :mod:`verify.evidence.document_year`). Without a year in the claim ("celebrated the 70th anniversary") it may
    mean the passage's. Two counts of years without an anniversary ("a 20-year treaty") are not this."""
    if not ({claim_unit, passage_unit} <= {"anniversary", "year"} and "anniversary" in (claim_unit, passage_unit)):
        return False
    claimed = {d.year for d in claim.dates if d.year and not d.derived}
    placed = {d.year for d in passage.dates if d.year and not d.derived}
    if passage.anchor:
        placed.add(passage.anchor.year)
    elif claimed and not claimed & placed and (year := document_year()):
        placed.add(year)
    return bool(claimed) and not claimed & placed


def compare_places(claim: Analysis, passage: Analysis, found: Detection) -> list[tuple[int, int]]:
    """Where the claim puts its event against where the passage puts the same event.

    A city in the claim's country confirms it ("in Vladivostok" for "in Russia"); the country
    alone does not confirm a city ("in Russia" for "in Vladivostok": a soft ``broader_place``
    mismatch), nor contradict it; two different cities or countries, or a city outside the claim's
    country, are a mismatch. Returns the spans of the claim's places the passage confirmed,
    contradicted or placed only in their country.
    """
    compared = []
    # a recurring event (a visit, a meeting) in another place is another occasion, unless the
    # passage dates it to the claim's date (or the claim gives none)
    same_date = not claim.dates or any(c.comparable(p) and c.compatible(p) for c in claim.dates for p in passage.dates)
    # the passage's places it does not rule out ("in Geneva, not in Vienna"), with their events
    stated = [(pp, pe) for pp, pe in zip(passage.places, passage.place_events) if not passage.denies(pp.start, pp.end)]
    for cp, ce in zip(claim.places, claim.place_events):
        if claim.denies(cp.start, cp.end):
            continue  # "in Geneva, not in Vienna": a place the claim rules out (still a word of what it is about)
        candidates = [(pp, same_event(ce, pe, passage), pe) for pp, pe in stated]
        if candidates and all(_same_event(ce, pe, actors=False) is False for _, _, pe in candidates) and any(
                KIND_OF.get(w) in ce.kinds for w, _, _ in passage.word_stems):
            named = next((pp for pp, _, _ in candidates if relation(cp, pp) in ("same", "inside")), None)
            if named is not None:
                # the passage names the claim's kind of event and has the claim's place only for an event of another
                # kind ("the letters, in commemoration of the anniversary, followed Kim's visit to Moscow" for "the
                # celebrations took place in Moscow"): it cannot confirm where the claim's event was. (A passage
                # that names no event of the claim's kind may name it in other words: "infection began in Wuhan"
                # for "the first cases were in Wuhan".)
                found.elsewhere.append(Mismatch(
                    kind="entity", claim=span(claim.text, cp.start, cp.end),
                    passage=span(passage.text, named.start, named.end),
                    detail=f"passage names {named.name!r} only as the place of another event"))
        if candidates and all(same is False for _, same, _ in candidates):
            found.other_event += 1
            found.saw_event(False)
            continue
        # a place is compared only for an event both texts name (a wrong place is a strong claim)
        candidates = [(pp, same, relation(cp, pp), pe) for pp, same, pe in candidates if same is True]
        # of several places of the claim's kind of event, those of the event the claim names by its word decide: the
        # summit's Vostochny does not confirm "visit Russia" where the passage's visit is to North Korea, nor does the
        # visit's North Korea contradict "the summit took place in Russia's Far East"
        candidates = [c for c in candidates if ce.words & c[3].words] or candidates
        # (a city and a region of its country the gazetteer cannot place are not compared)
        candidates = [c for c in candidates if c[2] != "unknown"]
        if not candidates:
            continue
        found.claim_slots += 1
        confirming = [same for _, same, rel, _ in candidates if rel in ("same", "inside")]
        if confirming:
            found.agreed_on("place", confirming)
            compared.append((cp.start, cp.end))
            compared += _located_in(claim, cp)
            continue
        broader = next((pp for pp, _, rel, _ in candidates if rel == "contains"), None)
        if broader is not None:
            # the passage names only the country: it neither confirms nor refutes the city, even where it
            # names the city otherwise ("a summit in Russia ... isolated, like Moscow")
            compared.append((cp.start, cp.end))
            found.mismatches.append(Mismatch(
                kind="broader_place", claim=span(claim.text, cp.start, cp.end),
                passage=span(passage.text, broader.start, broader.end),
                detail=f"passage places it only in {broader.name!r}, not in {cp.name!r}"))
            continue
        if ce.repeatable and not same_date:
            continue
        if any(relation(cp, other) in ("same", "inside") for other, _ in stated):
            # the passage names the claim's place too ("concerns in the United States that ... Russia's
            # presence in Ukraine"): which of its places the event belongs to is not sure enough to contradict
            continue
        # the place of the passage's event the claim names by its word ("the summit held at ..." for a summit)
        pp, same, _, pe = max(candidates, key=lambda x: bool(ce.words & x[3].words))
        found.saw_event(same)
        compared.append((cp.start, cp.end))
        if _same_occasion(claim, passage, ce, pe):
            found.pinned.add(len(found.mismatches))
        found.mismatches.append(Mismatch(
            kind="place", claim=span(claim.text, cp.start, cp.end), passage=span(passage.text, pp.start, pp.end),
            detail=_reason("place", same, cp.name, pp.name)))
    return compared


def _located_in(claim: Analysis, place) -> list[tuple[int, int]]:
    """The span of the place the claim locates ``place`` in, right after it ("the Vostochny space center in Russia's
    Far East"): a passage that confirms the site need not name where the claim says the site is."""
    return [(p.start, p.end) for p in claim.places if p.start > place.end and p.country == place.country
            and re.fullmatch(r",?\s+(?:situated\s+|located\s+)?(?:in|near)\s+(?:the\s+)?", claim.text[place.end:p.start])]


def _same_occasion(claim: Analysis, passage: Analysis, claim_event: Event, passage_event: Event) -> bool:
    """Whether the passage pins its event down as the claim's one occasion: both name the same event word
    ("summit") and the passage gives that event a date the claim gives it ("2018")."""
    word = claim_event.words & passage_event.words
    return bool(word) and any(
        c.comparable(p) and c.compatible(p)
        for c, ce in zip(claim.dates, claim.date_events) if ce.words & word
        for p, pe in zip(passage.dates, passage.date_events) if pe.words & word)
