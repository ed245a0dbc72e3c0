"""Which context windows a check judges beyond the exact skip: a small fitted gate (off by default).

The readings (:mod:`verify.judge.readings`) judge each passage's sentence first and its context
window only where the sentence is not decided. This gate can skip more windows: from what is
known before the window is judged (the sentence's own reading, the retrieval similarity, the
share of the claim's content words the sentence holds and the share the window adds), a logistic
regression estimates the chance that the window's reading is the one kept; a window below
``Settings.context_gate`` is not judged. It is approximate: a skipped window that would have been
kept changes that passage's probabilities. Fitted on training-side corpora only
(``python -m verify.training.pair_usage fit``), written to ``models/context_gate.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from verify.errors import ModelError
from verify.evidence.text import coverage

FEATURES = ["sentence_side", "sentence_neutral", "similarity", "sentence_coverage", "window_gain"]


class ContextGate(BaseModel):
    """A fitted logistic regression over :data:`FEATURES`, and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    features: list[str]
    coefficients: list[float]
    intercept: float
    fitted_on: str
    command: str

    def chance(self, x: np.ndarray) -> np.ndarray:
        """The estimated chance that each window's reading is kept, from ``(n, len(FEATURES))`` features."""
        z = np.asarray(x, dtype=np.float64) @ np.asarray(self.coefficients) + self.intercept
        return 1 / (1 + np.exp(-z))


def window_features(claims: list[str], sentences: list[str], windows: list[str | None], similarity: np.ndarray,
                    alone: np.ndarray) -> np.ndarray:
    """The gate's features of each passage (see :data:`FEATURES`); rows without a window are zeros.

    Args:
        claims: The claim each passage is judged against.
        sentences: Each passage's premise as judged alone.
        windows: Each passage's context window (None: none).
        similarity: ``(n,)`` retrieval similarity.
        alone: ``(n, 3)`` the sentence's own reading (supports, contradicts, neutral).
    """
    rows = np.zeros((len(claims), len(FEATURES)))
    for n, (claim, sentence, window) in enumerate(zip(claims, sentences, windows)):
        if not window:
            continue
        own = coverage(claim, sentence)
        rows[n] = [max(alone[n][0], alone[n][1]), alone[n][2], similarity[n], own,
                   max(0.0, coverage(claim, window) - own)]
    return rows


def load_context_gate(path: Path) -> ContextGate:
    """The gate fitted into ``path``.

    Raises:
        ModelError: the file is missing, not a gate, or names other features.
    """
    try:
        gate = ContextGate.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the context gate {path}: {exc}") from exc
    if gate.features != FEATURES:
        raise ModelError(f"the context gate {path} reads {gate.features}; this version computes {FEATURES}")
    return gate
