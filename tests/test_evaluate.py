"""The evaluation command's scoring on a tiny corpus with a fake judge (no models)."""

import csv
import gzip
import json
import re

import numpy as np
from conftest import KeywordJudge, tiny_index

from verify import Settings, Verifier
from verify.evaluate import eval_pairs, print_table, read_claim_cases
from verify.evaluation.corpora import LabelledPair, connected_topics, corpora_verifier, sample_cases, small_corpora
from verify.evaluation.healthver import healthver_corpora
from verify.evaluation.per_source import ClaimCase, score_cases
from verify.models import Report, SourceVerdict
from verify.scoring.confidence import ConfidenceMap
from verify.training.metrics import grouped_split


def test_dev_claims_scores_stances_evidence_calibration_and_overconfidence(tmp_path, fake_embedder):
    index_dir = tiny_index(tmp_path, {"yes.txt": "Yes\n\nOfficials confirmed the harbour trade grew.\n",
                                      "no.txt": "No\n\nOfficials denied the harbour trade grew.\n"}, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0, stance_calibration=None),
                                   embedder=fake_embedder, judge=KeywordJudge())
    claims = tmp_path / "dev_claims.jsonl"
    rows = [{"id": "c1", "claim": "The harbour trade grew.",
             "gold": {"yes": ["supports"], "no": ["contradicts"]}, "evidence": {"yes": "confirmed"}},
            {"id": "c2", "claim": "The harbour trade grew a lot.",
             "gold": {"yes": ["supports"], "no": ["none"]}}]
    claims.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = score_cases(verifier, read_claim_cases(claims), ConfidenceMap(a=1.0, b=3.0))
    scores = result.scores
    assert scores["pairs"] == 4 and scores["listed"] == 4 and len(result.records) == 4
    assert scores["stance_accuracy"] == 0.75  # c2/no: the denial reads as a contradiction, gold says none
    assert scores["evidence_top1_hit"] == 1.0 and scores["evidence_pairs"] == 1
    wrong = [r for r in result.records if not r.correct]
    assert len(wrong) == 1 and wrong[0].group == "c2"
    # the wrong stance's raw confidence is under 0.95; the map (shifted up) shows it above: counted as shown
    assert wrong[0].confidence < 0.95 and scores["wrong_above_0.95_raw"] == 0 and scores["wrong_above_0.95"] == 1
    assert scores["stance_ece"] != scores["stance_ece_raw"]


class ListedVerifier:
    """Reports listing only the sources given: the others take no part in the ECE."""

    def __init__(self, listed):
        self.listed = listed

    def check_many(self, claims, sources=None, all_sources=False):
        return [Report(claim=c, verdict="supported", confidence=0.9, sources=[
            SourceVerdict(source_id=s, stance=stance, confidence=conf) for s, (stance, conf) in self.listed.items()])
            for c in claims]


def test_an_unlisted_source_counts_as_none_for_the_f1_but_not_for_the_ece():
    verifier = ListedVerifier({"a": ("supports", 0.99), "x": ("contradicts", 0.97)})
    cases = [ClaimCase(id="k", claim="A claim.", gold={"a": ["supports"], "b": ["contradicts"], "c": ["none"]})]
    scores = score_cases(verifier, cases).scores
    assert scores["pairs"] == 4  # a, b, c, and x: a side on a source without gold is scored against none
    assert scores["listed"] == 2 and scores["sided_gold_not_listed"] == 1  # b: sided gold, not listed
    assert scores["confusion"] == {"contradicts": {"none": 1}, "none": {"none": 1, "contradicts": 1},
                                   "supports": {"supports": 1}}
    assert scores["wrong_above_0.95"] == 1  # x only: the unlisted b shows no confidence


