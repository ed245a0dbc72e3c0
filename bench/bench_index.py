"""Index build throughput on a corpus, as a ratio to the embedding model alone.

``build_index`` reads, cleans, splits, embeds and writes; this measures how much of the
embedding model's raw speed survives all that. Both run in the same process on the same
sentences, with the model loaded before any timing:

    .venv/bin/python -m bench.bench_index [--corpus data/corpus] [--repeat 5]

With ``--synthetic N`` it measures the store instead, on a generated corpus of about N
sentences with a fast stand-in encoder (see ``bench.bench_store``).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_index.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import CORPUS, table
from index.build import build_index
from index.embed import SentenceTransformerEmbedder, default_model_path
from index.errors import CrosscheckError
from index.ingest import read_corpus
from index.split import split_document


def median_seconds(run, repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``run()``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_index", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder or file. Defaults to data/corpus")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each; the median counts. Defaults to 5")
    parser.add_argument("--synthetic", type=int, default=None, metavar="N",
                        help="measure the store on a synthetic corpus of about N sentences (stand-in encoder)")
    parser.add_argument("--store-only", action="store_true",
                        help="with --synthetic: one sentence per line, split by lines (measures the store alone)")
    parser.add_argument("--work", type=Path, default=Path("var/bench-store"),
                        help="where --synthetic keeps its corpus and index. Defaults to var/bench-store")
    args = parser.parse_args(argv)
    if args.synthetic is not None:
        from bench.bench_store import run

        print(run(args.synthetic, args.work, args.store_only))
        return 0

    import torch
    from sentence_transformers import SentenceTransformer

    try:
        texts = [s.text for d in read_corpus(args.corpus).documents for s in split_document(d)]
    except CrosscheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])  # load the model before timing
    raw_model = SentenceTransformer(str(default_model_path()), device="cpu", local_files_only=True)

    def encode() -> None:
        raw_model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=False)

    encode()  # warm up
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        fresh_dirs = (Path(tmp) / f"index-{i}" for i in itertools.count())

        def build() -> None:
            build_index(args.corpus, next(fresh_dirs), embedder)

        build()  # warm up the file cache and the splitter; each timed run starts from a fresh directory
        raw_s = median_seconds(encode, args.repeat)
        build_s = median_seconds(build, args.repeat)

    n = len(texts)
    print(f"corpus {args.corpus}: {n} sentences; torch threads {torch.get_num_threads()}; "
          f"median of {args.repeat} runs\n")
    print(table(["", "seconds", "sentences/s", "vs raw"], [
        ["model.encode (raw)", f"{raw_s:.3f}", f"{n / raw_s:,.0f}", "1.00"],
        ["build_index (fresh dir)", f"{build_s:.3f}", f"{n / build_s:,.0f}", f"{raw_s / build_s:.2f}"],
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
