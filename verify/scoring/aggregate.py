"""Pure aggregation: detector-adjusted probabilities, per-source stance, overall verdict.

Works on plain arrays and small records so it is testable without any model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from verify.evidence.detectors import Detection
from verify.judge.nli_model import LABELS
from verify.settings import SCORING_DEFAULTS, ScoringSettings

SUP, CON, NEU = 0, 1, 2


def _soft_share(kind: str, support: float, in_context: bool, settings: ScoringSettings) -> float:
    """Share of "supports" a soft mismatch of ``kind`` moves to "neutral" (see ``ScoringSettings``)."""
    if kind == "entity" and not in_context:
        return settings.pair_entity_share
    if kind == "entity" and support >= settings.entity_trusted_support:
        return settings.entity_trusted_share
    return settings.soft_block[kind]


def _floats(probs) -> list[float]:
    """The three probabilities of one pair as Python floats (exact: float32 and float64 both widen to a
    Python float). A check scores ~36 passages, each a few times: plain floats cost a tenth of what
    numpy's per-element indexing of 3-element arrays did, with the same IEEE arithmetic."""
    return probs.tolist() if isinstance(probs, np.ndarray) else [float(x) for x in probs]


def _normalised(s: float, c: float, n: float) -> np.ndarray:
    total = s + c + n  # numpy's sum of three: left to right
    return np.array((s / total, c / total, n / total))


def combine(probs: np.ndarray, found: Detection, settings: ScoringSettings = SCORING_DEFAULTS) -> np.ndarray:
    """Adjust one pair's NLI probabilities with what the detectors found.

    - A hard mismatch (number, date, negation, antonym) on an aligned passage makes
      "contradicts" at least 0.6-0.95, growing with the alignment.
    - A soft mismatch (plan vs fact, missing name, unstated "first") moves the
      "supports" mass to "neutral": the passage cannot confirm the claim.
    - A passage that holds (almost) all of the claim's content words and confirms each of
      its dates and numbers (at least one; or, retrieved from the corpus, holds 85% of a claim
      without any) gets "supports" of at least 0.5-0.9, unless the model reads a contradiction
      in it (word order, roles: what overlap cannot see).

    The shares and thresholds are ``settings``' (defaults: :data:`verify.settings.SCORING_DEFAULTS`).

    Returns:
        A new ``(supports, contradicts, neutral)`` float64 array summing to 1.
    """
    s, c, n = _floats(probs)
    if found.hard:
        target = 0.6 + 0.35 * min(1.0, max(found.alignment, found.topic_alignment))
        if c < target:
            rest = s + n
            scale = (1 - target) / rest if rest > 0 else 0.0
            s, n, c = s * scale * 0.2, n * scale + s * scale * 0.8, target
        return _normalised(s, c, n)
    soft = found.soft
    if soft:
        share = max(_soft_share(m.kind, s, found.in_context, settings) for m in soft)
        was_support = s >= max(s, c, n)
        n += share * s
        s *= 1 - share
        if was_support and c >= n:
            n = c + 0.01  # "cannot confirm" is not "contradicts"
    elif (found.alignment >= settings.floor_alignment and found.claim_slots == found.agreements and c < 0.5
          and (found.claim_slots > 0 or (found.in_context and found.alignment >= settings.slotless_floor_alignment))):
        at = settings.floor_alignment
        floor = 0.5 + 0.4 * min(1.0, (found.alignment - at) / max(1 - at, 0.1))
        if s < floor:
            rest = c + n
            scale = (1 - floor) / rest if rest > 0 else 0.0
            c, n, s = c * scale, n * scale, floor
    return _normalised(s, c, n)