def test_small_corpora_hold_own_evidence_and_other_topics_distractors():
    pairs = [LabelledPair(claim="c1", evidence="e1", stance="supports", topic="t1"),
             LabelledPair(claim="c2", evidence="e1", stance="none", topic="t1"),
             LabelledPair(claim="c2", evidence="e2", stance="contradicts", topic="t1"),
             *[LabelledPair(claim=f"o{i}", evidence=f"f{i}", stance="none", topic=f"u{i}") for i in range(5)]]
    built = small_corpora(pairs, distractors=2, seed=1, prefix="s")
    text = {d["id"]: d["text"] for d in built.documents}
    assert sorted(text.values()) == ["e1", "e2", "f0", "f1", "f2", "f3", "f4"]
    c1 = built.cases[0]
    assert c1.claim == "c1" and c1.group == "t1"
    own = [s for s in c1.sources if text[s].startswith("e")]
    assert [text[s] for s in own] == ["e1"]  # e2: same topic, no label for c1, so left out
    assert len(c1.sources) == 3 and all(c1.gold[s] == ["none"] for s in c1.sources if s not in own)
    assert {text[s] for s in c1.gold if s not in own} <= {"f0", "f1", "f2", "f3", "f4"}
    again = small_corpora(pairs, distractors=2, seed=1, prefix="s")
    assert again == built  # seeded
    assert len(sample_cases(built.cases, 3, seed=2)) == 3 and sample_cases(built.cases, None, 2) == built.cases


def test_small_corpora_near_distractors_are_the_nearest_other_topic_texts():
    import random

    import pytest

    pairs = [LabelledPair(claim="c1", evidence="e1", stance="supports", topic="t1"),
             LabelledPair(claim="c1x", evidence="e2", stance="none", topic="t1"),
             *[LabelledPair(claim=f"o{i}", evidence=f"f{i}", stance="none", topic=f"u{i}") for i in range(6)]]
    # c1 points along x; e2 (own topic) is nearest of all, then f4, f1, f5; the others point away.
    angle = {"c1": 0.0, "e1": 0.2, "e2": 0.05, "f4": 0.1, "f1": 0.3, "f5": 0.4}
    calls = []

    def embed(texts):
        calls.append(list(texts))
        a = np.array([angle.get(t, 2.0 + int(t[-1]) / 10 if t[-1].isdigit() else 2.5) for t in texts])
        return np.stack([np.cos(a), np.sin(a)], axis=1).astype(np.float32)

    built = small_corpora(pairs, distractors=3, seed=1, prefix="s", near=2, embed=embed)
    text = {d["id"]: d["text"] for d in built.documents}
    c1 = built.cases[0]
    extra = [text[s] for s in c1.sources if text[s] != "e1"]
    assert {"f4", "f1"} <= set(extra) and len(extra) == 3  # the two nearest of other topics, one random
    assert "e2" not in extra  # own topic (unlabelled for c1): never a distractor, however near
    assert all(c1.gold[s] == ["none"] for s in c1.sources if text[s] != "e1")
    assert small_corpora(pairs, distractors=3, seed=1, prefix="s", near=2, embed=embed) == built  # deterministic
    assert len(calls) == 4  # claims and sources embedded once per build, not per claim
    # near=0 keeps the random draw exactly as before (and needs no embedder)
    plain = small_corpora(pairs, distractors=3, seed=1, prefix="s")
    rng, sources = random.Random(1), [d["id"] for d in plain.documents]
    topic = {d["id"]: {p.topic for p in pairs if p.evidence == d["text"]} for d in plain.documents}
    for case in plain.cases:
        others = [s for s in sources if case.group not in topic[s]]
        assert set(rng.sample(others, 3)) == {s for s in case.sources if case.gold[s] == ["none"]
                                                and case.group not in topic[s]}
    with pytest.raises(ValueError):
        small_corpora(pairs, distractors=3, seed=1, prefix="s", near=1)


def test_topics_join_rows_that_share_any_key():
    topics = connected_topics([["c:1", "e:x"], ["c:2", "e:y"], ["c:3", "e:x"], ["c:2", "t:q"]], "t")
    assert topics == ["t0", "t1", "t0", "t1"]


