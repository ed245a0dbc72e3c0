"""Small per-claim corpora from labelled (claim, evidence) pairs, and a verifier over them.

Every distinct evidence text becomes one source. A claim's corpus holds the evidence texts
labelled for it (gold: the pair's stance) plus a few evidence texts of *other* topics as
distractors (gold: "none"). Evidence of the claim's own topic that carries no label for it is
left out of its corpus: its stance is unknown, and a guess would score the verifier against noise.
By default the distractors are drawn at random; ``near`` of them can instead be the evidence texts
of other topics nearest the claim (cosine of the index's embeddings), the neighbouring stories a
real news corpus puts next to a judged passage (training side only, see ``verify.training.stance_data``).
All claims share one index; each is checked against its own sources only
(``Verifier.check_many(sources=...)``), so a claim competes with a dozen sources, not hundreds.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from verify.evaluation.per_source import ClaimCase
from verify.settings import Settings
from verify.training.metrics import connected_topics  # noqa: F401  (re-exported: healthver, tests)


class LabelledPair(BaseModel):
    """One (claim, evidence) pair with its gold stance and the topic it belongs to."""

    model_config = ConfigDict(extra="forbid")

    claim: str
    evidence: str
    stance: str
    """supports / contradicts / none."""
    topic: str


class SmallCorpora(BaseModel):
    """The documents of the shared index (jsonl records) and one case per claim."""

    documents: list[dict]
    cases: list[ClaimCase]


def small_corpora(pairs: list[LabelledPair], distractors: int, seed: int, prefix: str, near: int = 0,
                  embed: Callable[[list[str]], np.ndarray] | None = None) -> SmallCorpora:
    """One small corpus per claim (see the module docstring).

    Args:
        pairs: The labelled pairs; a claim may appear with several evidence texts (one topic per claim).
        distractors: Evidence texts of other topics added to each claim's corpus.
        seed: Seed of the distractor draw.
        prefix: Source ids are ``{prefix}{n:05d}``; case ids ``{prefix}-claim-{n}``.
        near: How many of the ``distractors`` are the other-topic evidence texts most similar to the
            claim (the rest stay random). Defaults to 0: all random, as before.
        embed: Unit-vector embedder of texts (``Embedder.embed``); needed when ``near`` > 0.

    Returns:
        The documents and the cases, in the order the claims first appear.

    Raises:
        ValueError: ``near`` > 0 without ``embed``.
    """
    if near and embed is None:
        raise ValueError("near distractors need an embedder")
    rng = random.Random(seed)
    source_of: dict[str, str] = {}
    topics_of: dict[str, set[str]] = defaultdict(set)
    gold: dict[str, dict[str, list[str]]] = defaultdict(dict)
    topic_of_claim: dict[str, str] = {}
    for p in pairs:
        source = source_of.setdefault(p.evidence, f"{prefix}{len(source_of):05d}")
        topics_of[source].add(p.topic)
        gold[p.claim][source] = [p.stance]
        topic_of_claim.setdefault(p.claim, p.topic)
    sources = list(source_of.values())
    similarity = (embed(list(gold)) @ embed(list(source_of)).T) if near else None
    cases = []
    for n, (claim, labels) in enumerate(gold.items()):
        topic = topic_of_claim[claim]
        others = [i for i, s in enumerate(sources) if topic not in topics_of[s]]
        nearest = sorted(others, key=lambda i: (-similarity[n, i], i))[:min(near, distractors)] if near else []
        rest = [i for i in others if i not in nearest]
        picked = nearest + rng.sample(rest, min(distractors - len(nearest), len(rest)))
        extra = [sources[i] for i in picked]
        cases.append(ClaimCase(id=f"{prefix}-claim-{n}", claim=claim, group=topic,
                               gold=labels | {s: ["none"] for s in extra}, sources=sorted([*labels, *extra])))
    documents = [{"id": source, "text": text} for text, source in source_of.items()]
    return SmallCorpora(documents=documents, cases=cases)


def write_corpus(documents: list[dict], folder: Path) -> Path:
    """Write ``documents`` as one jsonl corpus file in ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    return folder


@contextmanager
def uncalibrated_verifier(corpus: Path, model: Path | None = None, index_dir: Path | None = None,
                          judge=None, embedder=None) -> Iterator:
    """A verifier over ``corpus`` with raw source confidences (no stance calibration).

    Args:
        corpus: The corpus to index.
        model: The verifier model directory. Defaults to the settings' one.
        index_dir: Where to build (or update) the index. Defaults to a temporary folder,
            removed when the block ends.
        judge: An NLI judge already loaded (shared between benchmarks). Defaults to None: the model's.
        embedder: The embedder. Defaults to None: the settings' sentence-transformers model.
    """
    from index.build.update import build_index
    from index.embed import SentenceTransformerEmbedder
    from verify.verifier import Verifier

    settings = Settings.from_env(verifier_path=model).model_copy(update={"stance_calibration": None})
    embedder = embedder or SentenceTransformerEmbedder(settings.embedding_model)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = index_dir or Path(tmp) / "index"
        build_index(corpus, index_dir, embedder)
        yield Verifier.from_index(index_dir, settings, embedder=embedder, judge=judge)


@contextmanager
def corpora_verifier(documents: list[dict], model: Path | None = None, judge=None, embedder=None) -> Iterator:
    """An uncalibrated verifier over ``documents``, written to and indexed in a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(documents, Path(tmp) / "corpus")
        with uncalibrated_verifier(corpus, model, Path(tmp) / "index", judge, embedder) as verifier:
            yield verifier


def sample_cases(cases: list[ClaimCase], limit: int | None, seed: int) -> list[ClaimCase]:
    """All ``cases``, or a seeded sample of ``limit`` of them (in their original order)."""
    if limit is None or limit >= len(cases):
        return cases
    keep = set(random.Random(seed).sample(range(len(cases)), limit))
    return [c for i, c in enumerate(cases) if i in keep]
