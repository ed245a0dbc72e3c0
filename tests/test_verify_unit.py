"""Verifier behaviour with deterministic fakes: retrieval per source, contract, validation."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import KeywordJudge, RecordingJudge, tiny_index

from index import build_index
from verify import InvalidClaimError, Report, Settings, Verifier, judge_pairs


@pytest.fixture
def small_index(tmp_path, fake_embedder):
    return tiny_index(tmp_path, {
        "long.txt": "Long article about harbours\n\n" + "\n\n".join(
            f"The harbour at Port {i} handled ships and cargo in the harbour trade." for i in range(40)),
        "short.txt": "Short note\n\nOfficials confirmed the harbour trade grew.\n",
        "other.txt": "Other\n\nOfficials denied the harbour trade grew.\n",
        "cooking.txt": "Recipes\n\nBake the bread for forty minutes at a high heat.\n"}, fake_embedder)


def make_verifier(index_dir, fake_embedder, judge=None, **settings):
    return Verifier.from_index(index_dir, Settings(min_similarity=-1.0, **settings), embedder=fake_embedder,
                               judge=judge or KeywordJudge())


@pytest.mark.parametrize("claim", ["", "   ", "\n\t"])
def test_empty_claim_is_rejected_before_any_model(small_index, fake_embedder, claim):
    judge = KeywordJudge()
    verifier = make_verifier(small_index, fake_embedder, judge)
    with pytest.raises(InvalidClaimError, match="empty"):
        verifier.check(claim)
    assert judge.seen == []


def test_overlong_claim_is_rejected(small_index, fake_embedder):
    with pytest.raises(InvalidClaimError, match="at most"):
        make_verifier(small_index, fake_embedder).check("word " * 1000)


def test_every_source_gets_its_own_candidates(small_index, fake_embedder):
    judge = KeywordJudge()
    verifier = make_verifier(small_index, fake_embedder, judge, k_per_source=2, judge_context=False)
    report = verifier.check("The harbour trade grew.")
    judged = {p for p, h in judge.seen if h == "The harbour trade grew."}  # not the contradictions re-read
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
                                   judge=KeywordJudge())
    report = verifier.check("Quantum chromodynamics of gluons")
    assert report.verdict == "not_enough_evidence"
    assert report.sources == [] and report.sources_without_evidence == 4  # counted, not listed
    listed = verifier.check("Quantum chromodynamics of gluons", all_sources=True)
    assert [s.source_id for s in listed.sources] == ["cooking", "long", "other", "short"]  # index order
    assert all(s.stance == "none" and not s.passages for s in listed.sources)
    assert listed.sources_without_evidence == 4 and listed.verdict == report.verdict


def test_a_report_lists_the_sources_with_evidence_and_counts_the_rest(small_index, fake_embedder):
    verifier = Verifier.from_index(small_index, Settings(min_similarity=0.5), embedder=fake_embedder,
                                   judge=KeywordJudge())
    report = verifier.check("Officials confirmed the harbour trade grew.")
    listed = {s.source_id for s in report.sources}
    assert {"short", "other"} <= listed and "cooking" not in listed
    assert all(s.passages for s in report.sources)
    assert report.sources_without_evidence == 4 - len(listed)
    full = verifier.check("Officials confirmed the harbour trade grew.", all_sources=True)
    assert [s for s in full.sources if s.passages] == report.sources
    assert {s.source_id for s in full.sources} == {"long", "short", "other", "cooking"}
    chosen = verifier.check("Officials confirmed the harbour trade grew.", sources={"cooking", "short"})
    assert {s.source_id for s in chosen.sources} == {"cooking", "short"}  # a few chosen: each is listed
    assert chosen.sources_without_evidence == 1
    # more chosen than list_chosen: listed as an unfiltered check lists them, the silent one counted
    many = Verifier.from_index(small_index, Settings(min_similarity=0.5, list_chosen=1), embedder=fake_embedder,
                               judge=KeywordJudge()).check("Officials confirmed the harbour trade grew.",
                                                        sources={"cooking", "short"})
    assert [s.source_id for s in many.sources] == ["short"] and many.sources_without_evidence == 1
    assert many.verdict == chosen.verdict


def test_judge_pairs_applies_detectors():
    judge = KeywordJudge()
    out = judge_pairs(judge, [("Officials confirmed it in 1999.", "Officials confirmed it in 1999."),
                              ("Officials confirmed it in 2005.", "Officials confirmed it in 1999.")])
    assert [j.label for j in out] == ["supports", "contradicts"]
    # the judge sees (premise=passage, hypothesis=claim)
    assert judge.seen[0] == ("Officials confirmed it in 1999.", "Officials confirmed it in 1999.")


def test_the_model_reads_the_claim_with_confirmed_slots_in_the_passages_words():
    judge = KeywordJudge()
    judge_pairs(judge, [("They marked 75 years of ties.", "Officials confirmed the 75th anniversary of ties."),
                        ("They marked 50 years of ties.", "Officials confirmed the 75th anniversary of ties.")])
    assert [h for _, h in judge.seen] == ["They marked 75th anniversary of ties.", "They marked 50 years of ties."]


def test_attributed_passage_is_also_judged_as_reported_speech():
    from verify.judge.readings import predict_reported

    judge = KeywordJudge()
    probs = predict_reported(judge, [("Officials confirmed the deal, the ministry said.", "claim"),
                                     ("Plain sentence without attribution here.", "claim")])
    assert [p for p, _ in judge.seen] == ["Officials confirmed the deal, the ministry said.",
                                         "Officials confirmed the deal",
                                         "Plain sentence without attribution here."]
    assert probs.shape == (2, 3) and probs[0][0] == pytest.approx(0.9)


def test_context_reading_counts_less_than_the_sentence():
    from verify.judge.readings import CONTEXT_WEIGHT, predict_readings

    judge = KeywordJudge()
    probs = predict_readings(judge, [(["A plain sentence here."], "claim")],
                             ["Officials confirmed it. A plain sentence here."])
    assert probs[0][0] == pytest.approx(0.9 * CONTEXT_WEIGHT)


class CountingEmbedder:
    """Wraps the fake embedder and counts its calls."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, 0

    def embed(self, texts):
        self.calls += 1
        return self.inner.embed(texts)


