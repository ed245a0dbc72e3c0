"""Where a warm check spends its time at scale, without the judge: cProfile over checks of a
synthetic index (stand-in encoder, a judge that answers neutral at no cost).

    python -m bench.profile_check [--sentences 100000] [--count 12] [--work var/bench-store]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from pathlib import Path

from bench._common import ROOT
from bench.bench_check import NeutralJudge, synthetic_index
from bench.synthetic import HashEmbedder, claims
from verify import Settings, Verifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000, help="synthetic corpus size")
    parser.add_argument("--count", type=int, default=12, help="claims checked (the first one warms up)")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-store", help="where the index is kept")
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    args = parser.parse_args()
    verifier = Verifier.from_index(synthetic_index(args.sentences, args.work), Settings(), embedder=HashEmbedder(),
                                   judge=NeutralJudge())
    texts = claims(args.count)
    verifier.check(texts[0])
    profile = cProfile.Profile()
    profile.enable()
    for text in texts[1:]:
        verifier.check(text)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
