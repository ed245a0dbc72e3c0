"""Index build throughput on a corpus, as a ratio to the embedding model alone.

``build_index`` reads, cleans, splits, embeds and writes; this measures how much of the
embedding model's raw speed survives all that. Both run in the same process on the same
sentences, with the model loaded before any timing:

    .venv/bin/python -m bench.bench_index [--corpus data/corpus] [--repeat 5]

With ``--nli N`` the corpus is about N real sentences: the unique premises of
``../shared/nli/train_3way.jsonl.gz`` in file order, one a paragraph, 40 a document, written to a
temporary folder (the model, not the text, is the subject: no training happens here). Each side then
runs once after a short warm-up (``--repeat`` rounds if given), and the peak RSS before and after
the build is printed, and each round's peak anonymous RSS (``bench._common.AnonPeak``) of the raw
encode and of the build:

    nice .venv/bin/python -m bench.bench_index --nli 10000 [--repeat 2]

Each round runs the raw encode and then a build, so a load that changes during the run weighs on
both; wall and CPU seconds (all threads) are printed, and the build's embedding phase alone.

With ``--synthetic N`` it measures the store instead, on a generated corpus of about N
sentences with a fast stand-in encoder (see ``bench.bench_store``).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_index.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import CORPUS, ROOT, AnonPeak, peak_rss_mib, status_mib, table
from index.build.update import build_index
from index.embed import SentenceTransformerEmbedder, default_model_path
from index.errors import CrosscheckError
from index.ingest.read import read_corpus
from index.models import Document
from index.split.document import split_document

NLI = ROOT.parent / "shared" / "nli" / "train_3way.jsonl.gz"
_PREMISES_PER_DOCUMENT = 40


def write_nli_corpus(source: Path, sentences: int, folder: Path) -> int:
    """Write unique premises of an NLI file as ``.txt`` documents until they hold ``sentences``.

    Args:
        source: A gzipped JSON-lines file with a ``premise`` field per line.
        sentences: Sentences (as ``split_document`` counts them) to stop at.
        folder: Where the documents go (created).

    Returns:
        The sentences written (the last document may overshoot ``sentences`` a little).
    """
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    paragraphs: list[str] = []
    written = 0

    def flush() -> int:
        text = "\n\n".join(paragraphs)
        name = f"nli_{len(list(folder.iterdir())):05d}"
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        paragraphs.clear()
        return len(split_document(Document(source_id=name, path=f"{name}.txt", sha256="0", text=text)))

    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            premise = " ".join(json.loads(line)["premise"].split())
            if premise and premise not in seen:
                seen.add(premise)
                paragraphs.append(premise)
                if len(paragraphs) == _PREMISES_PER_DOCUMENT:
                    written += flush()
                    if written >= sentences:
                        return written
    return written + (flush() if paragraphs else 0)


class Phase:
    """Wall and CPU seconds (all threads of this process) of each run of one phase."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def run(self, call) -> None:
        """Time one ``call()``."""
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)

    def median(self, of: str = "wall") -> float:
        return statistics.median(getattr(self, of))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_index", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder or file. Defaults to data/corpus")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed rounds (raw encode, then build); the median counts. Defaults to 5 (1 with --nli)")
    parser.add_argument("--synthetic", type=int, default=None, metavar="N",
                        help="measure the store on a synthetic corpus of about N sentences (stand-in encoder)")
    parser.add_argument("--store-only", action="store_true",
                        help="with --synthetic: one sentence per line, split by lines (measures the store alone)")
    parser.add_argument("--work", type=Path, default=Path("var/bench-store"),
                        help="where --synthetic keeps its corpus and index. Defaults to var/bench-store")
    parser.add_argument("--nli", type=int, default=None, metavar="N",
                        help=f"build from about N real sentences (premises of {NLI.name})")
    parser.add_argument("--nli-file", type=Path, default=NLI, help="the NLI file --nli reads. Defaults to %(default)s")
    args = parser.parse_args(argv)
    if args.nli is not None:
        if not args.nli_file.is_file():
            print(f"error: {args.nli_file} is missing; pass --nli-file", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory(prefix="bench-nli-") as tmp:
            write_nli_corpus(args.nli_file, args.nli, Path(tmp) / "corpus")
            return _measure(Path(tmp) / "corpus", repeat=args.repeat or 1, full_warmup=False)
    if args.synthetic is not None:
        from bench.bench_store import run

        print(run(args.synthetic, args.work, args.store_only))
        return 0

    return _measure(args.corpus, args.repeat or 5, full_warmup=True)


def _measure(corpus: Path, repeat: int, full_warmup: bool) -> int:
    """Print raw ``encode`` against ``build_index`` on ``corpus`` (warm-ups whole or on 256 sentences).

    Each round runs the raw encode, then a build, so a load that changes during the run moves
    both; the build's embedding phase is timed from its first progress report to its last.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        texts = [s.text for d in read_corpus(corpus).documents for s in split_document(d)]
    except CrosscheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])  # load the model before timing
    raw_model = SentenceTransformer(str(default_model_path()), device="cpu", local_files_only=True)

    def encode(batch: list[str] = texts) -> None:
        raw_model.encode(batch, batch_size=embedder.batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=False)

    encode(texts if full_warmup else texts[:256])  # warm up
    raw, build, embedding = Phase(), Phase(), []
    anon: dict[str, list[float]] = {"raw encode": [], "build": []}
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        fresh_dirs = (Path(tmp) / f"index-{i}" for i in itertools.count())

        def build_once() -> None:
            reports: list[float] = []
            build_index(corpus, next(fresh_dirs), embedder, lambda done, total: reports.append(time.perf_counter()))
            embedding.append(reports[-1] - reports[0])

        if full_warmup:
            build_once()  # warm up the file cache and the splitter; each timed run starts from a fresh directory
            embedding.clear()
        rss_before = 0.0
        for _ in range(repeat):
            with AnonPeak() as peak:
                raw.run(encode)
            anon["raw encode"].append(peak.mib)
            rss_before = rss_before or peak_rss_mib()  # the first round's, before any timed build
            with AnonPeak() as peak:
                build.run(build_once)
            anon["build"].append(peak.mib)
        rss_after = peak_rss_mib()

    n, raw_s, build_s = len(texts), raw.median(), build.median()
    print(f"corpus {corpus}: {n} sentences; torch threads {torch.get_num_threads()}; "
          f"median of {repeat} rounds (raw encode, then build)\n")
    print(table(["", "seconds", "CPU seconds", "sentences/s", "vs raw", "CPU vs raw"], [
        ["model.encode (raw)", f"{raw_s:.3f}", f"{raw.median('cpu'):.3f}", f"{n / raw_s:,.0f}", "1.00", "1.00"],
        ["build_index (fresh dir)", f"{build_s:.3f}", f"{build.median('cpu'):.3f}", f"{n / build_s:,.0f}",
         f"{raw_s / build_s:.2f}", f"{raw.median('cpu') / build.median('cpu'):.2f}"],
        ["  of which embedding", f"{statistics.median(embedding):.3f}", "", "", "", ""],
    ]))
    rounds = ", ".join(f"{r:.1f} / {b:.1f}" for r, b in zip(raw.wall, build.wall))
    print(f"\nseconds per round, raw / build: {rounds}")
    print(f"peak RSS {rss_before:,.0f} MiB before the timed builds (model, texts, raw encode), "
          f"{rss_after:,.0f} MiB after them")
    peaks = "; ".join(f"{name} {' / '.join(f'{m:,.0f}' for m in values)}" for name, values in anon.items())
    print(f"peak anonymous RSS (MiB, each round): {peaks}; {status_mib('RssAnon'):,.0f} MiB now")
    return 0


if __name__ == "__main__":
    sys.exit(main())
