"""The held-out validation split of train_3way: grouped, stratified, seeded, and never trained on (no model)."""

import gzip
import json
import random

import pytest

from verify.training.holdout import HoldoutSpec, best_of, build_split, group_keys, unseen_spec
from verify.training.train_data import load_training_rows, with_extra


def synthetic_rows(n_groups=300):
    """Rows in groups of one to four: SNLI-style (a shared premise), VitaminC-style (a claim family),
    claim-sharing pairs, and a licence-excluded set."""
    rng = random.Random(0)
    rows = []
    for g in range(n_groups):
        kind = g % 4
        size = 1 + rng.randrange(4)
        for k in range(size):
            if kind == 0:  # SNLI: one premise, several hypotheses (the premise differs in case only)
                premise, claim, dataset, rid = (f"A man plays {g}." if k % 2 else f"a  MAN plays {g}."), \
                    f"Hyp {g}-{k}.", "snli", str(g * 10 + k)
            elif kind == 1:  # VitaminC: revisions of one sentence share an id stem, nothing else
                premise, claim, dataset, rid = f"Fact {g} rev {k}.", f"Claim {g} rev {k}.", "vitaminc_real", \
                    f"5ee{g:05d}_{k}"
            elif kind == 2:  # one claim read against several evidence texts
                premise, claim, dataset, rid = f"Evidence {g}-{k}.", f"Claim {g}.", "check_covid", f"c{g}{k}"
            else:
                premise, claim, dataset, rid = f"Sick {g}-{k}.", f"Sick claim {g}-{k}.", "sick", str(g)
            rows.append({"premise": premise, "hypothesis": claim, "dataset": dataset, "id": rid,
                         "label": ["entailment", "contradiction", "neutral"][(g + k) % 3], "split": "train",
                         "group": g})
    return rows


def clean(rows):
    return [r for r in rows if r["dataset"] != "sick"]  # SICK: CC BY-NC-SA


def test_a_premise_claim_or_family_never_lies_on_both_sides():
    rows = clean(synthetic_rows())
    split = build_split(rows, HoldoutSpec(seed=3, share=0.1))
    held_groups = {rows[i]["group"] for i in split.held}
    assert all((i in split.held) == (row["group"] in held_groups) for i, row in enumerate(rows))
    held_keys = {k for i in split.held for k in group_keys(rows[i])}
    assert not any(set(group_keys(row)) & held_keys for i, row in enumerate(rows) if i not in split.held)
    assert split.held and len(split.held) < len(rows)


def test_split_is_stratified_over_datasets_and_seeded_and_ignores_row_order():
    rows = clean(synthetic_rows())
    spec = HoldoutSpec(seed=3, share=0.1)
    split = build_split(rows, spec)
    totals = {d: sum(r["dataset"] == d for r in rows) for d in ("snli", "vitaminc_real", "check_covid")}
    for dataset, total in totals.items():  # at least the share, at most one group (four rows) over it
        assert 0.1 * total <= split.by_dataset[dataset] < 0.1 * total + 4
    content = {(rows[i]["premise"], rows[i]["hypothesis"]) for i in split.held}
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    again = build_split(shuffled, spec)
    assert {(shuffled[i]["premise"], shuffled[i]["hypothesis"]) for i in again.held} == content
    other = build_split(rows, HoldoutSpec(seed=4, share=0.1))
    assert {(rows[i]["premise"], rows[i]["hypothesis"]) for i in other.held} != content


def write(folder, name, rows):
    with gzip.open(folder / name, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in rows))


def test_training_never_reads_a_held_out_pair_nor_an_aux_or_extra_pair_sharing_its_text(tmp_path):
    rows = synthetic_rows()
    spec = HoldoutSpec(seed=3, share=0.1)
    held = [r for i, r in enumerate(clean(rows)) if i in build_split(clean(rows), spec).held]
    aux_touching = {"premise": held[0]["premise"].upper(), "hypothesis": "Anything.", "label": "entailment",
                    "dataset": "fever_rte2", "id": "a1"}
    aux_free = {**aux_touching, "premise": "Unrelated evidence."}
    write(tmp_path, "train_3way.jsonl.gz", rows)
    write(tmp_path, "train_2way_aux.jsonl.gz", [aux_touching, aux_free])
    data = load_training_rows(tmp_path, allow_nc=True, aux=True, max_pairs=None, seed=13, holdout=spec)
    validation = {(p, h) for p, h, _ in data.validation}
    assert validation == {(r["premise"], r["hypothesis"]) for r in held}
    assert not validation & {(p, h) for p, h, _ in data.rows}
    assert (aux_free["premise"], aux_free["hypothesis"]) in {(p, h) for p, h, _ in data.rows}
    assert data.touching == {"fever_rte2 (2-way)": 1}
    assert "sick" not in data.split.by_dataset and data.used["sick"] > 0  # NC rows train (when allowed), never select
    mined = {"premise": "Mined premise.", "hypothesis": held[1]["hypothesis"], "label": "neutral",
             "dataset": "mined_neutral", "source": "covidfact"}
    assert with_extra(data.rows, dict(data.used), [mined], allow_nc=False, seed=13, split=data.split) \
        == with_extra(data.rows, dict(data.used), [], allow_nc=False, seed=13)


def test_only_a_card_that_says_so_counts_as_unseen():
    assert unseen_spec(None) is None
    assert unseen_spec({"dev_3way": {"accuracy": 0.72}}) is None  # the shipped model: every row seen
    assert unseen_spec({"holdout": {"seed": 13, "share": 0.03, "unseen": False}}) is None
    assert unseen_spec({"holdout": {"seed": 5, "share": 0.04, "unseen": True}}) == HoldoutSpec(5, 0.04)


def test_best_of_several_runs_is_chosen_on_the_held_out_split_never_on_dev():
    split = {"seed": 13, "share": 0.03, "unseen": True}
    cards = {"A": {"holdout": split, "held_out": {"accuracy": 0.71}, "dev_3way": {"accuracy": 0.80}},
             "B": {"holdout": split, "held_out": {"accuracy": 0.74}, "dev_3way": {"accuracy": 0.60}}}
    assert best_of(cards) == "B"
    with pytest.raises(ValueError, match="different held-out splits"):
        best_of({**cards, "C": {"holdout": {**split, "seed": 1}, "held_out": {"accuracy": 0.9}}})
    with pytest.raises(ValueError, match="no held-out figure in the card of C"):
        best_of({**cards, "C": {"dev_3way": {"accuracy": 0.9}}})


def test_fact_sets_have_claim_families():
    from verify.training.holdout import FAMILY_SETS
    from verify.training.stance_data import FACT_SETS

    assert set(FACT_SETS) <= set(FAMILY_SETS)
