"""Each text analysed once: the record every detector reads.

:func:`analyse` parses a claim or a passage into an :class:`Analysis` (its dates and figures,
each with the event it belongs to, its places, the titles it gives people, negations, plan cues, content words, the
content of an attribution) and keeps the last few thousand in memory, so that checking one
passage against many claims (or one claim against many passages) parses each sentence once.
The record holds only what the text itself says; what depends on the pair is the detectors'.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Literal

from verify.evidence.cues import ATTITUDE_RE, HEDGE_RE, MODAL_RE, NEG_RE
from verify.evidence.dateslot import DateSlot
from verify.evidence.events import KIND_OF, Event, event_at
from verify.evidence.locations import find_places
from verify.evidence.offsets import offset_dates
from verify.evidence.places import Place
from verify.evidence.reporting import mentions_reporting, strip_attribution
from verify.evidence.slots import Quantity, find_dates, find_quantities, find_ranks
from verify.evidence.spans import Spans
from verify.evidence.text import (
    STOPWORDS,
    canonical,
    content_stems,
    fold,
    opens_sentence,
    starts_dependent,
    stem,
    words,
)
from verify.evidence.titles import Title, find_titles
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

Role = Literal["claim", "passage"]
ANALYSIS_VERSION = 27
"""Bumped when what :func:`analyse` records changes (a stored analysis from another version is stale)."""


@dataclass(frozen=True)
class Figure:
    """A number with what it counts and the event it belongs to."""

    quantity: Quantity
    head: str | None
    """Stem of what it counts ("8,000 coronavirus cases" -> "case")."""
    near: frozenset[str]
    """Content stems around it (to tell several figures of one kind apart)."""
    event: Event


@dataclass(frozen=True)
class Negation:
    start: int
    end: int
    cue: str
    governs: frozenset[str]
    """Content stems of the few words the cue governs, up to the end of its clause."""


@dataclass(frozen=True)
class Wording:
    """The words of a text: all a detector needs of the sentences around a passage."""

    vocabulary: frozenset[str]
    """Stems of every word of the canonical text (names included)."""
    lower_words: frozenset[str]
    """Words written in lower case in the text: common words, not names."""
    capitalised: frozenset[str] = frozenset()
    """Stems of the words written with a capital letter: the words that may be names ("State" of "State Duma", not
    the "state" of "state media")."""


@lru_cache(maxsize=8192)
def wording(text: str) -> Wording:
    """The :class:`Wording` of ``text`` (cached)."""
    return Wording(vocabulary=frozenset(map(stem, set(words(canonical(text))))),  # each distinct word stemmed once
                   lower_words=frozenset(re.findall(r"\b[a-z][a-z'’-]*", fold(text))),
                   capitalised=frozenset(map(stem, words(canonical(" ".join(re.findall(r"\b[A-Z][\w'’-]*", text)))))))


@dataclass(frozen=True)
class Analysis:
    """What one text says, parsed once. Offsets are into ``text``."""

    text: str
    role: Role
    anchor: date | None
    dates: tuple[DateSlot, ...]
    date_events: tuple[Event, ...]
    figures: tuple[Figure, ...]
    places: tuple[Place, ...]
    place_events: tuple[Event, ...]
    titles: tuple[Title, ...]
    """Titles the text gives named people ("Foreign Minister Choe Son-hui")."""
    negations: tuple[Negation, ...]
    denied: tuple[tuple[int, int], ...]
    """What a negation cue denies, from the cue to the end of its clause ("in Geneva, *not in Vienna*", "rather than
    *in September*"): a date or place there is not one the text states (see :func:`denied_spans`)."""
    plans: tuple[tuple[int, int, frozenset[str]], ...]
    """Plan / allegation cues ("plans to", "reportedly") with the stems of the words they govern."""
    modal: bool
    """The text itself is a plan, a hedge or an attitude ("will", "may", "plans to", "hoped that")."""
    stems: tuple[str, ...]
    """Content stems in order (see :func:`verify.evidence.text.content_stems`)."""
    word_stems: tuple[tuple[str, int, int], ...]
    """Every word's stem with its span."""
    wording: Wording
    reported: str | None
    """The content of an attribution ("X said Y" -> Y); None when there is none."""
    reporting: bool
    """The text is about what someone said, reported, hoped or accused others of (its speaker is content)."""
    dependent: bool
    """The text leans on the sentence before it ("He said ...")."""

    @cached_property
    def _denied(self) -> Spans:
        return Spans(self.denied)  # sorted once a text: a pass over every denial for each slot was quadratic

    def denies(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is what a negation cue denies ("not in Vienna"), not what the text states."""
        return self._denied.covers(start, end)


def words_around(text: str, q: Quantity) -> tuple[str | None, frozenset[str]]:
    """What a number counts, as the head of the words right after it ("8,000 coronavirus cases"
    -> "case", "2,000 yards of total offense" -> "yard"), and the content stems around it (to
    tell several numbers of one kind apart)."""
    after = re.sub(r"^\s*-\s*", " ", text[q.end:q.end + 60])  # "a 90-hour work week"
    phrase = []
    for m in re.finditer(r"[A-Za-z%$€£][A-Za-z'’-]*|\S", after):
        w = m.group(0).lower()
        if not w[0].isalpha() or w in STOPWORDS or len(phrase) == 3:
            break
        phrase.append(stem(w))
    first = re.match(r"\s*([A-Za-z]+)", after)
    # a length of days, weeks or hours written as one ("a six-day visit"; "day" is a word of news copy) counts days
    # (not years: "One-year summit anniversary" is an anniversary, "75 years of ties" a count of years)
    unit = q.unit in ("%", "usd", "eur", "krw") or (q.unit != "year" and first is not None
                                                     and stem(first.group(1)) == q.unit)
    head = phrase[-1] if phrase else (q.unit if unit else None)
    before = re.split(r"[,;:.()]", text[max(0, q.bound_start - 60):q.bound_start])[-1]
    near = [stem(w) for w in words(before.lower()) if w not in STOPWORDS and w[0].isalpha()][-3:]
    return head, frozenset(phrase) | frozenset(near)


def _ranks(text: str, skip: list[tuple[int, int]]) -> list[tuple[Quantity, str]]:
    """The ranks among those who did something ("the first nation to recognize"), each with the act it ranks as
    what it counts ("to recogn"): only a rank of the same act is compared with it. A rank of occasions ("the
    first visit to", "the second summit to") ranks no one who acts: not one of these."""
    dated = Spans(skip)
    return [(q, f"to {stem(verb)}") for q, verb, who in find_ranks(text)
            if verb not in STOPWORDS and not any(stem(w) in KIND_OF for w in who) and not dated.overlaps(q.start, q.start + 1)]


_NOT_DENYING = re.compile(r"\s*(?:until|till|before|after|later|earlier|more|less|fewer|only|just|least|most|long)\b",
                         re.IGNORECASE)
"""What makes a cue part of a bound or an idiom, denying nothing of what follows ("not until 1948" dates it to
1948; "no later than", "no more than", "not only ... but")."""


def _negation_cues(text: str) -> Iterator[re.Match[str]]:
    """The negation cues of ``text`` (matched in its folded form, same offsets), but a capitalised one inside a
    sentence: "featured in Never Say Die!" names a title, not a negation."""
    for m in NEG_RE.finditer(fold(text)):
        if not (m.group(0)[0].isupper() and not opens_sentence(text, m.start())):
            yield m


def denied_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The spans a negation cue denies: from the cue to the end of its clause ("held in Geneva, not in Vienna",
    "in October rather than in September", "was not held in Vienna")."""
    out = []
    for m in _negation_cues(text):
        if _NOT_DENYING.match(m.string, m.end()):
            continue
        # "not established until 1948" dates the establishing to 1948: the denial stops at "until"
        clause = re.split(r"[,;:()]|\s(?:and|but|while|whereas|until|till)\s", m.string[m.end():m.end() + 80])[0]
        out.append((m.start(), m.end() + len(clause)))
    return tuple(out)


_REFERENCE = re.compile(r"(?<=\w)\s+(?:before|after|until|till|since|prior\s+to)\s", re.IGNORECASE)
"""Where a negated act's time of reference begins: "had never met Putin *before their summit*" denies a meeting before
the summit, not the summit; the words after it are not what the cue governs. A cue straight before it ("never before
seen") governs what follows."""


def _negations(text: str) -> tuple[Negation, ...]:
    out = []
    for m in _negation_cues(text):
        clause = _REFERENCE.split(re.split(r"[,;:()]|\s(?:and|but|while|whereas)\s", text[m.end():m.end() + 80])[0])[0]
        after = [w for w in words(canonical(clause)) if w not in STOPWORDS][:4]
        out.append(Negation(m.start(), m.end(), m.group(0), frozenset(stem(w) for w in after)))
    return tuple(out)


def _plans(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    out = []
    for pm in MODAL_RE.finditer(fold(text)):
        governed = [w for w in words(canonical(text[pm.end():pm.end() + 60])) if w not in STOPWORDS][:3]
        out.append((pm.start(), pm.end(), frozenset(stem(w) for w in governed)))
    return tuple(out)


def analyse(text: str, role: Role = "passage", anchor: date | None = None,
            settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> Analysis:
    """The analysis of ``text``, cached: the same text (in the same role, with the same anchor)
    is parsed once, however the arguments are spelled.

    Args:
        text: a claim or a passage sentence.
        role: "passage" also reads the dates anniversaries imply ("the 70th anniversary ... in
            2018" -> 1948); a claim's figures are everything that is not one of its dates.
        anchor: the passage document's date ("last month", "the past century"). Defaults to None (such phrases
            date nothing; a claim is read without one).
        settings: which places the gazetteer knows. Defaults to :data:`verify.settings.EVIDENCE_DEFAULTS`.
    """
    known = _remembered.get((text, role, anchor, settings))
    return known if known is not None else _analyse(text, role, anchor, settings)


REMEMBERED = 8192
"""Analyses read from a store that :func:`analyse` keeps (the oldest go first)."""
_remembered: OrderedDict[tuple[str, Role, date | None, EvidenceSettings], Analysis] = OrderedDict()
_remembering = threading.Lock()


def is_remembered(text: str, role: Role, anchor: date | None, settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> bool:
    """Whether :func:`analyse` already holds a remembered analysis of ``text`` (no store need be read for it)."""
    return (text, role, anchor, settings) in _remembered


def remember(analyses: Iterable[Analysis], settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> None:
    """Hand :func:`analyse` analyses made earlier (read from the index's store of passage analyses,
    :mod:`verify.evidence.stored`), so that it returns them instead of parsing their texts again.

    Args:
        analyses: Records equal to what :func:`analyse` makes of their text, role and anchor.
        settings: The settings they were made with. Defaults to :data:`verify.settings.EVIDENCE_DEFAULTS`.
    """
    with _remembering:
        for a in analyses:
            _remembered[(a.text, a.role, a.anchor, settings)] = a
        while len(_remembered) > REMEMBERED:
            _remembered.popitem(last=False)


def clear_cache() -> None:
    """Forget the cached and remembered analyses."""
    _analyse.cache_clear()
    wording.cache_clear()
    with _remembering:
        _remembered.clear()


@lru_cache(maxsize=8192)
def _analyse(text: str, role: Role, anchor: date | None, settings: EvidenceSettings) -> Analysis:
    passage = role == "passage"
    dates = tuple(find_dates(text, anchor if passage else None, anniversaries=passage))
    written = [(d.start, d.end) for d in dates if not (passage and d.derived)]
    ranks = _ranks(text, written)
    ranked = Spans((r.start, r.end) for r, _ in ranks)
    quantities = [q for q in find_quantities(text, written) if not ranked.overlaps(q.start, q.start + 1)]
    slots = Spans([(d.start, d.end) for d in dates] + [(q.bound_start, q.unit_end) for q in quantities]
                  + [(r.start, r.unit_end) for r, _ in ranks])
    figures = tuple(Figure(q, *words_around(text, q), event_at(text, q.bound_start, q.unit_end, slots))
                    for q in quantities)
    figures += tuple(Figure(r, head, words_around(text, r)[1], event_at(text, r.start, r.unit_end, slots))
                     for r, head in ranks)
    dates += offset_dates(text, dates)
    places = tuple(find_places(text, settings))
    folded = fold(text)
    attitude = bool(ATTITUDE_RE.search(folded))
    return Analysis(
        text=text, role=role, anchor=anchor, dates=dates,
        date_events=tuple(event_at(text, d.start, d.end, slots, anniversary=d.derived and not d.relative) for d in dates),
        figures=figures, places=places,
        place_events=tuple(event_at(text, p.start, p.end, slots, nearest=True) for p in places),
        titles=tuple(find_titles(text)),
        negations=_negations(text), denied=denied_spans(text), plans=_plans(text),
        modal=bool(attitude or MODAL_RE.search(folded) or HEDGE_RE.search(folded)),
        stems=tuple(content_stems(text)),
        word_stems=tuple((stem(m.group(0).lower()), *m.span()) for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*", folded)),
        wording=wording(text),
        reported=strip_attribution(text), reporting=attitude or mentions_reporting(text), dependent=starts_dependent(text))
