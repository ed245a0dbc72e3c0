"""A check's report from its judged passages: detectors per passage, a stance per source, the verdict.

The report lists the sources that had a judged passage; the others checked (every source
of the index, or the sources the user chose) are counted (``Report.sources_without_evidence``)
and listed only when asked (``all_sources``) or when the user chose at most
``Settings.list_chosen`` sources (a few picked by name: each one's "nothing relevant" is an
answer). Titles and dates come from the index's in-memory table, read only for the sources
listed: a report never costs one read per source checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from functools import cache, partial

import numpy as np

from index.models import Hit, SourceSummary
from index.store.claim_index import ClaimIndex
from verify.evidence.detection import PLAN_KINDS, Detection
from verify.evidence.detectors import context_modality, detect
from verify.evidence.document_year import document_year
from verify.evidence.names import FullName, full_names, known_names
from verify.evidence.text import starts_dependent
from verify.models import Mismatch, Passage, Probabilities, Report, SourceVerdict
from verify.scoring.aggregate import (
    combine,
    label_of,
    overall_verdict,
    read_same_event,
    retrieval_gate,
    source_stance,
    unread_neutral,
)
from verify.scoring.confidence import Calibration, StanceFeatures, stance_features
from verify.scoring.independence import group_sources, independent_stances
from verify.scoring.reasons import passage_reasons
from verify.settings import Settings

__all__ = ["assemble_report", "detect_hits", "iso_date", "neighbours", "probabilities"]

_RANK = {"supports": 0, "contradicts": 0, "mixed": 0, "none": 1}


def probabilities(p: np.ndarray) -> Probabilities:
    """The report's rounded probabilities of a ``(supports, contradicts, neutral)`` array."""
    s, c, n = (min(max(x, 0.0), 1.0) for x in np.asarray(p, dtype=np.float64).tolist())
    return Probabilities(supports=round(s, 4), contradicts=round(c, 4), neutral=round(n, 4))


def iso_date(value: str | None) -> date | None:
    """The date of an ISO date string (its first 10 characters); None when there is none."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class _Judged:
    """A retrieved passage as judged: what the report shows and what the source's stance needs."""

    passage: Passage
    probs: np.ndarray
    """Probabilities after the detectors (with the neighbours' reading)."""
    similarity: float
    row: int
    """The sentence's row in the index."""
    alone: np.ndarray
    """Probabilities of the sentence read without its neighbours, after the detectors."""
    anchor: int
    """1: all the claim's dates/numbers confirmed; -1: one contradicted; 0: neither."""
    coverage: float
    """Share of the claim's content words the passage holds."""
    source_id: str
    read: bool
    """False when the word-share gate set it aside unread (:func:`~verify.scoring.aggregate.unread_neutral`)."""


def detect_hits(index: ClaimIndex, claim: str, hits: list[Hit], names: frozenset[str], settings: Settings,
                contexts: list[str] | None = None) -> list[Detection]:
    """What the detectors find in each retrieved passage of ``claim``, before any judge reads it.

    Args:
        names: Words the corpus writes as names (the claim's are added here).
        contexts: ``index.context`` of each hit, when the caller has read them. Defaults to None: read here.
    """
    names = names | known_names([claim])  # once a claim: the corpus's names are a set as large as its vocabulary
    found = []
    for hit, context in zip(hits, contexts or [None] * len(hits)):
        sent = index.sentences[hit.sentence]
        # names may sit in a neighbouring sentence ("... in Pyongyang. The ambassador attended ...");
        # a sentence that leans back ("These letters ...") is read with two sentences before it
        context = index.context(hit.sentence) if context is None else context
        wider = index.context(hit.sentence, 2) if starts_dependent(sent.text) else context
        found.append(_detect_in(index, sent.source_id, claim, sent.text, wider, names, settings))
    return found


def _detect_in(index: ClaimIndex, source_id: str, claim: str, text: str, context: str, names: frozenset[str],
               settings: Settings) -> Detection:
    """:func:`detect` of ``text``, a sentence of the source ``source_id``, with what the index knows of its source."""
    summary = index.summary(source_id)
    # whom a bare surname stands for is read from the passage's document, only when the detectors ask
    # (they read the claim whatever its letter case: a check here on the claim as typed missed "kim jong il")
    return detect(claim, text, context, anchor=iso_date(summary.date), names=names, settings=settings.evidence,
                  document_names=partial(_document_names, index, source_id), publisher=summary.publisher,
                  document_year=partial(_document_year, index, source_id))