def retrieval_gate(probs: np.ndarray, found: Detection, settings: ScoringSettings = SCORING_DEFAULTS) -> np.ndarray:
    """A stricter bar for contradictions among retrieved passages.

    A source's stance takes the strongest of several retrieved passages, so a
    contradiction read into a passage on a neighbouring topic would count many
    times over. Without a hard mismatch, a retrieved passage must share 60% of the
    claim's content words to contradict it fully (none below 30%); and one that shares
    under ``settings.support_gate`` of them and confirms none of the claim's dates or numbers
    cannot fully support it either.

    Returns:
        A new ``(supports, contradicts, neutral)`` float64 array.
    """
    s, c, n = _floats(probs)
    if found.hard:
        return np.array((s, c, n))
    c, n = _to_neutral(c, n, 1 - min(max((found.alignment - 0.3) / 0.3, 0.0), 1.0))
    if any(m.kind in ("entity", "namesake") for m in found.mismatches):
        # a passage that never names the claim's place or person is about something else
        c, n = _to_neutral(c, n, settings.unnamed_contradiction_share)
    if found.names_only and not found.agreements:
        # nor does one that shares only the claim's names and tells of another kind of event ("N. Korea, Russia hold
        # celebrations" for "North Korea and Russia denied making arms deals"): it says nothing of what they did
        c, n = _to_neutral(c, n, 1.0)
    if found.alignment < settings.support_gate and not found.agreements:
        # the mirror image: a passage on the same topic with almost none of the claim's words
        # ("attended a banquet to mark the anniversary" for "sent a letter for the anniversary")
        s, n = _to_neutral(s, n, 1 - found.alignment / settings.support_gate)
    return np.array((s, c, n))


def read_same_event(probs: np.ndarray, found: Detection, threshold: float) -> None:
    """Put back the date, figure or place differences the word-share gate set aside
    (:attr:`Detection.off_topic`) when the judge reads the passage as support of the claim anyway
    (``supports`` at least ``threshold``, the probability a passage needs to take a side): it then
    speaks of the claim's event in other words ("forged ties ... on Oct. 12, 1948" for "established
    relations on October 12, 1949"), and the judge's "supports" overlooks the slot it gets wrong.
    Call before :func:`combine`."""
    if found.off_topic and _floats(probs)[SUP] >= threshold:
        found.read_as_same_event()


def unread_neutral(found: Detection, settings: ScoringSettings = SCORING_DEFAULTS) -> bool:
    """Whether :func:`retrieval_gate` makes the passage neutral whatever the judge reads in it.

    With no hard mismatch, no confirmed date or figure and none of the claim's content words,
    the gate moves all of "contradicts" (alignment at most 0.3) and all of "supports" (alignment 0,
    below ``settings.support_gate``) to "neutral", after any :func:`combine`: such a retrieved
    passage need not be judged (a check judges only the others; ``tests/test_unread.py``).
    """
    return not found.hard and not found.agreements and found.alignment <= 0 and settings.support_gate > 0


def _to_neutral(side: float, neutral: float, share: float) -> tuple[float, float]:
    """``(side, neutral)`` after ``share`` of ``side`` moved to neutral."""
    moved = side * share
    return side - moved, neutral + moved


