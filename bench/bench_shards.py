"""What sharding costs: the same synthetic corpus as one index and as K shards, searched both ways.

    .venv/bin/python -m bench.bench_shards [--sentences 20000] [--shards 4] [--ray] [--work var/bench-shards]

One sentence per line and the stand-in encoder (``bench.synthetic``), so the store is
measured, not a model. Reports build and load times of both layouts, and per-query p50/p95
of the per-source search (top-3, pool 256) and the global top-50 on one index, on the shards
in this process (in turn), and with ``--ray`` on one Ray actor per shard (a local cluster
of 2 CPUs); the ratios to one index are the merge overhead. The results are compared
hit for hit (they must be identical).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_shards.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table, timed
from bench.synthetic import HashEmbedder, claims, line_split, write_corpus

_QUERIES = 100




def _ms(times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]


def _measure(index, queries) -> dict[str, list[float]]:
    return {"per-source top-3": timed(lambda q: index.search_batch(q[None], 3), queries),
            "global top-50": timed(lambda q: index.nearest(q[None], 50), queries)}


def coordinator_bytes(documents: int = 100_000, shards: int = 4) -> float:
    """Python heap the coordinator of a sharded index keeps per document (its summary and row tables),
    measured with tracemalloc on ``documents`` summaries of news-like length."""
    from index.models import SourceSummary
    from index.shards.rows import ShardRows

    tracemalloc.start()
    layouts: list[list] = [[] for _ in range(shards)]
    for i in range(documents):
        layouts[i % shards].append((0, SourceSummary(
            source_id=f"{i:06d}_0e7c1c881fb697f2", title=f"A headline of some ordinary length, number {i}",
            date="2023-10-12", publisher="Yonhap", path=f"news/file_{i:06d}.txt", sentences=30)))
    rows = ShardRows(layouts)
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del rows
    return used / documents


def run(sentences: int, shards: int, work: Path, use_ray: bool) -> str:
    """Build, load and search both layouts; the report as text."""
    import index.build.new_segment
    from index import ClaimIndex, build_index
    from index.shards.sharded_index import ShardedIndex

    index.build.new_segment.split_document = line_split  # the store alone: one sentence per line
    corpus, one_dir, many_dir = work / f"corpus-{sentences}", work / "one", work / f"shards-{shards}"
    if not (corpus / ".complete").exists():
        write_corpus(corpus, sentences, one_per_line=True)
        (corpus / ".complete").touch()
    for folder in (one_dir, many_dir):
        shutil.rmtree(folder, ignore_errors=True)
    embedder = HashEmbedder()
    embedder.embed(["warm up"])
    rows, times = [], {}
    for name, folder, count in (("one index", one_dir, None), (f"{shards} shards", many_dir, shards)):
        start = time.perf_counter()
        built = build_index(corpus, folder, embedder, shards=count)
        rows.append([f"build, {name}", f"{time.perf_counter() - start:.2f} s", f"{built.sentences:,} sentences"])
    start = time.perf_counter()
    one = ClaimIndex.load(one_dir, corpus_check=False)
    rows.append(["load, one index", f"{time.perf_counter() - start:.2f} s", ""])
    start = time.perf_counter()
    local = ShardedIndex.load(many_dir, corpus_check=False, ray_address="")
    rows.append([f"load, {shards} shards in process", f"{time.perf_counter() - start:.2f} s", ""])
    queries = embedder.embed(claims(_QUERIES))
    same = one.search_batch(queries, 3) == local.search_batch(queries, 3) and one.nearest(queries, 50) == \
        local.nearest(queries, 50)
    times["one index"], times[f"{shards} shards, in process"] = _measure(one, queries), _measure(local, queries)
    if use_ray:
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
        start = time.perf_counter()
        remote = ShardedIndex.load(many_dir, corpus_check=False, ray_address="auto")
        rows.append([f"load, {shards} shards on Ray actors", f"{time.perf_counter() - start:.2f} s", ""])
        same = same and one.search_batch(queries, 3) == remote.search_batch(queries, 3)
        times[f"{shards} shards, Ray actors"] = _measure(remote, queries)
        remote.close()
        ray.shutdown()
    rows.append(["results identical to one index", str(same), ""])
    rows.append(["coordinator memory per document", f"{coordinator_bytes():,.0f} B", "(100k summaries, tracemalloc)"])
    base = {kind: _ms(t)[0] for kind, t in times["one index"].items()}
    latency = [[f"{layout}: {kind}", "{:.2f} / {:.2f}".format(*_ms(t)), f"{_ms(t)[0] / base[kind]:.2f}x"]
               for layout, found in times.items() for kind, t in found.items()]
    head = (f"{sentences:,} sentences (lines, stand-in encoder), {shards} shards, exact search, 1 search thread, "
            f"{os.cpu_count()} cores")
    return "\n\n".join([head,
                        table(["", "value", ""], rows),
                        table(["per query", "p50 / p95 ms", "p50 vs one index"], latency)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_shards", description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000, help="corpus size. Defaults to 20000")
    parser.add_argument("--shards", type=int, default=4, help="shards. Defaults to 4")
    parser.add_argument("--ray", action="store_true", help="also search with one Ray actor per shard (local cluster)")
    parser.add_argument("--work", type=Path, default=Path("var/bench-shards"),
                        help="where the corpus and indexes go. Defaults to var/bench-shards")
    args = parser.parse_args(argv)
    print(run(args.sentences, args.shards, args.work, args.ray))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
