"""Why a passage got its label, in words a reader can check against the quote.

Each reason names what moved the label: a detector's finding (a date, figure, place, title, negation or
opposite word that differs for the claim's event), a gate (the passage shares too few of the
claim's words, its slot belongs to another event or occasion), or the model alone when no detector
explains it ("meaning contradicts (model)"). Only reasons that can explain the label are given: a
date mismatch is never the reason a passage is neutral.
"""

from __future__ import annotations

import numpy as np

from verify.evidence.detection import Detection
from verify.scoring.aggregate import CON, SUP, label_of
from verify.settings import SCORING_DEFAULTS, ScoringSettings

_SLOTS = {"date": "dates", "number": "figures", "place": "places", "title": "titles"}


def passage_reasons(label: str, model: np.ndarray, found: Detection,
                    settings: ScoringSettings = SCORING_DEFAULTS, read: bool = True) -> list[str]:
    """The reasons for ``label``, most decisive first.

    Args:
        label: The passage's label after the detectors and gates.
        model: The judge's probabilities before them (supports, contradicts, neutral).
        found: What the detectors found for the pair.
        settings: The scoring thresholds (for the word-share gate).
        read: False for a passage the judge did not read (``aggregate.unread_neutral``): ``model``
            is then no reading and the reason says so.

    Returns:
        One or more short phrases.
    """
    model_label = label_of(np.asarray(model))
    if label == "contradicts":
        hard = [m.detail for m in found.hard]
        return hard or [f"meaning contradicts (model, {float(model[CON]):.0%})"]
    if label == "supports":
        agreed = [f"{_SLOTS.get(kind, kind)} agree" for kind, n in sorted(found.agreed.items()) if n]
        lead = (f"the model reads it as support ({float(model[SUP]):.0%})" if model_label == "supports"
                else f"holds {found.alignment:.0%} of the claim's words and confirms its dates and figures")
        return [lead, *agreed]
    reasons = [m.detail for m in found.soft]  # a plan, a missing name, an unstated "first"
    if not read:
        reasons.append("shares none of the claim's words: another topic, set aside unread")
    elif model_label != "neutral" and not found.hard and not found.agreements and (
            found.alignment < settings.support_gate or model_label == "contradicts"):
        reasons.append(f"shares only {found.alignment:.0%} of the claim's words: another topic, set aside")
    if found.other_event:
        reasons.append("a date or figure of another event, set aside")
    reasons += [f"set aside: {m.detail}" for m in found.set_aside if m.kind in ("negation", "antonym", "role")]
    return reasons or ["neither supports nor contradicts the claim (model)"]