class CountingJudge(KeywordJudge):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def predict(self, pairs):
        self.calls += 1
        return super().predict(pairs)


def test_check_many_batches_the_models_and_gives_the_same_reports_as_one_by_one(small_index, fake_embedder):
    from verify.verifier import CHECK_BATCH

    claims = [f"The harbour trade grew in year {i}." for i in range(CHECK_BATCH + 3)] + ["Bake the bread."]
    embedder, judge = CountingEmbedder(fake_embedder), CountingJudge()
    verifier = make_verifier(small_index, embedder, judge)
    one_by_one = [verifier.check(claim) for claim in claims]
    # per check at most four NLI calls: the sentences, their contradictions re-read the other way
    # round, the context windows of the undecided ones, and theirs re-read
    assert embedder.calls == len(claims) and judge.calls <= 4 * len(claims)
    embedder.calls = judge.calls = 0
    seen = []
    batched = verifier.check_many(claims, progress=lambda done, total: seen.append((done, total)))
    assert batched == one_by_one
    assert embedder.calls == 2 and judge.calls <= 8  # two batches: one embedding and at most four NLI calls each
    assert seen == [(CHECK_BATCH, len(claims)), (len(claims), len(claims))]
    judge.calls = 0
    one_way = make_verifier(small_index, embedder, judge, recheck_contradictions=False)
    one_way.check_many(claims)
    assert judge.calls <= 4  # without the re-read: the sentences and the undecided windows, a call each a batch


def test_iter_reports_yields_each_batch_as_it_finishes(small_index, fake_embedder):
    from verify.verifier import CHECK_BATCH

    claims = [f"The harbour trade grew in year {i}." for i in range(CHECK_BATCH + 2)]
    embedder = CountingEmbedder(fake_embedder)
    verifier = make_verifier(small_index, embedder, CountingJudge())
    batches = verifier.iter_reports(claims)
    first = next(batches)
    assert len(first) == CHECK_BATCH and embedder.calls == 1  # the second batch is not checked yet
    assert first + [r for batch in batches for r in batch] == verifier.check_many(claims)


