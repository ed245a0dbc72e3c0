"""Measure the current verifier.

    python -m verify.evaluate [--index DIR] [--eval ../shared/eval] [--nli ../shared/nli]

Prints: per-source stance accuracy, macro-F1 and evidence top-1 hit on
``dev_claims.jsonl`` over the bundled corpus; pair macro-F1 on HealthVer dev;
accuracy on ``dev_3way`` (the bare model, also per source dataset, and with detectors);
judge throughput.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from verify.scoring.aggregate import label_of
from verify.settings import PACKAGE_ROOT, Settings
from verify.training.metrics import (
    accuracy,
    accuracy_by_group,
    confusion,
    expected_calibration_error,
    held_out_calibrated,
    macro_f1,
    resolve_gold,
)
from verify.verifier import Verifier, judge_pairs

STANCES = ["supports", "contradicts", "none"]
PAIR_STANCES = ["supports", "contradicts", "neutral"]
PAIR_LABELS = {"Supports": "supports", "Refutes": "contradicts", "Neutral": "neutral",
               "entailment": "supports", "contradiction": "contradicts", "neutral": "neutral"}


def eval_dev_claims(verifier: Verifier, path: Path, verbose: bool = False) -> dict:
    """Per-source stance and evidence scores on the dev claims (see :func:`score_dev_claims`)."""
    return score_dev_claims(verifier, path, verbose)[0]


def score_dev_claims(verifier: Verifier, path: Path, verbose: bool = False) -> tuple[dict, list[tuple[str, float, bool]]]:
    """The scores, and one ``(claim id, source confidence, stance correct)`` record per claim x source."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    reports = verifier.check_many([r["claim"] for r in rows])
    gold, pred, hits, ev_total = [], [], 0, 0
    confidences, correct, groups = [], [], []
    for row, report in zip(rows, reports):
        by_source = {s.source_id: s for s in report.sources}
        for source_id, acceptable in row["gold"].items():
            sv = by_source.get(source_id)
            stance = sv.stance if sv else "none"
            g = resolve_gold(acceptable, stance)
            gold.append(g)
            pred.append(stance)
            confidences.append(sv.confidence if sv else 1.0)
            correct.append(stance == g)
            groups.append(row["id"])
            phrase = row.get("evidence", {}).get(source_id)
            if phrase and g != "none":
                ev_total += 1
                first = sv.passages[0].text if sv and sv.passages else ""
                hit = phrase.lower() in first.lower()
                hits += hit
                if verbose and not hit:
                    print(f"  EVIDENCE {row['id']} {source_id[:3]} wants {phrase!r} ({stance}), first passage: {first[:120]!r}")
            if verbose and stance != g:
                top = sv.passages[0] if sv and sv.passages else None
                print(f"  MISS {row['id']} {source_id[:3]} gold={acceptable} pred={stance} "
                      f"({sv.confidence if sv else 0:.2f}) :: {row['claim']}\n      "
                      f"{(top.label, top.probabilities.model_dump(), top.text[:150], [m.detail for m in top.mismatches]) if top else ''}")
    return {
        "pairs": len(gold), "stance_accuracy": accuracy(gold, pred),
        "stance_macro_f1": macro_f1(gold, pred, STANCES), "evidence_top1_hit": hits / ev_total if ev_total else 0.0,
        "evidence_pairs": ev_total, "stance_ece": expected_calibration_error(confidences, correct),
        # the verifier runs uncalibrated here: this is the map's error on claims it was not fitted on
        "stance_ece_calibrated_held_out": expected_calibration_error(
            held_out_calibrated(groups, confidences, correct), correct),
        "confusion": confusion(gold, pred),
    }, list(zip(groups, confidences, correct))


def eval_pairs(judge, pairs: list[tuple[str, str]], gold: list[str]) -> dict:
    judgements = judge_pairs(judge, pairs)
    pred = [j.label for j in judgements]
    return {"pairs": len(pairs), "accuracy": accuracy(gold, pred),
            "macro_f1": macro_f1(gold, pred, PAIR_STANCES),
            "confusion": confusion(gold, pred)}


def read_healthver(path: Path, limit: int | None) -> tuple[list[tuple[str, str]], list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:limit]
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


@contextmanager
def uncalibrated_verifier(corpus: Path, model: Path | None = None,
                          index_dir: Path | None = None) -> Iterator[Verifier]:
    """A verifier over ``corpus`` with raw source confidences (no stance calibration).

    Args:
        corpus: The corpus to index.
        model: The verifier model directory. Defaults to the settings' one.
        index_dir: Where to build (or update) the index. Defaults to a temporary folder,
            removed when the block ends.
    """
    from index.build import build_index
    from index.embed import SentenceTransformerEmbedder

    settings = Settings.from_env(verifier_path=model).model_copy(update={"stance_calibration": None})
    embedder = SentenceTransformerEmbedder(settings.embedding_model)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = index_dir or Path(tmp) / "index"
        build_index(corpus, index_dir, embedder)
        yield Verifier.from_index(index_dir, settings, embedder=embedder)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=None, help="index of the bundled corpus (built if absent)")
    ap.add_argument("--corpus", type=Path, default=PACKAGE_ROOT / "data" / "corpus")
    ap.add_argument("--eval", type=Path, default=PACKAGE_ROOT.parent / "shared" / "eval")
    ap.add_argument("--nli", type=Path, default=PACKAGE_ROOT.parent / "shared" / "nli")
    ap.add_argument("--model", type=Path, default=None, help="verifier model directory")
    ap.add_argument("--limit", type=int, default=None, help="pairs per pair set (quick runs)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["claims", "healthver", "dev3", "speed"])
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each wrong source stance")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    # raw source confidences: the stance calibration is measured held out (see eval_dev_claims)
    with uncalibrated_verifier(args.corpus, args.model, args.index) as verifier:
        results: dict = {"model": str(verifier.settings.verifier_path)}
        judge = verifier.nli
        if "claims" not in args.skip:
            results["dev_claims"] = eval_dev_claims(verifier, args.eval / "dev_claims.jsonl", args.verbose)
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
        results["judge_pairs_per_s"] = throughput(judge, dev_pairs)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def print_table(r: dict) -> None:
    print(f"model: {r['model']}")
    rows = []
    if "dev_claims" in r:
        d = r["dev_claims"]
        rows += [("dev_claims per-source stance accuracy", d["stance_accuracy"]),
                 ("dev_claims per-source stance macro-F1", d["stance_macro_f1"]),
                 ("dev_claims evidence top-1 hit", d["evidence_top1_hit"]),
                 ("dev_claims stance ECE (raw confidence)", d["stance_ece"]),
                 ("dev_claims stance ECE (calibrated, leave-one-claim-out)", d["stance_ece_calibrated_held_out"])]
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
        print(f"{name:<{width}}  {value:.3f}" if value < 10 else f"{name:<{width}}  {value:.1f}")
    if "dev_claims" in r:
        print("dev_claims confusion (gold -> predicted):", json.dumps(r["dev_claims"]["confusion"]))
    if "bare_by_dataset" in r.get("dev_3way", {}):
        print("dev_3way bare-model accuracy by dataset (pairs):", ", ".join(
            f"{name} {v['accuracy']:.3f} ({v['pairs']})" for name, v in r["dev_3way"]["bare_by_dataset"].items()))


if __name__ == "__main__":
    sys.exit(main())
