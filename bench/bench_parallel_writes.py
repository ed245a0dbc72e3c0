"""What writing two shards at once could gain: two halves of a corpus built one after the other, then at once.

    .venv/bin/python -m bench.bench_parallel_writes [--sentences 8000] [--repeat 4] [--work var/bench-parallel]

A sharded build without Ray writes its shards one after another in the driver. Each half
here is an ordinary one-folder build (real sentence splitting, the stand-in encoder) in its
own process: run one after the other, then both at once. The ratio of the two wall times is
the most that writing shards in parallel processes could gain on this machine (a real
implementation would also pickle each shard's plan and documents, and load the embedding
model once per process). Each repetition runs both ways, so a change in the machine's load
shows as spread between repetitions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_parallel_writes.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table
from bench.synthetic import HashEmbedder, write_corpus

_HALVES = ("a", "b")


def build_half(work: Path, half: str) -> None:
    """Build the index of one half (run in a child process)."""
    from index import build_index

    out = work / f"index-{half}"
    shutil.rmtree(out, ignore_errors=True)
    build_index(work / f"corpus-{half}", out, HashEmbedder())


def run(sentences: int, repeat: int, work: Path) -> str:
    """Both ways, ``repeat`` times; the report as text."""
    for seed, half in enumerate(_HALVES):
        corpus = work / f"corpus-{half}"
        if not (corpus / ".complete").exists():
            shutil.rmtree(corpus, ignore_errors=True)
            write_corpus(corpus, sentences, seed=seed)
            (corpus / ".complete").touch()
    child = [sys.executable, "-m", "bench.bench_parallel_writes", "--work", str(work), "--half"]
    rows, ratios = [], []
    for number in range(repeat):
        start = time.perf_counter()
        for half in _HALVES:
            subprocess.run([*child, half], cwd=ROOT, check=True)
        serial = time.perf_counter() - start
        start = time.perf_counter()
        running = [subprocess.Popen([*child, half], cwd=ROOT) for half in _HALVES]
        if any(p.wait() != 0 for p in running):
            raise RuntimeError("a build failed")
        parallel = time.perf_counter() - start
        ratios.append(parallel / serial)
        rows.append([str(number + 1), f"{serial:.1f} s", f"{parallel:.1f} s", f"{ratios[-1]:.2f}"])
    rows.append(["median", "", "", f"{statistics.median(ratios):.2f}"])
    head = (f"two halves of {sentences:,} sentences each (real splitting, stand-in encoder), {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f} at the end")
    return head + "\n\n" + table(["run", "one after the other", "at once", "ratio"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_parallel_writes", description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=8_000, help="sentences per half. Defaults to 8000")
    parser.add_argument("--repeat", type=int, default=4, help="repetitions of both ways. Defaults to 4")
    parser.add_argument("--work", type=Path, default=Path("var/bench-parallel"),
                        help="where the corpora and indexes go. Defaults to var/bench-parallel")
    parser.add_argument("--half", choices=_HALVES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.half:
        build_half(args.work.resolve(), args.half)
    else:
        print(run(args.sentences, args.repeat, args.work.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
