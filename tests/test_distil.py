"""Distillation tooling that runs without a GPU: the pair pool and the weights that travel in parts."""

import json
import random
import re
from pathlib import Path

import pytest

from verify.training.carry import pack, unpack
from verify.training.distil_pool import (
    _place_editor,
    build_pool,
    on_topic_pairs,
    pool_digest,
    read_pool,
    slot_edit,
    write_pool,
)

ROWS = [
    ("The treaty was signed in February 2000 in Moscow by both leaders.",
     "The treaty was signed in 2000.", 0),
    ("About 1,200 delegates attended the congress in Pyongyang.", "About 1,200 delegates attended.", 0),
    ("The minister will visit Pyongyang in October, the agency said.", "The minister will visit in March.", 1),
    ("Officials said the bridge has reopened after repairs.", "The bridge is closed.", 2),
    ("Delegates from Pyongyang discussed railway cooperation at length.", "Railway talks were held.", 0),
    ("The railway cooperation agreement was praised by delegates.", "Delegates praised the deal.", 0),
]


@pytest.mark.parametrize(("text", "kind"), [
    ("The treaty was signed in 2000.", "year"),
    ("About 1,200 delegates attended.", "number"),
    ("The minister will visit in March.", "month"),
    ("The summit was held in Moscow.", "place"),
])
def test_a_slot_edit_changes_one_slot_and_keeps_the_rest(text, kind):
    rng = random.Random(0)
    place_edit = _place_editor(["Moscow", "Vladivostok"])
    for _ in range(20):
        edited, got = slot_edit(text, rng, place_edit)
        before, after = text.split(), edited.split()
        assert edited != text
        if got == kind:  # editors are tried in a seeded order; the claim's own slot must come up
            assert len(before) == len(after)
            assert sum(a != b for a, b in zip(before, after)) == 1
            return
    pytest.fail(f"no {kind} edit of {text!r} in 20 tries")


def test_negation_is_the_last_resort_and_goes_both_ways():
    rng = random.Random(1)
    assert slot_edit("The bridge is closed.", rng) == ("The bridge is not closed.", "negation")
    assert slot_edit("The bridge is not closed.", rng) == ("The bridge is closed.", "negation")
    assert slot_edit("Rain.", rng) is None


def test_on_topic_pairs_join_a_premise_with_another_rows_claim_on_a_shared_rare_word():
    pairs = on_topic_pairs(ROWS, 10, random.Random(3))
    assert pairs
    claims = {p: h for p, h, _ in ROWS}
    for premise, claim in pairs:
        assert claim != claims[premise]
        source = next(p for p, h, _ in ROWS if h == claim)
        words = [{w.lower() for w in re.findall(r"[A-Za-z]{6,}", text)} for text in (premise, source)]
        assert words[0] & words[1]


def test_the_pool_is_the_same_for_the_same_seed_and_keeps_gold_only_on_training_rows(tmp_path):
    pool, kinds = build_pool(ROWS, ["Moscow", "Pyongyang"], seed=13, on_topic=5)
    again, _ = build_pool(ROWS, ["Moscow", "Pyongyang"], seed=13, on_topic=5)
    assert pool == again
    assert kinds["gold"] == len(ROWS)
    assert [r["gold"] for r in pool[:len(ROWS)]] == [y for *_, y in ROWS]
    assert all(r["gold"] is None for r in pool[len(ROWS):])
    # at most one edit per supported or contradicted row (one with no slot has none), never of a neutral one
    edits = [r["premise"] for r in pool if r["kind"] not in ("gold", "on_topic")]
    assert sorted(edits) == sorted({p for p, _, y in ROWS if y in (0, 1) and p != ROWS[5][0]})
    assert "The bridge is closed." not in {r["hypothesis"] for r in pool[len(ROWS):]}
    write_pool(pool, tmp_path / "pool.jsonl.gz")
    assert read_pool(tmp_path / "pool.jsonl.gz") == pool


def test_weights_travel_in_parts_and_come_back_within_half_an_int8_step(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file

    model = tmp_path / "model"
    model.mkdir()
    gen = torch.Generator().manual_seed(0)
    weights = {"a.weight": torch.randn(64, 32, generator=gen), "a.bias": torch.randn(64, generator=gen),
               "b.weight": torch.randn(48, 32, generator=gen) * 5, "ids": torch.arange(10)}
    save_file(weights, str(model / "model.safetensors"))
    (model / "config.json").write_text(json.dumps({"hidden_size": 32}))
    parts = pack(model, tmp_path / "packed", 2)
    assert len(parts) == 2 and (parts[0] / "config.json").exists()
    restored = load_file(str(unpack(list(reversed(parts)), tmp_path / "back") / "model.safetensors"))
    assert set(restored) == set(weights)
    assert json.loads((tmp_path / "back" / "config.json").read_text()) == {"hidden_size": 32}
    assert torch.equal(restored["ids"], weights["ids"])
    for name in ("a.weight", "b.weight"):
        step = weights[name].abs().amax(dim=1, keepdim=True) / 127
        assert ((restored[name] - weights[name]).abs() <= step / 2 + 1e-6).all()
    assert torch.allclose(restored["a.bias"], weights["a.bias"], atol=1e-2)


def test_the_pool_digest_follows_pairs_and_their_order():
    pool, _ = build_pool(ROWS, [], seed=13, on_topic=5)
    assert pool_digest(pool) == pool_digest([dict(r) for r in pool])
    assert pool_digest(pool) != pool_digest(pool[::-1])
    assert pool_digest(pool) != pool_digest(pool[:-1])


def _synthetic_mix(folder, n=240):
    """A tiny licence-clean train_3way (and an empty 2-way file) with distinct premises and claims."""
    import gzip

    labels = ("entailment", "contradiction", "neutral")
    with gzip.open(folder / "train_3way.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"premise": f"Report {i}: the council met in {2000 + i % 20} with {i} delegates.",
                                 "hypothesis": f"The council of report {i} met in {2000 + i % 20}.",
                                 "label": labels[i % 3], "dataset": "snli", "split": "train", "id": str(i)}) + "\n")
    with gzip.open(folder / "train_2way_aux.jsonl.gz", "wt", encoding="utf-8"):
        pass


