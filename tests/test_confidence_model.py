"""The source-confidence model: features from a source's passages, the fitted map over them, its file."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from verify.evaluation.per_source import StanceRecord
from verify.models import StanceFeatures
from verify.scoring.aggregate import source_stance
from verify.scoring.confidence import (
    FEATURE_NAMES,
    UNREAD_FEATURE_NAMES,
    ConfidenceMap,
    ConfidenceModel,
    feature_vector,
    stance_features,
)


def _features(probs, similarity, standalone=None, coverage=None):
    probs = np.array(probs, dtype=float)
    standalone = probs if standalone is None else np.array(standalone, dtype=float)
    coverage = np.full(len(probs), 0.5) if coverage is None else np.array(coverage, dtype=float)
    result = source_stance(probs, np.array(similarity), 0.5, standalone=standalone, coverage=coverage)
    return result, stance_features(result.stance, result.confidence, result.order, probs, np.array(similarity),
                                   standalone, coverage, 0.5)


def test_a_sided_source_reads_its_best_passage_and_the_other_side():
    # the support is only there with the neighbours' reading: not reached alone
    result, f = _features([[0.1, 0.2, 0.7], [0.8, 0.15, 0.05]], [0.9, 0.4],
                          standalone=[[0.1, 0.2, 0.7], [0.3, 0.1, 0.6]], coverage=[0.9, 0.6])
    assert result.stance == "supports"
    assert f == StanceFeatures(confidence=0.8, kind="sided", passages=2, similarity=0.4, coverage=0.6,
                               opposite=0.2, alone=False)
    _, f = _features([[0.05, 0.9, 0.05]], [0.7])
    assert f.kind == "sided" and f.alone and f.opposite == pytest.approx(0.05)


def test_a_none_source_reads_its_most_similar_passage_and_a_source_without_passages_reads_none():
    result, f = _features([[0.2, 0.1, 0.7], [0.3, 0.05, 0.65]], [0.5, 0.8], coverage=[0.2, 0.95])
    assert result.stance == "none"
    assert (f.kind, f.passages, f.similarity, f.coverage, f.alone) == ("none", 2, 0.8, 0.95, False)
    assert f.confidence == pytest.approx(0.7) and f.opposite == pytest.approx(0.1)
    empty = stance_features("none", 1.0, [], np.zeros((0, 3)), np.zeros(0), np.zeros((0, 3)), np.zeros(0), 0.5)
    assert empty == StanceFeatures(confidence=1.0, kind="none", passages=0)
    assert feature_vector(empty)[FEATURE_NAMES.index("none*has_passages")] == 0.0


def test_a_mixed_source_is_its_own_kind():
    result, f = _features([[0.7, 0.1, 0.2], [0.1, 0.68, 0.22]], [0.6, 0.5])
    assert result.stance == "mixed" and f.kind == "mixed" and f.opposite == pytest.approx(0.68)
    assert feature_vector(f)[FEATURE_NAMES.index("mixed")] == 1.0


def test_the_model_needs_one_weight_per_feature_and_never_claims_certainty():
    with pytest.raises(ValueError, match="coefficients"):
        ConfidenceModel((1.0,), 0.0)
    model = ConfidenceModel(tuple([0.0, 0.0, 50.0] + [0.0] * (len(FEATURE_NAMES) - 3)), 0.0, ceiling=0.99)
    assert model.of(StanceFeatures(confidence=1.0, kind="none", passages=0)) == 0.99
    assert ConfidenceMap(a=2.0).of(StanceFeatures(confidence=0.5, kind="sided", passages=1)) == pytest.approx(0.5)


def _records(n: int, seed: int) -> list[StanceRecord]:
    """'none' stances at a raw ~0.99: right when nothing on topic was judged, a coin toss when a passage
    holding most of the claim's words was judged neutral (what one number cannot tell apart)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        on_topic = rng.random() < 0.4
        conf = 0.99 + 0.009 * rng.random()
        correct = rng.random() < (0.5 if on_topic else 0.98)
        f = StanceFeatures(confidence=conf, kind="none", passages=3 if on_topic else 1,
                           similarity=0.7 if on_topic else 0.2, coverage=0.9 if on_topic else 0.1)
        out.append(StanceRecord(group=f"t{i // 3}", confidence=conf, correct=correct, features=f))
    return out


def test_the_model_tells_apart_what_the_one_number_map_cannot():
    from verify.evaluation.per_source import shown_confidences
    from verify.training.stance_model import fit_confidence_model, fit_platt_records, measure

    fit, test = _records(600, 1), _records(600, 2)
    correct = [r.correct for r in test]
    platt = measure(shown_confidences(test, fit_platt_records(fit)), correct)
    fitted = fit_confidence_model(fit)
    model = measure(shown_confidences(test, fitted), correct)
    assert model["log_loss"] < platt["log_loss"] - 0.05
    on_topic = [fitted.of(r.features) for r in test if r.features.passages == 3]
    off_topic = [fitted.of(r.features) for r in test if r.features.passages == 1]
    assert max(on_topic) < 0.7 and min(off_topic) > 0.9  # the map of one number shows them all alike


