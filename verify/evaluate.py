"""Measure the current verifier.

    python -m verify.evaluate [--index DIR] [--eval ../shared/eval] [--nli ../shared/nli]

Prints: per-source stance accuracy, macro-F1, evidence top-1 hit, source-confidence ECE and
wrong stances above 0.95 confidence on ``dev_claims.jsonl`` over the bundled corpus and on
HealthVer dev as small corpora (each evidence text one source, see
:mod:`verify.evaluation.healthver`); the stance calibration's held-out ECE (from its card);
pair macro-F1 on HealthVer dev; accuracy on ``dev_3way`` (the bare model, also per source
dataset, and with detectors); judge throughput.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from pathlib import Path

from verify.evaluation.corpora import corpora_verifier, sample_cases, uncalibrated_verifier
from verify.evaluation.healthver import SEED as HEALTHVER_SEED
from verify.evaluation.healthver import healthver_corpora
from verify.evaluation.per_source import ClaimCase, StanceRecord, confidence_scores, score_cases
from verify.scoring.aggregate import label_of
from verify.scoring.confidence import Calibration, load_confidence_map
from verify.settings import PACKAGE_ROOT, Settings
from verify.training.metrics import accuracy, accuracy_by_group, confusion, macro_f1
from verify.training.train_data import read_healthver as healthver_rows
from verify.verifier import Verifier, judge_pairs

HEALTHVER_CLAIMS = 40
"""HealthVer as a corpus checks a seeded sample of this many of its 230 claims by default: dev_claims
and 40 of them took 8 to 19 minutes on 2 cores shared with other jobs (2026-11-26); all 230 would take
about 40 minutes or more there."""
PAIR_STANCES = ["supports", "contradicts", "neutral"]
PAIR_LABELS = {"Supports": "supports", "Refutes": "contradicts", "Neutral": "neutral",
               "entailment": "supports", "contradiction": "contradicts", "neutral": "neutral"}


def read_claim_cases(path: Path) -> list[ClaimCase]:
    """The claims of a ``dev_claims.jsonl`` file (id, claim, gold, optional evidence), each over every source."""
    return [ClaimCase(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def eval_healthver_corpus(path: Path, verifier: Verifier, limit: int | None, calibration: Calibration) -> dict:
    """Per-source scores of HealthVer dev as small corpora, indexed with ``verifier``'s embedder and judge."""
    corpora = healthver_corpora(path)
    cases = sample_cases(corpora.cases, limit, HEALTHVER_SEED)
    with corpora_verifier(corpora.documents, verifier.settings.verifier_path, verifier.nli,
                          verifier.embedder) as hv_verifier:
        scored = score_cases(hv_verifier, cases, calibration)
    sample = (f"all {len(cases)} claims" if len(cases) == len(corpora.cases)
              else f"{len(cases)} of {len(corpora.cases)} claims (seed {HEALTHVER_SEED})")
    return scored.scores | {"records": [r.model_dump() for r in scored.records], "sources": len(corpora.documents),
                            "sample": sample}


def needed_files(args) -> list[Path]:
    """The data files the chosen parts of the evaluation read."""
    parts = {"claims": args.eval / "dev_claims.jsonl", "hvcorpus": args.eval / "healthver_dev.csv",
             "healthver": args.eval / "healthver_dev.csv", "dev3": args.nli / "dev_3way.jsonl.gz",
             "speed": args.nli / "dev_3way.jsonl.gz"}
    return list(dict.fromkeys(path for part, path in parts.items() if part not in args.skip))


def rescore(results: dict, card_path: Path | None) -> dict:
    """``results`` (as written by ``--json``) with the confidence figures of the calibration at ``card_path``."""
    calibration = load_confidence_map(card_path)
    for name in ("dev_claims", "healthver_corpus"):
        if name in results:
            records = [StanceRecord(**r) for r in results[name]["records"]]
            results[name] = results[name] | confidence_scores(records, calibration)
    return results | {"calibration_card": read_card(card_path)}


def read_card(path: Path | None) -> dict:
    """The stance calibration's card (its fitting run's figures); empty when there is none."""
    if path is None or not Path(path).is_file():
        return {}
    return json.loads(Path(path).read_text(encoding="utf-8"))


