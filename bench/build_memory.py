"""Peak memory of the builds that read the whole corpus: strict updates and sharded builds.

On a synthetic corpus of about N sentences (one a line, split by lines, the stand-in encoder;
see ``bench.synthetic``), each build runs in a fresh process and prints its seconds and peak
anonymous RSS (``bench._common.AnonPeak``): a fresh one-folder build, a ``--strict`` update after
one file changed, a fresh build of K shards, and a ``--strict`` update of the shards after one
more file changed. A build that holds every document grows with the corpus; one that streams
holds a file's documents (and the changed ones):

    nice .venv/bin/python -m bench.build_memory --sentences 100000 [--shards 4] [--work var/bench-build-memory]

To measure another tree's code with this script, run it with that tree first on the path:
``PYTHONPATH=/path/to/tree python bench/build_memory.py ...``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/build_memory.py``
    sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench._common import AnonPeak, in_child, status_mib, table
from bench.synthetic import HashEmbedder, append_paragraph, line_split, write_corpus

__all__ = ["run"]


def _build(corpus: Path, out: Path, strict: bool, shards: int | None) -> dict:
    import index.build.new_segment
    from index import build_index

    index.build.new_segment.split_document = line_split
    embedder = HashEmbedder()
    embedder.embed(["warm up"])  # the stand-in's table is made before measuring
    before = status_mib("RssAnon")
    with AnonPeak() as anon:
        start = time.perf_counter()
        result = build_index(corpus, out, embedder, strict=strict, shards=shards)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "anon": anon.mib, "before": before, "sources": result.sources,
            "changed": result.changed, "sentences": result.sentences}


def _touch(corpus: Path, number: int) -> None:
    """Append a paragraph to the ``number``-th corpus file (a one-file change)."""
    append_paragraph(sorted(corpus.glob("*.txt"))[number])


def run(sentences: int, shards: int, work: Path) -> str:
    """Run the four builds on a fresh corpus of about ``sentences`` sentences under ``work``; a table."""
    if work.exists():
        shutil.rmtree(work)
    corpus = work / "corpus"
    files = write_corpus(corpus, sentences, one_per_line=True)
    rows = []
    for label, out, strict, count, touch in (
            ("fresh build", "one", False, None, None),
            ("--strict update, one file changed", "one", True, None, files // 3),
            (f"fresh build, {shards} shards", "sharded", False, shards, None),
            (f"--strict update of {shards} shards, one more file changed", "sharded", True, shards, 2 * files // 3)):
        if touch is not None:
            _touch(corpus, touch)
        built = in_child(_build, corpus, work / out, strict, count)
        rows.append([label, f"{built['seconds']:.1f}", f"{built['anon']:,.0f}", f"{built['before']:,.0f}",
                     f"{built['sources']:,} / {built['sentences']:,}", f"{built['changed']}"])
    return table(["build", "seconds", "peak anon MiB", "anon before MiB", "sources / sentences", "files changed"],
                 rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build_memory", description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000, help="corpus size. Defaults to 100000")
    parser.add_argument("--shards", type=int, default=4, help="shards. Defaults to 4")
    parser.add_argument("--work", type=Path, default=Path("var/bench-build-memory"),
                        help="where the corpus and indexes go (emptied first). Defaults to var/bench-build-memory")
    args = parser.parse_args(argv)
    print(f"about {args.sentences:,} sentences, one a line (lines as sentences, stand-in encoder)\n")
    print(run(args.sentences, args.shards, args.work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