def test_records_without_features_measure_a_platt_map_but_not_a_model():
    from verify.evaluation.per_source import confidence_scores

    old = [StanceRecord(group="g", confidence=0.9, correct=True)]
    assert confidence_scores(old, ConfidenceMap())["stance_ece"] == pytest.approx(0.1)
    model = ConfidenceModel(tuple([0.0] * len(FEATURE_NAMES)), 0.0)
    with pytest.raises(ValueError, match="features"):
        confidence_scores(old, model)


def test_the_model_file_loads_and_the_old_two_number_file_still_does(tmp_path):
    from verify.errors import ModelError
    from verify.scoring.confidence import CONFIDENCE_MODEL_FORMAT, load_confidence_map

    path = tmp_path / "cal.json"
    weights = [0.1 * i for i in range(len(FEATURE_NAMES))]
    path.write_text(json.dumps({"format": CONFIDENCE_MODEL_FORMAT, "features": FEATURE_NAMES,
                                "coefficients": weights, "intercept": -0.5, "ceiling": 0.99}))
    loaded = load_confidence_map(path)
    assert loaded == ConfidenceModel(tuple(weights), -0.5, 0.99)
    path.write_text(json.dumps({"a": 0.44, "b": 0.02, "ceiling": 0.998}))
    assert load_confidence_map(path) == ConfidenceMap(0.44, 0.02, 0.998)
    # a model of some of the features (the small one) loads with its names; a name this version lacks does not
    path.write_text(json.dumps({"format": CONFIDENCE_MODEL_FORMAT, "features": UNREAD_FEATURE_NAMES,
                                "coefficients": [0.6, -3.5, -2.0], "intercept": 0.3}))
    assert load_confidence_map(path) == ConfidenceModel((0.6, -3.5, -2.0), 0.3, features=tuple(UNREAD_FEATURE_NAMES))
    path.write_text(json.dumps({"format": CONFIDENCE_MODEL_FORMAT, "features": ["logit_confidence", "mood"],
                                "coefficients": [1.0, 1.0], "intercept": 0.0}))
    with pytest.raises(ModelError, match="features"):
        load_confidence_map(path)
    path.write_text(json.dumps({"format": CONFIDENCE_MODEL_FORMAT, "features": ["logit_confidence"],
                                "coefficients": [1.0, 2.0], "intercept": 0.0}))
    with pytest.raises(ModelError, match="coefficients"):
        load_confidence_map(path)


def test_a_none_is_unread_only_when_the_judge_read_none_of_its_passages():
    probs, sim = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), np.array([0.45, 0.3])
    result = source_stance(probs, sim, 0.5, standalone=probs, coverage=np.zeros(2))
    args = (result.stance, result.confidence, result.order, probs, sim, probs, np.zeros(2), 0.5)
    assert result.stance == "none" and result.confidence == 1.0
    assert stance_features(*args, read=[False, False]).unread
    assert not stance_features(*args, read=[True, False]).unread  # one passage the judge read says "none" too
    assert not stance_features(*args).unread  # not known: taken as read
    sided = np.array([[0.9, 0.05, 0.05]])
    result = source_stance(sided, sim[:1], 0.5, standalone=sided, coverage=np.ones(1))
    assert not stance_features(result.stance, result.confidence, result.order, sided, sim[:1], sided, np.ones(1),
                               0.5, read=[False]).unread


def _unread_records(n: int, seed: int) -> list[StanceRecord]:
    """'none' at a raw 1.0 either way: right when nothing was retrieved, often wrong when passages were
    retrieved at a fair similarity but set aside unread (they shared none of the claim's words)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        retrieved = rng.random() < 0.3
        similarity = rng.uniform(0.2, 0.6) if retrieved else 0.0
        correct = rng.random() < (1.2 - 1.5 * similarity if retrieved else 0.995)
        f = StanceFeatures(confidence=1.0, kind="none", passages=int(retrieved), similarity=similarity,
                           unread=retrieved)
        out.append(StanceRecord(group=f"t{i // 3}", confidence=1.0, correct=correct, features=f))
    return out


def test_the_small_model_shows_an_unread_none_less_sure_than_one_with_nothing_retrieved():
    from verify.evaluation.per_source import shown_confidences
    from verify.training.stance_model import fit_candidate, measure

    fit, test = _unread_records(1200, 3), _unread_records(1200, 4)
    correct = [r.correct for r in test]
    platt, small = fit_candidate("platt", fit), fit_candidate("unread", fit)
    assert small.features == tuple(UNREAD_FEATURE_NAMES)
    nothing = StanceFeatures(confidence=1.0, kind="none", passages=0)
    near = StanceFeatures(confidence=1.0, kind="none", passages=1, similarity=0.5, unread=True)
    far = StanceFeatures(confidence=1.0, kind="none", passages=1, similarity=0.2, unread=True)
    assert platt.of(near) == platt.of(nothing)  # one number: the same 1.0
    assert small.of(near) < small.of(far) < small.of(nothing) and small.of(near) < 0.8
    assert measure(shown_confidences(test, small), correct)["log_loss"] < measure(
        shown_confidences(test, platt), correct)["log_loss"] - 0.05
