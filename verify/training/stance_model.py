"""Fit the source-confidence model and write its card (``python -m verify.training.calibrate --stance``).

Three candidates are fitted on the same fit half of the training-side stance records (topics split
in two, :func:`verify.training.metrics.grouped_split`) and measured on the same held-out half:

- ``platt``: the Platt map of one number, the raw confidence (:func:`fit_platt`);
- ``unread``: a logistic regression over that number and whether a "none" is the word-share gate's
  (:data:`verify.scoring.confidence.UNREAD_FEATURE_NAMES`);
- ``model``: one logistic regression over all of each source's :class:`verify.models.StanceFeatures`
  (:func:`fit_confidence_model`).

The one with the lowest held-out ECE is written (the simpler on a tie, in that order; the Platt map in
the older two-number format; ``--write NAME`` chooses one outright); every candidate's figures and
weights go in the card either way, with a grouped 5-fold cross-validation over all the records.
"""

from __future__ import annotations

import math

import numpy as np

from verify.evaluation.per_source import OVERCONFIDENT, StanceRecord, shown_confidences
from verify.scoring.confidence import (
    CONFIDENCE_MODEL_FORMAT,
    FEATURE_NAMES,
    UNREAD_FEATURE_NAMES,
    Calibration,
    ConfidenceMap,
    ConfidenceModel,
    feature_vector,
    logit,
)
from verify.training.metrics import expected_calibration_error, grouped_folds

__all__ = ["CANDIDATES", "MODEL_C", "fit_candidate", "fit_confidence_model", "fit_platt", "fit_platt_records", "measure", "model_card"]

MODEL_C = 1.0
"""Inverse ridge strength of the model's fit (scikit-learn's default; not tuned)."""


def ceiling_of(n: int) -> float:
    """The most a map fitted on ``n`` stances says: it cannot tell 1 - 1/n from certainty."""
    return 1 - 1 / (n + 2)


def fit_confidence_model(records: list[StanceRecord], c: float = MODEL_C,
                         names: list[str] = FEATURE_NAMES) -> ConfidenceModel:
    """The logistic regression of "the stance is right" on the records' features ``names`` (default: all of
    them; scikit-learn's solver).

    Raises:
        ValueError: a record has no features, or the records are all right (or all wrong).
    """
    from sklearn.linear_model import LogisticRegression

    x = np.array([feature_vector(r.stance_features(), names) for r in records], dtype=np.float64)
    y = np.array([r.correct for r in records], dtype=int)
    fitted = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    return ConfidenceModel(tuple(float(w) for w in fitted.coef_[0]), float(fitted.intercept_[0]),
                           ceiling=ceiling_of(len(records)), features=tuple(names))


def fit_platt(confidences: list[float], correct: list[bool]) -> ConfidenceMap:
    """The Platt map ``sigmoid(a * logit(c) + b)`` of least log-loss (scikit-learn's solver, a weak ridge).

    The one Platt fit of the project (a hand-written Newton fit it replaced diverged, a ~ 2e5, when
    most stances sit at a raw confidence of 1.0, as sources with no judged passage do).
    """
    from sklearn.linear_model import LogisticRegression

    x = np.array([logit(c) for c in confidences], dtype=np.float64).reshape(-1, 1)
    model = LogisticRegression(C=100.0).fit(x, np.asarray(correct, dtype=int))
    return ConfidenceMap(float(model.coef_[0][0]), float(model.intercept_[0]), ceiling=ceiling_of(len(confidences)))


def fit_platt_records(records: list[StanceRecord]) -> Calibration:
    """The one-number Platt map of the records' raw confidences."""
    return fit_platt([r.confidence for r in records], [r.correct for r in records])


def log_loss(shown: list[float], correct: list[bool]) -> float:
    """Mean negative log-likelihood of ``correct`` under the shown confidences (clipped at 1e-6)."""
    if not shown:
        return 0.0
    return -sum(math.log(min(max(p if ok else 1 - p, 1e-6), 1.0)) for p, ok in zip(shown, correct)) / len(shown)


def measure(shown: list[float], correct: list[bool]) -> dict:
    """ECE, log-loss and wrong stances above :data:`OVERCONFIDENT` of some shown confidences."""
    return {"ece": round(expected_calibration_error(shown, correct), 4), "log_loss": round(log_loss(shown, correct), 4),
            "wrong_above_0.95": sum(p > OVERCONFIDENT and not ok for p, ok in zip(shown, correct))}


