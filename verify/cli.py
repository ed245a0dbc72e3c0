"""Command line: ``python -m verify check|judge|serve|analyse``.

Inputs are read and checked first (:mod:`verify.inputs`), before any model loads. Reports
stream: ``--format jsonl`` and ``text`` print each report as soon as its claim is checked,
``json`` prints one array at the end. :func:`index.boundary.run_cli` turns any failure into
one ``error: ...`` line on stderr (exit 1, 2 for usage errors, 130 on Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from index.boundary import OneLineParser, run_cli, start_cli
from verify.errors import failure, settings_error
from verify.inputs import read_claims, read_pairs
from verify.models import Report
from verify.settings import Settings

__all__ = ["build_parser", "main"]


def _settings(**flags: tuple[str, object]) -> Settings:
    """Settings from the environment and the given flags (``field=(flag, value)``; None = not given)."""
    overrides = {field: value for field, (_, value) in flags.items() if value is not None}
    try:
        return Settings.from_env(**overrides)
    except ValidationError as exc:
        raise settings_error(exc, {field: flag for field, (flag, _) in flags.items() if field in overrides}) \
            from None


def _text_report(report: Report) -> str:
    lines = [f"CLAIM: {report.claim}",
             f"VERDICT: {report.verdict} (confidence {report.confidence:.2f})"]
    for src in report.sources:
        title = f" — {src.title}" if src.title else ""
        lines.append(f"  [{src.stance}] {src.source_id}{title} ({src.confidence:.2f})")
        if src.stance == "none":
            continue
        for p in src.passages:
            probs = p.probabilities
            lines.append(f"      {p.label:<11} s={probs.supports:.2f} c={probs.contradicts:.2f} "
                         f"n={probs.neutral:.2f} sim={p.similarity:.2f}  “{p.text}”")
            for reason in p.reasons or [f"{m.kind}: {m.detail}" for m in p.mismatches]:
                lines.append(f"        ! {reason}")
    if (others := report.sources_without_evidence - sum(1 for s in report.sources if not s.passages)) > 0:
        lines.append(f"  ({others} other source{'s' if others > 1 else ''} had no relevant passage; "
                     "--all-sources lists them)")
    return "\n".join(lines)


class _Progress:
    """``checked N/M claims`` on stderr, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.verb, self.noun = total, 0, "checked ", "claims"
        self.shown = sys.stderr.isatty()

    def update(self, done: int) -> None:
        self.done = done
        if self.shown:
            end = "\n" if done == self.total else ""
            print(f"\r{self.verb}{done}/{self.total} {self.noun}", end=end, file=sys.stderr, flush=True)

    def close(self) -> None:
        """End an unfinished progress line, so an error line starts on its own."""
        if self.shown and 0 < self.done < self.total:
            print(file=sys.stderr, flush=True)

    def interrupted(self) -> str:
        if not self.total:
            return "interrupted"
        if self.noun != "claims":
            return f"interrupted after {self.done} of {self.total} {self.noun} (those are stored)"
        return f"interrupted after {self.done} of {self.total} claims (the reports printed are complete)"


def _write(report: Report, fmt: str, first: bool) -> None:
    if fmt == "jsonl":
        print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False), flush=True)
    elif fmt == "text":
        print(("" if first else "\n") + _text_report(report), flush=True)


def cmd_check(args: argparse.Namespace, progress: _Progress) -> int:
    from verify.verifier import Verifier

    claims = read_claims(args.claims, args.file)  # all validated before any model loads
    progress.total = len(claims)
    settings = _settings(verifier_path=("--model", args.model), k_per_source=("-k", args.k))
    verifier = Verifier.from_index(args.index, settings)
    collected = []
    try:
        for reports in verifier.iter_reports(claims, all_sources=args.all_sources):  # a batch finishes together
            for report in reports:
                _write(report, args.format, first=not collected)
                collected.append(report.model_dump(mode="json"))
            progress.update(len(collected))
    finally:
        progress.close()
    if args.format == "json":
        print(json.dumps(collected, ensure_ascii=False, indent=2))
    return 0


