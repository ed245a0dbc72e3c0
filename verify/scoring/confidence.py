"""What a source's shown confidence is computed from, and the fitted maps that compute it.

A source's stance is decided first (:func:`verify.scoring.aggregate.source_stance`); the
confidence shown beside it is then a probability that the stance is right, from a map fitted by
``python -m verify.training.calibrate --stance``:

- :class:`ConfidenceMap`: the older map of one number, ``sigmoid(a * logit(c) + b)`` of the raw
  confidence (Platt scaling; the two-number file format);
- :class:`ConfidenceModel`: one logistic regression over the source's :class:`StanceFeatures`
  (the raw confidence and what the source's passages show about it), weights fitted and saved
  with a card like model weights.

Neither changes a stance: only the confidence shown (and the overall verdict's, built from it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from verify.errors import ModelError
from verify.models import StanceFeatures

__all__ = ["CONFIDENCE_MODEL_FORMAT", "FEATURE_NAMES", "UNREAD_FEATURE_NAMES", "Calibration", "ConfidenceMap", "ConfidenceModel",
           "feature_vector", "load_confidence_map", "logit", "stance_features"]

_CLIP = 1e-4
CONFIDENCE_MODEL_FORMAT = "crosscheck-stance-confidence/2"
"""The ``format`` of a calibration file that holds a :class:`ConfidenceModel`."""


def stance_features(stance: str, confidence: float, order: list[int], probs: np.ndarray, similarity: np.ndarray,
                    standalone: np.ndarray, coverage: np.ndarray, threshold: float,
                    read: Sequence[bool] = ()) -> StanceFeatures:
    """The features of a source whose judged passages gave ``stance`` at ``confidence``.

    Args:
        stance: The source's stance (see :func:`verify.scoring.aggregate.source_stance`).
        confidence: Its raw confidence.
        order: The passages, best evidence for the stance first (the stance result's order).
        probs: ``(n, 3)`` probabilities (supports, contradicts, neutral) with the neighbours' reading.
        similarity: ``(n,)`` retrieval similarities.
        standalone: ``(n, 3)`` probabilities of each sentence read alone.
        coverage: ``(n,)`` share of the claim's content words each passage holds.
        threshold: The probability a passage needs to take a side.
        read: ``(n,)`` whether the judge read each passage (False: set aside unread by the word-share gate,
            :func:`verify.scoring.aggregate.unread_neutral`). Defaults to empty: not known, taken as read.
    """
    rows = np.asarray(probs, dtype=np.float64).reshape(-1, 3).tolist()  # plain floats: a few of them, per source
    if not rows:
        return StanceFeatures(confidence=confidence, kind="none", passages=0)
    best = order[0]
    sup, con = max(r[0] for r in rows), max(r[1] for r in rows)
    side = {"supports": 0, "contradicts": 1}.get(stance)
    if stance == "mixed":
        side = int(rows[best][1] > rows[best][0])
    opposite = min(sup, con) if side is None or stance == "mixed" else (con if side == 0 else sup)
    alone = side is not None and float(np.asarray(standalone, dtype=np.float64).reshape(-1, 3)[best, side]) >= threshold
    return StanceFeatures(confidence=confidence, kind="none" if side is None else "mixed" if stance == "mixed"
                          else "sided", passages=len(rows), similarity=float(similarity[best]),
                          coverage=_unit(float(coverage[best])), opposite=_unit(opposite), alone=bool(alone),
                          unread=side is None and len(read) == len(rows) and not any(read))


def _unit(x: float) -> float:
    """``x`` clipped to [0, 1] (``np.clip`` of one number, without its call)."""
    return min(max(x, 0.0), 1.0)


def logit(p: float) -> float:
    """log(p / (1 - p)), with p clipped to [1e-4, 1 - 1e-4] (a raw confidence of 1.0 is common)."""
    c = min(max(float(p), _CLIP), 1 - _CLIP)
    return math.log(c / (1 - c))


def _none(f: StanceFeatures) -> float:
    return float(f.kind == "none")


def _sided(f: StanceFeatures) -> float:
    return float(f.kind != "none")


_FEATURES: dict[str, Callable[[StanceFeatures], float]] = {
    "sided": lambda f: float(f.kind == "sided"),
    "mixed": lambda f: float(f.kind == "mixed"),
    "logit_confidence": lambda f: logit(f.confidence),
    "none*similarity": lambda f: _none(f) * f.similarity,
    "none*coverage": lambda f: _none(f) * f.coverage,
    "none*has_passages": lambda f: _none(f) * float(f.passages > 0),
    "none*log1p_passages": lambda f: _none(f) * math.log1p(f.passages),
    "none*opposite": lambda f: _none(f) * f.opposite,
    "sided*similarity": lambda f: _sided(f) * f.similarity,
    "sided*coverage": lambda f: _sided(f) * f.coverage,
    "sided*log1p_passages": lambda f: _sided(f) * math.log1p(f.passages),
    "sided*opposite": lambda f: _sided(f) * f.opposite,
    "sided*alone": lambda f: _sided(f) * float(f.alone),
    "none*unread": lambda f: _none(f) * float(f.unread),
    "none*unread*similarity": lambda f: _none(f) * float(f.unread) * f.similarity,
}
"""Every input a confidence model may read, by name (a model file names the ones it was fitted on)."""


FEATURE_NAMES = list(_FEATURES)
"""The full model's inputs, in order (the intercept is the 'none' baseline). 'none' and a side read their
passages the other way round (an on-topic passage judged neutral makes a 'none' less sure and a side
surer), so each kind has its own weights for them; 'mixed' counts as sided with its own offset."""

UNREAD_FEATURE_NAMES = ["logit_confidence", "none*unread", "none*unread*similarity"]
"""The small model's inputs: the Platt map's one number, and whether a 'none' is the word-share gate's
rather than the judge's. A source whose retrieved passages all share none of the claim's words is
"none" at a raw confidence of 1.0, as is one with nothing retrieved, yet the passages were never read:
on the training-side per-source set, 5 of 1,099 sources with nothing retrieved are wrong, and 20 of 80
with passages set aside unread, 10 of the 13 retrieved at a similarity of 0.4 or more (README, Results,
thirteenth session)."""


def feature_vector(f: StanceFeatures, names: Sequence[str] = FEATURE_NAMES) -> list[float]:
    """The numbers ``names`` name (default: :data:`FEATURE_NAMES`), of one source's features."""
    return [_FEATURES[name](f) for name in names]


@dataclass(frozen=True)
class ConfidenceMap:
    """A fitted monotone map of a source's raw confidence to a probability of being right:
    ``sigmoid(a * logit(c) + b)`` (Platt scaling). The identity by default."""

    a: float = 1.0
    b: float = 0.0
    ceiling: float = 1.0
    """The most the map says: a fit on n stances cannot tell 1 - 1/n from certainty."""

    def __call__(self, confidence: float) -> float:
        return min(self.ceiling, float(1 / (1 + np.exp(-(self.a * logit(confidence) + self.b)))))

    def of(self, features: StanceFeatures) -> float:
        """The probability shown for a source with ``features`` (only its raw confidence counts here)."""
        return self(features.confidence)


@dataclass(frozen=True)
class ConfidenceModel:
    """One logistic regression from a source's :class:`StanceFeatures` to the probability that its
    stance is right (fitted by ``python -m verify.training.calibrate --stance``)."""

    coefficients: tuple[float, ...]
    intercept: float
    ceiling: float = 1.0
    """The most the model says (see :attr:`ConfidenceMap.ceiling`)."""
    features: tuple[str, ...] = tuple(FEATURE_NAMES)
    """The inputs the coefficients weigh, by name (:data:`FEATURE_NAMES` or :data:`UNREAD_FEATURE_NAMES`)."""

    def __post_init__(self):
        unknown = [name for name in self.features if name not in _FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown}; this version computes {FEATURE_NAMES}")
        if len(self.coefficients) != len(self.features):
            raise ValueError(f"a confidence model needs {len(self.features)} coefficients "
                             f"({', '.join(self.features)}), got {len(self.coefficients)}")

    def of(self, features: StanceFeatures) -> float:
        """The probability shown for a source with ``features``."""
        z = float(np.dot(self.coefficients, feature_vector(features, self.features))) + self.intercept
        return min(self.ceiling, 1 / (1 + math.exp(-z)) if z > -700 else 0.0)


Calibration = ConfidenceMap | ConfidenceModel
"""Either map: each has ``of(features)`` and a ``ceiling``."""


def load_confidence_map(path: Path | None) -> Calibration:
    """The source-confidence calibration in ``path`` (written by ``python -m verify.training.calibrate
    --stance``): a :class:`ConfidenceModel` (format 2: ``features``, ``coefficients``, ``intercept``)
    or, from an older file of two numbers (``a``, ``b``), a Platt :class:`ConfidenceMap`; the
    identity when ``path`` is None or missing.

    Raises:
        ModelError: the file exists but is not a calibration file (or names other features).
    """
    if path is None or not Path(path).exists():
        return ConfidenceMap()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        ceiling = float(data.get("ceiling", 1.0))
        if data.get("format") == CONFIDENCE_MODEL_FORMAT:
            return ConfidenceModel(tuple(float(c) for c in data["coefficients"]), float(data["intercept"]), ceiling,
                                   tuple(str(name) for name in data["features"]))
        return ConfidenceMap(float(data["a"]), float(data["b"]), ceiling)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"cannot read the stance calibration {path}: {exc}") from exc
