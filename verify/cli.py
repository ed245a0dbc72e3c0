"""Command line: ``python -m verify check|judge|serve``. Translates errors into one line + exit code."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from index.errors import CrosscheckError
from verify.errors import InvalidClaimError
from verify.models import Report
from verify.settings import Settings

EXIT_ERROR = 1


def _read_lines(path: str) -> list[str]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CrosscheckError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise CrosscheckError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise CrosscheckError(f"cannot read {path}: {exc.strerror}") from None
    return text.splitlines()


def _claims(args) -> list[str]:
    claims = list(args.claims)
    if args.file:
        lines = [line for line in _read_lines(args.file) if line.strip()]
        if not lines:
            raise InvalidClaimError(f"{args.file} holds no claims (one per line)")
        claims.extend(lines)
    if not claims:
        raise InvalidClaimError("no claim given; pass claims as arguments or --file FILE (- for stdin)")
    for n, claim in enumerate(claims, 1):
        if not claim.strip():
            raise InvalidClaimError(f"claim {n} is empty")
    return claims


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
            for m in p.mismatches:
                lines.append(f"        ! {m.kind}: {m.detail}")
    return "\n".join(lines)


def cmd_check(args) -> int:
    from verify.verifier import Verifier

    claims = _claims(args)  # validate input before any model loads
    settings = Settings.from_env(verifier_path=args.model, k_per_source=args.k)
    verifier = Verifier.from_index(args.index, settings)
    reports = verifier.check_many(claims)
    if args.format == "json":
        print(json.dumps([r.model_dump() for r in reports], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(_text_report(r) for r in reports))
    return 0


def _judge_rows(path: str) -> list[tuple[str, str]]:
    rows = []
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise CrosscheckError(f"{path} line {n}: not valid JSON") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("claim"), str) \
                or not isinstance(obj.get("passage"), str):
            raise CrosscheckError(f'{path} line {n}: expected {{"claim": str, "passage": str}}')
        if not obj["claim"].strip():
            raise InvalidClaimError(f"{path} line {n}: the claim is empty")
        rows.append((obj["claim"], obj["passage"]))
    if not rows:
        raise CrosscheckError(f"{path} holds no pairs")
    return rows


def cmd_judge(args) -> int:
    from verify.judge.backends import NLIJudge
    from verify.verifier import judge_pairs

    rows = _judge_rows(args.file or "-")
    settings = Settings.from_env(verifier_path=args.model)
    if not Path(settings.verifier_path).exists():
        raise CrosscheckError(f"no verifier model at {settings.verifier_path}")
    judgements = judge_pairs(NLIJudge(settings.verifier_path, settings.batch_size, quantize=settings.quantize,
                                           backend=settings.backend), rows)
    if args.format == "json":
        print(json.dumps([j.model_dump() for j in judgements], indent=2))
    else:
        for (claim, passage), j in zip(rows, judgements):
            p = j.probabilities
            print(f"{j.label:<11} s={p.supports:.2f} c={p.contradicts:.2f} n={p.neutral:.2f}  {claim!r} <- {passage!r}")
    return 0


def cmd_serve(args) -> int:
    from verify.api.server import serve

    return serve(Settings.from_env(index_dir=args.index, verifier_path=args.model), args.host, args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m verify", description="Check claims against a claim index.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check claims against an index, per source")
    check.add_argument("--index", required=True, type=Path, help="index directory (python -m index build)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--file", help="claims, one per line (- for stdin)")
    check.add_argument("--model", type=Path, default=None, help="verifier model directory")
    check.add_argument("-k", type=int, default=None, help="candidate passages judged per source")
    check.add_argument("claims", nargs="*", help="claims to check")
    check.set_defaults(func=cmd_check)
    judge = sub.add_parser("judge", help="judge claim/passage pairs (JSON lines)")
    judge.add_argument("--format", choices=("text", "json"), default="json")
    judge.add_argument("--file", help='JSON lines {"claim", "passage"} (default/-: stdin)')
    judge.add_argument("--model", type=Path, default=None, help="verifier model directory")
    judge.set_defaults(func=cmd_judge)
    serve = sub.add_parser("serve", help="a local HTTP API: POST /check, /judge, /export; GET /sources, /health")
    serve.add_argument("--index", type=Path, default=None, help="index directory (default: CROSSCHECK_INDEX, var/index)")
    serve.add_argument("--model", type=Path, default=None, help="verifier model directory")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CrosscheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