def test_check_many_validates_every_claim_before_any_model(small_index, fake_embedder):
    judge = CountingJudge()
    with pytest.raises(InvalidClaimError, match="empty"):
        make_verifier(small_index, fake_embedder, judge).check_many(["The harbour trade grew.", "  "])
    assert judge.calls == 0


def wire_corpus(root, embedder, denial: bool = True):
    """Three copies of one agency story, one own report, and (optionally) a denial."""
    story = "Officials confirmed the harbour trade grew by a third last year, the port authority reported."
    files = {f"{name}.txt": f"{name.title()} news\n\n{story}\n\nThe weather was mild.\n"
             for name in ("agency", "paper", "site")}
    files["own.txt"] = "Own reporting\n\nOur reporter confirmed that harbour trade grew strongly.\n"
    if denial:
        files["other.txt"] = "Other\n\nOfficials denied the harbour trade grew.\n"
    return tiny_index(root, files, embedder, corpus="wire", index="wire_index")


@pytest.fixture
def wire_index(tmp_path, fake_embedder):
    return wire_corpus(tmp_path, fake_embedder)


def test_wire_copies_form_one_group_and_count_once(wire_index, fake_embedder):
    report = make_verifier(wire_index, fake_embedder, judge_context=False).check("The harbour trade grew.")
    stances = {s.source_id: s.stance for s in report.sources}
    assert stances == {"agency": "supports", "paper": "supports", "site": "supports", "own": "supports",
                       "other": "contradicts"}
    assert sorted(map(sorted, report.groups)) == [["agency", "paper", "site"], ["other"], ["own"]]
    by_id = {s.source_id: s for s in report.sources}
    assert by_id["agency"].group == by_id["paper"].group == by_id["site"].group != by_id["own"].group
    assert report.groups[by_id["own"].group] == ["own"]
    assert report.verdict == "conflicting"
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_a_group_weighs_as_one_source_in_the_confidence(tmp_path, fake_embedder):
    from verify.scoring.aggregate import overall_verdict

    index = wire_corpus(tmp_path, fake_embedder, denial=False)
    # raw confidences: the shipped calibration would saturate them at its ceiling
    report = make_verifier(index, fake_embedder, judge_context=False, stance_calibration=None).check(
        "The harbour trade grew.")
    assert report.verdict == "supported"
    wire = [s.confidence for s in report.sources if s.source_id in ("agency", "paper", "site")]
    own = next(s.confidence for s in report.sources if s.source_id == "own")
    assert len(wire) == 3 and len(report.groups) == 2
    counted_once = overall_verdict([("supports", max(wire)), ("supports", own)])[1]
    counted_thrice = overall_verdict([("supports", c) for c in (*wire, own)])[1]
    assert report.confidence == pytest.approx(round(counted_once, 4))
    assert counted_thrice > counted_once


class ReportedOnlyJudge:
    """Supports only the bare statement; neutral on anything else."""

    def __init__(self, statement: str, label: int = 0):
        self.statement, self.label, self.seen = statement, label, []

    def predict(self, pairs):
        self.seen.extend(pairs)
        rows = []
        for _, hypothesis in pairs:
            row = [0.1, 0.1, 0.8]
            if hypothesis == self.statement:
                row = [0.05, 0.05, 0.05]
                row[self.label] = 0.9
            rows.append(row)
        return np.array(rows, dtype=np.float32)


def test_attributed_claim_is_also_read_for_what_it_reports():
    from verify.judge.readings import predict_reported

    passage = "The trade grew by a tenth, the agency reported."
    judge = ReportedOnlyJudge("The harbour trade grew.")
    probs = predict_reported(judge, [(passage, "The agency reported that the harbour trade grew.")])
    assert probs[0][0] == pytest.approx(0.9)
    # a report is not contradicted by what another source says against its content
    judge = ReportedOnlyJudge("The harbour trade grew.", label=1)
    probs = predict_reported(judge, [(passage, "The agency reported that the harbour trade grew.")])
    assert probs[0][1] == pytest.approx(0.1)
    # "reported the exchange" names a thing, not a statement: not stripped
    judge = ReportedOnlyJudge("The exchange of messages")
    predict_reported(judge, [(passage, "The agency reported the exchange of messages.")])
    assert {h for _, h in judge.seen} == {"The agency reported the exchange of messages."}


