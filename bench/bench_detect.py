"""Detector cost per (claim, passage) pair: texts parsed for the first time against texts analysed before.

    .venv/bin/python -m bench.bench_detect [--corpus data/corpus] [--repeat 3]

Runs :func:`verify.evidence.detectors.detect` on every pair of a few claims and the corpus's
sentences (each with its neighbours as context, as the verifier calls it). The first pass starts
with an empty analysis cache; later passes find every claim and passage analysed (what storing
the passage analyses with the index would give every check). The ratio is cold / warm.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_detect.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import CORPUS, table
from verify.evidence.analysis import clear_cache
from verify.evidence.detectors import detect
from verify.evidence.names import known_names

CLAIMS = ["Celebrations were held in Moscow.", "Putin visited Pyongyang in June 2024.",
          "North Korea and Russia established diplomatic relations in 1948.",
          "Kim said he was disappointed with the talks.", "Lavrov plans to visit Pyongyang in December.",
          "Kim traveled to Vladivostok in September for a summit.",
          "The two leaders exchanged messages on the 50th anniversary of ties.", "More than 500 cases were recorded."]


def _pass(pairs: list[tuple[str, str, str]], names: frozenset[str]) -> float:
    start = time.perf_counter()
    for claim, sentence, context in pairs:
        detect(claim, sentence, context, names=names)
    return (time.perf_counter() - start) / len(pairs) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeat", type=int, default=3, help="warm passes (median reported)")
    args = ap.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
    sentences = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) > 4]
    if not sentences:
        print(f"no sentences under {args.corpus}", file=sys.stderr)
        return 1
    names = known_names(texts)
    pairs = [(c, s, " ".join(sentences[max(0, i - 1):i + 2])) for c in CLAIMS for i, s in enumerate(sentences)]
    detect(CLAIMS[0], "Warm-up in Moscow.", names=names)  # loads the gazetteer once, outside the timing
    clear_cache()
    cold = _pass(pairs, names)
    warm = statistics.median(_pass(pairs, names) for _ in range(max(1, args.repeat)))
    print(table(["pass", "pairs", "ms / pair"], [["cold (texts new)", str(len(pairs)), f"{cold:.2f}"],
                                                   ["warm (analyses cached)", str(len(pairs)), f"{warm:.2f}"]]))
    print(f"cold / warm: {cold / warm:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
