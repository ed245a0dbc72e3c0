"""Scoring and grouping helpers for evaluation, calibration and training (pure functions, standard library only)."""

from __future__ import annotations

import random
from collections import Counter


def macro_f1(gold: list[str], pred: list[str], labels: list[str] | None = None) -> float:
    """Macro-averaged F1 over ``labels`` (default: the gold labels seen)."""
    labels = labels or sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0


def accuracy_by_group(groups: list[str], gold: list[str], pred: list[str]) -> dict[str, dict]:
    """``{group: {"pairs": n, "accuracy": a}}``, largest group first."""
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    return {g: {"pairs": len(idx), "accuracy": accuracy([gold[i] for i in idx], [pred[i] for i in idx])}
            for g, idx in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def resolve_gold(acceptable: list[str], pred: str) -> str:
    """With several acceptable gold stances, score against the predicted one if it is among them."""
    return pred if pred in acceptable else acceptable[0]


def confusion(gold: list[str], pred: list[str]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter] = {}
    for g, p in zip(gold, pred):
        table.setdefault(g, Counter())[p] += 1
    return {g: dict(c) for g, c in sorted(table.items())}


def expected_calibration_error(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    """ECE: the bin-weighted gap between confidence and accuracy."""
    if not confidences:
        return 0.0
    total, n = 0.0, len(confidences)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo < c <= hi or (b == 0 and c == 0)]
        if idx:
            conf = sum(confidences[i] for i in idx) / len(idx)
            acc = sum(correct[i] for i in idx) / len(idx)
            total += len(idx) / n * abs(conf - acc)
    return total


def held_out_calibrated(groups: list[str], confidences: list[float], correct: list[bool]) -> list[float]:
    """Each confidence mapped by a Platt map fitted on the *other* groups (leave one group out):
    the calibrated confidences an unseen claim would get."""
    from verify.training.stance_model import fit_platt

    out = [0.0] * len(confidences)
    for g in dict.fromkeys(groups):
        train = [i for i, x in enumerate(groups) if x != g]
        fitted = fit_platt([confidences[i] for i in train], [correct[i] for i in train])
        for i, x in enumerate(groups):
            if x == g:
                out[i] = fitted(confidences[i])
    return out


def grouped_split(groups: list[str], seed: int, held_out: float = 0.5) -> list[bool]:
    """Whether each item is held out: a seeded ``held_out`` share of the distinct groups, whole.

    Items of one group (one topic) always fall on the same side, so a fit never sees a fact
    whose other claims it is measured on.
    """
    names = _shuffled(groups, seed)
    held = set(names[: round(len(names) * held_out)])
    return [g in held for g in groups]


def grouped_folds(groups: list[str], folds: int, seed: int) -> list[int]:
    """Each item's fold: whole groups (topics) dealt round-robin over ``folds`` after the same seeded
    shuffle as :func:`grouped_split`."""
    fold_of = {g: i % folds for i, g in enumerate(_shuffled(groups, seed))}
    return [fold_of[g] for g in groups]


def _shuffled(groups: list[str], seed: int) -> list[str]:
    """The distinct groups, sorted, then shuffled with ``seed``: the same order whatever the items' order."""
    names = sorted(set(groups))
    random.Random(seed).shuffle(names)
    return names


def connected_topics(links: list[list[str]], prefix: str) -> list[str]:
    """Each row's topic: rows sharing any key (a claim, an evidence text, a topic label) are one topic.

    Args:
        links: Per row, the keys that tie it to other rows.
        prefix: Topic names are ``{prefix}{n}``, numbered in the order topics first appear.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for keys in links:
        for key in keys[1:]:
            a, b = find(keys[0]), find(key)
            if a != b:
                parent[a] = b
    names: dict[str, str] = {}
    return [names.setdefault(find(keys[0]), f"{prefix}{len(names)}") for keys in links]
