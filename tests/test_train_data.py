"""The training data loader: licence filter and per-dataset label balancing (no model, no torch)."""

import gzip
import json

from verify.training.train_data import balanced, load_training_rows


def write_mix(folder, rows):
    with gzip.open(folder / "train_3way.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, (label, dataset) in enumerate(rows):
            fh.write(json.dumps({"premise": f"p{i}", "hypothesis": f"h{i}", "label": label,
                                 "dataset": dataset, "split": "train"}) + "\n")


def test_balance_evens_out_the_labels_of_the_named_datasets_only(tmp_path):
    write_mix(tmp_path, [("contradiction", "covidfact")] * 6 + [("entailment", "covidfact")] * 2
              + [("neutral", "snli")] * 3 + [("contradiction", "snli")] * 1 + [("entailment", "anli")] * 2)
    data = load_training_rows(tmp_path, allow_nc=False, aux=False, max_pairs=None, seed=13,
                              balance=frozenset({"covidfact"}))
    assert data.used == {"snli": 4, "covidfact (balanced)": 4} and data.dropped == {"anli": 2}  # ANLI: CC BY-NC
    covid = [r for r in data.rows if int(r[0][1:]) < 8]
    assert sorted(label for _, _, label in covid) == [0, 0, 1, 1]
    plain = load_training_rows(tmp_path, allow_nc=False, aux=False, max_pairs=None, seed=13)
    assert plain.used == {"snli": 4, "covidfact": 8} and len(plain.rows) == 12 and plain.validation == []


def test_balanced_is_seeded():
    rows = [("p", f"h{i}", i % 3 == 0) for i in range(30)]
    assert balanced(rows, 1) == balanced(rows, 1)
    assert len(balanced(rows, 1)) == 20


def fact_row(premise, claim, dataset="covidfact", label="entailment", id_="1"):
    return {"premise": premise, "hypothesis": claim, "label": label, "dataset": dataset, "id": id_}


def test_mined_neutral_is_on_topic_and_never_the_claims_own_or_a_siblings_premise():
    from verify.training.mine import mine_neutrals

    rows = [
        fact_row("Vitamin D supplements lowered the risk of severe COVID-19 in a trial of 900 adults.",
                 "Vitamin D supplements lower the risk of severe COVID-19.", id_="a"),
        # a counter-claim of the same original: its premise may decide ours
        fact_row("In the trial, vitamin D supplements raised severe COVID-19 rates among older adults.",
                 "Vitamin D supplements raise the risk of severe COVID-19.", label="contradiction", id_="b"),
        # on topic (vitamin D, COVID-19) but silent on supplements and severity
        fact_row("Blood levels of vitamin D were measured in COVID-19 patients admitted to hospital.",
                 "Hospitals measured vitamin D levels of admitted patients.", id_="c"),
        fact_row("Masks cut transmission of influenza in households.", "Masks reduce flu spread at home.", id_="d"),
    ]
    mined = {m["hypothesis"]: m for m in mine_neutrals(rows, sample=0)}
    first = mined["Vitamin D supplements lower the risk of severe COVID-19."]
    assert first["premise"].startswith("Blood levels of vitamin D") and first["label"] == "neutral"
    assert first["dataset"] == "mined_neutral" and first["source"] == "covidfact"
    for m in mined.values():
        own = next(r["premise"] for r in rows if r["hypothesis"] == m["hypothesis"])
        assert m["premise"] != own


def test_mining_skips_vitaminc_revisions_of_the_same_sentence_and_caption_corpora():
    from verify.training.mine import mine_neutrals

    rows = [
        fact_row("As of 5 April 2020, Bulgaria had 531 confirmed cases.", "Bulgaria had over 500 cases by 5 April.",
                 dataset="vitaminc_real", id_="x_1"),
        fact_row("As of 6 April 2020, Bulgaria had 577 confirmed cases and 23 deaths.",
                 "Bulgaria recorded 23 deaths.", dataset="vitaminc_real", id_="x_2"),
        fact_row("A man plays a guitar on stage.", "A man plays guitar.", dataset="snli", id_="s"),
    ]
    assert mine_neutrals(rows, sample=10) == []


def test_extra_rows_are_added_under_their_own_name_and_licence_filtered():
    from verify.training.train_data import with_extra

    used = {"snli": 2}
    rows = with_extra([("p", "h", 0), ("q", "i", 1)], used,
                      [{**fact_row("p2", "h2", dataset="mined_neutral", label="neutral"), "source": "covidfact"},
                       {**fact_row("p3", "h3", dataset="mined_neutral", label="neutral"), "source": "averitec"}],
                      allow_nc=False, seed=13)
    assert sorted(rows) == [("p", "h", 0), ("p2", "h2", 2), ("q", "i", 1)]  # AVeriTeC: CC BY-NC
    assert used == {"snli": 2, "mined_neutral": 1}
