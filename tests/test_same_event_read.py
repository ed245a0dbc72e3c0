"""A date, figure or place that differs in a passage naming the claim's event in other words: the word share
sets it aside ("forged ties" for "established relations" shares too few words), the judge's reading of the
sentence as the claim puts it back (``Detection.read_as_same_event``, ``aggregate.read_same_event``).

The examples are written for this test; none is from a measurement set."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RecordingJudge, tiny_index

from verify import Settings, Verifier
from verify.evidence.detectors import detect
from verify.scoring.aggregate import combine, label_of, read_same_event, unread_neutral

FACTORY = ("The company opened its first factory in Ohio in 1995.",
           "The firm's first plant in Ohio began production in 1993.")
BRIDGE = ("The bridge cost 40 million dollars to build.", "Construction of the span came to 45 million dollars.")
SUPPORT, NEUTRAL = np.array([0.8, 0.05, 0.15]), np.array([0.2, 0.1, 0.7])


@pytest.mark.parametrize("claim, passage, kind", [(*FACTORY, "date"), (*BRIDGE, "number")])
def test_a_slot_differing_in_other_words_contradicts_when_the_judge_reads_the_rest_as_the_claim(claim, passage, kind):
    found = detect(claim, passage)
    assert not found.hard and [found.set_aside[i].kind for i in found.off_topic] == [kind]  # the word share's doing
    read_same_event(SUPPORT, found, 0.5)
    assert [m.kind for m in found.hard] == [kind] and found.off_topic == [] and found.same_event
    assert "the model reads the rest as the claim's event" in found.hard[0].detail
    assert label_of(combine(SUPPORT, found)) == "contradicts"


@pytest.mark.parametrize("claim, passage", [FACTORY, BRIDGE])
def test_it_stays_aside_when_the_judge_does_not_read_the_claim_in_it(claim, passage):
    found = detect(claim, passage)
    read_same_event(NEUTRAL, found, 0.5)
    assert not found.hard and found.off_topic
    assert label_of(combine(NEUTRAL, found)) == "neutral"


@pytest.mark.parametrize("claim, passage", [
    # a plan of what the claim says was done: a judge reads "plans to visit" as "visited"
    ("The mayor toured the new hospital in March.", "The mayor plans to tour the clinic in June."),
    # none of the claim's words: another topic, which the judge never reads
    ("The museum reopened to visitors in 2021.", "A new tax on fuel took effect in 2019."),
])
def test_no_judge_reading_puts_back_a_plan_or_a_passage_on_another_topic(claim, passage):
    found = detect(claim, passage)
    assert found.set_aside and not found.off_topic
    read_same_event(SUPPORT, found, 0.5)
    assert not found.hard


def test_a_passage_sharing_none_of_the_claims_words_is_still_never_judged():
    found = detect("The museum reopened to visitors in 2021.", "A new tax on fuel took effect in 2019.")
    assert unread_neutral(found)  # exact: no reading could put its date back


DOCS = {
    "plant.txt": "Plant\n\nThe firm's first plant in Ohio began production in 1993. Its owners confirmed the start.\n",
}


def _report(tmp_path, fake_embedder, rule):
    index_dir = tiny_index(tmp_path, DOCS, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder,
                                   judge=RecordingJudge(rule))
    return verifier.check(FACTORY[0], all_sources=True)


def test_through_a_check_the_sentences_own_reading_decides(tmp_path, fake_embedder):
    # the sentence read alone reads as the claim: the source contradicts it, and says why
    report = _report(tmp_path, fake_embedder, lambda p, h: SUPPORT.tolist() if "plant" in p else NEUTRAL.tolist())
    source = report.sources[0]
    assert source.stance == "contradicts"
    assert any("1995" in r and "1993" in r for r in source.passages[0].reasons)


def test_a_neighbours_support_does_not_put_the_sentences_date_back(tmp_path, fake_embedder):
    # only the window with the neighbour ("confirmed") reads as the claim: the sentence's own date stays aside
    report = _report(tmp_path, fake_embedder,
                     lambda p, h: SUPPORT.tolist() if "confirmed" in p else NEUTRAL.tolist())
    assert report.sources[0].stance != "contradicts"