def cmd_judge(args: argparse.Namespace, progress: _Progress) -> int:
    from verify.verifier import judge_pairs, nli_judge

    rows = read_pairs(args.file or "-")
    settings = _settings(verifier_path=("--model", args.model))
    judgements = judge_pairs(nli_judge(settings), rows, settings)
    if args.format == "json":
        print(json.dumps([j.model_dump(mode="json") for j in judgements], indent=2))
    elif args.format == "jsonl":
        for j in judgements:
            print(json.dumps(j.model_dump(mode="json")))
    else:
        for (claim, passage), j in zip(rows, judgements):
            p = j.probabilities
            print(f"{j.label:<11} s={p.supports:.2f} c={p.contradicts:.2f} n={p.neutral:.2f}  {claim!r} <- {passage!r}"
                  f"  ({'; '.join(j.reasons)})")
    return 0


def cmd_analyse(args: argparse.Namespace, progress: _Progress) -> int:
    from index.store.claim_index import ClaimIndex
    from verify.evidence.stored import fill

    settings = _settings()
    index = ClaimIndex.load(args.index, corpus_check=False)  # read only; the records are keyed by text, not corpus
    progress.verb, progress.noun, progress.total = "", "sentences analysed", len(index.sentences)
    try:
        result = fill(index, settings.evidence, lambda done, total: progress.update(done))
    finally:
        progress.close()
        index.close()
    print(f"{result.analysed:,} passage analyses stored, {result.current:,} were current, {result.removed:,} stale "
          f"removed ({result.sentences:,} sentences); {result.path} is {result.size / 2**20:.1f} MiB")
    return 0


def cmd_serve(args: argparse.Namespace, progress: _Progress) -> int:
    from verify.api.server import serve

    return serve(_settings(index_dir=("--index", args.index), verifier_path=("--model", args.model)),
                 args.host, args.port)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (usage errors are one line, exit 2)."""
    parser = OneLineParser(prog="python -m verify", description="Check claims against a claim index.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check claims against an index, per source")
    check.add_argument("--index", required=True, type=Path, help="index directory (python -m index build)")
    check.add_argument("--format", choices=("text", "json", "jsonl"), default="text",
                       help="text and jsonl print each report when it is done; json prints one array at the end")
    check.add_argument("--file", help="claims, one per line (- for stdin; UTF-8, 8 MiB, 10,000 claims at most)")
    check.add_argument("--model", type=Path, default=None, help="verifier model directory")
    check.add_argument("-k", type=int, default=None, help="candidate passages judged per source (1-50)")
    check.add_argument("--all-sources", action="store_true",
                       help="list every source in the report, those with no relevant passage too (by default "
                            "they are only counted: sources_without_evidence)")
    check.add_argument("claims", nargs="*", help="claims to check")
    check.set_defaults(func=cmd_check)
    judge = sub.add_parser("judge", help="judge claim/passage pairs (JSON lines)")
    judge.add_argument("--format", choices=("text", "json", "jsonl"), default="json")
    judge.add_argument("--file", help='JSON lines {"claim", "passage"} (default/-: stdin)')
    judge.add_argument("--model", type=Path, default=None, help="verifier model directory")
    judge.set_defaults(func=cmd_judge)
    serve = sub.add_parser("serve", help="a local HTTP API: POST /check, /judge, /export; GET /sources, /health")
    serve.add_argument("--index", type=Path, default=None, help="index directory (default: CROSSCHECK_INDEX, var/index)")
    serve.add_argument("--model", type=Path, default=None, help="verifier model directory")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)
    analyse = sub.add_parser("analyse", help="store the analysis of every passage of an index in its folder "
                             "(analyses.sqlite), so checks read it instead of parsing; only new passages are parsed")
    analyse.add_argument("--index", required=True, type=Path, help="index directory (python -m index build)")
    analyse.set_defaults(func=cmd_analyse)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m verify``: the arguments read and logging set up by :func:`index.boundary.start_cli`.

    Args:
        argv: Arguments without the program name. Defaults to ``sys.argv[1:]``.

    Returns:
        0 on success, 1 for a reported error, 2 for a usage error, 130 on Ctrl-C.
    """
    args = start_cli(build_parser(), argv)
    progress = _Progress(0)
    return run_cli(lambda: args.func(args, progress), f"python -m verify {args.command}",
                   interrupted=progress.interrupted, explain=failure)