def eval_pairs(judge, pairs: list[tuple[str, str]], gold: list[str]) -> dict:
    judgements = judge_pairs(judge, pairs)
    pred = [j.label for j in judgements]
    return {"pairs": len(pairs), "accuracy": accuracy(gold, pred),
            "macro_f1": macro_f1(gold, pred, PAIR_STANCES),
            "confusion": confusion(gold, pred)}


def read_healthver(path: Path, limit: int | None) -> tuple[list[tuple[str, str]], list[str]]:
    rows = healthver_rows(path)[:limit]
    return [(r["claim"], r["evidence"]) for r in rows], [PAIR_LABELS[r["label"]] for r in rows]


def read_dev3_rows(path: Path, limit: int | None) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh][:limit]


def dev3_pairs(rows: list[dict]) -> tuple[list[tuple[str, str]], list[str]]:
    """``(claim, premise)`` pairs and gold labels of ``dev_3way`` rows."""
    return [(r["hypothesis"], r["premise"]) for r in rows], [PAIR_LABELS[r["label"]] for r in rows]


def read_dev3(path: Path, limit: int | None):
    return dev3_pairs(read_dev3_rows(path, limit))


def bare_predictions(judge, pairs) -> list[str]:
    """The cross-encoder's own label for each ``(claim, premise)`` pair (no detectors)."""
    return [label_of(p) for p in judge.predict([(p, c) for c, p in pairs])]