def test_source_confidence_goes_through_the_stance_calibration(small_index, fake_embedder, tmp_path):
    import json

    from verify.errors import ModelError
    from verify.scoring.confidence import load_confidence_map

    claim = "Officials confirmed the harbour trade grew."
    raw = Verifier.from_index(small_index, Settings(stance_calibration=None), fake_embedder, KeywordJudge()).check(claim)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"a": 2.0, "b": 0.0}))
    mapped = Verifier.from_index(small_index, Settings(stance_calibration=path), fake_embedder, KeywordJudge()).check(claim)
    by_id = {s.source_id: s for s in raw.sources}
    for s in mapped.sources:
        assert s.stance == by_id[s.source_id].stance
        assert s.confidence == pytest.approx(load_confidence_map(path)(by_id[s.source_id].confidence), abs=1e-3)
    assert load_confidence_map(tmp_path / "missing.json")(0.6) == pytest.approx(0.6)
    # a model over the stance features: the stances stay, the confidence is the model's of the features
    from verify.scoring.confidence import CONFIDENCE_MODEL_FORMAT, FEATURE_NAMES
    weights = [0.5 if name.endswith("coverage") else -1.0 if name == "sided*opposite" else 0.7
               for name in FEATURE_NAMES]
    path.write_text(json.dumps({"format": CONFIDENCE_MODEL_FORMAT, "features": FEATURE_NAMES,
                                "coefficients": weights, "intercept": 0.1}))
    model = Verifier.from_index(small_index, Settings(stance_calibration=path), fake_embedder,
                                KeywordJudge()).check(claim)
    assert [(s.source_id, s.stance) for s in sorted(model.sources, key=lambda s: s.source_id)] == [
        (s.source_id, s.stance) for s in sorted(raw.sources, key=lambda s: s.source_id)]
    assert model.verdict == raw.verdict
    for s in model.sources:
        assert s.features == by_id[s.source_id].features
        assert s.features.confidence == pytest.approx(by_id[s.source_id].confidence, abs=1e-4)  # the raw one
        assert s.confidence == pytest.approx(load_confidence_map(path).of(s.features), abs=1e-4)
    path.write_text("not json")
    with pytest.raises(ModelError, match="stance calibration"):
        load_confidence_map(path)


def test_a_contradiction_is_checked_the_other_way_round():
    from verify.judge.readings import symmetric_contradiction

    # contradiction only when the passage comes first; the reverse reads neutral
    judge = RecordingJudge(lambda p, _: [0.05, 0.9, 0.05] if p.startswith("Passage") else [0.1, 0.1, 0.8])
    pairs = [("Passage says no.", "Claim."), ("Other text.", "Claim.")]
    probs = symmetric_contradiction(judge, pairs, judge.predict(pairs))
    assert judge.seen[2:] == [("Claim.", "Passage says no.")]  # only the contradiction is re-read
    assert probs[0][1] == pytest.approx(0.5 / 1.0 * (0.9 + 0.1) / (0.05 + 0.5 + 0.05))
    assert probs[1].tolist() == pytest.approx([0.1, 0.1, 0.8])
    # a contradiction both ways stays one
    both = symmetric_contradiction(KeywordJudge(), [("Officials denied it.", "Officials denied it, again.")],
                                   np.array([[0.05, 0.9, 0.05]]))
    assert both[0].argmax() == 1


def test_calibrated_confidence_never_claims_certainty(small_index, fake_embedder, tmp_path):
    import json

    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"a": 5.0, "b": 3.0, "ceiling": 0.99}))
    report = Verifier.from_index(small_index, Settings(stance_calibration=path, min_similarity=-1.0), fake_embedder,
                                 KeywordJudge()).check("Officials confirmed the harbour trade grew.")
    assert report.confidence <= 0.99 and all(s.confidence <= 0.99 for s in report.sources)


