"""Deterministic mismatch detectors: the slots an NLI model glosses over.

:func:`detect` reads the claim's and the passage's analyses (:mod:`verify.evidence.analysis`,
each text parsed once) and runs each detector: dates, figures and places compared event by
event, and the titles both texts give one person (:mod:`verify.evidence.compare`), negation, opposite words, plans and record claims
(:mod:`verify.evidence.meaning`), and the names the passage never mentions (here). *Hard*
mismatches (a different number, date, place, title, polarity or an antonym) turn an otherwise
matching passage into a contradiction; *soft* ones (a plan reported as done, a missing name,
a "first" the passage does not state) only block a "supports".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz, process

from verify.evidence.analysis import Analysis, analyse, wording
from verify.evidence.compare import compare_dates, compare_figures, compare_lists, compare_places, compare_titles
from verify.evidence.counts import how_many, how_often
from verify.evidence.cues import HAPPENED_RE, NEGATION_STEMS, RECIPROCAL_RE
from verify.evidence.detection import HARD_KINDS, Detection, span
from verify.evidence.meaning import antonyms, context_modality, first_only, modality, negation, roles, ruled_out_spans
from verify.evidence.names import FullName, NameSet, claim_names, contains_run, is_rival, name_tokens, names_in
from verify.evidence.order import compare_order, without_dates
from verify.evidence.owners import compare_owners
from verify.evidence.places import government, stand_in_stems, state_said_otherwise, states_named
from verify.evidence.slots import calendar_word, find_dates
from verify.evidence.speakers import exclusive_doer, speaker
from verify.evidence.surface import surface, uninformative
from verify.evidence.text import canonical, stem, words
from verify.models import Mismatch
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

__all__ = ["HARD_KINDS", "Detection", "context_modality", "detect"]

DocumentNames = tuple[FullName, ...] | Callable[[], tuple[FullName, ...]]
"""A document's full names (:func:`verify.evidence.names.full_names`), or a function that reads them."""


_JOINED = re.compile(r"[A-Za-z]-[A-Z]")
"""A hyphen joining two capitalised names ("Kim-Putin"); "Jong-un", "Son-hui" are parts of one name."""


@lru_cache(maxsize=1024)
def _no_topic(claim: str) -> list[tuple[int, int]]:
    """Spans of the claim that say no topic: which way round its relation goes ("not the other way round", "vice
    versa") and that its event happened ("took place", "was held"). Read once a claim, not once a passage (the
    caller does not change the list)."""
    return [m.span() for pattern in (RECIPROCAL_RE, HAPPENED_RE) for m in pattern.finditer(claim)]


def _slot_stems(text: str, spans: list[tuple[int, int]]) -> set[str]:
    return {stem(w) for s, e in spans for w in words(canonical(text[s:e]))}


def _holds(stems: frozenset[str], token: str) -> bool:
    """Whether ``stems`` hold a name's ``token``, or (a long one) a word it begins ("Vladivostok" of "Vladivostok's")."""
    return token in stems or (len(token) >= 4 and any(h.startswith(token) for h in stems))


def _spelled_in(token: str, words: set[str], settings: EvidenceSettings) -> bool:
    """Whether a long name token is among ``words`` spelled within a letter or two ("Blagoveshchensk" /
    "Blagoveschensk"; ``settings.fuzzy_name_length`` / ``settings.fuzzy_name_score``)."""
    return len(token) >= settings.fuzzy_name_length and process.extractOne(
        token, words, scorer=fuzz.ratio, score_cutoff=settings.fuzzy_name_score) is not None


def _held(claim_stems: list[str], passage: Analysis, named: set[str], settings: EvidenceSettings,
          claim: str) -> set[str]:
    """The ``claim_stems`` the passage holds: a name's stem also when the passage spells it another way, as the
    name check reads it (:func:`_spelled_in`), and the ``claim``'s name of a state acting that the passage names
    otherwise ("Pyongyang and Moscow" against "Russia ... with North Korea": :func:`places.stand_in_stems`)."""
    have = set(passage.stems) | stand_in_stems(claim, passage.text)
    held = set(claim_stems) & have
    return held | {s for s in set(claim_stems) - held if s in named and _spelled_in(s, have, settings)}


