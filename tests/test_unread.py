"""Retrieved passages the gates make neutral whatever the judge reads are not judged, and the report
is the one judging them gives (``aggregate.unread_neutral``; issue 10, "judge fewer pairs")."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RecordingJudge, tiny_index
from hypothesis import given, settings
from hypothesis import strategies as st

import verify.verifier
from verify import Settings, Verifier
from verify.evidence.detection import Detection
from verify.models import Mismatch, Span
from verify.scoring.aggregate import combine, retrieval_gate, unread_neutral

SOFT = ["entity", "modality", "first_only", "broader_place"]

DOCS = {
    "measures.txt": "Ties\n\nKim initiated undisclosed measures to further enhance the relationship with Moscow.\n",
    "ferry.txt": "Ferry\n\nThe ferry between Busan and Fukuoka resumed service in March 2023, the operator said.\n",
    "rail.txt": "Rail\n\nA new rail bridge over the Tumen river opened to freight trains last spring.\n",
}
CLAIM = "Kim said he was disappointed with the negotiations."


def _soft(kind: str) -> Mismatch:
    return Mismatch(kind=kind, claim=Span(text="x", start=0, end=1), detail=f"a {kind} finding")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.001, 1.0), min_size=3, max_size=3), st.lists(st.sampled_from(SOFT), max_size=3),
       st.booleans())
def test_the_gates_make_it_neutral_whatever_the_judge_reads(raw, kinds, in_context):
    p = np.array(raw) / sum(raw)
    found = Detection(mismatches=[_soft(k) for k in kinds], alignment=0.0, in_context=in_context)
    assert unread_neutral(found)
    s, c, n = retrieval_gate(combine(p, found), found)
    assert s == 0 and c == 0 and n == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("found", [
    Detection(alignment=0.05),  # one of the claim's words: a support keeps a share
    Detection(alignment=0.0, agreements=1, claim_slots=1),  # a confirmed date
    Detection(alignment=0.0, mismatches=[Mismatch(kind="date", claim=Span(text="in 1948", start=0, end=7),
                                                  detail="claim says 1948")]),  # a hard mismatch stands
])
def test_a_passage_the_judge_can_move_is_read(found):
    assert not unread_neutral(found)
    assert not np.allclose(retrieval_gate(combine(np.array([0.9, 0.05, 0.05]), found), found),
                           retrieval_gate(combine(np.array([0.05, 0.05, 0.9]), found), found))


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    return tiny_index(tmp_path, DOCS, fake_embedder)


def _check(index_dir, fake_embedder, rule, claim=CLAIM):
    judge = RecordingJudge(rule)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=judge)
    return verifier.check(claim, all_sources=True), judge


def test_an_off_topic_passage_is_not_judged_and_says_so(index_dir, fake_embedder):
    report, judge = _check(index_dir, fake_embedder, lambda p, h: [0.9, 0.05, 0.05])
    premises = " ".join(p for p, _ in judge.seen)
    assert "Kim initiated" in premises  # shares "Kim": read
    assert "ferry" not in premises and "rail bridge" not in premises
    ferry = next(s for s in report.sources if s.source_id == "ferry").passages[0]
    assert (ferry.label, ferry.probabilities.neutral) == ("neutral", 1.0)
    assert "shares none of the claim's words: another topic, set aside unread" in ferry.reasons
    # its "none" is the gate's, not the judge's: the confidence model reads that (StanceFeatures.unread)
    by_id = {s.source_id: s for s in report.sources}
    assert by_id["ferry"].features.unread and by_id["rail"].features.unread
    assert not by_id["measures"].features.unread


@pytest.mark.parametrize("probs", [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.3, 0.3, 0.4]])
@pytest.mark.parametrize("claim", [CLAIM, "The ferry between Busan and Fukuoka stopped running in March 2023."])
def test_the_report_is_the_one_judging_every_passage_gives(index_dir, fake_embedder, monkeypatch, probs, claim):
    skipped, few = _check(index_dir, fake_embedder, lambda p, h: probs, claim)
    monkeypatch.setattr(verify.verifier, "unread_neutral", lambda found, settings: False)
    every, all_pairs = _check(index_dir, fake_embedder, lambda p, h: probs, claim)
    assert len(few.seen) < len(all_pairs.seen)

    def strip(report):
        data = report.model_dump()
        for source in data["sources"]:
            for passage in source["passages"]:
                passage.pop("reasons")
        return data

    assert strip(skipped) == strip(every)
