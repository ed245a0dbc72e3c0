"""Mine on-topic "neutral" training pairs: a claim with a passage about the same thing that
neither supports nor refutes it.

    python -m verify.training.mine --data ../shared/nli --out runs/mined_neutrals.jsonl.gz [--filter-model models/verifier]

Why: the training sets' neutrals are mostly caption-style (SNLI: a different scene) and their
contradictions mostly the same topic with a changed detail, so the model learns "same topic,
not the same words: contradicts". Real evidence is often on the topic and silent on the
claim (HealthVer's neutral abstracts; a news article's other sentences), and the model called
44% of such pairs "contradicts". Each fact-verification claim is paired with the most similar
premise (TF-IDF) that belongs to none of its sibling claims (VitaminC revisions of the same
sentence, COVID-Fact's counter-claims of the same original) and does not already hold most of
its words; with ``--filter-model``, pairs that model thinks support the claim are dropped
(another study often confirms a COVID claim). Caption corpora (SNLI, MPE) are not mined: their
annotation calls "the same scene, another act" a contradiction.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

LOG = logging.getLogger(__name__)

MINED_DATASETS = ("vitaminc_real", "vitaminc_synthetic", "covidfact", "check_covid",
                  "fever_symmetric", "fever_adversarial", "wice")
"""Fact-verification sets whose claims are mined (all licence-clean: see verify.training.train_data)."""
ALWAYS_MINED = ("covidfact", "check_covid")
"""Every claim of these is mined (the health domain is where neutral evidence is missed most);
the others are sampled."""
SIBLING_SIMILARITY = 0.35
"""A premise paired in the data with a claim this similar (TF-IDF cosine) to ours may well
decide ours: its claims are siblings (a revision, a counter-claim), so it is not mined."""
MAX_COVERAGE = 0.6
"""A premise holding this share of the claim's content words may entail it: not mined."""
MIN_SIMILARITY = 0.1
"""Below this the premise is off-topic: an easy neutral the data already has plenty of."""
TOP_CANDIDATES = 20
MAX_SUPPORT = 0.25
"""With a filter model: drop pairs it gives more than this probability of "supports"."""

_STOP = frozenset({"the", "a", "an", "of", "in", "on", "to", "and", "or", "is", "are", "was", "were", "be",
                   "been", "by", "for", "with", "as", "at", "that", "this", "it", "its", "from", "has",
                   "have", "had", "not", "no", "do", "does", "did"})
"""Function words only, numbers kept: "500 cases" counts as held by "500 confirmed cases"."""


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _group(row: dict) -> str | None:
    """VitaminC ids share a prefix across the revisions of one sentence."""
    return row["id"].split("_")[0] if row["dataset"].startswith("vitaminc") and "id" in row else None


