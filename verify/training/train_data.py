"""The verifier's training pairs: read, licence-filtered, balanced and shuffled.

Datasets whose licence forbids commercial use or redistribution are excluded by
default (see ``NONCOMMERCIAL``); ``python -m verify.training.train`` records in the
exported card what was used and what was excluded.
"""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from pathlib import Path

from verify.judge.nli_model import LABELS

LABEL_ID = {"entailment": 0, "contradiction": 1, "neutral": 2}
assert [LABELS[i] for i in LABEL_ID.values()] == ["supports", "contradicts", "neutral"]
AUX_LABEL = -1  # 2-way "not_entailment": we only know it is not 'supports'
NONCOMMERCIAL = {
    # dataset -> why it is excluded from the shipped default model (PROVENANCE.txt)
    "anli": "CC BY-NC 4.0",
    "xnli_en": "CC BY-NC 4.0",
    "sick": "CC BY-NC-SA",
    "averitec": "CC BY-NC 4.0",
    "scifact_rte2": "CC BY-NC",
    "healthfc": "CC BY-NC-ND",
}
TAXINLI_SPLITS = ("taxinli",)  # MNLI rows re-annotated by TaxiNLI: Microsoft C-UDA
AUX_DATASETS = ("fever_rte2", "glue_rte", "scitail")


def excluded(row: dict, allow_nc: bool) -> str | None:
    """Why ``row`` must not be trained on, or None."""
    if allow_nc:
        return None
    if row["dataset"] in NONCOMMERCIAL:
        return NONCOMMERCIAL[row["dataset"]]
    if any(tag in row.get("split", "") for tag in TAXINLI_SPLITS):
        return "TaxiNLI (Microsoft C-UDA)"
    return None


def read_rows(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def balanced(rows: list[tuple[str, str, int]], seed: int) -> list[tuple[str, str, int]]:
    """``rows`` with every label cut down, at random, to the count of the rarest one."""
    by_label: dict[int, list] = {}
    for row in rows:
        by_label.setdefault(row[2], []).append(row)
    n = min(len(v) for v in by_label.values()) if by_label else 0
    rng = random.Random(seed)
    return [row for label in sorted(by_label) for row in rng.sample(by_label[label], n)]


def load_training_rows(data: Path, allow_nc: bool, aux: bool, max_pairs: int | None, seed: int,
                       balance: frozenset[str] = frozenset()):
    """The training pairs, licence-filtered and shuffled; the datasets in ``balance`` with their
    labels evened out (COVID-Fact is 2:1 refuted: a topical "contradicts" prior)."""
    rows, used, dropped = [], Counter(), Counter()
    to_balance: dict[str, list] = {}
    for row in read_rows(data / "train_3way.jsonl.gz"):
        why = excluded(row, allow_nc)
        if why:
            dropped[row["dataset"]] += 1
            continue
        pair = (row["premise"], row["hypothesis"], LABEL_ID[row["label"]])
        if row["dataset"] in balance:
            to_balance.setdefault(row["dataset"], []).append(pair)
            continue
        rows.append(pair)
        used[row["dataset"]] += 1
    for dataset, pairs in sorted(to_balance.items()):
        kept = balanced(pairs, seed)
        rows.extend(kept)
        used[f"{dataset} (balanced)"] += len(kept)
    if aux:
        for row in read_rows(data / "train_2way_aux.jsonl.gz"):
            if row["dataset"] not in AUX_DATASETS or excluded(row, allow_nc):
                continue
            label = LABEL_ID["entailment"] if row["label"] == "entailment" else AUX_LABEL
            rows.append((row["premise"], row["hypothesis"], label))
            used[row["dataset"] + " (2-way)"] += 1
    random.Random(seed).shuffle(rows)
    if max_pairs:
        rows = rows[:max_pairs]
    return rows, dict(used), dict(dropped)


def with_extra(rows: list, used: Counter | dict, extra, allow_nc: bool, seed: int) -> list:
    """``rows`` with the ``extra`` training-format rows added (a mined row is licensed as the
    dataset its claim came from, ``source``), shuffled again; ``used`` counts them."""
    rows = list(rows)
    for row in extra:
        if excluded({**row, "dataset": row.get("source", row["dataset"])}, allow_nc):
            continue
        rows.append((row["premise"], row["hypothesis"], LABEL_ID[row["label"]]))
        used[row["dataset"]] = used.get(row["dataset"], 0) + 1
    random.Random(seed + 1).shuffle(rows)
    return rows