def _outside_other_names(said: list[str], tokens: list[str], text_names: tuple[Counter, list[list[str]]]) -> list[str]:
    """The tokens of ``said`` (words of a claim's name, ``tokens``) that a text writes somewhere other than inside
    the names of others: names of several words sharing fewer than half of the claim name's. The "il" of "Im
    Chon-il" does not name "Kim Jong Il", nor the "son" of "Choe Son-hui" "Ri Son Gwon"; "Sergey Shoigu" names
    "Sergei Shoigu". ``text_names``: the text's word stems counted, and its names of several words
    (:func:`_names_of_several_words`)."""
    everywhere, several = text_names
    inside = Counter()
    for its in several:
        if 2 * len(set(its) & set(tokens)) < len(tokens):
            inside.update(its)
    return [t for t in said if not 0 < everywhere[t] <= inside[t]]


def _names_of_several_words(text: str, names: frozenset[str]) -> tuple[Counter, list[list[str]]]:
    """The word stems of ``text`` counted, and the tokens of each name of several words it writes (read once a
    pair, for all the claim's names)."""
    several = [its for its in (name_tokens(n) for n, _, _ in claim_names(text, names)) if len(its) >= 2]
    return Counter(stem(w) for w in words(canonical(text))), several


def _entities(claim, passage, passage_and_context, found: Detection, names: frozenset[str] | None,
              unresolved: bool = False, placed: list[tuple[int, int]] = (),
              settings: EvidenceSettings = EVIDENCE_DEFAULTS,
              document_names: DocumentNames = (), publisher: str | None = None,
              denied: tuple[tuple[int, int], ...] = ()) -> bool:
    """Flag claim names the passage never mentions; True when it names someone else instead.

    "Kim Jong Il" in a passage checked for "Kim Jong Un" shares a token but is another
    person: the passage is then about something else, not a contradiction. With
    ``unresolved`` (the passage opens with "It" / "The film" and no neighbouring sentence
    is at hand to say what that is), the claim's first name may be what it refers to:
    that name is not flagged; nor are the ``placed`` spans, places and titles the passage confirmed
    or contradicted (a place of its own is a mention, and a wrong one is a place mismatch; "China"
    in "ambassador to China" is the title's).
    The passage's own ``publisher`` is named by its text: "according to the Pyongyang Times" is not a name the
    Pyongyang Times's article must repeat; nor is a name the claim rules out (its ``denied`` spans: "in Geneva,
    not Vienna").
    A long name token spelled within a letter or two counts as mentioned
    (``settings.fuzzy_name_length`` / ``settings.fuzzy_name_score``). A bare "Kim" in a passage whose
    document writes out only another "Kim" ("Kim Jong Un", ``document_names``) for the claim's "Kim Jong Il"
    is that other person, as a passage that writes him out in full is.
    """
    seen = wording(passage_and_context)
    have = seen.vocabulary
    written = [n for n, _, _ in claim_names(passage, names)]
    passage_names = [name_tokens(n) for n in written]
    other_person = False
    if names is None:
        names = names_in(claim) | names_in(passage_and_context)
    own = canonical(publisher) if publisher else None
    text_names = None  # the passage's names of several words, read for the first name it names only in part
    for n, (name, s, e) in enumerate(claim_names(claim, names)):
        if (unresolved and n == 0) or any(s < b and a < e for a, b in placed) or any(a <= s and e <= b for a, b in denied):
            continue
        tokens = name_tokens(name)
        if own and canonical(claim[s:s + len(publisher) + 1]).startswith(own):
            continue  # the passage's publisher (however cased: "the pyongyang times wrote"): its text is what it says
        if not tokens or all(calendar_word(w) for w in words(canonical(name))) or find_dates(name):
            continue  # months and weekdays are the date detector's business
        # "the Kim-Putin summit", "Moscow-Pyongyang": two names joined, not one whose namesake could be meant
        joined = _JOINED.search(name) is not None
        if len(tokens) >= 2 and not joined and not any(contains_run(p, tokens) for p in passage_names):
            rival = next((w for p, w in zip(passage_names, written) if is_rival(p, tokens)), None)
            if rival is not None:
                other_person = True
                found.mismatches.append(Mismatch(kind="namesake", claim=span(claim, s, e), passage=None,
                                                 detail=f"passage is about {rival!r}, not {name!r}"))
                continue
            # the passage says one of the name's words ("Kim"): the document is read for whom it means
            in_text = (document_names() if callable(document_names) else document_names) if set(tokens) & have else ()
            if not any(contains_run(list(d), tokens) for d in in_text):
                # the document never writes the claim's name; the passage's "Kim" is the one it does write
                rival = next((d for d in in_text if is_rival(list(d), tokens) and set(d) & set(tokens) & have), None)
                if rival is not None:
                    other_person = True
                    found.mismatches.append(Mismatch(
                        kind="namesake", claim=span(claim, s, e), passage=None,
                        detail=f"passage is about {rival.written!r} (so named in its text), not {name!r}"))
                    continue
        said = [t for t in tokens if _holds(have, t)]
        if len(said) < len(tokens):
            # a part of a name counts where the passage writes it as a name: "state media" mentions no State Duma
            said = [t for t in said if _holds(seen.capitalised, t)]
        if said and 2 * len(said) < len(tokens):
            if text_names is None:
                text_names = _names_of_several_words(passage_and_context, names)
            said = _outside_other_names(said, tokens, text_names)
        if said:
            continue  # "Bulgarian" mentions Bulgaria
        if any(_spelled_in(t, have, settings) for t in tokens) or state_said_otherwise(claim, s, e, passage_and_context):
            continue  # "Blagoveschensk" for "Blagoveshchensk"; "Washington warned" against "the US stressed"
        found.mismatches.append(Mismatch(kind="entity", claim=span(claim, s, e), passage=None,
                                         detail=f"passage does not mention {name!r}"))
    return other_person


