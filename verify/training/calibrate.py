"""Fit the verifier's softmax temperature on held-out pairs and record it in the model.

    python -m verify.training.calibrate [--model models/verifier] [--nli ../shared/nli] [--dry-run]
    python -m verify.training.calibrate --stance [--claims 600]   # source confidence -> probability

The temperature (:mod:`verify.training.temperature`) is fitted on the held-out split of
``train_3way`` (:mod:`verify.training.holdout`) and its ECE / NLL reported on ``dev_3way``; it is
written only for a model whose card says it never trained on that split (for the shipped model,
which did, the command reports the biased refit and keeps its temperature).

``--stance`` calibrates what a fact-checker reads: each source's confidence in its
stance. The verifier checks the claims of the training-side per-source set (fact-verification
rows of ``train_3way`` as small corpora, :mod:`verify.training.stance_data`; never a
measurement set) uncalibrated; their topics are split in two (seeded). On one half, a logistic regression from
each source's stance features (:class:`verify.models.StanceFeatures`) to "the stance is right" and
the Platt map of the raw confidence alone are fitted; both are measured on the other half, and the
model is written to ``models/stance_calibration.json`` with its card when its held-out ECE is no
worse than the map's (``--write model`` / ``--write platt`` choose one outright). See
:mod:`verify.training.stance_model`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from pydantic import BaseModel

from verify.evaluation.per_source import StanceRecord
from verify.judge.nli_model import read_delta_config
from verify.settings import DEFAULT_STANCE_CALIBRATION, DEFAULT_VERIFIER, PACKAGE_ROOT
from verify.training.temperature import calibrate_temperature, ece_of, fit_temperature, nll  # noqa: F401 (tests)


class StanceSet(BaseModel):
    """The stance records a map is fitted and measured on, what they are, and the command that made them."""

    records: list[StanceRecord]
    source: str
    command: str


def stance_records(args) -> StanceSet:
    """The stance records to fit: checked now over the fact-row corpora, or read from ``--fit-records``."""
    from verify.evaluation.corpora import corpora_verifier
    from verify.evaluation.per_source import score_cases
    from verify.training.stance_data import FACT_SETS, fact_corpora, read_fact_rows

    if args.fit_records:
        lines = args.fit_records.read_text(encoding="utf-8").splitlines()
        records = [StanceRecord.model_validate_json(line) for line in lines if line.strip()]
        return StanceSet(records=records, source=f"the stance records in {args.fit_records.name}",
                         command=f"python -m verify.training.calibrate --stance --fit-records "
                                 f"{args.fit_records.name} --seed {args.seed}")
    embedder = None
    if args.near_distractors:
        from index.embed import SentenceTransformerEmbedder
        from verify.settings import Settings

        embedder = SentenceTransformerEmbedder(Settings.from_env(verifier_path=args.model).embedding_model)
    corpora = fact_corpora(read_fact_rows(args.nli, args.model), args.claims, seed=args.seed,
                           near=args.near_distractors, embed=embedder.embed if embedder else None)
    near = f" --near-distractors {args.near_distractors}" if args.near_distractors else ""
    with corpora_verifier(corpora.documents, args.model, embedder=embedder) as verifier:
        records = score_cases(verifier, corpora.cases).records
    if args.records:
        args.records.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return StanceSet(records=records, source=(f"train_3way fact-verification rows ({', '.join(FACT_SETS)}) "
                                              f"as small corpora: {len(corpora.cases)} claims"),
                     command=f"python -m verify.training.calibrate --stance --claims {args.claims} --seed {args.seed}{near}")


def calibrate_stance(args) -> int:
    """Fit the source-confidence model (and the Platt map it is compared with) on one half of the
    training-side per-source set, report both on the other (:mod:`verify.training.stance_model`)."""
    from verify.scoring.confidence import load_confidence_map
    from verify.training.metrics import grouped_split
    from verify.training.stance_model import model_card

    if not args.fit_records and not (args.nli / "train_3way.jsonl.gz").is_file():
        print(f"error: no train_3way.jsonl.gz in {args.nli}", file=sys.stderr)
        return 1
    if args.fit_records and not args.fit_records.is_file():
        print(f"error: no stance records at {args.fit_records}", file=sys.stderr)
        return 1
    stance_set = stance_records(args)
    records, source, command = stance_set.records, stance_set.source, stance_set.command
    if any(r.features is None for r in records):
        print(f"error: the stance records in {args.fit_records} have no features (written by an older version): "
              f"write them again with --records", file=sys.stderr)
        return 1
    held = grouped_split([r.group for r in records], args.seed)
    fit = [r for r, h in zip(records, held) if not h]
    test = [r for r, h in zip(records, held) if h]
    card = model_card(fit, test, load_confidence_map(args.out), records, args.seed, write=args.write)
    report = card | {
        "fitted_on": (f"{source}, {len(fit)} listed claim x source stances of the fit half "
                      f"(topics split in two, seed {args.seed})"),
        "command": command + (f" --write {args.write}" if args.write != "auto" else ""),
        "model": str(args.model.resolve().relative_to(PACKAGE_ROOT)) if args.model.resolve().is_relative_to(
            PACKAGE_ROOT) else str(args.model),
    }
    print(" ".join(f"{k}={v}" for k, v in report.items() if k not in ("features", "coefficients")))
    if not args.dry_run:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote the stance calibration ({report['chosen']}) to {args.out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.training.calibrate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_VERIFIER)
    ap.add_argument("--nli", type=Path, default=PACKAGE_ROOT.parent / "shared" / "nli")
    ap.add_argument("--dry-run", action="store_true", help="report only; do not write anything")
    ap.add_argument("--stance", action="store_true",
                    help="calibrate source confidences on the training-side per-source set")
    ap.add_argument("--claims", type=int, default=600, help="--stance: claims sampled from the fact rows")
    ap.add_argument("--seed", type=int, default=13, help="--stance: sampling and split seed")
    ap.add_argument("--near-distractors", type=int, default=0, metavar="N",
                    help="--stance: N of each claim's distractors are the other-topic evidence texts nearest "
                         "the claim (embedding cosine) instead of random ones (default 0)")
    ap.add_argument("--records", type=Path, default=None, help="--stance: also write the stance records here")
    ap.add_argument("--fit-records", type=Path, default=None,
                    help="--stance: fit on records an earlier --records run wrote (no model runs)")
    ap.add_argument("--write", choices=["auto", "platt", "unread", "model"], default="auto",
                    help="--stance: which fit to write: auto (the candidate of the lowest held-out ECE, the "
                         "simpler on a tie), the one-number Platt map, the small model that knows an unread "
                         "'none', or the model over every feature")
    ap.add_argument("--out", type=Path, default=DEFAULT_STANCE_CALIBRATION)
    args = ap.parse_args(argv)
    if args.stance:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        return calibrate_stance(args)
    if read_delta_config(args.model) is None:
        print(f"error: {args.model} is not a Crosscheck verifier delta directory", file=sys.stderr)
        return 1
    for name in ("train_3way.jsonl.gz", "dev_3way.jsonl.gz"):
        if not (args.nli / name).is_file():
            print(f"error: no {name} in {args.nli}", file=sys.stderr)
            return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    return calibrate_temperature(args.model, args.nli, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
