"""The pure aggregation core: detector adjustments, per-source stance, overall verdict."""

import numpy as np
import pytest

from verify.evidence.detectors import Detection
from verify.models import Mismatch, Span
from verify.scoring.aggregate import combine, label_of, overall_verdict, retrieval_gate, source_stance
from verify.training.metrics import expected_calibration_error, macro_f1, resolve_gold

NEUTRALISH = np.array([0.3, 0.1, 0.6])


def mismatch(kind):
    return Mismatch(kind=kind, claim=Span(text="x", start=0, end=1), detail="d")


def test_hard_mismatch_on_aligned_passage_contradicts():
    p = combine(np.array([0.8, 0.05, 0.15]), Detection([mismatch("date")], alignment=1.0))
    assert label_of(p) == "contradicts" and p[1] >= 0.9 and abs(p.sum() - 1) < 1e-9


def test_soft_mismatch_blocks_support_only():
    p = combine(np.array([0.8, 0.05, 0.15]), Detection([mismatch("modality")], alignment=1.0))
    assert label_of(p) == "neutral" and p[0] < 0.1
    q = combine(np.array([0.1, 0.8, 0.1]), Detection([mismatch("entity")], alignment=1.0))
    assert label_of(q) == "contradicts"


def test_a_missing_name_blocks_a_hesitant_support_but_not_a_confident_one():
    # "The film ... grossed $81 million" for "Book Club grossed ...": the model reads the referent
    # (a retrieved passage, read with its neighbours)
    sure = combine(np.array([0.85, 0.05, 0.10]), Detection([mismatch("entity")], alignment=1.0, in_context=True))
    assert label_of(sure) == "supports" and sure[0] < 0.85
    hesitant = combine(np.array([0.65, 0.05, 0.30]), Detection([mismatch("entity")], alignment=1.0, in_context=True))
    assert label_of(hesitant) == "neutral"
    # plans and firsts are blocked whatever the model's confidence
    plan = combine(np.array([0.95, 0.01, 0.04]), Detection([mismatch("modality")], alignment=1.0))
    assert label_of(plan) == "neutral"


def test_unaligned_retrieved_passage_cannot_contradict():
    from verify.scoring.aggregate import retrieval_gate

    far, near = Detection([], alignment=0.1), Detection([], alignment=0.8)
    assert label_of(retrieval_gate(combine(np.array([0.05, 0.9, 0.05]), far), far)) == "neutral"
    assert label_of(retrieval_gate(combine(np.array([0.05, 0.9, 0.05]), near), near)) == "contradicts"
    # a pair the user chose is judged as the model reads it
    assert label_of(combine(np.array([0.05, 0.9, 0.05]), far)) == "contradicts"


def test_full_coverage_with_confirmed_slots_supports():
    p = combine(NEUTRALISH, Detection([], alignment=1.0, agreements=1, claim_slots=1))
    assert label_of(p) == "supports" and p[0] >= 0.89
    q = combine(NEUTRALISH, Detection([], alignment=1.0, agreements=0, claim_slots=1))
    assert label_of(q) == "neutral"


def test_source_stance_picks_best_evidence_first():
    probs = np.array([[0.1, 0.1, 0.8], [0.9, 0.05, 0.05], [0.6, 0.1, 0.3]])
    r = source_stance(probs, np.array([0.9, 0.5, 0.7]))
    assert r.stance == "supports" and r.order[0] == 1 and r.confidence == pytest.approx(0.9)


def test_source_stance_mixed_needs_both_sides_strong():
    both = np.array([[0.85, 0.05, 0.1], [0.05, 0.8, 0.15]])
    assert source_stance(both, np.zeros(2)).stance == "mixed"
    lopsided = np.array([[0.95, 0.0, 0.05], [0.05, 0.55, 0.4]])
    assert source_stance(lopsided, np.zeros(2)).stance == "supports"


def test_source_stance_none_orders_by_similarity():
    r = source_stance(np.array([[0.2, 0.1, 0.7], [0.1, 0.1, 0.8]]), np.array([0.3, 0.6]))
    assert r.stance == "none" and r.order == [1, 0] and r.confidence == pytest.approx(0.8)
    assert source_stance(np.zeros((0, 3)), np.zeros(0)).stance == "none"


