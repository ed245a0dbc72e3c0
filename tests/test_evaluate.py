"""The evaluation command's scoring on a tiny corpus with a fake judge (no models)."""

import json

import numpy as np

from index import build_index
from verify import Settings, Verifier
from verify.evaluate import eval_pairs, print_table, score_dev_claims


class KeywordJudge:
    """supports when the premise says 'confirmed', contradicts on 'denied', neutral otherwise."""

    def predict(self, pairs):
        return np.array([[0.9, 0.05, 0.05] if "confirmed" in p else [0.05, 0.9, 0.05] if "denied" in p
                         else [0.1, 0.1, 0.8] for p, _ in pairs])


def test_dev_claims_scores_stances_evidence_and_held_out_calibration(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "yes.txt").write_text("Yes\n\nOfficials confirmed the harbour trade grew.\n")
    (corpus / "no.txt").write_text("No\n\nOfficials denied the harbour trade grew.\n")
    build_index(corpus, tmp_path / "index", fake_embedder)
    verifier = Verifier.from_index(tmp_path / "index", Settings(min_similarity=-1.0, stance_calibration=None),
                                   embedder=fake_embedder, judge=KeywordJudge())
    claims = tmp_path / "dev_claims.jsonl"
    rows = [{"id": "c1", "claim": "The harbour trade grew.",
             "gold": {"yes": ["supports"], "no": ["contradicts"]}, "evidence": {"yes": "confirmed"}},
            {"id": "c2", "claim": "The harbour trade grew a lot.",
             "gold": {"yes": ["supports"], "no": ["none"]}}]
    claims.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    scores, records = score_dev_claims(verifier, claims)
    assert scores["pairs"] == 4 and len(records) == 4
    assert scores["stance_accuracy"] == 0.75  # c2/no: the denial reads as a contradiction, gold says none
    assert scores["evidence_top1_hit"] == 1.0 and scores["evidence_pairs"] == 1
    assert 0.0 <= scores["stance_ece_calibrated_held_out"] <= 1.0
    assert {g for g, _, _ in records} == {"c1", "c2"}


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
