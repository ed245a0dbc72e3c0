"""Deterministic mismatch detectors: the slots an NLI model glosses over.

:func:`detect` reads the claim's and the passage's analyses (:mod:`verify.evidence.analysis`,
each text parsed once) and runs each detector: dates, figures and places compared event by
event, and the titles both texts give one person (:mod:`verify.evidence.compare`), negation, opposite words,
plans and record claims (:mod:`verify.evidence.meaning`), and the names the passage never mentions
(:mod:`verify.evidence.mentions`). *Hard* mismatches (a different number, date, place, title, polarity or an antonym) turn an otherwise
matching passage into a contradiction; *soft* ones (a plan reported as done, a missing name,
a "first" the passage does not state) only block a "supports".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

from verify.evidence.analysis import Analysis, analyse, wording
from verify.evidence.compare import compare_dates, compare_figures, compare_places
from verify.evidence.compare_who import compare_lists, compare_titles
from verify.evidence.counts import how_many, how_often
from verify.evidence.cues import ALREADY_RE, HAPPENED_RE, NEGATION_STEMS, RECIPROCAL_RE
from verify.evidence.dateslot import DateSlot
from verify.evidence.detection import HARD_KINDS, Detection, span
from verify.evidence.events import kin_held, kinds_of, occasion_words
from verify.evidence.invitations import invited_the_other_way
from verify.evidence.meaning import antonyms, context_modality, first_only, modality, negation, roles, ruled_out_spans
from verify.evidence.mentions import DocumentNames, entities, spelled_in, unmentioned
from verify.evidence.names import NameSet, claim_names, names_in
from verify.evidence.order import compare_order, without_dates
from verify.evidence.owners import compare_owners
from verify.evidence.places import government, stand_in_stems, states_named
from verify.evidence.sequences import sequences
from verify.evidence.speakers import exclusive_doer, speaker
from verify.evidence.surface import surface, uninformative
from verify.evidence.text import canonical, leans_back, stem, words
from verify.models import Mismatch, Span
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

__all__ = ["HARD_KINDS", "Detection", "context_modality", "detect"]


@lru_cache(maxsize=1024)
def _no_topic(claim: str) -> list[tuple[int, int]]:
    """Spans of the claim that say no topic: which way round its relation goes ("not the other way round", "vice
    versa") and that its event happened ("took place", "was held"). Read once a claim, not once a passage (the
    caller does not change the list)."""
    return [m.span() for pattern in (RECIPROCAL_RE, HAPPENED_RE) for m in pattern.finditer(claim)]


@lru_cache(maxsize=1024)
def _occasion_stems(claim: str) -> frozenset[str]:
    """The stems of the claim's words that single out its occasion ("the first time he had ever" visited). Read once a
    claim, not once a passage."""
    return frozenset(_slot_stems(claim, occasion_words(claim)))


@lru_cache(maxsize=1024)
def _references(claim: str, dates: tuple[DateSlot, ...]) -> tuple[tuple[tuple[int, int], ...], frozenset[str]]:
    """The spans of the events a claim dates its own by (what follows its sequence cue: "shortly after the Kim-Putin
    summit", "a month before the letters"), and their words' stems. Read once a claim, not once a passage."""
    spans = tuple((side.start, side.end) for seq in sequences(claim, dates) for side in (seq.first, seq.second)
                  if side.start >= seq.cue[1])
    return spans, frozenset(_slot_stems(claim, list(spans)))


def _names_only(predicate: set[str], shared: set[str], passage: Analysis) -> bool:
    """Whether a passage holds none of the claim's words but its names (``predicate``: the others) and names only
    events of other kinds than the claim's (see :attr:`Detection.names_only`)."""
    kinds, others = kinds_of(predicate), kinds_of(w for w, _, _ in passage.word_stems)
    return bool(kinds and others) and not kinds & others and not predicate & shared


def _within(claim_span: Span, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= claim_span.start and claim_span.end <= b for a, b in spans)


def _slot_stems(text: str, spans: list[tuple[int, int]]) -> set[str]:
    return {stem(w) for s, e in spans for w in words(canonical(text[s:e]))}


def _held(claim_stems: list[str], passage: Analysis, named: set[str], settings: EvidenceSettings,
          claim: str) -> set[str]:
    """The ``claim_stems`` the passage holds: a name's stem also when the passage spells it another way, as the
    name check reads it (:func:`~verify.evidence.mentions.spelled_in`), and the ``claim``'s name of a state acting that the passage names
    otherwise ("Pyongyang and Moscow" against "Russia ... with North Korea": :func:`places.stand_in_stems`)."""
    have = set(passage.stems) | stand_in_stems(claim, passage.text)
    held = set(claim_stems) & have
    return held | {s for s in set(claim_stems) - held if s in named and spelled_in(s, have, settings)}


def detect(claim: str, passage: str, context: str = "", anchor: date | None = None,
           names: frozenset[str] | None = None, settings: EvidenceSettings = EVIDENCE_DEFAULTS,
           document_names: DocumentNames = (), publisher: str | None = None,
           document_year: Callable[[], int | None] = lambda: None) -> Detection:
    """Run every detector on one pair.

    Args:
        claim: the statement being checked; its letter case and final full stop do not matter
            (see :func:`verify.evidence.surface.surface`).
        passage: the corpus sentence; passage spans are offsets into it.
        context: neighbouring sentences, used for names and "first" (never for spans).
        anchor: the passage document's date, to resolve "last month".
        names: words known to be names (see :func:`verify.evidence.names.known_names`; e.g. from the whole
            corpus); by default those of the claim, passage and context.
        settings: the detectors' thresholds. Defaults to :data:`verify.settings.EVIDENCE_DEFAULTS`.
        document_names: the names of several words the passage's whole document writes
            (:func:`verify.evidence.names.full_names`), or a function that reads them (called only for a
            passage that gives a claim's full name by one of its words), to tell whom a bare surname in it
            stands for. Defaults to none (a pair without its document).
        publisher: who published the passage's document ("Pyongyang Times"): a claim that names it as its
            source is not missing a name in the passage. Defaults to None (not known).
        document_year: reads the year an undated passage's document places itself in
            (:func:`verify.evidence.document_year.document_year`; called only where an anniversary's rank differs).
            Defaults to none known.

    Returns:
        The mismatches (hard only when the passage otherwise aligns with the claim and speaks
        of the same event), the alignment, and how many claim slots the passage confirmed.
    """
    found = Detection(in_context=bool(context))
    full = f"{context} {passage}" if context else passage
    p = analyse(passage, "passage", anchor, settings)
    if names is not None and uninformative(claim):
        # every word of "CELEBRATIONS WERE HELD IN MOSCOW" looks like a name, none of "kim jong il
        # never visited russia": of the claim's own capitals, only those the passage and its
        # neighbours also write as names count (a NameSet notes the few words taken out and added:
        # a frozenset's difference copied the corpus's names). A check recases such a claim once,
        # from the whole corpus, before it gets here (see ``surface.TrueCase``).
        names = ((names if isinstance(names, NameSet) else NameSet(names)) - names_in(claim)) | names_in(full)
    # a claim's own "last month" dates nothing: the day it counts from is the claim's, which no check knows (the
    # passage's document's date, tried, read a 2023 claim as of a 2020 article)
    c = analyse(surface(claim, names if names is not None else names_in(full), wording(full).lower_words,
                        settings), "claim", settings=settings)
    # places, titles and listed states the passage confirmed or contradicted ("North Korea's defence minister")
    placed = compare_places(c, p, found) + compare_titles(c, p, found) + compare_lists(c, p, found) + roles(c, p, found)
    placed += compare_owners(c.text, p.text, found)  # whose state-run outlet
    # a side of "A before B" the claim dates itself ("before Japan's defeat in 1945"): a date bound, in words
    ordered = compare_order(c, p, found, settings)
    placed += ordered
    slot_spans = compare_dates(without_dates(c, ordered), p, found, settings) + compare_figures(c, p, found, document_year) + placed
    antonyms(c, p, found)
    how_often(c, p, found)
    how_many(c, p, found)
    # the words being compared are not what says two texts are about the same thing: dates,
    # numbers, places, titles, an antonym pair ("disappointed" / "satisfied"), negation cues ("refused")
    antonym_spans = [(m.claim.start, m.claim.end) for m in found.mismatches if m.kind == "antonym"]
    ignore = _slot_stems(c.text, slot_spans + antonym_spans + _no_topic(c.text)) | NEGATION_STEMS
    if publisher and canonical(publisher) in canonical(c.text):
        # "the Pyongyang Times says ...", checked against the Pyongyang Times's own text: who says it is the
        # passage's provenance, not a word its text must hold (its byline holds nothing else of the claim)
        ignore |= {stem(w) for w in words(canonical(publisher))}
    # the words that single out the claim's occasion ("the first time he had ever" visited) are compared as its
    # occasion: a passage without them is not off the topic (one that has them holds them as any word)
    unheld = _occasion_stems(c.text) - set(p.stems)
    claim_stems = [s for s in dict.fromkeys(c.stems) if s not in ignore and s not in unheld]
    named = {stem(w) for n, _, _ in claim_names(c.text, names if names is not None else names_in(c.text) | names_in(full))
             for w in words(canonical(n))}
    shared = _held(claim_stems, p, named, settings, c.text)
    found.alignment = len(shared) / len(claim_stems) if claim_stems else 0.0
    found.names_only = _names_only({s for s in claim_stems if s not in named}, shared, p)
    topic = p
    if context and leans_back(passage) and context.find(passage) > 0:
        # "These letters marked the 75th anniversary": what they are is in the sentences before
        topic = analyse(context[: context.find(passage)] + passage, settings=settings)
    held = shared if topic is p else _held(claim_stems, topic, named, settings, c.text)  # with what it leans on
    # the words of an event the claim dates its own by ("shortly after the Kim-Putin summit") are compared as an order
    # (compare_order): a passage that says only the claim's own event is on its topic (but confirms less of it)
    references, reference_stems = _references(c.text, c.dates)
    topic_stems = set(claim_stems) - (reference_stems - set(topic.stems))
    found.topic_alignment = len(held & topic_stems) / len(topic_stems) if topic_stems else 0.0
    # "it was Lavrov, not Choe, who called for ...": whom the passage gives the act to
    doer = exclusive_doer(c.text, passage, found, settings)
    ruled_out = ruled_out_spans(c)
    negation(c, p, shared, found, skip=ruled_out if doer else (), named=named)  # a role mismatch says it when another did
    modality(c, p, found)
    if ALREADY_RE.search(c.text):
        found.mismatches = [_not_yet(m) if m.kind == "modality" else m for m in found.mismatches]
    first_only(c.text, full, found)
    speaker(c.text, passage, found, settings)
    invited_the_other_way(c.text, passage, found)  # "Putin accepted Kim's offer" for "Kim accepted Putin's offer"
    said, seen = passage, full
    reported = None if c.reporting else p.reported
    if reported:
        # "... had met in Vostochny, according to Moscow" does not place the meeting in Moscow:
        # for a claim about events, who reported them is not a mention
        said = reported
        seen = f"{context.replace(passage, reported)} {reported}" if context else reported
    mentioned: list[list[str]] = []
    other_person = entities(c.text, said, seen, found, names, unresolved=not context and p.dependent,
                              placed=placed, settings=settings, document_names=document_names, publisher=publisher,
                              denied=ruled_out + [doer[0]] if doer and not doer[1] else ruled_out, mentioned=mentioned)
    # a person the passage names by part of their name ("Kim" for "Kim Jong-un") is all of it for the topic (a name's
    # tokens are stems already: stemming them again turns "defens" into "defen", which no claim stem is)
    whole = {t for tokens in mentioned if held.intersection(tokens) for t in tokens} & set(claim_stems)
    if whole - held:
        held = held | whole
        found.topic_alignment = len(held & topic_stems) / len(topic_stems)
    if found.other_occasion and not found.agreed["date"]:
        # another occasion of the claim's event ("the summit ... last month" for "the 2019 summit"): what the
        # passage says of that one, the opposite word or a negation, says nothing of the claim's
        found.keep(lambda i, m: m.kind not in ("antonym", "negation"))
    # a state the passage names by another of its names ("Russian Ambassador" for "Moscow's envoy") leaves it sure
    # (a name only in the event the claim dates its own by leaves it sure of the claim's own event)
    unsure = any(m.kind in ("modality", "entity", "speaker", "namesake") and not (
        m.kind == "entity" and (government(m.claim.text) in states_named(seen) or _within(m.claim, references)))
        for m in found.mismatches)
    if other_person:
        found.keep(lambda i, m: m.kind not in HARD_KINDS)
    elif found.topic_alignment < settings.min_alignment:
        # another topic: no hard mismatch, but a figure of the same thing on a topic the claim
        # shares a third of ("under 8,000 coronavirus cases" / "8,030 confirmed cases"), or (naming every
        # name of the claim) a place of the occasion the passage pins down by its event word and date
        # and the act of a claim's exclusive doer given to another: the act's own words say it is the claim's act
        keep = {i for i in found.counted if found.topic_alignment >= settings.counted_alignment} | found.attributed
        if not unsure:
            keep |= found.pinned
            kin = kin_held(topic_stems - held, (w for w, _, _ in topic.word_stems))
            if len((held & topic_stems) | kin) >= settings.min_alignment * len(topic_stems):
                # the passage says the opposite of the claim's event in other words of it ("very satisfied with the
                # exchange of opinions", Kim said in his message, for "Kim's letter voiced disappointment with the talks")
                keep |= {i for i, m in enumerate(found.mismatches) if m.kind == "antonym"}
        before = len(found.set_aside)
        found.keep(lambda i, m: m.kind not in HARD_KINDS or i in keep)
        if found.alignment > 0 and not unsure and (c.modal or not p.plans):
            # the judge may read the rest as the claim's event (Detection.read_as_same_event); not where the passage
            # shares none of the claim's words (another topic, never judged: aggregate.unread_neutral) or reports a
            # plan of what the claim says was done (a judge reads "plans to visit" as "visited")
            found.off_topic = [before + i for i, m in enumerate(found.set_aside[before:])
                               if m.kind in ("date", "number", "place")]
    elif unsure:
        # A different date, number or place only contradicts when the passage is about the same
        # event: not when it reports a plan, never names the claim's place or person, or gives the
        # claim's words to another speaker.
        found.keep(lambda i, m: m.kind not in ("date", "number", "place", "order"))
    # a place set aside still goes unconfirmed: a passage that never names it cannot support the claim's
    found.mismatches += [unmentioned(m.claim, m.claim.text) for m in found.set_aside if m.kind == "place"
                         and canonical(m.claim.text) not in canonical(passage)]
    found.mismatches += found.elsewhere
    # spans point into the claim as the caller wrote it (same offsets: see ``surface``)
    found.mismatches, found.set_aside = (
        [_on_claim(m, claim) for m in found_list] for found_list in (found.mismatches, found.set_aside))
    return found


def _not_yet(m: Mismatch) -> Mismatch:
    """A plan the passage reports of what the claim says was already done ("has already been to Pyongyang" / "plans
    to visit Pyongyang in October"): as of the passage, not done yet, a contradiction (hard)."""
    cue = m.passage.text if m.passage else "a plan"
    return m.model_copy(update={"kind": "planned",
                                "detail": f"passage says only {cue!r} of what the claim says was already done"})


def _on_claim(m: Mismatch, claim: str) -> Mismatch:
    """``m`` with its claim span's text read from ``claim`` (``m`` itself when the text is that already:
    most claims read the same after ``surface``, and a copy costs a model validation)."""
    start, end = m.claim.start, m.claim.end
    return m if m.claim.text == claim[start:end] else m.model_copy(update={"claim": span(claim, start, end)})
