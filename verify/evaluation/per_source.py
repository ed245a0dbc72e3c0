"""Per-source stance scores: check claims, compare each source's stance with its gold stance.

Shared by the two per-source benchmarks (dev_claims over the bundled corpus, HealthVer dev as a
corpus) and by the stance calibration's training set. Conventions:

- a source without a gold entry that the report gives a side is scored against "none";
- a source the report does not list counts as "none" for the F1 but, showing no confidence, not
  for the ECE or the overconfidence count (``sided_gold_not_listed`` says how many sided gold
  sources that hid).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from verify.models import Report, StanceFeatures
from verify.scoring.confidence import Calibration, ConfidenceMap
from verify.training.metrics import accuracy, confusion, expected_calibration_error, macro_f1, resolve_gold

LOG = logging.getLogger(__name__)

STANCES = ["supports", "contradicts", "none"]
OVERCONFIDENT = 0.95
"""A wrong stance shown above this confidence is counted (issue 10's target: none)."""


class ClaimCase(BaseModel):
    """A claim to check, with the gold stance of the sources it is scored on."""

    model_config = ConfigDict(extra="ignore")

    id: str
    claim: str
    gold: dict[str, list[str]] = Field(description="source id -> acceptable stances")
    evidence: dict[str, str] = Field(default_factory=dict,
                                     description="source id -> phrase the first passage should hold")
    sources: list[str] | None = Field(default=None, description="the claim's corpus; None: every source")
    group: str | None = Field(default=None, description="topic, for grouped splits; defaults to the id")


class StanceRecord(BaseModel):
    """One listed source of one checked claim: its raw confidence, the features the confidence model
    reads, and whether its stance is right."""

    group: str
    confidence: float
    correct: bool
    features: StanceFeatures | None = Field(default=None, description="None in records written before they "
                                                                       "were kept")

    def stance_features(self) -> StanceFeatures:
        """The features a confidence model reads.

        Raises:
            ValueError: the record has no features.
        """
        if self.features is None:
            raise ValueError("these stance records were written before their features were kept: check the "
                             "claims again (calibrate --stance --records, or evaluate --json) to measure a "
                             "confidence model on them")
        return self.features


class PerSourceScores(BaseModel):
    """The scores of one per-source benchmark and the records the calibration reads."""

    scores: dict
    records: list[StanceRecord]


def check_cases(verifier, cases: list[ClaimCase], progress: Callable[[int, int], None] | None = None) -> list[Report]:
    """Each case's report, checked against its own corpus (cases sharing one are batched). A case's own
    sources are each listed (``all_sources``), however many it has: each one's stance is scored."""
    batches: dict[tuple[str, ...] | None, list[int]] = {}
    for i, case in enumerate(cases):
        batches.setdefault(None if case.sources is None else tuple(sorted(case.sources)), []).append(i)
    reports: list[Report | None] = [None] * len(cases)
    done = 0
    for sources, members in batches.items():
        claims = [cases[i].claim for i in members]
        for i, report in zip(members, verifier.check_many(claims, sources=sources, all_sources=sources is not None)):
            reports[i] = report
        done += len(members)
        if progress:
            progress(done, len(cases))
    return reports  # type: ignore[return-value]


def _log_progress(done: int, total: int) -> None:
    """Log every tenth of the claims checked."""
    if done == total or done * 10 // total != (done - 1) * 10 // total:
        LOG.info("checked %d of %d claims", done, total)


def score_cases(verifier, cases: list[ClaimCase], confidence_map: Calibration | None = None,
                verbose: bool = False) -> PerSourceScores:
    """Check every case (uncalibrated verifier) and score the sources' stances.

    Args:
        verifier: A verifier whose reports carry raw source confidences (no stance calibration).
        cases: The claims and their gold stances.
        confidence_map: The stance calibration to measure (ECE, overconfidence) beside the raw
            confidences. Defaults to None: the identity.
        verbose: Log each wrong stance and each missed evidence phrase. Defaults to False.

    Returns:
        The scores and one record per listed scored source.
    """
    mapped = confidence_map or ConfidenceMap()
    gold, pred, hits, ev_total, unlisted = [], [], 0, 0, 0
    records: list[StanceRecord] = []
    for case, report in zip(cases, check_cases(verifier, cases, _log_progress)):
        by_source = {s.source_id: s for s in report.sources}
        sided = {s.source_id: ["none"] for s in report.sources if s.stance != "none"}
        for source_id, acceptable in (sided | case.gold).items():
            sv = by_source.get(source_id)
            stance = sv.stance if sv else "none"
            g = resolve_gold(acceptable, stance)
            gold.append(g)
            pred.append(stance)
            if sv:
                records.append(StanceRecord(group=case.group or case.id, confidence=sv.confidence,
                                            correct=stance == g, features=sv.features))
            else:
                unlisted += g != "none"
            phrase = case.evidence.get(source_id)
            if phrase and g != "none":
                ev_total += 1
                first = sv.passages[0].text if sv and sv.passages else ""
                hits += phrase.lower() in first.lower()
            if verbose and stance != g:
                top = sv.passages[0].text[:150] if sv and sv.passages else ""
                LOG.warning("MISS %s %s gold=%s pred=%s (%.2f) :: %s :: %r", case.id, source_id, acceptable,
                            stance, sv.confidence if sv else 0.0, case.claim, top)
    scores = {
        "claims": len(cases), "pairs": len(gold), "listed": len(records),
        "stance_accuracy": accuracy(gold, pred), "stance_macro_f1": macro_f1(gold, pred, STANCES),
        "evidence_top1_hit": hits / ev_total if ev_total else 0.0, "evidence_pairs": ev_total,
        "sided_gold_not_listed": unlisted, "confusion": confusion(gold, pred),
    } | confidence_scores(records, mapped)
    return PerSourceScores(scores=scores, records=records)


def shown_confidences(records: list[StanceRecord], confidence_map: Calibration) -> list[float]:
    """The confidence ``confidence_map`` shows for each record (a one-number map reads the raw
    confidence alone, so it measures records without features too)."""
    if isinstance(confidence_map, ConfidenceMap):
        return [confidence_map(r.confidence) for r in records]
    return [confidence_map.of(r.stance_features()) for r in records]


def confidence_scores(records: list[StanceRecord], confidence_map: Calibration) -> dict:
    """ECE and wrong stances above :data:`OVERCONFIDENT`, of the raw and of the mapped confidences."""
    raw = [r.confidence for r in records]
    shown = shown_confidences(records, confidence_map)
    correct = [r.correct for r in records]
    return {"stance_ece_raw": expected_calibration_error(raw, correct),
            "stance_ece": expected_calibration_error(shown, correct),
            "wrong_above_0.95": sum(c > OVERCONFIDENT and not ok for c, ok in zip(shown, correct)),
            "wrong_above_0.95_raw": sum(c > OVERCONFIDENT and not ok for c, ok in zip(raw, correct))}