def test_the_student_trains_on_soft_labels_and_refuses_labels_of_another_pool(tmp_path):
    torch = pytest.importorskip("torch")
    from verify.judge.nli_model import read_delta_config
    from verify.training.distil import main

    data, work = tmp_path / "nli", tmp_path / "w"
    data.mkdir()
    work.mkdir()
    _synthetic_mix(data)
    assert main(["pool", "--data", str(data), "--out", str(work / "pool.jsonl.gz"), "--on-topic", "20"]) == 0
    pool = read_pool(work / "pool.jsonl.gz")
    torch.save(torch.randn(len(pool), 3).half(), work / "teacher_logits.pt")
    (work / "teacher_report.json").write_text(json.dumps({"base": "test", "pool_sha256": pool_digest(pool)}))
    args = ["student", "--data", str(data), "--work", str(work), "--pool", str(work / "pool.jsonl.gz"),
            "--out", str(tmp_path / "student"), "--minutes", "0.03", "--batch-size", "16"]
    assert main(args) == 0
    card = read_delta_config(tmp_path / "student")["card"]
    assert card["distilled_from"]["base"] == "test" and card["held_out"]["n"] > 0
    assert card["pool"]["gold"] == 240 - card["holdout"]["rows"] and card["noncommercial_allowed"] is False
    assert card["holdout"]["unseen"] is True and card["initialised_from"] is None
    assert card["final_stop_toggled"]["share"] == 0.5 and 0 < card["final_stop_toggled"]["pairs"] < len(pool)
    shipped = Path(__file__).resolve().parents[1] / "models" / "verifier"
    assert main([*args, "--init", str(shipped), "--keep-last"]) == 0
    card = read_delta_config(tmp_path / "student")["card"]
    assert card["holdout"]["unseen"] is False  # the shipped verifier trained on every row
    assert card["selected_on"].startswith("none")
    (work / "teacher_report.json").write_text(json.dumps({"pool_sha256": "0" * 64}))
    with pytest.raises(SystemExit, match="another pool"):
        main(args)


def test_stage_lays_out_the_training_modules_and_inflates_the_carried_data(tmp_path):
    import gzip
    import lzma

    from verify.training.carry import stage

    data = tmp_path / "data"
    data.mkdir()
    for name in ("train_3way", "train_2way_aux"):
        with lzma.open(data / f"{name}.jsonl.xz", "wt") as fh:
            fh.write(f'{{"name": "{name}"}}\n')
    with gzip.open(data / "dev_3way.jsonl.gz", "wt") as fh:
        fh.write("{}\n")
    stage(tmp_path / "pkg", ["distil", "carry"], data, tmp_path / "nli")
    for path in ("verify/__init__.py", "verify/training/__init__.py", "verify/training/distil.py",
                 "verify/training/carry.py", "verify/judge/nli_model.py"):
        assert (tmp_path / "pkg" / path).is_file()
    assert not (tmp_path / "pkg" / "verify" / "training" / "train.py").exists()
    with gzip.open(tmp_path / "nli" / "train_2way_aux.jsonl.gz", "rt") as fh:
        assert json.loads(fh.read()) == {"name": "train_2way_aux"}
    assert (tmp_path / "nli" / "dev_3way.jsonl.gz").is_file()


@pytest.mark.parametrize("argv", [
    ["score", "/nonexistent/model"],
    ["student", "--data", "/nonexistent", "--pool", "p.gz", "--out", "o", "--minutes", "1"],
    ["label", "--work", "/nonexistent", "--pool", "p.gz"],
])
def test_a_missing_input_is_one_error_line(argv, capsys):
    from verify.training.distil import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: /nonexistent") and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["pack", "/nonexistent", "out"], ["unpack", "/nonexistent", "--into", "x"],
                                  ["stage", "--pkg", "p", "--data", "/nonexistent", "--nli", "n", "distil"]])
def test_carry_names_a_missing_input_in_one_line(argv, capsys):
    from verify.training.carry import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: /nonexistent") and err.count("\n") == 1


def test_the_final_full_stop_is_toggled_for_a_share_of_the_claims():
    from verify.training.distil_pool import toggle_final_stop

    texts = [f"Claim number {i} holds." if i % 2 else f"Claim number {i} holds" for i in range(400)] + ["Why?", "So..."]
    out, toggled = toggle_final_stop(texts, 0.5, 13)
    changed = [(a, b) for a, b in zip(texts, out) if a != b]
    assert len(changed) == toggled and 150 < toggled < 250 and out[-2:] == ["Why?", "So..."]
    assert all(a.rstrip(".") == b.rstrip(".") and a.endswith(".") != b.endswith(".") for a, b in changed)
    assert toggle_final_stop(texts, 0.5, 13) == (out, toggled) and toggle_final_stop(texts, 0.0, 13) == (texts, 0)