CANDIDATES = ("platt", "unread", "model")
"""The fits compared, simplest first (a tie goes to the earlier)."""


def fit_candidate(name: str, records: list[StanceRecord]) -> Calibration:
    """The candidate ``name`` (one of :data:`CANDIDATES`) fitted on ``records``."""
    if name == "platt":
        return fit_platt_records(records)
    return fit_confidence_model(records, names=UNREAD_FEATURE_NAMES if name == "unread" else FEATURE_NAMES)


def cross_validate(records: list[StanceRecord], folds: int, seed: int) -> dict:
    """Out-of-fold figures of every candidate over all ``records`` (grouped ``folds``-fold)."""
    fold = grouped_folds([r.group for r in records], folds, seed)
    shown: dict[str, list[float]] = {name: [0.0] * len(records) for name in CANDIDATES}
    for k in range(folds):
        train = [r for r, f in zip(records, fold) if f != k]
        test = [i for i, f in enumerate(fold) if f == k]
        for name in CANDIDATES:
            for i, p in zip(test, shown_confidences([records[i] for i in test], fit_candidate(name, train))):
                shown[name][i] = p
    correct = [r.correct for r in records]
    return {"folds": folds, "stances": len(records)} | {name: measure(shown[name], correct) for name in CANDIDATES}


def _weights(fitted: Calibration) -> dict:
    """A fit's numbers as the card writes them."""
    if isinstance(fitted, ConfidenceMap):
        return {"a": round(fitted.a, 4), "b": round(fitted.b, 4)}
    return {"features": list(fitted.features), "coefficients": [round(w, 5) for w in fitted.coefficients],
            "intercept": round(fitted.intercept, 5)}


def model_card(fit: list[StanceRecord], test: list[StanceRecord], previous: Calibration, folds: list[StanceRecord],
               seed: int, write: str = "auto") -> dict:
    """The calibration file's content: the chosen fit, its card and every candidate's figures.

    Args:
        fit: The fit half's records.
        test: The held-out half's records (other topics).
        previous: The map in use before this fit, measured on ``test`` for comparison.
        folds: The records the grouped 5-fold cross-validation runs over (both halves).
        seed: The seed of the folds.
        write: "auto" (the candidate of the lowest held-out ECE, the simpler on a tie) or one of
            :data:`CANDIDATES` (that one, whatever the figures). Defaults to "auto".
    """
    fitted = {name: fit_candidate(name, fit) for name in CANDIDATES}
    correct = [r.correct for r in test]
    held = {"raw": measure([r.confidence for r in test], correct)} | {
        name: measure(shown_confidences(test, f), correct) for name, f in fitted.items()}
    try:
        held["previous"] = measure(shown_confidences(test, previous), correct)
    except ValueError:  # a previous model over features these records lack cannot be measured on them
        pass
    chosen = write if write != "auto" else min(CANDIDATES, key=lambda name: held[name]["ece"])  # first of equals
    use = fitted[chosen]
    if isinstance(use, ConfidenceModel):
        head = {"format": CONFIDENCE_MODEL_FORMAT} | _weights(use) | {"ceiling": round(use.ceiling, 4),
                                                                     "fit_c": MODEL_C}
    else:
        head = _weights(use) | {"ceiling": round(use.ceiling, 4)}
    return head | {
        "chosen": chosen,
        "chosen_because": (f"--write {write}" if write != "auto" else
                           f"the lowest held-out ECE of the candidates ({', '.join(CANDIDATES)}; the simpler on a tie)"),
        "held_out_stances": len(test),
        "ece_raw_held_out": held["raw"]["ece"],
        "ece_held_out": held[chosen]["ece"],
        "ece_previous_map_held_out": held.get("previous", {}).get("ece"),
        "ece_in_sample": round(expected_calibration_error(shown_confidences(fit, use), [r.correct for r in fit]), 4),
        "wrong_above_0.95_held_out": held[chosen]["wrong_above_0.95"],
        "held_out": held,
        "cv_grouped": cross_validate(folds, 5, seed),
    } | {f"{name}_candidate": _weights(f) for name, f in fitted.items()}
