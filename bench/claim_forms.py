"""Does a claim's letter case or final full stop change its report? Two measurements.

    .venv/bin/python -m bench.claim_forms reports --index IDX --claims FILE.jsonl
    .venv/bin/python -m bench.claim_forms final-stop [--nli ../shared/nli] [--claims 600] [--seed 13]

``reports`` checks every claim of a file (a ``dev_claims.jsonl``-style file: one ``{"claim": ...}`` a line)
as written, in lower case, in capitals and without its final full stop, and counts the forms whose report
(verdict, each source's stance and confidence to 3 places) differs from the written one's, and of those the
ones that differ in a stance or the verdict. Each differing claim is printed.

``final-stop`` scores the training-side per-source set of ``python -m verify.training.calibrate --stance``
(the fact-verification rows of train_3way as small corpora; never a measurement set) three times: with each
claim read as typed, with one final full stop (``verify.inputs.as_statement``, what a check does) and with
none, so that the form a check gives every claim is chosen on training data.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):  # run as ``python bench/claim_forms.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table

FORMS: dict[str, Callable[[str], str]] = {
    "lower case": str.lower,
    "capitals": str.upper,
    "no full stop": lambda c: c.rstrip("."),
}
"""How a claim may be typed other than as written."""

STATEMENTS: dict[str, Callable[[str], str] | None] = {
    "as typed": lambda c: c,
    "one full stop": None,  # the check's own (verify.inputs.as_statement)
    "none": lambda c: c if c.endswith(("?", "...", "…")) else c.rstrip(".!;:, "),
}
"""How the models may be given a claim's final punctuation (None: as a check does)."""


def summary(report) -> tuple:
    """What a reader compares: the verdict and each source's stance and confidence."""
    return report.verdict, tuple(sorted((s.source_id, s.stance, round(s.confidence, 3)) for s in report.sources))


def compare_forms(verifier, claims: list[str]) -> dict[str, tuple[int, int, list[str]]]:
    """Per form: reports that differ from the written claim's, those that differ in a stance or the verdict,
    and the claims that differ."""
    out = {name: (0, 0, []) for name in FORMS}
    for claim in claims:
        written = summary(verifier.check(claim))
        for name, form in FORMS.items():
            other = summary(verifier.check(form(claim)))
            if other == written:
                continue
            stances = (other[0], [s[:2] for s in other[1]]) != (written[0], [s[:2] for s in written[1]])
            differ, in_stance, which = out[name]
            out[name] = (differ + 1, in_stance + stances, [*which, claim])
    return out


def _reports(args: argparse.Namespace) -> int:
    from verify.verifier import Verifier

    lines = args.claims.read_text(encoding="utf-8").splitlines()
    claims = [json.loads(line)["claim"] for line in lines if line.strip()]
    found = compare_forms(Verifier.from_index(args.index), claims)
    print(f"{len(claims)} claims from {args.claims}; index {args.index}")
    print(table(["form", "reports that differ", "in a stance or the verdict"],
                [[name, str(differ), str(in_stance)] for name, (differ, in_stance, _) in found.items()]))
    for name, (_, _, which) in found.items():
        for claim in which:
            print(f"  {name}: {claim}")
    return 0


def _final_stop(args: argparse.Namespace) -> int:
    from verify.evaluation.corpora import corpora_verifier
    from verify.evaluation.per_source import score_cases
    from verify.training.stance_data import fact_corpora, read_fact_rows

    corpora = fact_corpora(read_fact_rows(args.nli, args.model), args.claims, seed=args.seed)
    rows = []
    for name, statement in STATEMENTS.items():
        patch = mock.patch("verify.verifier.as_statement", statement) if statement else nullcontext()
        with patch, corpora_verifier(corpora.documents, args.model) as verifier:
            scores = score_cases(verifier, corpora.cases).scores
        rows.append([name, f"{scores['stance_accuracy']:.4f}", f"{scores['stance_macro_f1']:.4f}", str(scores["listed"])])
    print(f"train_3way fact rows as small corpora: {len(corpora.cases)} claims (seed {args.seed})")
    print(table(["claims read", "stance accuracy", "stance macro-F1", "stances"], rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    from verify.settings import DEFAULT_VERIFIER

    ap = argparse.ArgumentParser(prog="python -m bench.claim_forms", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    reports = sub.add_parser("reports", help="claims as written against other forms of them")
    reports.add_argument("--index", type=Path, required=True)
    reports.add_argument("--claims", type=Path, required=True)
    stop = sub.add_parser("final-stop", help="the training-side per-source set, three ways of reading the full stop")
    stop.add_argument("--nli", type=Path, default=ROOT.parent / "shared" / "nli")
    stop.add_argument("--model", type=Path, default=DEFAULT_VERIFIER)
    stop.add_argument("--claims", type=int, default=600)
    stop.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    return _reports(args) if args.cmd == "reports" else _final_stop(args)


if __name__ == "__main__":
    sys.exit(main())