def throughput(judge, pairs, seconds: float = 10.0) -> float:
    batch = [(p, c) for c, p in pairs[:256]]
    judge.predict(batch[:32])  # warm up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        judge.predict(batch)
        done += len(batch)
    return done / (time.perf_counter() - start)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=None, help="index of the bundled corpus (built if absent)")
    ap.add_argument("--corpus", type=Path, default=PACKAGE_ROOT / "data" / "corpus")
    ap.add_argument("--eval", type=Path, default=PACKAGE_ROOT.parent / "shared" / "eval")
    ap.add_argument("--nli", type=Path, default=PACKAGE_ROOT.parent / "shared" / "nli")
    ap.add_argument("--model", type=Path, default=None, help="verifier model directory")
    ap.add_argument("--limit", type=int, default=None, help="pairs per pair set (quick runs)")
    ap.add_argument("--healthver-claims", type=int, default=HEALTHVER_CLAIMS,
                    help=f"HealthVer as a corpus: a seeded sample of this many claims, 0 for all 230 "
                         f"(default {HEALTHVER_CLAIMS})")
    ap.add_argument("--skip", nargs="*", default=[],
                    choices=["claims", "hvcorpus", "healthver", "dev3", "speed"])
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--rescore", type=Path, default=None,
                    help="re-measure the confidences of a --json file with the current stance calibration "
                         "(after a refit; no model runs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each wrong source stance")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    card_path = Settings.from_env().stance_calibration
    if args.rescore:
        try:
            results = rescore(json.loads(args.rescore.read_text(encoding="utf-8")), card_path)
        except ValueError as exc:  # records without the features a confidence model reads
            print(f"error: cannot rescore {args.rescore}: {exc}", file=sys.stderr)
            return 1
        print_table(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
        return 0
    missing = [str(p) for p in needed_files(args) if not p.is_file()]
    if missing:
        print(f"error: missing {', '.join(missing)} (see --eval, --nli, --skip)", file=sys.stderr)
        return 1

    # raw source confidences from the verifier; the shipped calibration is applied when scoring
    calibration = load_confidence_map(card_path)
    with uncalibrated_verifier(args.corpus, args.model, args.index) as verifier:
        results: dict = {"model": str(verifier.settings.verifier_path), "calibration_card": read_card(card_path)}
        judge = verifier.nli
        if "claims" not in args.skip:
            cases = read_claim_cases(args.eval / "dev_claims.jsonl")
            scored = score_cases(verifier, cases, calibration, args.verbose)
            # the raw records let any other confidence map be measured from --json without a rerun
            results["dev_claims"] = scored.scores | {"records": [r.model_dump() for r in scored.records]}
        if "hvcorpus" not in args.skip:
            results["healthver_corpus"] = eval_healthver_corpus(
                args.eval / "healthver_dev.csv", verifier, args.healthver_claims or None, calibration)
    if "healthver" not in args.skip:
        pairs, gold = read_healthver(args.eval / "healthver_dev.csv", args.limit)
        results["healthver"] = eval_pairs(judge, pairs, gold)
        results["healthver"]["bare_model_macro_f1"] = macro_f1(gold, bare_predictions(judge, pairs), PAIR_STANCES)
    dev_pairs = None
    if "dev3" not in args.skip or "speed" not in args.skip:
        dev_rows = read_dev3_rows(args.nli / "dev_3way.jsonl.gz", args.limit)
        dev_pairs, dev_gold = dev3_pairs(dev_rows)
    if "dev3" not in args.skip:
        results["dev_3way"] = eval_pairs(judge, dev_pairs, dev_gold)
        bare = bare_predictions(judge, dev_pairs)
        results["dev_3way"]["bare_model_accuracy"] = accuracy(dev_gold, bare)
        # where the model stands per source dataset (some are never trained on: see the model card)
        results["dev_3way"]["bare_by_dataset"] = accuracy_by_group(
            [r.get("dataset", "?") for r in dev_rows], dev_gold, bare)
    if "speed" not in args.skip:
        # the model's own rate: its memory of readings (verify.judge.cache) would answer the repeats
        results["judge_pairs_per_s"] = throughput(getattr(judge, "inner", judge), dev_pairs)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def per_source_rows(name: str, d: dict) -> list[tuple[str, float]]:
    """The table rows of one per-source benchmark (see :func:`verify.evaluation.per_source.score_cases`)."""
    rows = [(f"{name} per-source stance accuracy", d["stance_accuracy"]),
            (f"{name} per-source stance macro-F1", d["stance_macro_f1"])]
    if d.get("evidence_pairs"):
        rows += [(f"{name} evidence top-1 hit", d["evidence_top1_hit"])]
    return rows + [(f"{name} stance ECE, raw / calibrated (listed sources)", (d["stance_ece_raw"], d["stance_ece"])),
                   (f"{name} wrong stances with confidence > 0.95 (of {d['listed']} listed)", d["wrong_above_0.95"]),
                   (f"{name} sided gold sources not listed", d["sided_gold_not_listed"])]


def _shown(value) -> str:
    if isinstance(value, tuple):
        return " / ".join(_shown(v) for v in value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def print_table(r: dict) -> None:
    print(f"model: {r['model']}")
    rows = []
    if "dev_claims" in r:
        rows += per_source_rows("dev_claims", r["dev_claims"])
    if "healthver_corpus" in r:
        rows += per_source_rows("HealthVer dev as a corpus", r["healthver_corpus"])
    card = r.get("calibration_card", {})
    if "ece_held_out" in card:  # from the fitting run's card, not recomputed here
        rows += [(f"stance calibration ECE, held-out training split ({card['held_out_stances']} stances, card)",
                  card["ece_held_out"])]
    if "healthver" in r:
        rows += [("HealthVer dev pair macro-F1", r["healthver"]["macro_f1"]),
                 ("HealthVer dev pair accuracy", r["healthver"]["accuracy"])]
        if "bare_model_macro_f1" in r["healthver"]:
            rows += [("HealthVer dev pair macro-F1 (bare model)", r["healthver"]["bare_model_macro_f1"])]
    if "dev_3way" in r:
        rows += [("dev_3way accuracy (model + detectors)", r["dev_3way"]["accuracy"]),
                 ("dev_3way accuracy (bare model)", r["dev_3way"]["bare_model_accuracy"])]
    if "judge_pairs_per_s" in r:
        rows += [("judge throughput (pairs/s, batched)", r["judge_pairs_per_s"])]
    width = max(len(name) for name, _ in rows) if rows else 0
    for name, value in rows:
        print(f"{name:<{width}}  {_shown(value)}")
    if "healthver_corpus" in r:
        hv = r["healthver_corpus"]
        print(f"HealthVer dev as a corpus: {hv['sample']}, {hv['pairs']} claim x source stances over "
              f"{hv['sources']} sources")
    if card and "ece_held_out" not in card:
        print(f"stance calibration: {card.get('fitted_on', '?')} (no held-out figure in its card)")
    for name in ("dev_claims", "healthver_corpus"):
        if name in r:
            print(f"{name} confusion (gold -> predicted):", json.dumps(r[name]["confusion"]))
    if "bare_by_dataset" in r.get("dev_3way", {}):
        print("dev_3way bare-model accuracy by dataset (pairs):", ", ".join(
            f"{name} {v['accuracy']:.3f} ({v['pairs']})" for name, v in r["dev_3way"]["bare_by_dataset"].items()))


if __name__ == "__main__":
    sys.exit(main())
