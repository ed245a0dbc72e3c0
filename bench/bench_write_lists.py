"""Time ``index.search.ann_file._write_lists`` alone, this tree's against another tree's, on random list numbers.

The encoded codes are random bytes in an unlinked scratch file, the list numbers uniform over
``--lists`` lists; each tree writes the same file (its sha256 is compared) ``--repeat`` times,
taking turns, so a load that changes weighs on both:

    nice .venv/bin/python -m bench.bench_write_lists --vectors 4000000 --lists 2048 --code 16 --old /tmp/old-tree

A code of 16 bytes keeps the disk out of it (the loop is what grows with the corpus); faiss's SQ8
codes at 384-d are 384 bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as ``python bench/bench_write_lists.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table


def _module(tree: Path):
    """``index/search/ann_file.py`` of ``tree``, loaded under its own name (its imports resolve in this tree).

    A tree from before ``index/`` was split into rooms has it at ``index/ann_file.py``; its ``index.ann``
    import is then answered by this tree's ``index.search.ann``.
    """
    path = tree / "index" / "search" / "ann_file.py"
    if not path.exists():
        path = tree / "index" / "ann_file.py"
        sys.modules.setdefault("index.ann", importlib.import_module("index.search.ann"))
    spec = importlib.util.spec_from_file_location(f"ann_file_{abs(hash(str(tree)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_write_lists", description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--lists", type=int, default=1024)
    parser.add_argument("--code", type=int, default=16, help="code bytes a vector. Defaults to 16")
    parser.add_argument("--old", type=Path, default=None, help="another tree to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    trees = {"this tree": ROOT, **({f"{args.old}": args.old} if args.old else {})}
    writers = {name: _module(tree)._write_lists for name, tree in trees.items()}
    rng = np.random.default_rng(0)
    n = args.vectors
    listnos = rng.integers(0, args.lists, n).astype(np.int32)
    sizes = np.bincount(listnos, minlength=args.lists).astype(np.int64)
    ids = [np.arange(n // 2, dtype=np.int64), np.arange(n // 2, n, dtype=np.int64)]
    seconds: dict[str, list[float]] = {name: [] for name in writers}
    digests: dict[str, set[str]] = {name: set() for name in writers}
    with tempfile.TemporaryDirectory(prefix="bench-lists-") as tmp, tempfile.TemporaryFile(dir=tmp) as scratch:
        for start in range(0, n, 1 << 16):
            scratch.write(rng.integers(0, 256, (min(1 << 16, n - start), args.code), dtype=np.uint8).data)
        scratch.flush()
        for _ in range(args.repeat):
            for name, write in writers.items():
                path = Path(tmp) / "lists.bin"
                start = time.perf_counter()
                write(path, bytes(64), 8, n, sizes, args.code, listnos, ids, scratch.fileno())
                seconds[name].append(time.perf_counter() - start)
                digests[name].add(hashlib.sha256(path.read_bytes()).hexdigest()[:16])
                path.unlink()
    print(f"{n:,} vectors, {args.lists} lists, {args.code}-byte codes; files "
          f"{'identical' if len(set().union(*digests.values())) == 1 else 'DIFFER'}\n")
    print(table(["tree", "seconds, each run"], [[name, " / ".join(f"{s:.2f}" for s in runs)]
                                               for name, runs in seconds.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
