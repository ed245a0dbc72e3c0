"""Warm claim-check latency (p50 / p95) and peak memory.

Checks each claim once against an index after one warm-up check, so the models are
loaded before any timing. The claims come from ``../shared/eval/dev_claims.jsonl`` when
it exists, else from a built-in list:

    .venv/bin/python bench/bench_check.py [--index DIR] [--claims FILE] [--model DIR]

Without ``--index`` the corpus (``--corpus``, default data/corpus) is indexed into a
temporary folder first. ``--model`` defaults to ``CROSSCHECK_VERIFIER`` or models/verifier.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_check.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench._common import CORPUS, ROOT, table
from index.build import build_index
from index.embed import SentenceTransformerEmbedder
from index.errors import CrosscheckError
from verify import Settings, Verifier

DEV_CLAIMS = ROOT.parent / "shared" / "eval" / "dev_claims.jsonl"
BUILT_IN_CLAIMS = [
    "North Korea and Russia marked 75 years of diplomatic ties.",
    "Lavrov plans to visit Pyongyang in October.",
    "Kim Jong Un sent Putin a letter to celebrate the anniversary.",
    "Kim traveled to Russia's Far East in September for a summit with Putin.",
    "Putin accepted Kim's invitation to visit North Korea.",
    "Choe Son-hui and Sergey Lavrov exchanged messages on the anniversary.",
    "Alexander Matsegora is Russia's ambassador to North Korea.",
    "The anniversary was marked with a banquet in Pyongyang.",
    "North Korea and Russia established diplomatic ties in 1948.",
    "Kim and Putin held their summit at the Vostochny Cosmodrome.",
    "The two countries pledged to strengthen their strategic partnership.",
    "North Korea supports Russia's war in Ukraine.",
    "The United States worries about arms deals between Moscow and Pyongyang.",
    "Putin said relations with North Korea have never been worse.",
    "Kim visited Russia for the first time in 2023.",
    "Im Chon-il is North Korea's vice foreign minister.",
    "The KCNA reported the celebrations on Friday.",
    "Russia and North Korea signed a trade agreement worth 5 billion dollars.",
    "North Korea denied sending weapons to Russia.",
    "Kim Jong Un will not visit Russia again.",
]


def read_claims(path: Path | None) -> tuple[list[str], str]:
    """``(claims, where they came from)``: a .jsonl with a ``claim`` per line, a text file, or the built-in list."""
    if path is None:
        path = DEV_CLAIMS if DEV_CLAIMS.is_file() else None
    if path is None:
        return BUILT_IN_CLAIMS, "built-in list"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    claims = [json.loads(line)["claim"] for line in lines] if path.suffix == ".jsonl" else lines
    return claims, str(path)


def percentile_ms(seconds: list[float], q: float) -> str:
    return f"{1000 * float(np.percentile(seconds, q)):.0f}"


def run(args: argparse.Namespace, index_dir: Path) -> int:
    claims, origin = read_claims(args.claims)
    verifier = Verifier.from_index(index_dir, Settings.from_env(verifier_path=args.model))
    verifier.check(claims[0])  # warm-up: loads the embedding and verifier models
    seconds = []
    for claim in claims:
        start = time.perf_counter()
        verifier.check(claim)
        seconds.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    import torch

    print(f"{len(claims)} claims from {origin}; index {index_dir} "
          f"({len(verifier.index.sentences)} sentences, {len(verifier.index.documents)} sources); "
          f"verifier {verifier.settings.verifier_path}; torch threads {torch.get_num_threads()}\n")
    print(table(["claims", "p50 ms", "p95 ms", "max ms", "mean ms", "peak RSS MiB"], [[
        str(len(claims)), percentile_ms(seconds, 50), percentile_ms(seconds, 95), percentile_ms(seconds, 100),
        f"{1000 * float(np.mean(seconds)):.0f}", f"{peak_mib:.0f}",
    ]]))
    draft_seconds(verifier, claims, args)
    return 0


def draft_seconds(verifier: Verifier, claims: list[str], args: argparse.Namespace, n: int = 30) -> None:
    """A 30-sentence draft: one check per sentence (baseline) vs ``check_many``'s batches, and the fast judge."""
    draft = (claims * (n // len(claims) + 1))[:n]
    rows, base = [], None
    fast = Verifier(verifier.index, Settings.from_env(verifier_path=args.model, backend="onnx", quantize=True),
                    embedder=verifier.embedder)
    fast.check(draft[0])  # loads (and on first use exports) the ONNX judge
    one_way = Verifier(verifier.index, verifier.settings.model_copy(update={"recheck_contradictions": False}),
                       embedder=verifier.embedder, judge=verifier.nli)
    for name, run_draft in (("one check per sentence (baseline)", lambda: [verifier.check(c) for c in draft]),
                            ("check_many (batches of 8)", lambda: verifier.check_many(draft)),
                            ("check_many, contradictions not re-read", lambda: one_way.check_many(draft)),
                            ("check_many, onnx int8 judge", lambda: fast.check_many(draft))):
        start = time.perf_counter()
        run_draft()
        took = time.perf_counter() - start
        base = base or took
        rows.append([name, f"{took:.1f}", f"{base / took:.2f}x"])
    print(f"\n{n}-sentence draft (the dev claims repeated)\n")
    print(table(["mode", "seconds", "speed-up"], rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/bench_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index directory. Defaults to a fresh index of --corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus to index. Defaults to data/corpus")
    parser.add_argument("--claims", type=Path, help=".jsonl with a 'claim' field, or one claim a line")
    parser.add_argument("--model", type=Path,
                        help="verifier model dir. Defaults to CROSSCHECK_VERIFIER or models/verifier")
    args = parser.parse_args(argv)
    try:
        if args.index is not None:
            return run(args, args.index)
        with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
            build_index(args.corpus, Path(tmp) / "index", SentenceTransformerEmbedder())
            return run(args, Path(tmp) / "index")
    except CrosscheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
