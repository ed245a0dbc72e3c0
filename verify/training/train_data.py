"""The verifier's training pairs: read, licence-filtered, balanced and shuffled.

Datasets whose licence forbids commercial use or redistribution are excluded by
default (see ``NONCOMMERCIAL``); ``python -m verify.training.train`` records in the
exported card what was used and what was excluded. The held-out validation split
(:mod:`verify.training.holdout`) is set aside here: training never reads its rows, nor any
other pair that shares a premise or claim with them.
"""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from verify.judge.nli_model import LABELS
from verify.training.holdout import HoldoutSpec, HoldoutSplit, build_split

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


def read_healthver(path: Path) -> list[dict[str, str]]:
    """HealthVer's CSV as one dict a row (claim, evidence, label as written: Supports / Refutes / Neutral,
    topic_ip, ...). A measurement set: read for the figures reported, never to fit (its one reader)."""
    import csv

    with Path(path).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def balanced(rows: list[tuple[str, str, int]], seed: int) -> list[tuple[str, str, int]]:
    """``rows`` with every label cut down, at random, to the count of the rarest one."""
    by_label: dict[int, list] = {}
    for row in rows:
        by_label.setdefault(row[2], []).append(row)
    n = min(len(v) for v in by_label.values()) if by_label else 0
    rng = random.Random(seed)
    return [row for label in sorted(by_label) for row in rng.sample(by_label[label], n)]


@dataclass
class TrainingData:
    """What a run trains and selects on.

    Attributes:
        rows: The shuffled training pairs ``(premise, hypothesis, label id)``.
        used: Training pairs per dataset.
        dropped: Rows per dataset excluded for their licence.
        validation: The held-out split's pairs, in file order: selection only, never trained on.
        split: The held-out split of the licence-clean ``train_3way`` rows (None: no split).
        touching: Other pairs dropped per dataset because they share a premise or claim with the split.
    """

    rows: list[tuple[str, str, int]]
    used: dict[str, int]
    dropped: dict[str, int]
    validation: list[tuple[str, str, int]] = field(default_factory=list)
    split: HoldoutSplit | None = None
    touching: dict[str, int] = field(default_factory=dict)


def clean_rows(rows) -> list[dict]:
    """The licence-clean rows of ``rows`` (the ones the held-out split is drawn from)."""
    return [r for r in rows if not excluded(r, allow_nc=False)]


def held_out_rows(data: Path, spec: HoldoutSpec) -> list[dict]:
    """The held-out split's rows of ``data``'s ``train_3way``, in file order (:mod:`verify.training.holdout`)."""
    clean = clean_rows(read_rows(data / "train_3way.jsonl.gz"))
    split = build_split(clean, spec)
    return [clean[i] for i in sorted(split.held)]


def _pair(row: dict) -> tuple[str, str, int]:
    return row["premise"], row["hypothesis"], LABEL_ID[row["label"]]


def load_training_rows(data: Path, allow_nc: bool, aux: bool, max_pairs: int | None, seed: int,
                       balance: frozenset[str] = frozenset(), holdout: HoldoutSpec | None = None) -> TrainingData:
    """The training pairs, licence-filtered and shuffled, and the held-out validation pairs.

    Args:
        data: Folder with ``train_3way.jsonl.gz`` (and ``train_2way_aux.jsonl.gz`` when ``aux``).
        allow_nc: Also train on licence-excluded sets (never part of the held-out split).
        aux: Add the 2-way auxiliary pairs.
        max_pairs: Keep only the first N shuffled training pairs.
        seed: Shuffle and balance seed.
        balance: Datasets whose labels are evened out (COVID-Fact is 2:1 refuted: a topical
            "contradicts" prior).
        holdout: The held-out split to set aside (:mod:`verify.training.holdout`); None trains on every row.

    Returns:
        The pairs and their counts.
    """
    everything = list(read_rows(data / "train_3way.jsonl.gz"))
    clean = clean_rows(everything)
    split = build_split(clean, holdout) if holdout else None
    held_ids = {id(clean[i]) for i in split.held} if split else set()
    rows, used, dropped, touching = [], Counter(), Counter(), Counter()
    to_balance: dict[str, list] = {}
    for row in everything:
        if id(row) in held_ids:
            continue
        if excluded(row, allow_nc):
            dropped[row["dataset"]] += 1
            continue
        if split and split.touches(row):
            touching[row["dataset"]] += 1
            continue
        if row["dataset"] in balance:
            to_balance.setdefault(row["dataset"], []).append(_pair(row))
            continue
        rows.append(_pair(row))
        used[row["dataset"]] += 1
    for dataset, pairs in sorted(to_balance.items()):
        kept = balanced(pairs, seed)
        rows.extend(kept)
        used[f"{dataset} (balanced)"] += len(kept)
    if aux:
        for row in read_rows(data / "train_2way_aux.jsonl.gz"):
            if row["dataset"] not in AUX_DATASETS or excluded(row, allow_nc):
                continue
            if split and split.touches(row):
                touching[row["dataset"] + " (2-way)"] += 1
                continue
            label = LABEL_ID["entailment"] if row["label"] == "entailment" else AUX_LABEL
            rows.append((row["premise"], row["hypothesis"], label))
            used[row["dataset"] + " (2-way)"] += 1
    random.Random(seed).shuffle(rows)
    if max_pairs:
        rows = rows[:max_pairs]
    validation = [_pair(clean[i]) for i in sorted(split.held)] if split else []
    return TrainingData(rows, dict(used), dict(dropped), validation, split, dict(touching))


def with_extra(rows: list, used: Counter | dict, extra, allow_nc: bool, seed: int,
               split: HoldoutSplit | None = None) -> list:
    """``rows`` with the ``extra`` training-format rows added (a mined row is licensed as the
    dataset its claim came from, ``source``), shuffled again; ``used`` counts them. A row sharing a
    premise or claim with the held-out ``split`` is left out (mined rows come from ``train_3way``)."""
    rows = list(rows)
    for row in extra:
        if excluded({**row, "dataset": row.get("source", row["dataset"])}, allow_nc):
            continue
        if split and split.touches(row):
            continue
        rows.append((row["premise"], row["hypothesis"], LABEL_ID[row["label"]]))
        used[row["dataset"]] = used.get(row["dataset"], 0) + 1
    random.Random(seed + 1).shuffle(rows)
    return rows
