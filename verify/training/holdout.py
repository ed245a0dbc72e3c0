"""The verifier's validation split: a grouped, seeded share of ``train_3way`` that training never sees.

Checkpoint selection, the choice between configurations trained side by side and the softmax
temperature are fitted on this split; ``dev_3way`` is only reported. The rule is this code, so
every tool (training here or on a lent GPU, the temperature fit, the stance calibration) derives
the same rows from the data:

* Only licence-clean rows are split (the caller filters them; never a ``NONCOMMERCIAL`` set).
* Rows sharing a premise, a claim (case and spacing ignored) or a claim family (VitaminC's
  revisions of one sentence, ``5ee3..._1`` / ``5ee3..._2``; FEVER-Symmetric's ``1947750000003``;
  :func:`family`) are one group, and a group lies on one side only.
* Stratified over datasets: each group counts for the dataset most of its rows come from, and per
  dataset groups are taken in a seeded order until ``share`` of its rows are held out. Groups over
  :data:`MAX_GROUP_ROWS` rows stay in training (the largest, ~1,600 SICK/SNLI rows joined by short
  captions such as "A man is playing a guitar", would alone exceed most datasets' share).
* The order does not depend on the file's row order: a group is named by its smallest
  ``premise + claim`` and the seeded shuffle runs over the sorted names.

Training also drops every other pair whose premise or claim is held out (the 2-way auxiliary rows,
``--extra`` rows, licence-excluded rows under ``--allow-noncommercial``): :meth:`HoldoutSplit.touches`.
Standard library only, so the GPU script can run it without the rest of the package.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from verify.training.metrics import connected_topics

HOLDOUT_SEED = 13
"""The split's seed: fixed apart from the training ``--seed``, so runs of several seeds are compared on one split."""
HOLDOUT_SHARE = 0.03
MAX_GROUP_ROWS = 50
FAMILY_SETS = ("vitaminc_real", "vitaminc_synthetic", "fever_symmetric", "fever_adversarial", "check_covid",
               "covidfact", "wice")
"""Fact-verification sets whose ids name a claim family (see :func:`family`)."""


@dataclass(frozen=True)
class HoldoutSpec:
    """Which split: its seed and the share of each dataset's rows it holds out."""

    seed: int = HOLDOUT_SEED
    share: float = HOLDOUT_SHARE

    def describe(self, rows: int) -> str:
        """What a card's ``selected_on`` / ``fitted_on`` says: the split and how many of its rows were scored."""
        return f"train_3way held-out split (seed {self.seed}, {self.share:.0%} per dataset: {rows:,} rows)"


@dataclass(frozen=True)
class HoldoutSplit:
    """A split of a list of licence-clean rows.

    Attributes:
        spec: The seed and share it was built with.
        held: Indices (into the rows it was built from) of the held-out rows.
        keys: The normalised premises and claims of the held-out rows.
        by_dataset: Held-out rows per dataset.
    """

    spec: HoldoutSpec
    held: frozenset[int]
    keys: frozenset[str]
    by_dataset: dict[str, int]

    def touches(self, row: dict) -> bool:
        """Whether ``row`` shares a premise or a claim with the held-out rows."""
        return any(key in self.keys for key in text_keys(row))



def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def family(row: dict) -> str | None:
    """The claim family of a fact-verification row (rows built from one sentence and its revisions), or None."""
    if row["dataset"] not in FAMILY_SETS:
        return None
    rid = str(row.get("id", ""))
    if "_" in rid:
        rid = rid.rsplit("_", 1)[0]
    elif rid.isdigit() and len(rid) >= 10:
        rid = rid[:-1]
    return f"{row['dataset']}:{rid}"


def text_keys(row: dict) -> list[str]:
    """The premise and claim keys of ``row`` (case and spacing ignored)."""
    return [f"p:{_norm(row['premise'])}", f"c:{_norm(row['hypothesis'])}"]


def group_keys(row: dict) -> list[str]:
    """What ties ``row`` to others: its premise, its claim and its claim family, if any."""
    fam = family(row)
    return text_keys(row) + ([f"f:{fam}"] if fam else [])


def build_split(rows: list[dict], spec: HoldoutSpec = HoldoutSpec()) -> HoldoutSplit:
    """The held-out split of ``rows`` (licence-clean ``train_3way`` rows) by the rule of this module.

    Args:
        rows: Rows with ``premise``, ``hypothesis``, ``dataset`` and ``id``.
        spec: Seed and share. Defaults to seed :data:`HOLDOUT_SEED`, share :data:`HOLDOUT_SHARE`.

    Returns:
        The split; ``held`` indexes ``rows``.
    """
    topics = connected_topics([group_keys(r) for r in rows], "g")
    members: dict[str, list[int]] = defaultdict(list)
    for i, topic in enumerate(topics):
        members[topic].append(i)
    name = {t: min(rows[i]["premise"] + "\x1f" + rows[i]["hypothesis"] for i in idx) for t, idx in members.items()}
    dataset_of = {t: min(Counter(rows[i]["dataset"] for i in idx).items(), key=lambda kv: (-kv[1], kv[0]))[0]
                  for t, idx in members.items()}
    totals = Counter(r["dataset"] for r in rows)
    order = sorted(members, key=name.__getitem__)
    random.Random(spec.seed).shuffle(order)
    taken: Counter = Counter()
    held: set[int] = set()
    for topic in order:
        idx, dataset = members[topic], dataset_of[topic]
        if len(idx) > MAX_GROUP_ROWS or taken[dataset] >= spec.share * totals[dataset]:
            continue
        taken[dataset] += len(idx)
        held.update(idx)
    keys = frozenset(k for i in held for k in text_keys(rows[i]))
    return HoldoutSplit(spec, frozenset(held), keys, dict(Counter(rows[i]["dataset"] for i in held)))


def unseen_spec(card: dict | None) -> HoldoutSpec | None:
    """The split a model's training card says its weights never saw, or None.

    None for the shipped model (trained on every ``train_3way`` row before the split existed) and for
    a model started from such weights (``--init-from`` / ``--continue-from``).
    """
    info = (card or {}).get("holdout") or {}
    if not info.get("unseen"):
        return None
    return HoldoutSpec(seed=int(info["seed"]), share=float(info["share"]))


def best_of(cards: dict[str, dict]) -> str:
    """Which of several runs to keep: the best held-out accuracy (never ``dev_3way``'s).

    Args:
        cards: Run name -> its exported training card (``crosscheck_verifier.json``'s ``card``).

    Returns:
        The name of the run with the highest held-out accuracy.

    Raises:
        ValueError: When a card has no held-out figure, or the runs were scored on different splits.
    """
    splits = {((c.get("holdout") or {}).get("seed"), (c.get("holdout") or {}).get("share")) for c in cards.values()}
    missing = sorted(name for name, c in cards.items() if not c.get("held_out"))
    if missing:
        raise ValueError(f"no held-out figure in the card of {', '.join(missing)}")
    if len(splits) != 1:
        raise ValueError("the runs were selected on different held-out splits; their figures do not compare")
    return max(sorted(cards), key=lambda name: cards[name]["held_out"]["accuracy"])