def neighbours(context: str, text: str) -> tuple[str, ...]:
    """The sentences around ``text`` in its ``context`` (``index.context``: the sentence with its neighbours joined by
    single spaces)."""
    at = context.find(text)
    return () if at < 0 else tuple(n for n in (context[:at].strip(), context[at + len(text):].strip()) if n)


_SLOT_KINDS = {"date": "date", "number": "number", "place": "place", "broader_place": "place", "title": "title"}


def _neighbours_differ(index: ClaimIndex, claim: str, hit: Hit, context: str, found: Detection,
                       names: Callable[[], frozenset[str]], settings: Settings) -> list[Mismatch]:
    """Where the neighbours, not the sentence, support the claim: the slots a neighbour gives otherwise than the
    claim and the sentence does not confirm ("held a summit in Russia last month" beside "... exchanged messages",
    for "last month's summit took place in Moscow"). Such a window cannot confirm the claim (a soft finding: the
    neighbour, retrieved on its own, is read as itself). ``names``: the corpus's and the claim's, read once a claim
    and only when a passage needs them."""
    sent = index.sentences[hit.sentence]
    out = []
    for neighbour in neighbours(context, sent.text):
        other = _detect_in(index, sent.source_id, claim, neighbour, context, names(), settings)
        out += [Mismatch(kind="neighbour", claim=m.claim, passage=None,
                         detail=f"the sentence beside it, read with it, gives it otherwise ({m.detail})")
                for m in other.mismatches if m.kind in _SLOT_KINDS and not found.agreed[_SLOT_KINDS[m.kind]]]
    return out


def _document_year(index: ClaimIndex, source_id: str) -> int | None:
    """The year a source's own text places it in, where the index has no date for it (read once a text: cached)."""
    return document_year(index.documents[source_id].text)


def _document_names(index: ClaimIndex, source_id: str) -> tuple[FullName, ...]:
    """The full names a source's text writes (its text read, and the names found, once: both are cached)."""
    return full_names(index.documents[source_id].text)


def _judged(index: ClaimIndex, claim: str, hit: Hit, p: np.ndarray, alone: np.ndarray, found: Detection,
            settings: Settings, context: str | None = None,
            names: Callable[[], frozenset[str]] = frozenset) -> _Judged:
    """One retrieved passage with the detectors' reading of it (``context``: ``index.context`` of
    the hit, when the caller has read it already; ``names``: the corpus's and the claim's, see
    :func:`_neighbours_differ`)."""
    scoring = settings.scoring
    sent = index.sentences[hit.sentence]
    context = index.context(hit.sentence) if context is None else context
    if p[0] > alone[0] + 0.05 and p[0] >= 0.5:  # the neighbours, not the sentence, support it
        planned = context_modality(claim, context)
        if planned and not any(m.kind in PLAN_KINDS for m in found.mismatches):
            found.mismatches.append(planned)
        found.mismatches += _neighbours_differ(index, claim, hit, context, found, names, settings)
    if not any(m.kind in PLAN_KINDS for m in found.mismatches):  # a plan's date says nothing of the event's
        # the sentence's own reading: the slot differs in the sentence, and a neighbour's support is the neighbour's
        read_same_event(alone, found, settings.stance_threshold)
    adjusted = retrieval_gate(combine(p, found, scoring), found, scoring)
    label = label_of(adjusted)
    read = not unread_neutral(found, scoring)
    passage = Passage(text=sent.text, start=sent.start, end=sent.end, label=label,
                      probabilities=probabilities(adjusted), similarity=round(float(hit.similarity), 4),
                      context=context, kind=sent.kind, mismatches=found.mismatches,
                      reasons=passage_reasons(label, p, found, scoring, read=read))
    return _Judged(passage=passage, probs=adjusted, similarity=float(hit.similarity), row=hit.sentence,
                   alone=retrieval_gate(combine(alone, found, scoring), found, scoring),
                   anchor=-1 if found.hard else int(0 < found.claim_slots == found.agreements),
                   coverage=found.alignment, source_id=sent.source_id, read=read)


def _listed(index: ClaimIndex, judged: Collection[str], sources: Collection[str] | None,
            all_sources: bool, list_chosen: int) -> tuple[list[SourceSummary], int]:
    """The sources a report lists, in index order, and how many sources the check covered."""
    positions = index.rows.source_ids
    if sources is not None:
        chosen = [s for s in dict.fromkeys(sources) if s in positions]
        listed = chosen if all_sources or len(chosen) <= list_chosen else judged
        return [index.summary(s) for s in sorted(listed, key=positions.__getitem__)], len(chosen)
    if all_sources:
        return index.source_summaries(), len(positions)
    return [index.summary(s) for s in sorted(judged, key=positions.__getitem__)], len(positions)


