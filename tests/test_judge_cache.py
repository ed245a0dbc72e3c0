"""The judge's memory of readings (verify/judge/cache.py): a pair read once is answered from memory,
so re-checking a statement, or a draft after one edit, judges only the new pairs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from conftest import RecordingJudge, keyword_rule, tiny_index

import verify.verifier
from verify import Settings, Verifier
from verify.judge.cache import CachedJudge

PAIRS = [("Kim confirmed the visit.", "Kim visits."), ("Lavrov denied it.", "Lavrov agrees."),
         ("The ferry resumed.", "Ferries run.")]
DOCS = {
    "visit.txt": "Visit\n\nThe ministry confirmed that Lavrov will visit Pyongyang in October.\n",
    "ferry.txt": "Ferry\n\nThe operator denied that the Busan ferry resumed service in March.\n",
}


def test_a_pair_read_once_is_not_read_again():
    inner = RecordingJudge(keyword_rule)
    judge = CachedJudge(inner, 100)
    first = judge.predict(PAIRS)
    again = judge.predict(list(reversed(PAIRS)) + PAIRS[:1])
    assert inner.seen == PAIRS
    assert np.array_equal(again, np.vstack([first[::-1], first[:1]]))
    assert np.array_equal(first, RecordingJudge(keyword_rule).predict(PAIRS))
    assert (judge.hits, judge.misses) == (4, 3)


def test_a_pair_twice_in_one_call_is_read_once():
    inner = RecordingJudge(keyword_rule)
    out = CachedJudge(inner, 100).predict([PAIRS[0], PAIRS[1], PAIRS[0]])
    assert inner.seen == PAIRS[:2] and np.array_equal(out[0], out[2])


def test_the_least_recently_used_pair_goes_first():
    inner = RecordingJudge(keyword_rule)
    judge = CachedJudge(inner, 2)
    judge.predict(PAIRS[:2])
    judge.predict(PAIRS[:1])  # PAIRS[0] used last: PAIRS[1] is the one to go
    judge.predict(PAIRS[2:])
    judge.predict(PAIRS[:2])
    assert inner.seen == [PAIRS[0], PAIRS[1], PAIRS[2], PAIRS[1]]


def test_no_pairs_and_a_bad_size():
    assert CachedJudge(RecordingJudge(keyword_rule), 5).predict([]).shape == (0, 3)
    with pytest.raises(ValueError):
        CachedJudge(RecordingJudge(keyword_rule), 0)


def test_threads_share_one_memory():
    inner = RecordingJudge(keyword_rule)
    judge = CachedJudge(inner, 100)
    expected = RecordingJudge(keyword_rule).predict(PAIRS * 5)
    with ThreadPoolExecutor(max_workers=8) as pool:  # .result() raises what a thread raised
        got = [f.result() for f in [pool.submit(judge.predict, PAIRS * 5) for _ in range(8)]]
    assert all(np.array_equal(g, expected) for g in got)
    assert judge.misses <= 8 * len(PAIRS) and judge.hits + judge.misses == 8 * len(PAIRS) * 5


def test_the_judges_own_attributes_show_through():
    inner = RecordingJudge(keyword_rule)
    inner.runtime = "onnx"
    assert CachedJudge(inner, 3).runtime == "onnx"


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    return tiny_index(tmp_path, DOCS, fake_embedder)


def test_a_draft_re_checked_after_an_edit_judges_only_the_edit(index_dir, fake_embedder):
    inner = RecordingJudge(keyword_rule)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder,
                                   judge=CachedJudge(inner, 1000))
    draft = ["Lavrov will visit Pyongyang in October.", "The Busan ferry resumed service in March."]
    first = verifier.check_many(draft)
    asked = len(inner.seen)
    assert verifier.check_many(draft) == first and len(inner.seen) == asked  # nothing new: nothing judged
    edited = verifier.check_many([draft[0], "The Busan ferry resumed service in May."])
    new = inner.seen[asked:]
    assert new and all("in May." in premise + claim for premise, claim in new)  # (a contradiction is re-read reversed)
    fresh = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder,
                                judge=RecordingJudge(keyword_rule))
    assert edited == fresh.check_many([draft[0], "The Busan ferry resumed service in May."])


@pytest.mark.parametrize("size, cached", [(20_000, True), (0, False)])
def test_the_verifiers_own_judge_has_the_memory_the_settings_say(index_dir, fake_embedder, monkeypatch, size, cached):
    monkeypatch.setattr(verify.verifier, "nli_judge", lambda settings: RecordingJudge(keyword_rule))
    verifier = Verifier.from_index(index_dir, Settings(judge_cache_pairs=size), embedder=fake_embedder)
    assert isinstance(verifier.nli, CachedJudge) == cached


def test_the_memory_can_be_turned_off_from_the_environment(monkeypatch):
    monkeypatch.setenv("CROSSCHECK_JUDGE_CACHE", "0")
    assert Settings.from_env().judge_cache_pairs == 0
