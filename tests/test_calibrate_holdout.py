"""The temperature and the stance calibration's rows come from the held-out split of train_3way, and only
for a model whose card says it never trained on it; dev_3way is only reported (fake judge, no model)."""

import gzip
import json
import logging

import numpy as np

from verify.judge.nli_model import DELTA_CONFIG, read_delta_config
from verify.training.holdout import HoldoutSpec
from verify.training.train_data import held_out_rows

NAMES = ["entailment", "contradiction", "neutral"]


def write(folder, name, rows):
    with gzip.open(folder / name, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in rows))


def tiny_nli(folder):
    rows = [{"premise": f"Report {i} says {NAMES[i % 3]}.", "hypothesis": f"Claim {i}.", "label": NAMES[i % 3],
             "dataset": ["vitaminc_real", "snli", "check_covid"][i % 3], "id": f"x{i}_1"} for i in range(120)]
    write(folder, "train_3way.jsonl.gz", rows)
    write(folder, "dev_3way.jsonl.gz", [{"premise": f"Dev {i} says {NAMES[i % 3]}.", "hypothesis": f"Dev claim {i}.",
                                         "label": NAMES[i % 3], "dataset": "snli", "id": f"d{i}"} for i in range(30)])
    return rows


def model_dir(folder, card):
    folder.mkdir()
    (folder / DELTA_CONFIG).write_text(json.dumps({"temperature": 1.3483, "card": card,
                                                   "calibration": {"fitted_on": "dev_3way even rows"}}))
    return folder


class OverconfidentJudge:
    """Reads the label word in the premise, wrong on every fourth pair, and far too sure of itself."""

    def __init__(self):
        self.calls = []

    def logits(self, pairs):
        self.calls.append(list(pairs))
        out = np.zeros((len(pairs), 3))
        order = {"entailment": 0, "contradiction": 1, "neutral": 2}  # LABELS order: supports, contradicts, neutral
        for i, (premise, _) in enumerate(pairs):
            gold = order[premise.rstrip(".").split()[-1]]
            out[i, gold if i % 4 else (gold + 1) % 3] = 8.0
        return out


UNSEEN = {"holdout": {"seed": 13, "share": 0.1, "unseen": True}}


def test_temperature_is_fitted_on_the_held_out_split_and_reported_on_dev(tmp_path, monkeypatch, capsys):
    from verify.training import temperature
    from verify.training.calibrate import main

    rows = tiny_nli(tmp_path)
    judge = OverconfidentJudge()
    monkeypatch.setattr(temperature, "NLIJudge", lambda model: judge)
    model = model_dir(tmp_path / "m", UNSEEN)
    assert main(["--model", str(model), "--nli", str(tmp_path)]) == 0
    held = held_out_rows(tmp_path, HoldoutSpec(13, 0.1))
    assert 0 < len(held) < len(rows)
    assert judge.calls[0] == [(r["premise"], r["hypothesis"]) for r in held]  # the fit reads the split only
    assert all(p.startswith("Dev") for p, _ in judge.calls[1])  # dev_3way: only measured
    config = read_delta_config(model)
    assert config["temperature"] > 2 and config["temperature"] == config["calibration"]["temperature"]
    assert config["calibration"]["fitted_on"] == f"train_3way held-out split (seed 13, 10% per dataset: {len(held)} rows)"
    assert config["calibration"]["reported_on"].startswith("dev_3way (all 30 pairs")
    assert config["calibration"]["ece_after"] < config["calibration"]["ece_before"]
    assert "wrote temperature" in capsys.readouterr().out


def test_a_model_trained_on_every_row_keeps_its_temperature_and_the_refit_is_labelled_biased(tmp_path, monkeypatch,
                                                                                             capsys, caplog):
    from verify.training import temperature
    from verify.training.calibrate import main

    tiny_nli(tmp_path)
    monkeypatch.setattr(temperature, "NLIJudge", lambda model: OverconfidentJudge())
    model = model_dir(tmp_path / "m", {"dev_3way": {"accuracy": 0.72}})
    before = (model / DELTA_CONFIG).read_text()
    with caplog.at_level(logging.WARNING):
        assert main(["--model", str(model), "--nli", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("BIASED: this model was trained on every train_3way row") and "temperature=" in out
    assert (model / DELTA_CONFIG).read_text() == before
    assert "keeps temperature 1.3483 (dev_3way even rows)" in caplog.text


def test_temperature_needs_the_training_and_dev_files(tmp_path, capsys):
    from verify.training.calibrate import main

    model = model_dir(tmp_path / "m", UNSEEN)
    assert main(["--model", str(model), "--nli", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == f"error: no train_3way.jsonl.gz in {tmp_path}"


def test_stance_rows_are_the_held_out_fact_rows_only_for_a_model_that_never_saw_them(tmp_path, caplog):
    from verify.training.stance_data import read_fact_rows

    rows = tiny_nli(tmp_path)
    facts = [r for r in rows if r["dataset"] != "snli"]
    held = {r["id"] for r in held_out_rows(tmp_path, HoldoutSpec(13, 0.1)) if r["dataset"] != "snli"}
    with caplog.at_level(logging.INFO):
        unseen = read_fact_rows(tmp_path, model_dir(tmp_path / "new", UNSEEN))
        assert "the fact rows of the train_3way held-out split (seed 13" in caplog.text
        caplog.clear()
        shipped = read_fact_rows(tmp_path, model_dir(tmp_path / "shipped", {"dev_3way": {"accuracy": 0.72}}))
        assert "all fact rows of train_3way" in caplog.text
    assert {r["id"] for r in unseen} == held and 0 < len(held) < len(facts)
    assert [r["id"] for r in shipped] == [r["id"] for r in facts] == [r["id"] for r in read_fact_rows(tmp_path)]
