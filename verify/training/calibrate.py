"""Fit the verifier's softmax temperature on held-out pairs and record it in the model.

    python -m verify.training.calibrate [--model models/verifier] [--nli ../shared/nli]
    python -m verify.training.calibrate --stance [--claims 600]   # source confidence -> probability

``dev_3way`` is split in two: the temperature that minimises the negative
log-likelihood on the even rows is written to the model's config; the expected
calibration error (ECE) before and after is reported on the odd rows, which the
fit never saw.

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

import numpy as np
from pydantic import BaseModel

from verify.evaluate import read_dev3
from verify.evaluation.per_source import StanceRecord
from verify.judge.backends import NLIJudge, softmax
from verify.judge.nli_model import LABELS, read_delta_config, set_temperature
from verify.scoring.confidence import ConfidenceMap
from verify.settings import DEFAULT_STANCE_CALIBRATION, DEFAULT_VERIFIER, PACKAGE_ROOT
from verify.training.metrics import expected_calibration_error


def nll(logits: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    p = softmax(logits / temperature)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(gold)), gold], 1e-12, 1.0))))


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature in [0.25, 5] that minimises NLL (golden-section search on log T)."""
    lo, hi = np.log(0.25), np.log(5.0)
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if nll(logits, gold, np.exp(a)) < nll(logits, gold, np.exp(b)):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


def ece_of(logits: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    p = softmax(logits / temperature)
    return expected_calibration_error(p.max(axis=1).tolist(), (p.argmax(axis=1) == gold).tolist())


def fit_platt(confidences: list[float], correct: list[bool]) -> ConfidenceMap:
    """The Platt map ``sigmoid(a * logit(c) + b)`` of least log-loss (scikit-learn's solver, a weak ridge).

    The one Platt fit of the project (a hand-written Newton fit it replaced diverged, a ~ 2e5, when
    most stances sit at a raw confidence of 1.0, as sources with no judged passage do).
    """
    from sklearn.linear_model import LogisticRegression

    c = np.clip(np.asarray(confidences, dtype=np.float64), 1e-4, 1 - 1e-4)
    x = np.log(c / (1 - c)).reshape(-1, 1)
    model = LogisticRegression(C=100.0).fit(x, np.asarray(correct, dtype=int))
    return ConfidenceMap(float(model.coef_[0][0]), float(model.intercept_[0]), ceiling=1 - 1 / (len(c) + 2))


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
    corpora = fact_corpora(read_fact_rows(args.nli), args.claims, seed=args.seed)
    with corpora_verifier(corpora.documents, args.model) as verifier:
        records = score_cases(verifier, corpora.cases).records
    if args.records:
        args.records.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return StanceSet(records=records, source=(f"train_3way fact-verification rows ({', '.join(FACT_SETS)}) "
                                              f"as small corpora: {len(corpora.cases)} claims"),
                     command=f"python -m verify.training.calibrate --stance --claims {args.claims} --seed {args.seed}")


def calibrate_stance(args) -> int:
    """Fit the source-confidence model (and the Platt map it is compared with) on one half of the
    training-side per-source set, report both on the other (:mod:`verify.training.stance_model`)."""
    from verify.training.metrics import grouped_split
    from verify.training.stance_model import model_card
    from verify.verifier import load_confidence_map

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
    ap.add_argument("--records", type=Path, default=None, help="--stance: also write the stance records here")
    ap.add_argument("--fit-records", type=Path, default=None,
                    help="--stance: fit on records an earlier --records run wrote (no model runs)")
    ap.add_argument("--write", choices=["auto", "model", "platt"], default="auto",
                    help="--stance: which fit to write: auto (the feature model where its held-out ECE is no "
                         "worse than the Platt map's), the model, or the one-number Platt map")
    ap.add_argument("--out", type=Path, default=DEFAULT_STANCE_CALIBRATION)
    args = ap.parse_args(argv)
    if args.stance:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        return calibrate_stance(args)
    if read_delta_config(args.model) is None:
        print(f"error: {args.model} is not a Crosscheck verifier delta directory", file=sys.stderr)
        return 1
    pairs, labels = read_dev3(args.nli / "dev_3way.jsonl.gz", None)
    gold = np.array([LABELS.index(lab) for lab in labels])
    logits = NLIJudge(args.model).logits([(p, c) for c, p in pairs])
    fit, held = np.arange(len(gold)) % 2 == 0, np.arange(len(gold)) % 2 == 1
    temperature = fit_temperature(logits[fit], gold[fit])
    report = {
        "fitted_on": "dev_3way even rows", "reported_on": "dev_3way odd rows", "pairs": int(held.sum()),
        "temperature": round(temperature, 4),
        "ece_before": round(ece_of(logits[held], gold[held], 1.0), 4),
        "ece_after": round(ece_of(logits[held], gold[held], temperature), 4),
        "nll_before": round(nll(logits[held], gold[held], 1.0), 4),
        "nll_after": round(nll(logits[held], gold[held], temperature), 4),
    }
    print(" ".join(f"{k}={v}" for k, v in report.items()))
    if not args.dry_run:
        set_temperature(args.model, temperature, report)
        print(f"wrote temperature {temperature:.3f} to {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