def mine_neutrals(rows: list[dict], sample: int, seed: int = 13) -> list[dict]:
    """On-topic neutral pairs from fact-verification rows.

    Args:
        rows: training rows (``premise``, ``hypothesis``, ``dataset``, ``id``); those of
            :data:`MINED_DATASETS` are used.
        sample: how many claims of the sampled datasets to mine (all of :data:`ALWAYS_MINED`).
        seed: the sample's seed. Defaults to 13.

    Returns:
        Rows in the training format, label ``neutral``, dataset ``mined_neutral``, with the
        claim's dataset as ``source`` and the TF-IDF similarity as ``similarity``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = [r for r in rows if r["dataset"] in MINED_DATASETS]
    if not rows:
        return []
    pool = _Pool(rows, TfidfVectorizer(stop_words="english", min_df=min(2, len(rows)), sublinear_tf=True))
    rng = random.Random(seed)
    always = [n for n, r in enumerate(rows) if r["dataset"] in ALWAYS_MINED]
    others = [n for n, r in enumerate(rows) if r["dataset"] not in ALWAYS_MINED]
    queries, seen = [], set()
    for n in always + rng.sample(others, min(sample, len(others))):
        if rows[n]["hypothesis"] not in seen:
            seen.add(rows[n]["hypothesis"])
            queries.append(n)
    out = []
    for start in range(0, len(queries), 1000):
        chunk = queries[start:start + 1000]
        similarity = (pool.claim_vecs[chunk] @ pool.premise_vecs.T).toarray()
        out.extend(m for m in (pool.best_neutral(q, sims) for q, sims in zip(chunk, similarity)) if m is not None)
    return out


class _Pool:
    """The mined rows' distinct premises and claims as TF-IDF vectors, with which claims (and
    VitaminC groups) each premise is paired with in the data."""

    def __init__(self, rows: list[dict], vectoriser):
        self.rows = rows
        self.premises = list(dict.fromkeys(r["premise"] for r in rows))
        self.premise_id = {p: i for i, p in enumerate(self.premises)}
        self.claims_of: dict[int, list[int]] = defaultdict(list)
        self.groups_of: dict[int, set] = defaultdict(set)
        for n, r in enumerate(rows):
            self.claims_of[self.premise_id[r["premise"]]].append(n)
            self.groups_of[self.premise_id[r["premise"]]].add(_group(r))
        claims = [r["hypothesis"] for r in rows]
        vectoriser.fit(self.premises + claims)
        self.premise_vecs, self.claim_vecs = vectoriser.transform(self.premises), vectoriser.transform(claims)

    def best_neutral(self, q: int, sims) -> dict | None:
        """The mined pair for row ``q``'s claim, given its similarity to every premise; None
        when no premise among the most similar qualifies."""
        import numpy as np

        row = self.rows[q]
        own, group, words = self.premise_id[row["premise"]], _group(row), content_words(row["hypothesis"])
        for j in np.argsort(-sims)[:TOP_CANDIDATES]:
            if sims[j] < MIN_SIMILARITY:
                return None
            if j == own or (group and group in self.groups_of[j]):
                continue
            if (self.claim_vecs[self.claims_of[j]] @ self.claim_vecs[q].T).max() >= SIBLING_SIMILARITY:
                continue
            if words and len(words & content_words(self.premises[j])) / len(words) >= MAX_COVERAGE:
                continue
            return {"premise": self.premises[j], "hypothesis": row["hypothesis"], "label": "neutral",
                    "dataset": "mined_neutral", "source": row["dataset"], "similarity": round(float(sims[j]), 3)}
        return None


def drop_supported(mined: list[dict], judge, max_support: float = MAX_SUPPORT) -> list[dict]:
    """The mined pairs that ``judge`` gives at most ``max_support`` probability of "supports"."""
    if not mined:
        return []
    probs = judge.predict([(m["premise"], m["hypothesis"]) for m in mined])
    return [m for m, p in zip(mined, probs) if p[0] <= max_support]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.training.mine", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/nli"), help="folder with train_3way.jsonl.gz")
    ap.add_argument("--out", type=Path, default=Path("runs/mined_neutrals.jsonl.gz"))
    ap.add_argument("--sample", type=int, default=8000, help="claims mined from the sampled datasets")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-pairs", type=int, default=None,
                    help="keep a seeded random subset of this many (too many mined neutrals tilt the model "
                         "towards 'neutral')")
    ap.add_argument("--filter-model", type=Path, default=None,
                    help="a verifier model: drop pairs it thinks support the claim")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    source = args.data / "train_3way.jsonl.gz"
    if not source.is_file():
        print(f"error: no train_3way.jsonl.gz in {args.data}", file=sys.stderr)
        return 2
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    mined = mine_neutrals(rows, args.sample, args.seed)
    LOG.info("mined %d pairs: %s", len(mined), dict(Counter(m["source"] for m in mined)))
    if args.filter_model:
        from verify.judge.backends import NLIJudge

        mined = drop_supported(mined, NLIJudge(args.filter_model))
        LOG.info("kept %d after dropping pairs %s thinks supported", len(mined), args.filter_model)
    if args.max_pairs is not None and len(mined) > args.max_pairs:
        mined = random.Random(args.seed).sample(mined, args.max_pairs)
        LOG.info("kept a random %d", len(mined))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        for m in mined:
            fh.write(json.dumps(m) + "\n")
    tmp.replace(args.out)
    print(f"wrote {len(mined)} mined neutral pairs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
