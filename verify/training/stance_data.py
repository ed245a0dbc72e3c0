"""A training-side per-source set for the stance calibration, from shared/nli's fact-verification rows.

The licence-clean fact-verification rows of ``train_3way`` (:data:`FACT_SETS`; never a set of
``verify.training.train.NONCOMMERCIAL``, never a pair that is also in ``dev_3way``) become small
corpora the way HealthVer dev does for measurement (:mod:`verify.evaluation.corpora`): each
distinct evidence text is a source; a claim is checked against the evidence labelled for it plus
a few evidence texts of other topics. A topic joins the rows that share a claim, an evidence text
or a claim family (VitaminC's revisions of one sentence, "5ee3..._1", "5ee3..._2"; FEVER-Symmetric's
"1947750000003"), so the grouped split of :mod:`verify.training.calibrate` never puts one fact on
both sides.

Caveat: the shipped NLI model was fine-tuned on these rows, so its readings of them are surer than
of text it never saw; the calibration's figures on the measurement sets show how far that carries.
"""

from __future__ import annotations

import gzip
import json
import random
from collections import defaultdict
from pathlib import Path

from verify.evaluation.corpora import LabelledPair, SmallCorpora, connected_topics, small_corpora
from verify.training.train_data import excluded

FACT_SETS = {"vitaminc_real": 0.35, "vitaminc_synthetic": 0.1, "fever_symmetric": 0.1, "fever_adversarial": 0.1,
             "check_covid": 0.15, "covidfact": 0.1, "wice": 0.1}
"""Fact-verification sets and each one's share of the sampled claims (PROVENANCE.txt: CC BY-SA /
MIT; COVID-Fact has no licence file and is used as the shipped model's training is, see the model card)."""
STANCE = {"entailment": "supports", "contradiction": "contradicts", "neutral": "none"}
DISTRACTORS = 4
SEED = 13


def _family(row: dict) -> str:
    """Rows built from one sentence and its revisions share a family (see the module docstring)."""
    rid = str(row.get("id", ""))
    if "_" in rid:
        rid = rid.rsplit("_", 1)[0]
    elif rid.isdigit() and len(rid) >= 10:
        rid = rid[:-1]
    return f"{row['dataset']}:{rid}"


def read_fact_rows(nli: Path) -> list[dict]:
    """The fact-verification rows of ``train_3way`` minus any pair (or id) that is also in ``dev_3way``."""
    def lines(name: str) -> list[dict]:
        with gzip.open(nli / name, "rt", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]

    dev = lines("dev_3way.jsonl.gz")
    held = {(r["premise"], r["hypothesis"]) for r in dev} | {(r["dataset"], r["id"]) for r in dev}
    return [r for r in lines("train_3way.jsonl.gz")
            if r["dataset"] in FACT_SETS and not excluded(r, allow_nc=False) and r["label"] in STANCE and r["premise"].strip() and r["hypothesis"].strip()
            and (r["premise"], r["hypothesis"]) not in held and (r["dataset"], r["id"]) not in held]


def fact_corpora(rows: list[dict], claims: int, distractors: int = DISTRACTORS, seed: int = SEED) -> SmallCorpora:
    """Small corpora of ``claims`` claims sampled (seeded) over :data:`FACT_SETS` by their shares.

    Args:
        rows: Fact-verification rows (see :func:`read_fact_rows`).
        claims: Claims to sample; each keeps every evidence text labelled for it.
        distractors: Evidence texts of other topics per claim. Defaults to :data:`DISTRACTORS`.
        seed: Sampling seed. Defaults to :data:`SEED`.
    """
    rng = random.Random(seed)
    topics = connected_topics([[f"c:{r['hypothesis']}", f"e:{r['premise']}", f"f:{_family(r)}"] for r in rows],
                              "fact-topic-")
    by_set: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_set[r["dataset"]].append(r["hypothesis"])
    chosen: set[str] = set()
    for dataset, share in FACT_SETS.items():
        names = sorted(set(by_set.get(dataset, [])))
        chosen.update(rng.sample(names, min(round(claims * share), len(names))))
    pairs = [LabelledPair(claim=r["hypothesis"], evidence=r["premise"], stance=STANCE[r["label"]], topic=t)
             for r, t in zip(rows, topics) if r["hypothesis"] in chosen]
    return small_corpora(pairs, distractors, seed, prefix="fact")
