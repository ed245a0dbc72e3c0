"""The judge's first-use cost: seconds from a fresh process's start to its first judged pair.

    .venv/bin/python -m bench.bench_judge_load [--model DIR] [--rounds N] [--onnx-cache DIR]

Each sample is a new Python process that imports the judge, builds ``NLIJudge`` and judges one pair,
as a fact-checker's first check does. Variants: ``onnx-cached``, the default judge on an ONNX export
already in the cache (it reads the tokenizer, labels and temperature and opens the session; the torch
model is never built), against ``torch``, which builds the torch model (base MiniLM plus the delta),
the baseline. The export is made once before the rounds (in ``--onnx-cache``, default a temporary
folder), never timed. The variants take turns, round by round, so a change of load on shared cores
touches them alike; the table gives each one's median and best, and the ratio of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_judge_load.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table
from verify.settings import DEFAULT_VERIFIER

VARIANTS = {"onnx-cached": "auto", "torch": "torch"}
"""Variant name -> the judge's ``backend``."""
FIRST_PAIR = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from verify.judge.backends import NLIJudge
judge = NLIJudge(Path(sys.argv[1]), backend=sys.argv[2], onnx_cache=Path(sys.argv[3]))
judge.predict([("Lavrov will visit Pyongyang in October.", "Lavrov plans to visit Pyongyang.")])
print(time.perf_counter() - start, judge.runtime)
"""
"""The timed process: from its first statement to the first pair's probabilities (interpreter start-up,
the same for every variant, is left out)."""


def first_pair(model: Path, backend: str, cache: Path) -> tuple[float, str]:
    """Seconds a fresh process takes to its first judged pair, and the runtime that judged it."""
    out = subprocess.run([sys.executable, "-c", FIRST_PAIR, str(model), backend, str(cache)], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds, runtime = out.stdout.split()
    return float(seconds), runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_VERIFIER, help="verifier model directory")
    parser.add_argument("--rounds", type=int, default=3, help="samples per variant (default 3)")
    parser.add_argument("--onnx-cache", type=Path, help="folder for the export (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="judge-load-") as tmp:
        cache = args.onnx_cache or Path(tmp)
        _, runtime = first_pair(args.model, "auto", cache)  # makes the export if the cache lacks it
        if runtime != "onnx":
            print(f"the default judge runs {runtime} here, not ONNX Runtime: nothing to compare", file=sys.stderr)
            return 1
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.rounds):
            for name, backend in VARIANTS.items():
                seconds, runtime = first_pair(args.model, backend, cache)
                expected = "onnx" if backend == "auto" else backend
                if runtime != expected:
                    print(f"{name} judged with {runtime}, not {expected}", file=sys.stderr)
                    return 1
                times[name].append(seconds)
    base = statistics.median(times["torch"])
    rows = [[name, f"{statistics.median(t):.2f}", f"{min(t):.2f}", f"{statistics.median(t) / base:.2f}x"]
            for name, t in times.items()]
    print(f"{args.rounds} rounds, load average {os.getloadavg()[0]:.1f}; model {args.model}\n")
    print(table(["variant", "median s", "best s", "vs torch"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