@pytest.mark.parametrize("stances, verdict", [
    ([("supports", 0.9), ("none", 0.8)], "supported"),
    ([("contradicts", 0.7), ("none", 0.8)], "contradicted"),
    ([("supports", 0.9), ("contradicts", 0.7)], "conflicting"),
    ([("mixed", 0.6)], "conflicting"),
    ([("none", 0.8), ("none", 0.6)], "not_enough_evidence"),
    ([], "not_enough_evidence"),
])
def test_overall_verdict(stances, verdict):
    assert overall_verdict(stances)[0] == verdict


def test_agreeing_sources_raise_confidence():
    one = overall_verdict([("supports", 0.7)])[1]
    two = overall_verdict([("supports", 0.7), ("supports", 0.7)])[1]
    assert two > one


def test_metrics():
    assert macro_f1(["a", "b", "a"], ["a", "b", "b"], ["a", "b"]) == pytest.approx((2 / 3 + 2 / 3) / 2)
    assert resolve_gold(["contradicts", "none"], "none") == "none"
    assert resolve_gold(["contradicts", "none"], "supports") == "contradicts"
    assert expected_calibration_error([1.0, 1.0], [True, False]) == pytest.approx(0.5)


def test_retrieval_gate_is_stricter_than_the_pair_gate():
    from verify.scoring.aggregate import retrieval_gate

    probs = np.array([0.05, 0.9, 0.05])
    weak = Detection([], alignment=0.35)
    assert label_of(retrieval_gate(combine(probs, weak), weak)) == "neutral"
    hard = Detection([mismatch("number")], alignment=0.7)
    assert label_of(retrieval_gate(combine(probs, hard), hard)) == "contradicts"


def test_temperature_fit_recovers_a_known_temperature():
    from verify.training.calibrate import fit_temperature, nll

    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3)) * 2
    p = np.exp(true_logits) / np.exp(true_logits).sum(1, keepdims=True)
    gold = np.array([rng.choice(3, p=row) for row in p])
    # a model twice as confident as it should be: the fit should find T ~ 2
    t = fit_temperature(true_logits * 2, gold)
    assert 1.7 < t < 2.3
    assert nll(true_logits * 2, gold, t) < nll(true_logits * 2, gold, 1.0)


def test_blocked_support_becomes_neutral_not_contradiction():
    p = combine(np.array([0.55, 0.4, 0.05]), Detection([mismatch("entity")], alignment=1.0, in_context=True))
    assert label_of(p) == "neutral" and abs(p.sum() - 1) < 1e-9


def test_evidence_that_stands_alone_is_shown_first():
    # passage 0 supports only when read with its neighbours (0.74); passage 1 says it by itself (0.67)
    probs = np.array([[0.74, 0.0, 0.26], [0.67, 0.19, 0.14], [0.1, 0.1, 0.8]])
    alone = np.array([[0.04, 0.18, 0.78], [0.67, 0.19, 0.14], [0.1, 0.1, 0.8]])
    r = source_stance(probs, np.zeros(3), standalone=alone)
    assert r.stance == "supports" and r.confidence == 0.74 and r.order[:2] == [1, 0]
    assert source_stance(probs, np.zeros(3)).order[:2] == [0, 1]


def test_anchored_side_wins_over_an_unanchored_one():
    # supports from a passage that confirms the claim's number, contradicts from one that never states it
    probs = np.array([[0.81, 0.1, 0.09], [0.18, 0.65, 0.17]])
    assert source_stance(probs, np.zeros(2)).stance == "mixed"
    assert source_stance(probs, np.zeros(2), anchors=np.array([1, 0])).stance == "supports"
    # a contradiction backed by a detector against an unanchored support
    flipped = probs[:, [1, 0, 2]]
    assert source_stance(flipped, np.zeros(2), anchors=np.array([-1, 0])).stance == "contradicts"
    # both anchored (the source states two different dates): still mixed
    assert source_stance(probs, np.zeros(2), anchors=np.array([1, -1])).stance == "mixed"


def test_confidence_map_fits_an_underconfident_source():
    from verify.scoring.confidence import ConfidenceMap
    from verify.training.metrics import expected_calibration_error, held_out_calibrated
    from verify.training.stance_model import fit_platt

    rng = np.random.default_rng(0)
    raw = rng.uniform(0.5, 0.95, 400)
    truth = rng.uniform(size=400) < np.clip(raw + 0.15, 0, 0.99)  # right more often than it says
    fitted = fit_platt(raw.tolist(), truth.tolist())
    assert fitted.a > 1 and fitted(0.7) > 0.7
    groups = [str(i % 20) for i in range(400)]
    held = held_out_calibrated(groups, raw.tolist(), truth.tolist())
    assert expected_calibration_error(held, truth.tolist()) < expected_calibration_error(raw.tolist(), truth.tolist())
    assert ConfidenceMap()(0.73) == pytest.approx(0.73)  # the default map is the identity


