"""The lazy context readings (verify.judge.readings) against the reading that judges every window.

The oracle below is the reading before the lazy skip (every context window judged, one call):
its results, and the reports built from them, must be what the lazy reading gives.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
from conftest import RecordingJudge, tiny_index

import verify.verifier
from verify import Settings, Verifier
from verify.evidence.reporting import strip_attribution
from verify.judge.readings import (
    CONTEXT_WEIGHT,
    UniquePairs,
    chosen_reading,
    claim_variants,
    decided,
    predict_readings_split,
    reread_bound,
    symmetric_contradiction,
)
from verify.scoring.aggregate import more_decisive


class HashJudge:
    """Probabilities from a hash of the pair, many of them decisive (>= 0.85), every label occurring."""

    def __init__(self):
        self.pairs = 0

    def predict(self, pairs):
        self.pairs += len(pairs)
        rows = []
        for premise, hypothesis in pairs:
            h = hashlib.sha256(f"{premise}\x00{hypothesis}".encode()).digest()
            side, strength = h[0] % 3, 0.3 + 0.69 * h[1] / 255
            row = np.full(3, (1 - strength) / 2)
            row[side] = strength
            rows.append(row)
        return np.array(rows, dtype=np.float32).reshape(-1, 3)


def every_window(judge, items, context=None, recheck=True):
    """The oracle: every reading and every context window judged in one call (the reading before the lazy skip)."""
    flat, owner = [], []
    variants_of = {}
    for i, (texts, claim) in enumerate(items):
        own_texts = list(dict.fromkeys(texts))
        extra = [context[i]] if context and context[i] and context[i] not in texts else []
        if claim not in variants_of:
            variants_of[claim] = claim_variants(claim)
        for variant, role in variants_of[claim]:
            for n, text in enumerate([*own_texts, *extra]):
                flat.append((text, variant))
                owner.append((i, n == len(own_texts), role))
    judge = UniquePairs(judge)
    probs = judge.predict(flat)
    if recheck:
        probs = symmetric_contradiction(judge, flat, probs)
    neutral = np.array([0.0, 0.0, 1.0])
    out, own = {}, {}
    for (i, is_context, role), p in zip(owner, probs):
        key = (i, role)
        if is_context:
            p = CONTEXT_WEIGHT * p + (1 - CONTEXT_WEIGHT) * neutral
        else:
            own[key] = p if key not in own else more_decisive(own[key], p)
        out[key] = p if key not in out else more_decisive(out[key], p)
    def pick(found):
        # the combination of a claim's variants is not what this oracle checks: it is the code's own
        return np.array([chosen_reading(found, i, variants_of[claim]) for i, (_, claim) in enumerate(items)])

    return pick(out), pick(own)


SENTENCES = ["Officials confirmed the harbour trade grew.", "The port handled more ships this year.",
             "Trade fell, according to the ministry.", "He said the figures were wrong.",
             "Exports rose by a tenth in March.", "The minister denied any change."]
CLAIMS = ["The harbour trade grew.", "KCNA reported that trade grew in March.",
          "The port grew. Exports rose sharply in the spring."]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("recheck", [True, False])
def test_lazy_windows_give_what_judging_every_window_gives(seed, recheck):
    rng = random.Random(seed)
    items, windows = [], []
    for _ in range(rng.randint(1, 14)):
        text = rng.choice(SENTENCES)
        texts = [text, strip_attribution(text)] if strip_attribution(text) else [text]
        items.append((texts, rng.choice(CLAIMS)))
        windows.append(rng.choice([None, text, " ".join(rng.sample(SENTENCES, 2))]))
    lazy_judge, full_judge = HashJudge(), HashJudge()
    probs, own = predict_readings_split(lazy_judge, items, windows, recheck=recheck)
    want_probs, want_own = every_window(full_judge, items, windows, recheck=recheck)
    np.testing.assert_array_equal(probs, want_probs)
    np.testing.assert_array_equal(own, want_own)
    assert lazy_judge.pairs <= full_judge.pairs


def test_a_decided_sentence_skips_its_window_and_an_undecided_one_does_not():
    judge = RecordingJudge(lambda p, _: [0.9, 0.05, 0.05] if "sure" in p else [0.2, 0.1, 0.7])
    predict_readings_split(judge, [(["A sure sentence."], "c"), (["A vague one."], "c")],
                           ["Window one.", "Window two."], recheck=False)
    assert ("Window one.", "c") not in judge.seen and ("Window two.", "c") in judge.seen
    assert decided(np.array([CONTEXT_WEIGHT, 0.0, 1 - CONTEXT_WEIGHT]))
    assert not decided(np.array([0.84, 0.01, 0.15]))


def test_context_wanted_limits_the_windows_judged():
    judge = HashJudge()
    items = [(["Trade grew a little."], "The harbour trade grew."), (["Ships came."], "The harbour trade grew.")]
    seen = []
    predict_readings_split(judge, items, ["Window one here.", "Window two here."],
                           context_wanted=lambda alone: seen.append(alone.shape) or np.array([False, False]))
    assert seen == [(2, 3)] and judge.pairs <= 2 + 2  # the sentences (and their re-reads) only


def test_unique_pairs_judges_a_pair_once_across_calls():
    judge = HashJudge()
    unique = UniquePairs(judge)
    first = unique.predict([("a", "b"), ("a", "b"), ("c", "d")])
    second = unique.predict([("c", "d"), ("e", "f")])
    assert judge.pairs == 3 and np.array_equal(first[2], second[0]) and unique.predict([]).shape == (0, 3)
    assert list(unique.known) == [("a", "b"), ("c", "d"), ("e", "f")]  # what pair_usage records
    assert np.array_equal(unique.known[("e", "f")], second[1])


@pytest.fixture
def news_index(tmp_path, fake_embedder):
    stories = {f"doc{n}.txt": f"Story {n}\n\n" + " ".join(random.Random(n).sample(SENTENCES, 5)) + "\n"
               for n in range(4)}
    return tiny_index(tmp_path, stories, fake_embedder)


def test_lazy_windows_give_the_reports_of_every_window(news_index, fake_embedder, monkeypatch):
    claims = CLAIMS + ["Officials denied the harbour trade grew.", "Exports rose by a tenth in March."]
    settings = Settings(min_similarity=-1.0, stance_calibration=None)
    lazy_judge, full_judge = HashJudge(), HashJudge()
    lazy = Verifier.from_index(news_index, settings, embedder=fake_embedder, judge=lazy_judge).check_many(claims)
    monkeypatch.setattr(verify.verifier, "predict_readings_split",
                        lambda judge, items, context, recheck, **_: every_window(judge, items, context, recheck))
    full = Verifier.from_index(news_index, settings, embedder=fake_embedder, judge=full_judge).check_many(claims)
    assert [r.model_dump() for r in lazy] == [r.model_dump() for r in full]
    assert lazy_judge.pairs < full_judge.pairs  # some windows were skipped


def test_a_window_contradiction_that_cannot_beat_its_sentence_is_not_reread():
    judge = RecordingJudge(lambda p, _: [0.8, 0.1, 0.1] if p.startswith("Sent") else [0.1, 0.6, 0.3])
    predict_readings_split(judge, [(["Sentence."], "c")], ["Window text."])
    assert ("Window text.", "c") in judge.seen and ("c", "Window text.") not in judge.seen


class Reverse:
    """The reversed pair's answer: contradicts with probability ``r``."""

    def __init__(self, r: float):
        self.r = r

    def predict(self, pairs):
        return np.tile([0.0, self.r, 1 - self.r], (len(pairs), 1))


@pytest.mark.parametrize("seed", range(5))
def test_reread_bound_holds_whatever_the_reversed_pair_says(seed):
    rng = np.random.default_rng(seed)
    forward = rng.dirichlet([1, 1, 1], size=200)
    bound = reread_bound(forward)
    for r in np.linspace(0, 1, 11):
        after = symmetric_contradiction(Reverse(r), [("p", "h")] * 200, forward)
        weighted = CONTEXT_WEIGHT * after + (1 - CONTEXT_WEIGHT) * np.array([0.0, 0.0, 1.0])
        assert (np.maximum(weighted[:, 0], weighted[:, 1]) <= bound).all()