def more_decisive(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Of two readings of one pair, the one that commits more to supports or contradicts."""
    return a if max(a[SUP], a[CON]) >= max(b[SUP], b[CON]) else b


def label_of(p: np.ndarray) -> str:
    """The label of the most probable of ``(supports, contradicts, neutral)`` (the first on a tie)."""
    s, c, n = _floats(p)
    return LABELS[0 if s >= c and s >= n else 1 if c >= n else 2]


@dataclass(frozen=True)
class StanceResult:
    stance: str
    confidence: float
    order: list[int]
    """Passage indices, best evidence for the stance first."""


def _rows(values) -> list[list[float]]:
    """An ``(n, 3)`` array-like as rows of Python floats."""
    return np.asarray(values, dtype=np.float64).reshape(-1, 3).tolist()


def _column(values) -> list[float]:
    """An ``(n,)`` array-like as Python floats."""
    return np.asarray(values, dtype=np.float64).ravel().tolist()


def _round2(x: float) -> float:
    """``np.round(x, 2)``: numpy scales by 100, rounds half to even and divides; so does this."""
    return round(x * 100.0) / 100.0


def _evidence_order(probs: list[list[float]], standalone: list[list[float]] | None, side: int, threshold: float,
                    coverage: list[float] | None, coverage_weight: float) -> list[int]:
    """Passages by their support for ``side``; those whose sentence shows it by itself (not
    only read with its neighbours) first, and among the rest the one whose own sentence shows
    most of it: the quote shown is the one that says it. (Python's sort is stable, as the
    numpy sorts were.)"""
    if standalone is None:
        return sorted(range(len(probs)), key=lambda i: -probs[i][side])

    def key(i: int) -> tuple[float, float, float, float]:
        own = standalone[i][side] + (coverage_weight * coverage[i] if coverage is not None else 0.0)
        # then those that show it with their neighbours, by what their own sentence shows
        return (-float(standalone[i][side] >= threshold), -float(probs[i][side] >= threshold), -_round2(own),
                -probs[i][side])

    return sorted(range(len(probs)), key=key)


def source_stance(probs: np.ndarray, similarity: np.ndarray, threshold: float = 0.5,
                  standalone: np.ndarray | None = None, anchors: np.ndarray | None = None,
                  coverage: np.ndarray | None = None, settings: ScoringSettings = SCORING_DEFAULTS) -> StanceResult:
    """Stance of one source from all of its judged passages.

    Args:
        probs: ``(n, 3)`` adjusted probabilities (supports, contradicts, neutral).
        similarity: ``(n,)`` retrieval similarity, used to order neutral evidence.
        threshold: probability a passage needs to make the source take that side.
        standalone: ``(n, 3)`` probabilities of each passage read without its neighbouring
            sentences; when given, passages that reach ``threshold`` on their own are
            listed first. The stance itself comes from ``probs``.
        anchors: ``(n,)`` what the detectors found of the claim's dates and numbers in each
            passage: 1 all confirmed, -1 one contradicted, 0 neither (or the claim has none).
            When both sides are strong, a side whose best passage is anchored that way wins
            over one whose best passage never touches the claim's slots: "the 75th anniversary
            of ties" supports "75 years of ties" more surely than a model's unanchored
            contradiction from "forged ties in 1948" refutes it.
        coverage: ``(n,)`` share of the claim's content words each passage holds; orders
            passages that show the stance equally well (see ``ScoringSettings.coverage_weight``).
        settings: the margin of "mixed" and the coverage weight. Defaults to
            :data:`verify.settings.SCORING_DEFAULTS`.
    """
    probs = _rows(probs)
    if not probs:
        return StanceResult("none", 1.0, [])
    if standalone is not None:
        standalone = _rows(standalone)
    if coverage is not None:
        coverage = _column(coverage)
    best_sup, best_con = max(p[SUP] for p in probs), max(p[CON] for p in probs)
    by_sup = _evidence_order(probs, standalone, SUP, threshold, coverage, settings.coverage_weight)
    by_con = _evidence_order(probs, standalone, CON, threshold, coverage, settings.coverage_weight)
    if best_sup >= threshold and best_con >= threshold and abs(best_sup - best_con) < settings.mixed_margin:
        if anchors is not None:
            a_sup, a_con = anchors[by_sup[0]], anchors[by_con[0]]
            if a_sup > 0 and a_con == 0:
                return StanceResult("supports", best_sup, by_sup)
            if a_con < 0 and a_sup == 0:
                return StanceResult("contradicts", best_con, by_con)
        first = by_sup[0] if best_sup >= best_con else by_con[0]
        second = by_con[0] if first == by_sup[0] else by_sup[0]
        rest = [i for i in by_sup if i not in (first, second)]
        return StanceResult("mixed", min(best_sup, best_con), [first, second, *rest])
    if best_sup >= threshold and best_sup >= best_con:
        return StanceResult("supports", best_sup, by_sup)
    if best_con >= threshold:
        return StanceResult("contradicts", best_con, by_con)
    similarity = _column(similarity)
    order = sorted(range(len(similarity)), key=lambda i: -similarity[i])
    return StanceResult("none", 1 - max(best_sup, best_con), order)


def overall_verdict(stances: list[tuple[str, float]]) -> tuple[str, float]:
    """The verdict over sources from their ``(stance, confidence)`` pairs.

    Returns:
        ``(verdict, confidence)``: supported / contradicted when the sources that take a
        side agree (confidence: noisy-OR of theirs), conflicting when they disagree
        (confidence: the weaker side's best), not_enough_evidence when none takes a side.
    """
    sup = [c for s, c in stances if s in ("supports", "mixed")]
    con = [c for s, c in stances if s in ("contradicts", "mixed")]
    if sup and con:
        return "conflicting", float(min(max(sup), max(con)))
    if sup:
        return "supported", float(1 - np.prod([1 - c for c in sup]))
    if con:
        return "contradicted", float(1 - np.prod([1 - c for c in con]))
    none = [c for s, c in stances if s == "none"]
    return "not_enough_evidence", float(min(none)) if none else 1.0
