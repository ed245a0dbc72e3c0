"""The context gate (verify.judge.context_gate), its setting in the verifier, and the threshold rule of its fit."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RecordingJudge

from index.build.update import build_index
from verify import Settings, Verifier
from verify.errors import ModelError
from verify.judge.context_gate import FEATURES, ContextGate, load_context_gate, window_features
from verify.training.pair_usage import threshold_for


def counting_judge() -> RecordingJudge:
    return RecordingJudge(lambda p, h: [0.3, 0.1, 0.6])


def gate_file(tmp_path, intercept: float) -> ContextGate:
    gate = ContextGate(features=FEATURES, coefficients=[0.0] * len(FEATURES), intercept=intercept,
                       fitted_on="a test", command="none")
    (tmp_path / "gate.json").write_text(gate.model_dump_json(), encoding="utf-8")
    return gate


def test_window_features_read_the_sentence_and_what_the_window_adds():
    x = window_features(["The harbour trade grew in May.", "The harbour trade grew in May."],
                        ["The trade grew.", "The trade grew."], ["In May the harbour was busy. The trade grew.", None],
                        np.array([0.6, 0.7]), np.array([[0.2, 0.1, 0.7], [0.9, 0.0, 0.1]]))
    assert x.shape == (2, len(FEATURES))
    side, neutral, similarity, own, gain = x[0]
    assert (side, neutral, similarity) == (0.2, 0.7, 0.6) and 0 < own < 1 and gain > 0
    assert not x[1].any()  # no window: nothing to gate


def test_load_context_gate_rejects_a_missing_or_foreign_file(tmp_path):
    with pytest.raises(ModelError, match="cannot read"):
        load_context_gate(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text('{"features": ["x"], "coefficients": [1], "intercept": 0, "fitted_on": "",'
                                       ' "command": ""}')
    with pytest.raises(ModelError, match="reads"):
        load_context_gate(tmp_path / "bad.json")


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbours\n\nThe port was busy. The harbour trade grew in May. Ships came.\n")
    (corpus / "b.txt").write_text("Trade\n\nExports rose. The harbour trade fell in May. Prices held.\n")
    build_index(corpus, tmp_path / "index", fake_embedder)
    return tmp_path / "index"


@pytest.mark.parametrize("intercept, threshold, windows", [(-9.0, 0.5, False), (9.0, 0.5, True)])
def test_the_gate_decides_which_windows_are_judged(tmp_path, index_dir, fake_embedder, intercept, threshold,
                                                    windows):
    gate_file(tmp_path, intercept)
    judge, ungated_judge = counting_judge(), counting_judge()
    settings = Settings(min_similarity=-1.0, stance_calibration=None)
    gated = Verifier.from_index(index_dir, settings.model_copy(update={
        "context_gate": threshold, "context_gate_path": tmp_path / "gate.json"}), embedder=fake_embedder, judge=judge)
    ungated = Verifier.from_index(index_dir, settings, embedder=fake_embedder, judge=ungated_judge)
    claim = "The harbour trade grew in May."
    report, want = gated.check(claim), ungated.check(claim)
    assert (len(judge.seen) == len(ungated_judge.seen)) is windows
    assert report == want if windows else len(judge.seen) < len(ungated_judge.seen)


def test_a_gate_that_is_on_but_missing_is_a_clear_error(tmp_path, index_dir, fake_embedder):
    verifier = Verifier.from_index(index_dir, Settings(context_gate=0.1, context_gate_path=tmp_path / "no.json"),
                                   embedder=fake_embedder, judge=counting_judge())
    with pytest.raises(ModelError, match="context gate"):
        verifier.check("The harbour trade grew in May.")


def test_threshold_for_keeps_the_stated_recall():
    chance = np.array([0.9, 0.8, 0.1, 0.05, 0.7, 0.02])
    positive = np.array([True, True, False, False, True, True])
    assert threshold_for(chance, positive, 0.75) == 0.7  # three of the four positives at >= 0.7
    assert threshold_for(chance, positive, 1.0) == 0.02
    assert threshold_for(chance, np.zeros(6, bool), 0.99) == 0.0


def test_usage_counts_tell_which_reading_was_kept():
    from verify.training.pair_usage import decisive, judged_window, usage_counts

    neutral, sided = np.array([0.1, 0.1, 0.8]), np.array([0.6, 0.1, 0.3])
    rows = [{"similarity": 0.6, "texts": ["s"], "window": None, "alone": sided, "probs": sided},
            {"similarity": 0.4, "texts": ["s"], "window": "w s", "alone": neutral, "probs": sided},
            {"similarity": 0.2, "texts": ["s"], "window": "w s", "alone": neutral, "probs": neutral},
            {"similarity": 0.7, "texts": ["s"], "window": "w s", "alone": np.array([0.9, 0.05, 0.05]),
             "probs": np.array([0.9, 0.05, 0.05])}]
    n = usage_counts(rows)
    assert (n["passages"], n["no window"], n["window judged"], n["window kept"]) == (4, 1, 2, 1)
    assert n["window skipped: sentence decided"] == 1 and n["window kept, sentence alone neutral (< 0.5)"] == 1
    assert [judged_window(r) for r in rows] == [False, True, True, False]
    assert [decisive(r) for r in rows[1:3]] == [True, False]
