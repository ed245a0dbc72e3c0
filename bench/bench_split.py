"""Sentence-splitting throughput: the sample corpus and a synthetic 10,000-sentence text.

Run from the repository root: ``.venv/bin/python -m bench.bench_split [--corpus DIR] [--repeat 3]``.
It prints sentences per second of ``split_document`` (median of ``--repeat`` runs, the splitter
warmed up first) and, for one long paragraph fed at 1x, 10x and 100x, the time ratios, which
stay near 10 and 100 when splitting is linear.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from bench._common import CORPUS, table
from index.ingest import read_corpus
from index.models import Document
from index.split import split_document

_SUBJECTS = ("The minister", "Mr. Kim", "Officials in Seoul", "The U.S. envoy", "A spokesman", "Dr. Lee",
             "The company", "Russian President Vladimir Putin", "Analysts", "The committee")
_VERBS = ("said on Tuesday that", "told reporters that", "warned that", "confirmed that", "noted that")
_CLAUSES = ("the talks had gone well", "prices rose 3.5 percent in October", "the plan was approved",
            "\"we will meet again soon\"", "exports fell by 12 percent (Yonhap)", "the deal was signed at 9 a.m.",
            "both sides agreed to continue", "the vote was delayed until Jan. 5", "nothing had changed",
            "the report, released by the U.N., was accurate")


def synthetic_text(sentences: int, seed: int = 0) -> str:
    """``sentences`` news-like sentences in paragraphs of 1 to 6, deterministic for a seed."""
    rng = random.Random(seed)
    paragraphs, current = [], []
    for _ in range(sentences):
        current.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CLAUSES)}.")
        if len(current) >= rng.randint(1, 6):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _rate(documents: list[Document], repeat: int) -> tuple[int, float]:
    split_document(documents[0])  # warm up the splitter
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = sum(len(split_document(d)) for d in documents)
        times.append(time.perf_counter() - start)
    return count, count / statistics.median(times)


def _seconds(text: str) -> float:
    start = time.perf_counter()
    split_document(Document(source_id="long", path="long.txt", sha256="0", text=text))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder or file. Defaults to data/corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--long-chars", type=int, default=1000,
                        help="size of the 1x single paragraph for the ratio test (0: skip it). Defaults to 1000.")
    args = parser.parse_args()
    corpus = read_corpus(args.corpus).documents
    synthetic = [Document(source_id="synthetic", path="synthetic.txt", sha256="0", text=synthetic_text(10_000))]
    rows = []
    for name, documents in (("sample corpus", corpus), ("synthetic 10k sentences", synthetic)):
        count, rate = _rate(documents, args.repeat)
        rows.append([name, str(count), f"{rate:,.0f}"])
    print(table(["text", "sentences", "sentences/s"], rows))
    if args.long_chars <= 0:
        return
    paragraph = " ".join(synthetic_text(2_000, seed=1).split("\n\n"))
    base = paragraph[:args.long_chars]
    times = [_seconds((base + " ") * factor) for factor in (1, 10, 100)]
    print(f"one paragraph of {len(base):,} chars x1 / x10 / x100: {times[0]:.3f} / {times[1]:.3f} / {times[2]:.3f} s;"
          f" ratios {times[1] / times[0]:.1f} and {times[2] / times[0]:.1f} (linear: 10 and 100)")


if __name__ == "__main__":
    main()