def test_a_claim_of_several_sentences_is_contradicted_by_one_of_them():
    from verify.judge.readings import claim_parts, predict_reported

    claim = "The trade grew last year in the harbour. Officials denied the new harbour tax."
    assert claim_parts(claim) == ["The trade grew last year in the harbour.", "Officials denied the new harbour tax."]
    assert claim_parts("The trade grew. Yes.") == [] and claim_parts("One sentence only here.") == []
    passage = "The tax was approved by the council in May."
    judge = ReportedOnlyJudge("Officials denied the new harbour tax.", label=1)
    assert predict_reported(judge, [(passage, claim)])[0].argmax() == 1
    # confirming one sentence does not confirm the claim
    judge = ReportedOnlyJudge("Officials denied the new harbour tax.", label=0)
    assert predict_reported(judge, [(passage, claim)])[0].argmax() == 2


def test_a_report_names_every_source_without_reading_any_document_text(small_index, fake_embedder, monkeypatch):
    verifier = make_verifier(small_index, fake_embedder)
    verifier._names = frozenset()  # the corpus name list is read once, not per check: set aside here
    view = type(verifier.index.documents)

    def no_text(*args, **kwargs):
        raise AssertionError("a check read a document's text")

    for name in ("__getitem__", "values", "items", "get"):
        monkeypatch.setattr(view, name, no_text, raising=False)
    report = verifier.check("Officials confirmed the harbour trade grew.")
    titles = {s.source_id: s.title for s in verifier.index.source_summaries()}
    assert {s.source_id: s.title for s in report.sources} == titles and titles["long"] == "Long article about harbours"


def test_the_corpus_names_are_read_from_the_index_not_from_any_document_text(corpus_dir, tmp_path, fake_embedder,
                                                                             monkeypatch, caplog):
    import index.build.update
    from verify.evidence.names import known_names

    out = tmp_path / "index"
    build_index(corpus_dir, out, fake_embedder)
    verifier = make_verifier(out, fake_embedder)
    old_way = known_names(d.text for d in verifier.index.documents.values())  # the computation before the table
    view = type(verifier.index.documents)

    def no_text(*args, **kwargs):
        raise AssertionError("the name list read a document's text")

    with monkeypatch.context() as patched:
        for name in ("__getitem__", "values", "items", "get"):
            patched.setattr(view, name, no_text, raising=False)
        assert verifier.names == old_way and {"putin", "pyongyang", "vladivostok"} <= old_way
        verifier.check("Kim met Putin in Vladivostok.")  # a whole check reads none either

    # a changed document updates its own entry: a new name comes, a name only the removed text had goes
    (corpus_dir / "new.txt").write_text("Visit\n\nThe envoy met Zelenskyy in Kyiv on Monday.\n")
    build_index(corpus_dir, out, fake_embedder)
    assert {"zelenskyy", "kyiv"} <= make_verifier(out, fake_embedder).names
    (corpus_dir / "new.txt").unlink()
    build_index(corpus_dir, out, fake_embedder)
    assert make_verifier(out, fake_embedder).names == old_way

    # an index built before the table existed still gets the same names, from the texts, and says so
    monkeypatch.setattr(index.build.update, "DEFAULT_TABLES", {})
    build_index(corpus_dir, tmp_path / "old", fake_embedder)
    old = make_verifier(tmp_path / "old", fake_embedder)
    assert old.index.table("names") is None
    with caplog.at_level("INFO", logger="verify.verifier"):
        assert old.names == old_way
    assert "no stored name list" in caplog.text


def test_a_pair_read_twice_in_one_call_goes_to_the_model_once():
    from verify.judge.readings import predict_readings_split

    judge = KeywordJudge()
    items = [(["Officials denied it."], "The claim."), (["Officials denied it."], "The claim."),
             (["A plain sentence."], "The claim.")]
    probs, own = predict_readings_split(judge, items, ["Officials denied it.", None, None])
    assert len(judge.seen) == len(set(judge.seen))  # forward and reversed pairs, each sent once
    assert sorted(judge.seen) == sorted({("Officials denied it.", "The claim."), ("A plain sentence.", "The claim."),
                                         ("The claim.", "Officials denied it.")})
    alone = predict_readings_split(KeywordJudge(), items[:1])[0]  # the answers are those the pair gets alone
    np.testing.assert_array_equal(probs[0], alone[0])
    np.testing.assert_array_equal(probs[1], alone[0])
    np.testing.assert_array_equal(own, probs)