def test_healthver_as_small_corpora_and_scored_with_fakes(tmp_path, fake_embedder):
    csv_path = tmp_path / "hv.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "evidence", "claim", "label", "topic_ip", "question"])
        writer.writeheader()
        for n, (ev, claim, label, topic) in enumerate([
                ("Trials confirmed vitamin pills shorten the fever.", "Vitamin pills shorten the fever.", "Supports", "1"),
                ("Doctors denied vitamin pills shorten the fever.", "Vitamin pills shorten the fever.", "Refutes", "1"),
                ("Masks were worn in schools in spring.", "Masks were worn in schools.", "Supports", "2"),
                ("Hand washing habits changed in offices.", "Offices changed hand washing habits.", "Neutral", "3")]):
            writer.writerow({"id": n, "evidence": ev, "claim": claim, "label": label, "topic_ip": topic,
                             "question": "q"})
    built = healthver_corpora(csv_path, distractors=1, seed=3)
    assert len(built.documents) == 4 and len(built.cases) == 3
    first = built.cases[0]
    assert sorted(v[0] for v in first.gold.values()) == ["contradicts", "none", "supports"]
    with corpora_verifier(built.documents, judge=KeywordJudge(), embedder=fake_embedder) as verifier:
        scores = score_cases(verifier, built.cases).scores
    assert scores["claims"] == 3 and scores["pairs"] == 7  # 3 + 2 + 2 sources: each claim's own corpus only
    assert scores["confusion"]["supports"] == {"supports": 2} and scores["confusion"]["contradicts"] == {
        "contradicts": 1}


def test_grouped_split_keeps_groups_whole_and_is_seeded():
    groups = [f"g{i % 10}" for i in range(100)]
    held = grouped_split(groups, seed=5)
    assert held == grouped_split(groups, seed=5)
    assert sum(held) == 50 and all(held[i] == held[i + 10] for i in range(90))
    assert held != grouped_split(groups, seed=6)


def test_fact_rows_leave_out_noncommercial_sets_and_dev_pairs(tmp_path):
    from verify.training.stance_data import FACT_SETS, fact_corpora, read_fact_rows
    from verify.training.train_data import NONCOMMERCIAL

    assert not set(FACT_SETS) & set(NONCOMMERCIAL)

    def write(name, rows):
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(r) + "\n" for r in rows))

    def row(premise, hypothesis, label, dataset, rid):
        return {"premise": premise, "hypothesis": hypothesis, "label": label, "dataset": dataset, "id": rid}

    write("dev_3way.jsonl.gz", [row("P dev.", "H dev.", "entailment", "vitaminc_real", "d_1")])
    write("train_3way.jsonl.gz", [
        row("P1.", "H1.", "entailment", "vitaminc_real", "abc_1"),
        row("P2.", "H1.", "contradiction", "vitaminc_real", "abc_2"),
        row("P3.", "H3.", "neutral", "check_covid", "x_0"),
        row("P4.", "H4.", "entailment", "averitec", "7"),  # CC BY-NC: never
        row("P5.", "H5.", "entailment", "snli", "8"),  # not a fact-verification set
        row("P dev.", "H dev.", "entailment", "vitaminc_real", "e_1")])  # in dev_3way
    rows = read_fact_rows(tmp_path)
    assert [r["premise"] for r in rows] == ["P1.", "P2.", "P3."]
    built = fact_corpora(rows, claims=10, distractors=1)
    by_claim = {c.claim: c for c in built.cases}
    assert sorted(v[0] for v in by_claim["H1."].gold.values()) == ["contradicts", "none", "supports"]
    assert by_claim["H1."].group != by_claim["H3."].group


def test_pair_scores_and_table(capsys):
    pairs = [("The trade grew.", "Officials confirmed the trade grew."),
             ("The trade grew.", "Officials denied the trade grew."),
             ("The trade grew.", "Bread bakes at a high heat.")]
    result = eval_pairs(KeywordJudge(), pairs, ["supports", "contradicts", "neutral"])
    assert result["accuracy"] == 1.0 and result["macro_f1"] == 1.0
    print_table({"model": "m", "healthver": {**result, "bare_model_macro_f1": 0.25}, "judge_pairs_per_s": 250.0})
    out = capsys.readouterr().out
    assert "HealthVer dev pair macro-F1" in out and "250.0" in out
    assert "HealthVer dev pair macro-F1 (bare model)  0.250" in out