def test_retrieved_passage_sharing_almost_no_words_cannot_support():
    from verify.scoring.aggregate import retrieval_gate

    p = np.array([0.8, 0.05, 0.15])
    far = Detection([], alignment=0.1, claim_slots=1)
    assert label_of(retrieval_gate(p, far)) == "neutral"
    assert retrieval_gate(p, Detection([], alignment=0.0))[0] == pytest.approx(0.0)
    # unless it confirms one of the claim's dates or numbers, or shares enough words
    assert label_of(retrieval_gate(p, Detection([], alignment=0.1, claim_slots=1, agreements=1))) == "supports"
    assert label_of(retrieval_gate(p, Detection([], alignment=0.5))) == "supports"


def test_retrieved_passage_that_never_names_the_claims_subject_contradicts_less():
    from verify.scoring.aggregate import retrieval_gate
    from verify.settings import SCORING_DEFAULTS

    p = np.array([0.03, 0.7, 0.27])
    unnamed = Detection([mismatch("entity")], alignment=0.8)
    assert retrieval_gate(p, unnamed)[1] == pytest.approx(0.7 * (1 - SCORING_DEFAULTS.unnamed_contradiction_share))
    assert retrieval_gate(p, Detection([], alignment=0.8))[1] == pytest.approx(0.7)


def test_of_two_standalone_quotes_the_one_that_says_more_of_the_claim_comes_first():
    probs = np.array([[0.69, 0.05, 0.26], [0.65, 0.08, 0.27]])
    alone = np.array([[0.68, 0.18, 0.14], [0.63, 0.28, 0.09]])
    assert source_stance(probs, np.zeros(2), standalone=alone).order == [0, 1]
    assert source_stance(probs, np.zeros(2), standalone=alone, coverage=np.array([0.57, 0.86])).order == [1, 0]


def test_slotless_floor_only_for_retrieved_passages():
    p = np.array([0.44, 0.16, 0.40])
    retrieved = Detection([], alignment=0.88, in_context=True)
    bare_pair = Detection([], alignment=0.88, in_context=False)
    assert label_of(combine(p, retrieved)) == "supports"
    assert combine(p, retrieved)[0] >= 0.5
    assert combine(p, bare_pair)[0] == pytest.approx(0.44)  # a bare pair is left to the model
    # a model that reads a contradiction keeps it
    assert label_of(combine(np.array([0.2, 0.6, 0.2]), retrieved)) == "contradicts"


@pytest.mark.parametrize("claim, passage, kept", [
    # own examples: the passage shares only who the claim is about, none of what it says they did
    ("Both Chile and Peru have denied signing a fishing pact with each other.",
     "Chile, Peru hold celebrations marking 50 years of diplomatic ties", False),
    ("Mayor Lopez turned down Governor Ruiz's invitation to visit the new port.",
     "Mayor Lopez wrote to Governor Ruiz to congratulate him on the anniversary.", False),
    # a claim that names no kind of event is not read this way (a drug and a disease are its names, its verb is often
    # paraphrased), nor is a passage of the claim's kind of event
    ("Aspirin lowers the risk of Stroke.", "Aspirin was tested against Stroke in a trial.", True),
    ("Both Chile and Peru have denied signing a fishing pact with each other.",
     "Chile and Peru held talks on a new pact in Lima.", True),
    # one word of the act, itself or by its kind ("offer to visit" for "invitation"), keeps the model's reading
    ("Peru refused Chile's invitation to visit Lima.", "Peru accepted Chile's offer to visit Lima.", True),
    ("Both Chile and Peru have denied signing a fishing pact with each other.",
     "Chile and Peru signed a fishing pact in 2019.", True),
])
def test_a_passage_sharing_only_the_claims_names_on_another_event_does_not_contradict_it(claim, passage, kept):
    from verify.evidence.detectors import detect

    found = detect(claim, passage, context=passage)
    c = retrieval_gate(np.array([0.05, 0.8, 0.15]), found)[1]
    assert (c > 0.2) == kept
