"""A training-side per-source set for the stance calibration, from shared/nli's fact-verification rows.

The licence-clean fact-verification rows of ``train_3way`` (:data:`FACT_SETS`; never a set of
``verify.training.train.NONCOMMERCIAL``, never a pair that is also in ``dev_3way``) become small
corpora the way HealthVer dev does for measurement (:mod:`verify.evaluation.corpora`): each
distinct evidence text is a source; a claim is checked against the evidence labelled for it plus
a few evidence texts of other topics. A topic joins the rows that share a claim, an evidence text
or a claim family (VitaminC's revisions of one sentence, "5ee3..._1", "5ee3..._2"; FEVER-Symmetric's
"1947750000003"), so the grouped split of :mod:`verify.training.calibrate` never puts one fact on
both sides.

Distractors are random evidence texts of other topics by default; ``near`` of them can instead be
the other-topic evidence texts nearest the claim (:func:`verify.evaluation.corpora.small_corpora`),
so the set also holds the neighbouring story (similar subject, other fact, gold "none") a real
corpus retrieves next to a judged passage. The topic join above keeps the claim's own evidence,
its revisions and the evidence it shares with other claims out of that draw.

Which rows: for a model whose training card says it never saw the held-out split of ``train_3way``
(:mod:`verify.training.holdout`; models trained since the split exists), only that split's fact rows,
so the judge is calibrated on claims it never read. The shipped model was trained on every row;
for it all the fact rows are used as before, and its readings of them are surer than of text it
never saw (the calibration's figures on the measurement sets show how far that carries). A log
line says which was used.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
from collections import defaultdict
from pathlib import Path

from verify.evaluation.corpora import LabelledPair, SmallCorpora, connected_topics, small_corpora
from verify.judge.nli_model import read_delta_config
from verify.training.holdout import family, unseen_spec
from verify.training.train_data import excluded, held_out_rows

LOG = logging.getLogger(__name__)

FACT_SETS = {"vitaminc_real": 0.35, "vitaminc_synthetic": 0.1, "fever_symmetric": 0.1, "fever_adversarial": 0.1,
             "check_covid": 0.15, "covidfact": 0.1, "wice": 0.1}
"""Fact-verification sets and each one's share of the sampled claims (PROVENANCE.txt: CC BY-SA /
MIT; COVID-Fact has no licence file and is used as the shipped model's training is, see the model card)."""
STANCE = {"entailment": "supports", "contradiction": "contradicts", "neutral": "none"}
DISTRACTORS = 4
SEED = 13


def read_fact_rows(nli: Path, model: Path | None = None) -> list[dict]:
    """The fact-verification rows of ``train_3way`` minus any pair (or id) that is also in ``dev_3way``.

    Args:
        nli: Folder with ``train_3way.jsonl.gz`` and ``dev_3way.jsonl.gz``.
        model: The verifier to calibrate. When its card says it never trained on a held-out split,
            only that split's rows are read (see the module docstring). Defaults to None: all rows.
    """
    def lines(name: str) -> list[dict]:
        with gzip.open(nli / name, "rt", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]

    spec = unseen_spec((read_delta_config(model) or {}).get("card")) if model else None
    if spec:
        train = held_out_rows(nli, spec)
        LOG.info("stance calibration rows: the fact rows of the %s, which %s never trained on",
                 spec.describe(len(train)), model)
    else:
        train = lines("train_3way.jsonl.gz")
        LOG.info("stance calibration rows: all fact rows of train_3way (%s was trained on them: its card "
                 "records no unseen held-out split)", model or "the model")
    dev = lines("dev_3way.jsonl.gz")
    held = {(r["premise"], r["hypothesis"]) for r in dev} | {(r["dataset"], r["id"]) for r in dev}
    return [r for r in train
            if r["dataset"] in FACT_SETS and not excluded(r, allow_nc=False) and r["label"] in STANCE and r["premise"].strip() and r["hypothesis"].strip()
            and (r["premise"], r["hypothesis"]) not in held and (r["dataset"], r["id"]) not in held]


def fact_corpora(rows: list[dict], claims: int, distractors: int = DISTRACTORS, seed: int = SEED, near: int = 0,
                 embed=None) -> SmallCorpora:
    """Small corpora of ``claims`` claims sampled (seeded) over :data:`FACT_SETS` by their shares.

    Args:
        rows: Fact-verification rows (see :func:`read_fact_rows`).
        claims: Claims to sample; each keeps every evidence text labelled for it.
        distractors: Evidence texts of other topics per claim. Defaults to :data:`DISTRACTORS`.
        seed: Sampling seed. Defaults to :data:`SEED`.
        near: How many of the distractors are the other-topic evidence texts nearest the claim.
            Defaults to 0: all random.
        embed: The embedder's ``embed`` (texts -> unit vectors); needed when ``near`` > 0.
    """
    rng = random.Random(seed)
    topics = connected_topics([[f"c:{r['hypothesis']}", f"e:{r['premise']}", f"f:{family(r)}"] for r in rows],
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
    return small_corpora(pairs, distractors, seed, prefix="fact", near=near, embed=embed)