def test_dev3_accuracy_per_dataset_shows_where_the_model_is_weak(capsys):
    from verify.training.metrics import accuracy_by_group

    by = accuracy_by_group(["snli", "anli", "snli", "snli"], ["supports", "neutral", "contradicts", "neutral"],
                           ["supports", "contradicts", "contradicts", "supports"])
    assert list(by) == ["snli", "anli"]  # the largest first
    assert by["snli"] == {"pairs": 3, "accuracy": 2 / 3} and by["anli"] == {"pairs": 1, "accuracy": 0.0}
    print_table({"model": "m", "dev_3way": {"accuracy": 0.5, "bare_model_accuracy": 0.5, "bare_by_dataset": by}})
    assert "snli 0.667 (3), anli 0.000 (1)" in capsys.readouterr().out


def test_table_prints_both_per_source_benchmarks_and_the_cards_held_out_ece(capsys):
    per_source = {"stance_accuracy": 0.5, "stance_macro_f1": 0.4, "evidence_top1_hit": 1.0, "evidence_pairs": 2,
                  "stance_ece_raw": 0.3, "stance_ece": 0.1, "wrong_above_0.95": 3, "listed": 9,
                  "sided_gold_not_listed": 1, "pairs": 10, "confusion": {}}
    print_table({"model": "m", "dev_claims": per_source,
                 "healthver_corpus": {**per_source, "evidence_pairs": 0, "sources": 7, "sample": "all 2 claims"},
                 "calibration_card": {"ece_held_out": 0.021, "held_out_stances": 700}})
    out = re.sub(r" {2,}", "  ", capsys.readouterr().out)
    assert "dev_claims wrong stances with confidence > 0.95 (of 9 listed)  3" in out
    assert "HealthVer dev as a corpus per-source stance macro-F1" in out
    assert "HealthVer dev as a corpus stance ECE, raw / calibrated (listed sources)  0.300 / 0.100" in out
    assert "held-out training split (700 stances, card)  0.021" in out
    assert "HealthVer dev as a corpus evidence top-1" not in out


