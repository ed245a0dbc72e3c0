"""The training data loader: licence filter and per-dataset label balancing (no model, no torch)."""

import gzip
import json

from verify.train import balanced, load_training_rows


def write_mix(folder, rows):
    with gzip.open(folder / "train_3way.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, (label, dataset) in enumerate(rows):
            fh.write(json.dumps({"premise": f"p{i}", "hypothesis": f"h{i}", "label": label,
                                 "dataset": dataset, "split": "train"}) + "\n")


def test_balance_evens_out_the_labels_of_the_named_datasets_only(tmp_path):
    write_mix(tmp_path, [("contradiction", "covidfact")] * 6 + [("entailment", "covidfact")] * 2
              + [("neutral", "snli")] * 3 + [("contradiction", "snli")] * 1 + [("entailment", "anli")] * 2)
    rows, used, dropped = load_training_rows(tmp_path, allow_nc=False, aux=False, max_pairs=None, seed=13,
                                             balance=frozenset({"covidfact"}))
    assert used == {"snli": 4, "covidfact (balanced)": 4} and dropped == {"anli": 2}  # ANLI: CC BY-NC
    covid = [r for r in rows if int(r[0][1:]) < 8]
    assert sorted(label for _, _, label in covid) == [0, 0, 1, 1]
    plain, used, _ = load_training_rows(tmp_path, allow_nc=False, aux=False, max_pairs=None, seed=13)
    assert used == {"snli": 4, "covidfact": 8} and len(plain) == 12


def test_balanced_is_seeded():
    rows = [("p", f"h{i}", i % 3 == 0) for i in range(30)]
    assert balanced(rows, 1) == balanced(rows, 1)
    assert len(balanced(rows, 1)) == 20
