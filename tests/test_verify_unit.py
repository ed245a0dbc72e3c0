"""Verifier behaviour with deterministic fakes: retrieval per source, contract, validation."""

from __future__ import annotations

import numpy as np
import pytest

from index import build_index
from verify import InvalidClaimError, Report, Settings, Verifier, judge_pairs


class FakeJudge:
    """Fixed probabilities by keyword: 'support' in the premise -> supports, 'deny' -> contradicts."""

    def __init__(self):
        self.seen: list[tuple[str, str]] = []

    def predict(self, pairs):
        self.seen.extend(pairs)
        rows = []
        for premise, _ in pairs:
            if "confirmed" in premise:
                rows.append([0.9, 0.05, 0.05])
            elif "denied" in premise:
                rows.append([0.05, 0.9, 0.05])
            else:
                rows.append([0.1, 0.1, 0.8])
        return np.array(rows, dtype=np.float32)


@pytest.fixture
def small_index(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "long.txt").write_text("Long article about harbours\n\n" + "\n\n".join(
        f"The harbour at Port {i} handled ships and cargo in the harbour trade." for i in range(40)))
    (corpus / "short.txt").write_text("Short note\n\nOfficials confirmed the harbour trade grew.\n")
    (corpus / "other.txt").write_text("Other\n\nOfficials denied the harbour trade grew.\n")
    (corpus / "cooking.txt").write_text("Recipes\n\nBake the bread for forty minutes at a high heat.\n")
    build_index(corpus, tmp_path / "index", fake_embedder)
    return tmp_path / "index"


def make_verifier(index_dir, fake_embedder, judge=None, **settings):
    return Verifier.from_index(index_dir, Settings(min_similarity=-1.0, **settings), embedder=fake_embedder,
                               judge=judge or FakeJudge())


@pytest.mark.parametrize("claim", ["", "   ", "\n\t"])
def test_empty_claim_is_rejected_before_any_model(small_index, fake_embedder, claim):
    judge = FakeJudge()
    verifier = make_verifier(small_index, fake_embedder, judge)
    with pytest.raises(InvalidClaimError, match="empty"):
        verifier.check(claim)
    assert judge.seen == []


def test_overlong_claim_is_rejected(small_index, fake_embedder):
    with pytest.raises(InvalidClaimError, match="at most"):
        make_verifier(small_index, fake_embedder).check("word " * 1000)


def test_every_source_gets_its_own_candidates(small_index, fake_embedder):
    judge = FakeJudge()
    verifier = make_verifier(small_index, fake_embedder, judge, k_per_source=2, judge_context=False)
    report = verifier.check("The harbour trade grew.")
    judged = {p for p, _ in judge.seen}
    # the 40-sentence article cannot crowd the one-line sources out
    assert any("confirmed" in p for p in judged) and any("denied" in p for p in judged)
    assert len(judged) <= 2 * 4
    assert {s.source_id for s in report.sources} == {"long", "short", "other", "cooking"}


def test_report_stances_and_verdict(small_index, fake_embedder):
    report = make_verifier(small_index, fake_embedder).check("The harbour trade grew.")
    stances = {s.source_id: s.stance for s in report.sources}
    assert stances["short"] == "supports" and stances["other"] == "contradicts"
    assert stances["cooking"] == "none"
    assert report.verdict == "conflicting"
    short = next(s for s in report.sources if s.source_id == "short")
    assert "confirmed" in short.passages[0].text
    assert short.passages[0].label == "supports"
    # the contract round-trips through JSON
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_offsets_point_into_the_document(small_index, fake_embedder):
    verifier = make_verifier(small_index, fake_embedder)
    report = verifier.check("The harbour trade grew.")
    for source in report.sources:
        doc = verifier.index.documents[source.source_id]
        for p in source.passages:
            assert doc.text[p.start:p.end] == p.text


def test_nothing_relevant_gives_not_enough_evidence(small_index, fake_embedder):
    verifier = Verifier.from_index(small_index, Settings(min_similarity=0.99), embedder=fake_embedder,
                                   judge=FakeJudge())
    report = verifier.check("Quantum chromodynamics of gluons")
    assert report.verdict == "not_enough_evidence"
    assert all(s.stance == "none" and not s.passages for s in report.sources)


def test_judge_pairs_applies_detectors():
    judge = FakeJudge()
    out = judge_pairs(judge, [("Officials confirmed it in 1999.", "Officials confirmed it in 1999."),
                              ("Officials confirmed it in 2005.", "Officials confirmed it in 1999.")])
    assert [j.label for j in out] == ["supports", "contradicts"]
    # the judge sees (premise=passage, hypothesis=claim)
    assert judge.seen[0] == ("Officials confirmed it in 1999.", "Officials confirmed it in 1999.")


def test_attributed_passage_is_also_judged_as_reported_speech():
    from verify.verifier import predict_reported

    judge = FakeJudge()
    probs = predict_reported(judge, [("Officials confirmed the deal, the ministry said.", "claim"),
                                     ("Plain sentence without attribution here.", "claim")])
    assert [p for p, _ in judge.seen] == ["Officials confirmed the deal, the ministry said.",
                                         "Officials confirmed the deal",
                                         "Plain sentence without attribution here."]
    assert probs.shape == (2, 3) and probs[0][0] == pytest.approx(0.9)


def test_context_reading_counts_less_than_the_sentence():
    from verify.verifier import CONTEXT_WEIGHT, predict_readings

    judge = FakeJudge()
    probs = predict_readings(judge, [(["A plain sentence here."], "claim")],
                             ["Officials confirmed it. A plain sentence here."])
    assert probs[0][0] == pytest.approx(0.9 * CONTEXT_WEIGHT)
