"""Write the IVF file of an existing index again, phase by phase (``index.search.ann_file.write_ivf``).

The vectors are read memory-mapped from the index's segments, as a build does; the file goes to
``--out`` (deleted afterwards unless ``--keep``). Printed: seconds and peak anonymous RSS of each
phase (training, the encoding pass, writing the lists, tuning ``nprobe``), and the file's sha256,
so two trees can be compared on the same vectors:

    nice .venv/bin/python -m bench.bench_ivf_write --index var/bench-store/index-1000000-lines --out /tmp/ivf [--rows N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as ``python bench/bench_ivf_write.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import AnonPeak, status_mib, table
from bench.phases import PhaseClock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ivf_write", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index folder (one index, not sharded)")
    parser.add_argument("--out", type=Path, required=True, help="a folder for the new file (created)")
    parser.add_argument("--rows", type=int, default=None, help="only the first ROWS vectors. Defaults to all")
    parser.add_argument("--train-cap", type=int, default=None,
                        help="most training vectors (index.search.ann.TRAIN_CAP where the tree has it). Defaults to its own")
    parser.add_argument("--keep", action="store_true", help="keep the file written")
    args = parser.parse_args(argv)
    from index.search import ann, ann_file

    if args.train_cap is not None:
        ann.TRAIN_CAP = args.train_cap

    manifest = json.loads((args.index / "manifest.json").read_text(encoding="utf-8"))
    segments = manifest["segments"]
    blocks = [np.load(args.index / s["name"] / "vectors.npy", mmap_mode="r") for s in segments]
    ids = [np.arange(s["base"], s["base"] + s["sentences"], dtype=np.int64) for s in segments]
    if args.rows is not None:  # the first rows, block by block
        left, cut = args.rows, []
        for block, block_ids in zip(blocks, ids):
            cut.append((block[:left], block_ids[:left]))
            left -= len(cut[-1][0])
        blocks, ids = [b for b, _ in cut if len(b)], [i for b, i in cut if len(b)]
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "bench.faiss"
    clock = PhaseClock()
    before = status_mib("RssAnon")
    with AnonPeak(keep=True) as peak:
        start = time.perf_counter()
        kind, nprobe = ann_file.write_ivf(path, blocks, ids)  # looked up here: the clock wraps it
        end = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 24):
            digest.update(chunk)
    if not args.keep:
        path.unlink()
    phases = {label.strip(): (seconds, mib) for label, seconds, mib in clock.report(peak.timeline, start, end)[1:]}
    rows = [[label, f"{seconds:.2f}", f"{mib:,.0f}"] for label, (seconds, mib) in phases.items()]
    parts = sum(seconds for label, (seconds, _) in phases.items() if label != "IVF file, all")
    rows.append(["encoding pass (all minus the rest)", f"{phases['IVF file, all'][0] - parts:.2f}", ""])
    print(f"{sum(len(b) for b in blocks):,} vectors, {kind}, nprobe {nprobe}; anonymous RSS before {before:,.0f} MiB, "
          f"peak {peak.mib:,.0f} MiB; sha256 {digest.hexdigest()[:16]}\n")
    print(table(["phase", "seconds", "peak anon MiB"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
