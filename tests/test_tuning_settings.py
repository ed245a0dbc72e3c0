"""The hand-set thresholds live in ``Settings.evidence`` / ``Settings.scoring`` and are the ones the code reads.

Each test changes one field and checks the detector or the scoring step follows it; the defaults
themselves are covered by the detector and aggregation tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from verify.evidence.detection import Detection
from verify.evidence.detectors import detect
from verify.evidence.locations import find_places
from verify.models import Mismatch, Span
from verify.scoring.aggregate import combine, retrieval_gate, source_stance
from verify.settings import EVIDENCE_DEFAULTS, SCORING_DEFAULTS, EvidenceSettings, ScoringSettings, Settings


def test_settings_carry_the_defaults_frozen_and_explained():
    settings = Settings()
    assert settings.evidence == EVIDENCE_DEFAULTS and settings.scoring == SCORING_DEFAULTS
    with pytest.raises(ValidationError):
        settings.evidence.occasion_years = 5
    with pytest.raises(ValidationError):
        EvidenceSettings(min_alignment=1.5)
    for model in (EvidenceSettings, ScoringSettings):
        assert all(field.description for field in model.model_fields.values())


def test_a_visit_years_apart_is_another_occasion_by_occasion_years():
    claim, passage = "Putin visited Pyongyang in June 2024.", "Putin visited Pyongyang in July 2000."
    assert not detect(claim, passage).hard
    found = detect(claim, passage, settings=EvidenceSettings(occasion_years=50))
    assert [m.kind for m in found.hard] == ["date"]


def test_min_alignment_decides_when_a_slot_difference_is_on_topic():
    claim, passage = "Putin visited Pyongyang in June 2024 for talks.", "Putin visited Pyongyang in September 2023."
    assert [m.kind for m in detect(claim, passage).hard] == ["date"]
    assert not detect(claim, passage, settings=EvidenceSettings(min_alignment=0.9)).hard


def test_counted_alignment_lets_a_figure_of_the_same_thing_through():
    # "Washington State" would be all held by the passage's "Washington" (a name by part of it is the whole name for the
    # topic share): the state in lower case keeps the pair on a topic the claim shares half of
    claim, passage = "Washington state had under 8,000 coronavirus cases.", "Washington had 8,030 confirmed cases."
    assert [m.kind for m in detect(claim, passage).hard] == ["number"]
    assert not detect(claim, passage, settings=EvidenceSettings(counted_alignment=0.9)).hard


def test_fuzzy_name_settings_decide_when_a_spelling_is_the_same_name():
    claim, passage = "Kim Jong Un met Putin at Blagoveshchensk station.", "Kim Jong Un met Putin at Blagoveschensk station."
    assert not [m for m in detect(claim, passage).mismatches if m.kind == "entity"]
    for strict in (EvidenceSettings(fuzzy_name_score=100), EvidenceSettings(fuzzy_name_length=20)):
        assert [m.kind for m in detect(claim, passage, settings=strict).mismatches] == ["entity"]


def test_min_city_population_decides_which_cities_are_places():
    text = "The summit was held in Vladivostok."
    assert [p.name for p in find_places(text)] == ["Vladivostok"]
    assert find_places(text, EvidenceSettings(min_city_population=10**9)) == []


def _entity_miss(alignment: float = 0.5) -> Detection:
    found = Detection(in_context=True, alignment=alignment)
    found.mismatches.append(Mismatch(kind="entity", claim=Span(text="Kim", start=0, end=3), passage=None,
                                     detail="passage does not mention 'Kim'"))
    return found


def test_scoring_shares_are_read_from_the_settings():
    probs = np.array([0.6, 0.1, 0.3])
    moved = combine(probs, _entity_miss())
    assert moved[0] == pytest.approx(0.6 * (1 - SCORING_DEFAULTS.soft_block["entity"]))
    blocked = combine(probs, _entity_miss(), ScoringSettings(soft_block={"modality": 0.9, "first_only": 0.9,
                                                                         "entity": 1.0}))
    assert blocked[0] == pytest.approx(0.0)
    on_topic = _entity_miss(alignment=0.7)  # shares enough of the claim to contradict it fully
    assert retrieval_gate(np.array([0.1, 0.7, 0.2]), on_topic)[1] == pytest.approx(0.35)
    gated = retrieval_gate(np.array([0.1, 0.7, 0.2]), on_topic, ScoringSettings(unnamed_contradiction_share=0.0))
    assert gated[1] == pytest.approx(0.7)


def test_mixed_margin_is_read_from_the_settings():
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.7, 0.2]])
    assert source_stance(probs, np.zeros(2)).stance == "mixed"
    assert source_stance(probs, np.zeros(2), settings=ScoringSettings(mixed_margin=0.05)).stance == "supports"


def test_the_verifier_passes_its_settings_to_the_detectors():
    # two visits ten years apart: another occasion by default, one occasion when years must be 20 apart
    from verify import judge_pairs

    class Agreeing:
        def predict(self, pairs):
            return np.array([[0.8, 0.1, 0.1]] * len(pairs), dtype=np.float32)

    pair = [("Kim Jong Il visited the DPRK in 2010.", "Kim Jong Il visited the DPRK in 2000.")]
    assert judge_pairs(Agreeing(), pair)[0].label != "contradicts"
    strict = Settings(evidence=EvidenceSettings(occasion_years=20))
    assert judge_pairs(Agreeing(), pair, strict)[0].label == "contradicts"
