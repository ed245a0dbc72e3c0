"""A few real training steps on a tiny slice (CPU, MiniLM): the exported checkpoint is chosen on the
held-out split of train_3way; dev_3way is only reported, and a run without it still selects."""

import gzip
import json

import pytest

from verify.judge.nli_model import read_delta_config
from verify.training.holdout import HoldoutSpec
from verify.training.train import main
from verify.training.train_data import load_training_rows

LABELS = ["entailment", "contradiction", "neutral"]


def tiny_nli(folder, dev: bool):
    rows = []
    for i in range(80):
        dataset = "snli" if i % 2 else "vitaminc_real"
        rows.append({"premise": f"The harbour in town {i} handled {i * 7} ships last year.",
                     "hypothesis": f"Town {i} has a harbour.", "label": LABELS[i % 3], "dataset": dataset,
                     "id": f"r{i}_1", "split": "train"})
    with gzip.open(folder / "train_3way.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in rows))
    if dev:
        dev_rows = [{"premise": f"Dev premise {i}.", "hypothesis": f"Dev claim {i}.", "label": LABELS[i % 3],
                     "dataset": "snli", "id": f"d{i}"} for i in range(5)]
        with gzip.open(folder / "dev_3way.jsonl.gz", "wt", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(r) + "\n" for r in dev_rows))


def tiny_run(tmp_path, *extra):
    return main(["--data", str(tmp_path), "--out", str(tmp_path / "out"), "--work", str(tmp_path / "work"),
                 "--no-aux", "--batch-size", "16", "--epochs", "0.8", "--max-length", "32", "--eval-every", "1",
                 "--checkpoint-every", "1000", "--patience", "100", "--threads", "1", "--holdout-share", "0.1",
                 *extra])


def test_a_run_without_dev_3way_selects_on_the_held_out_split(tmp_path):
    tiny_nli(tmp_path, dev=False)
    assert tiny_run(tmp_path) == 0
    card = read_delta_config(tmp_path / "out")["card"]
    validation = load_training_rows(tmp_path, False, False, None, 13, holdout=HoldoutSpec(13, 0.1)).validation
    assert card["selected_on"] == f"train_3way held-out split (seed 13, 10% per dataset: {len(validation)} rows)"
    assert card["holdout"]["rows"] == len(validation) > 0 and card["holdout"]["unseen"] is True
    assert card["held_out"]["step"] == card["step"] and 0 <= card["held_out"]["accuracy"] <= 1
    assert card["dev_3way"] is None
    assert card["history"][-1]["step"] == card["step"]  # the card is written when a checkpoint is exported


def test_dev_3way_is_scored_only_for_the_card_never_to_choose(tmp_path, monkeypatch):
    from verify.training import loop

    tiny_nli(tmp_path, dev=True)
    held_out_accuracy = iter([0.5, 0.8, 0.6, 0.7])  # the held-out split's best is step 2
    dev_calls = []

    def fake_evaluate(model, encoded, labels, pad_id, torch, batch_size=64):
        if len(encoded) == 5:  # dev_3way: better at every call, so choosing on it would export a later step
            dev_calls.append(len(dev_calls))
            return {"accuracy": 0.9 + 0.01 * len(dev_calls), "macro_f1": 0.9}
        return {"accuracy": next(held_out_accuracy), "macro_f1": 0.5}

    monkeypatch.setattr(loop, "evaluate", fake_evaluate)
    assert tiny_run(tmp_path) == 0
    card = read_delta_config(tmp_path / "out")["card"]
    assert card["step"] == 2 and card["held_out"] == {"step": 2, "accuracy": 0.8, "macro_f1": 0.5}
    assert card["dev_3way"] == {"step": 2, "accuracy": pytest.approx(0.92), "macro_f1": 0.9}
    assert len(dev_calls) == 2  # once per new held-out best (steps 1 and 2), never at steps 3 and 4