def assemble_report(index: ClaimIndex, claim: str, hits: list[Hit], probs: np.ndarray, own: np.ndarray, *,
                    detections: list[Detection], settings: Settings, confidence_map: Calibration,
                    sources: Collection[str] | None = None, all_sources: bool = False,
                    contexts: list[str] | None = None, names: frozenset[str] = frozenset()) -> Report:
    """The report of one claim from its judged passages.

    Args:
        index: The index the passages come from.
        claim: The claim.
        hits: The judged passages.
        probs: The judge's probabilities of each hit read with its neighbours, ``(len(hits), 3)``.
        own: The same for each sentence read alone.
        detections: :func:`detect_hits` of ``hits``: the caller chose from them which passages to judge
            (those :func:`~verify.scoring.aggregate.unread_neutral` settles have (0, 0, 1) in ``probs``).
        settings: ``stance_threshold``, ``passages_shown`` and ``list_chosen``.
        confidence_map: Maps a source's stance features (:mod:`verify.scoring.confidence`) to the
            probability shown.
        sources: The sources the user chose (the sources checked): each is listed when at most
            ``settings.list_chosen`` were chosen. Defaults to None: all sources.
        all_sources: List every source checked, those without a judged passage too. Defaults to False.
        contexts: ``index.context`` of each hit, when the caller has read them for the judge
            (each is then read once a check). Defaults to None: read here.
        names: Words the corpus writes as names, as :func:`detect_hits` takes them (for the neighbours of a
            passage they support it through). Defaults to none.

    Returns:
        The report; ``sources_without_evidence`` counts the sources checked (chosen, or all) with no
        judged passage, listed or not.
    """
    by_source: dict[str, list[_Judged]] = defaultdict(list)
    # the corpus's names and the claim's, as detect_hits reads them: a set as large as the corpus's vocabulary, so
    # built once a claim, and only where a passage's neighbours are read
    with_claim = cache(lambda: names | known_names([claim]))
    for h, p, alone, found, context in zip(hits, probs, own, detections, contexts or [None] * len(hits)):
        judged = _judged(index, claim, h, p, alone, found, settings, context, with_claim)
        by_source[judged.source_id].append(judged)
    listed, covered = _listed(index, by_source, sources, all_sources, settings.list_chosen)
    verdicts, best_row = [], {}
    for doc in listed:
        items = by_source.get(doc.source_id, [])
        about = {"source_id": doc.source_id, "title": doc.title, "publisher": doc.publisher, "date": doc.date,
                 "url": doc.url}
        if not items:
            features = StanceFeatures(confidence=1.0, kind="none", passages=0)
            verdicts.append(SourceVerdict(**about, stance="none", confidence=round(confidence_map.of(features), 4),
                                          features=features))
            continue
        # the source's passages as arrays, once for its stance and for its features
        readings = np.array([j.probs for j in items])
        similarity, standalone = np.array([j.similarity for j in items]), np.array([j.alone for j in items])
        coverage = np.array([j.coverage for j in items])
        result = source_stance(readings, similarity, settings.stance_threshold, standalone=standalone,
                               anchors=np.array([j.anchor for j in items]), coverage=coverage,
                               settings=settings.scoring)
        best_row[doc.source_id] = items[result.order[0]].row
        features = stance_features(result.stance, result.confidence, result.order, readings, similarity, standalone,
                                   coverage, settings.stance_threshold, read=[j.read for j in items])
        verdicts.append(SourceVerdict(**about, stance=result.stance, confidence=round(confidence_map.of(features), 4),
                                      features=features,
                                      passages=[items[i].passage for i in result.order[: settings.passages_shown]]))
    verdicts.sort(key=lambda v: (_RANK[v.stance], -v.confidence if v.stance != "none" else 0,
                                 -(v.passages[0].similarity if v.passages else -1)))
    # Wire copies of one story are one origin: group them, and count each group once.
    sided = [v for v in verdicts if v.stance != "none" and v.source_id in best_row]
    vectors = index.vectors_at(np.array([best_row[v.source_id] for v in sided], dtype=np.int64)) if sided else None
    groups = group_sources([(v.source_id, v.passages[0].text) for v in sided], vectors)
    group_of = {source_id: n for n, members in enumerate(groups) for source_id in members}
    verdicts = [v.model_copy(update={"group": group_of.get(v.source_id)}) for v in verdicts]
    verdict, confidence = overall_verdict(independent_stances(verdicts, groups))
    confidence = min(confidence, confidence_map.ceiling)  # sources agreeing: still no certainty
    return Report(claim=claim, verdict=verdict, confidence=round(confidence, 4), sources=verdicts, groups=groups,
                  sources_without_evidence=covered - len(by_source))
