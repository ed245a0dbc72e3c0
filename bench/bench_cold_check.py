"""A fact-checker's first check: a fresh ``python -m verify check --index IDX CLAIM`` from start to exit.

    .venv/bin/python -m bench.bench_cold_check --index IDX [--baseline TREE] [--rounds 5] [--phases]

Each sample is a new process, interpreter start-up included, timed by the wall clock and by its CPU
seconds (user + system, from ``getrusage`` of the children: steadier than the wall clock on shared
cores). With ``--baseline`` (another checkout, e.g. the main branch's), the two trees take turns
round by round, so a change of load touches both alike; their reports must be byte-identical, or the
bench fails. The judge's ONNX export must be in the cache already (one check makes it), as a user's
second and later first checks find it. ``--phases`` adds one more process of this tree whose
imports, index opening, embedder and judge loads and check are timed by wrapping the functions that
run them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_cold_check.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table

CLAIM = "Lavrov plans to visit Pyongyang in October."
PHASES = r"""
import functools, sys, time
start = time.perf_counter()
spans = []
import verify.cli
import verify.verifier
spans.append(("imports (verify.cli, verify.verifier)", start, time.perf_counter()))
from index.embed import SentenceTransformerEmbedder
from index.store.claim_index import ClaimIndex
from verify.judge.backends import NLIJudge
from verify.verifier import Verifier

def timed(owner, name, label, first_only=False):
    function = getattr(owner, name)
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            if not (first_only and any(label == row[0] for row in spans)):
                spans.append((label, begin, time.perf_counter()))
    setattr(owner, name, wrapper)

timed(ClaimIndex, "load", "index open")
timed(SentenceTransformerEmbedder, "_load", "embedder load (imports, model)", first_only=True)
timed(SentenceTransformerEmbedder, "embed", "first embed (load included)", first_only=True)
timed(NLIJudge, "_load_model", "judge load (tokenizer, ONNX session)")
timed(Verifier, "_check_batch", "check (embed, search, judge, report)")
sys.argv = ["verify", *sys.argv[1:]]
with open("/dev/null", "w") as sink:
    stdout, sys.stdout = sys.stdout, sink
    code = verify.cli.main()
    sys.stdout = stdout
for label, begin, end in spans:
    print(f"{label}\t{begin - start:.3f}\t{end - start:.3f}")
print(f"total (after interpreter start)\t0\t{time.perf_counter() - start:.3f}")
sys.exit(code)
"""
"""The ``--phases`` process: ``python -m verify check`` with its phases' functions wrapped."""


def cold_check(tree: Path, index: Path, claim: str) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds and stdout of one fresh ``python -m verify check`` run in ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "verify", "check", "--index", str(index), claim], cwd=tree,
                         capture_output=True, check=True, env={**os.environ, "PYTHONPATH": str(tree)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out.stdout


def phases(index: Path, claim: str) -> list[list[str]]:
    """Rows ``(phase, from s, to s, seconds)`` of one fresh check in this tree."""
    out = subprocess.run([sys.executable, "-c", PHASES, "check", "--index", str(index), claim], cwd=ROOT,
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    rows = []
    for line in out.stdout.splitlines():
        label, begin, end = line.split("\t")
        rows.append([label, f"{float(begin):.2f}", f"{float(end):.2f}", f"{float(end) - float(begin):.2f}"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="index directory (python -m index build)")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with (e.g. the main branch's)")
    parser.add_argument("--rounds", type=int, default=5, help="samples per tree (default 5)")
    parser.add_argument("--claim", default=CLAIM, help="the claim checked")
    parser.add_argument("--phases", action="store_true", help="also time one check's phases in this tree")
    args = parser.parse_args(argv)
    trees = {"this tree": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    reports: dict[str, bytes] = {}
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for name, tree in reversed(trees.items()):  # the baseline first in each round
            wall, cpu, report = cold_check(tree, args.index, args.claim)
            samples[name].append((wall, cpu))
            if reports.setdefault(name, report) != report:
                print(f"{name}: the report changed between runs", file=sys.stderr)
                return 1
        loads.append(os.getloadavg()[0])
    if args.baseline and reports["this tree"] != reports["baseline"]:
        print("the two trees' reports differ", file=sys.stderr)
        return 1
    base = samples.get("baseline", samples["this tree"])
    rows = [[name, f"{statistics.median(w for w, _ in s):.2f}", f"{min(w for w, _ in s):.2f}",
             f"{statistics.median(c for _, c in s):.2f}",
             f"{statistics.median(w for w, _ in s) / statistics.median(w for w, _ in base):.2f}x",
             f"{statistics.median(c for _, c in s) / statistics.median(c for _, c in base):.2f}x"]
            for name, s in samples.items()]
    print(f"{args.rounds} rounds, load average {min(loads):.1f}-{max(loads):.1f} (1 min, read each round); "
          f"index {args.index}\n")
    print(table(["tree", "median wall s", "best wall s", "median CPU s", "wall vs baseline", "CPU vs baseline"],
                rows))
    if args.baseline:
        print("\nreports byte-identical between the trees")
    if args.phases:
        print(f"\nphases of one more check in this tree (load average {os.getloadavg()[0]:.1f}):\n")
        print(table(["phase", "from s", "to s", "seconds"], phases(args.index, args.claim)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
