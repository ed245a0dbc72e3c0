"""Fit the verifier's softmax temperature on held-out pairs and record it in the model.

    python -m verify.training.calibrate [--model models/verifier] [--nli ../shared/nli]
    python -m verify.training.calibrate --stance [--eval ../shared/eval]   # source confidence -> probability

``dev_3way`` is split in two: the temperature that minimises the negative
log-likelihood on the even rows is written to the model's config; the expected
calibration error (ECE) before and after is reported on the odd rows, which the
fit never saw.

``--stance`` calibrates what a fact-checker reads: each source's confidence in its
stance. The verifier checks the dev claims over the bundled corpus uncalibrated; a
Platt map (two parameters) from that confidence to "the stance is right" is fitted
on all of them and written to ``models/stance_calibration.json``, with the ECE before
and the ECE of maps fitted without each claim, on that claim (leave one claim out).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from verify.evaluate import read_dev3
from verify.judge.backends import NLIJudge, softmax
from verify.judge.nli_model import LABELS, read_delta_config, set_temperature
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


def calibrate_stance(args) -> int:
    from verify.evaluate import score_dev_claims, uncalibrated_verifier
    from verify.scoring.aggregate import fit_confidence_map
    from verify.training.metrics import held_out_calibrated

    claims = args.eval / "dev_claims.jsonl"
    if not claims.is_file():
        print(f"error: no dev claims at {claims}", file=sys.stderr)
        return 1
    with uncalibrated_verifier(args.corpus, args.model) as verifier:
        _, records = score_dev_claims(verifier, claims)
    groups, confidences, correct = (list(x) for x in zip(*records))
    fitted = fit_confidence_map(confidences, correct)
    report = {
        "a": round(fitted.a, 4), "b": round(fitted.b, 4), "ceiling": round(fitted.ceiling, 4),
        "fitted_on": f"{claims.name}: {len(records)} claim x source stances over {args.corpus.name}",
        "ece_raw": round(expected_calibration_error(confidences, correct), 4),
        "ece_leave_one_claim_out": round(expected_calibration_error(
            held_out_calibrated(groups, confidences, correct), correct), 4),
        "ece_in_sample": round(expected_calibration_error([fitted(c) for c in confidences], correct), 4),
        "model": str(args.model.resolve().relative_to(PACKAGE_ROOT)) if args.model.resolve().is_relative_to(
            PACKAGE_ROOT) else str(args.model),
    }
    print(" ".join(f"{k}={v}" for k, v in report.items()))
    if not args.dry_run:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote the stance calibration to {args.out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.training.calibrate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_VERIFIER)
    ap.add_argument("--nli", type=Path, default=PACKAGE_ROOT.parent / "shared" / "nli")
    ap.add_argument("--dry-run", action="store_true", help="report only; do not write anything")
    ap.add_argument("--stance", action="store_true", help="calibrate source confidences on the dev claims")
    ap.add_argument("--eval", type=Path, default=PACKAGE_ROOT.parent / "shared" / "eval")
    ap.add_argument("--corpus", type=Path, default=PACKAGE_ROOT / "data" / "corpus")
    ap.add_argument("--out", type=Path, default=DEFAULT_STANCE_CALIBRATION)
    args = ap.parse_args(argv)
    if args.stance:
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