def test_stance_calibration_is_fitted_on_training_topics_and_reported_on_held_out_ones(tmp_path, monkeypatch,
                                                                                      fake_embedder):
    import contextlib

    from verify.evaluation import corpora
    from verify.scoring.confidence import load_confidence_map
    from verify.training.calibrate import main

    rows = []
    for n in range(24):
        word = "confirmed" if n % 3 else "denied"
        rows.append({"premise": f"Officials {word} that harbour {n} trade grew in year {n}.",
                     "hypothesis": f"Harbour {n} trade grew in year {n}.",
                     "label": "entailment" if n % 2 else "contradiction", "dataset": "fever_adversarial",
                     "id": str(500000 + n)})
    for name, data in [("train_3way.jsonl.gz", rows), ("dev_3way.jsonl.gz", [])]:
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(r) + "\n" for r in data))
    real = corpora.corpora_verifier

    @contextlib.contextmanager
    def with_fakes(documents, model=None, embedder=None):
        with real(documents, model, KeywordJudge(), embedder or fake_embedder) as verifier:
            yield verifier

    monkeypatch.setattr(corpora, "corpora_verifier", with_fakes)
    out = tmp_path / "stance_calibration.json"
    assert main(["--stance", "--nli", str(tmp_path), "--claims", "200", "--out", str(out)]) == 0
    card = json.loads(out.read_text())
    assert "train_3way fact-verification rows" in card["fitted_on"] and card["held_out_stances"] > 0
    assert 0 <= card["ece_held_out"] <= 1 and "ece_raw_held_out" in card and "ece_previous_map_held_out" in card
    # both candidates measured on the same held-out half, and a grouped cross-validation over all
    held = card["held_out"]
    assert held["platt"]["ece"] >= 0 and held["model"]["log_loss"] > 0 and card["cv_grouped"]["folds"] == 5
    assert card["ece_held_out"] == held[card["chosen"]]["ece"]
    assert card["chosen"] == min(("platt", "unread", "model"), key=lambda name: held[name]["ece"])
    loaded = load_confidence_map(out)
    if card["chosen"] != "platt":
        assert list(loaded.coefficients) == card["coefficients"] and "logit_confidence" in card["features"]
    else:
        assert loaded.a == card["a"]
    # --write platt writes the one-number map, --write model the model; refits from saved records need no model
    records = tmp_path / "records.jsonl"
    assert main(["--stance", "--nli", str(tmp_path), "--claims", "200", "--out", str(out), "--write", "platt",
                 "--records", str(records)]) == 0
    assert load_confidence_map(out).a == json.loads(out.read_text())["a"]
    monkeypatch.setattr(corpora, "corpora_verifier", None)  # a refit from records checks no claim
    assert main(["--stance", "--fit-records", str(records), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["held_out_stances"] == card["held_out_stances"]
    assert main(["--stance", "--fit-records", str(records), "--out", str(out), "--write", "model"]) == 0
    written = json.loads(out.read_text())
    assert load_confidence_map(out).coefficients == tuple(written["model_candidate"]["coefficients"])
    assert main(["--stance", "--fit-records", str(records), "--out", str(out), "--write", "unread"]) == 0
    written = json.loads(out.read_text())
    assert load_confidence_map(out).features == tuple(written["unread_candidate"]["features"]) == (
        "logit_confidence", "none*unread", "none*unread*similarity")
    records.write_text(json.dumps({"group": "g", "confidence": 0.9, "correct": True}) + "\n")
    assert main(["--stance", "--fit-records", str(records), "--out", str(out)]) == 1


def test_rescore_remeasures_saved_confidences_with_the_current_calibration(tmp_path, monkeypatch, capsys):
    from verify.evaluate import main

    card = tmp_path / "cal.json"
    card.write_text(json.dumps({"a": 1.0, "b": -4.0, "ceiling": 0.99, "ece_held_out": 0.03,
                                "held_out_stances": 10}))
    monkeypatch.setenv("CROSSCHECK_STANCE_CALIBRATION", str(card))
    per_source = {"stance_accuracy": 0.5, "stance_macro_f1": 0.4, "evidence_pairs": 0, "stance_ece_raw": 0.3,
                  "stance_ece": 0.3, "wrong_above_0.95": 1, "listed": 2, "sided_gold_not_listed": 0, "pairs": 2,
                  "confusion": {}, "records": [{"group": "c", "confidence": 0.99, "correct": False},
                                               {"group": "c", "confidence": 0.99, "correct": True}]}
    saved = tmp_path / "eval.json"
    saved.write_text(json.dumps({"model": "m", "dev_claims": per_source}))
    assert main(["--rescore", str(saved), "--json", str(tmp_path / "out.json")]) == 0
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["dev_claims"]["wrong_above_0.95_raw"] == 1 and out["dev_claims"]["wrong_above_0.95"] == 0
    assert out["dev_claims"]["stance_ece"] != 0.3 and out["calibration_card"]["ece_held_out"] == 0.03
    assert "held-out training split (10 stances, card)" in capsys.readouterr().out
    # a confidence model reads features these older records lack: one clear error line
    from verify.scoring.confidence import CONFIDENCE_MODEL_FORMAT, FEATURE_NAMES
    card.write_text(json.dumps({"format": CONFIDENCE_MODEL_FORMAT, "features": FEATURE_NAMES,
                                "coefficients": [0.0] * len(FEATURE_NAMES), "intercept": 1.0}))
    assert main(["--rescore", str(saved)]) == 1
    assert "written before their features were kept" in capsys.readouterr().err


def test_platt_fit_converges_when_most_stances_sit_at_a_raw_one():
    from verify.training.stance_model import fit_platt

    confidences = [1.0] * 400 + [0.6] * 100 + [0.85] * 100
    correct = [i % 25 != 0 for i in range(400)] + [i % 2 == 0 for i in range(100)] + [i % 4 != 0 for i in range(100)]
    fitted = fit_platt(confidences, correct)
    assert 0 < fitted.a < 5
    assert abs(fitted(1.0) - 0.96) < 0.02 and abs(fitted(0.6) - 0.5) < 0.1  # the accuracy at each confidence
