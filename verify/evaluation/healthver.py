"""HealthVer dev as a per-source benchmark (measurement only: nothing is fitted on it).

Each distinct evidence text of ``healthver_dev.csv`` is one source. A claim's corpus is its own
evidence texts (gold: the pair's label, Neutral -> "none") plus :data:`DISTRACTORS` evidence texts
of other topics (gold: "none"), drawn with a fixed seed. A topic joins HealthVer's ``topic_ip``
with every claim and evidence text linked to it through a labelled pair, so a distractor never
shares a question or an evidence text with the claim; evidence of the claim's own topic without a
label for it stays out of its corpus (see :mod:`verify.evaluation.corpora`).
"""

from __future__ import annotations

from pathlib import Path

from verify.evaluation.corpora import LabelledPair, SmallCorpora, connected_topics, small_corpora
from verify.training.train_data import read_healthver

HEALTHVER_STANCE = {"Supports": "supports", "Refutes": "contradicts", "Neutral": "none"}
DISTRACTORS = 4
SEED = 13


def healthver_corpora(csv_path: Path, distractors: int = DISTRACTORS, seed: int = SEED) -> SmallCorpora:
    """The documents and claim cases of HealthVer dev as small corpora.

    Args:
        csv_path: ``healthver_dev.csv`` (columns claim, evidence, label, topic_ip).
        distractors: Evidence texts of other topics per claim. Defaults to :data:`DISTRACTORS`.
        seed: Seed of the distractor draw. Defaults to :data:`SEED`.
    """
    rows = read_healthver(csv_path)
    topics = connected_topics([[f"c:{r['claim']}", f"e:{r['evidence']}"]
                               + ([f"t:{r['topic_ip']}"] if r.get("topic_ip") else []) for r in rows], "hv-topic-")
    pairs = [LabelledPair(claim=r["claim"], evidence=r["evidence"], stance=HEALTHVER_STANCE[r["label"]],
                          topic=t) for r, t in zip(rows, topics)]
    return small_corpora(pairs, distractors, seed, prefix="hv")