def detect(claim: str, passage: str, context: str = "", anchor: date | None = None,
           names: frozenset[str] | None = None, settings: EvidenceSettings = EVIDENCE_DEFAULTS,
           document_names: DocumentNames = (), publisher: str | None = None) -> Detection:
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
    slot_spans = compare_dates(without_dates(c, ordered), p, found, settings) + compare_figures(c, p, found) + placed
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
    claim_stems = [s for s in dict.fromkeys(c.stems) if s not in ignore]
    named = {stem(w) for n, _, _ in claim_names(c.text, names if names is not None else names_in(c.text) | names_in(full))
             for w in words(canonical(n))}
    shared = _held(claim_stems, p, named, settings, c.text)
    found.alignment = len(shared) / len(claim_stems) if claim_stems else 0.0
    topic = p
    if context and p.dependent and context.find(passage) > 0:
        # "These letters marked the 75th anniversary": what they are is in the sentences before
        topic = analyse(context[: context.find(passage)] + passage, settings=settings)
    held = shared if topic is p else _held(claim_stems, topic, named, settings, c.text)  # with what it leans on
    found.topic_alignment = len(held) / len(claim_stems) if claim_stems else 0.0
    # "it was Lavrov, not Choe, who called for ...": whom the passage gives the act to
    doer = exclusive_doer(c.text, passage, found, settings)
    ruled_out = ruled_out_spans(c)
    negation(c, p, shared, found, skip=ruled_out if doer else ())  # a role mismatch says it when another did it
    modality(c, p, found)
    first_only(c.text, full, found)
    speaker(c.text, passage, found, settings)
    said, seen = passage, full
    reported = None if c.reporting else p.reported
    if reported:
        # "... had met in Vostochny, according to Moscow" does not place the meeting in Moscow:
        # for a claim about events, who reported them is not a mention
        said = reported
        seen = f"{context.replace(passage, reported)} {reported}" if context else reported
    other_person = _entities(c.text, said, seen, found, names, unresolved=not context and p.dependent,
                              placed=placed, settings=settings, document_names=document_names, publisher=publisher,
                              denied=ruled_out + [doer[0]] if doer and not doer[1] else ruled_out)
    if found.other_occasion and not found.agreed["date"]:
        # another occasion of the claim's event ("the summit ... last month" for "the 2019 summit"): what the
        # passage says of that one, the opposite word or a negation, says nothing of the claim's
        found.keep(lambda i, m: m.kind not in ("antonym", "negation"))
    # a state the passage names by another of its names ("Russian Ambassador" for "Moscow's envoy") leaves it sure
    unsure = any(m.kind in ("modality", "entity", "speaker", "namesake") and not (
        m.kind == "entity" and government(m.claim.text) in states_named(seen)) for m in found.mismatches)
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
        found.keep(lambda i, m: m.kind not in HARD_KINDS or i in keep)
    elif unsure:
        # A different date, number or place only contradicts when the passage is about the same
        # event: not when it reports a plan, never names the claim's place or person, or gives the
        # claim's words to another speaker.
        found.keep(lambda i, m: m.kind not in ("date", "number", "place", "order"))
    # spans point into the claim as the caller wrote it (same offsets: see ``surface``)
    found.mismatches, found.set_aside = (
        [_on_claim(m, claim) for m in found_list] for found_list in (found.mismatches, found.set_aside))
    return found


def _on_claim(m: Mismatch, claim: str) -> Mismatch:
    """``m`` with its claim span's text read from ``claim`` (``m`` itself when the text is that already:
    most claims read the same after ``surface``, and a copy costs a model validation)."""
    start, end = m.claim.start, m.claim.end
    return m if m.claim.text == claim[start:end] else m.model_copy(update={"claim": span(claim, start, end)})
