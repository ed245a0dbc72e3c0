"""Which judge pairs decide a check, and the context gate fitted to skip the rest: on training-side corpora.

The claims are the training-side per-source set of the stance calibration
(:mod:`verify.training.stance_data`: fact-verification rows of ``train_3way`` as small corpora; never a
measurement set). ``record`` checks them once with the trained judge and keeps every pair's
probabilities. ``fit`` checks them again from that record (no model): it counts which readings the
check keeps, fits the context gate (:mod:`verify.judge.context_gate`) on one half of the topics
(seeded, grouped), chooses its threshold from out-of-fold chances on that half for a stated recall
of the windows whose reading is kept and takes a side, and measures pairs per claim and agreement
with the ungated reports on the other half:

    nice python -m verify.training.pair_usage record --claims 240 --seed 13 --out /tmp/pairs.pkl
    nice python -m verify.training.pair_usage fit --claims 240 --seed 13 --cache /tmp/pairs.pkl [--write]
"""

from __future__ import annotations

import argparse
import logging
import pickle
import sys
from collections import Counter
from pathlib import Path

import numpy as np

import verify.verifier
from verify.evaluation.corpora import corpora_verifier
from verify.evaluation.per_source import check_cases
from verify.judge.context_gate import window_features
from verify.judge.readings import UniquePairs, decided
from verify.settings import DEFAULT_CONTEXT_GATE, DEFAULT_VERIFIER, PACKAGE_ROOT

LOG = logging.getLogger(__name__)


class ReplayJudge:
    """Probabilities from a record, the pairs asked for counted; a pair the record lacks is an error."""

    def __init__(self, known: dict) -> None:
        self.known, self.pairs = known, 0

    def predict(self, pairs):
        self.pairs += len(pairs)
        missing = [p for p in pairs if p not in self.known]
        if missing:
            raise KeyError(f"{len(missing)} pairs are not in the record (first: {missing[0]!r}): record again")
        return np.array([self.known[p] for p in pairs]).reshape(-1, 3)


class Capture:
    """What each batch judged: per passage its hit and its readings alone and with the window."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def __enter__(self):
        self._select, self._predict = verify.verifier.select_candidates, verify.verifier.predict_readings_split
        pending: list = []

        def select(*args, **kwargs):
            hit_lists = self._select(*args, **kwargs)
            pending[:] = [(claim, h, rank) for claim, hits in zip(args[1], hit_lists) for rank, h in enumerate(hits)]
            return hit_lists

        def predict(judge, items, windows, recheck=True, context_wanted=None):
            probs, own = self._predict(judge, items, windows, recheck=recheck, context_wanted=context_wanted)
            for (claim, hit, rank), (texts, judged), window, p, alone in zip(pending, items, windows, probs, own):
                self.rows.append({"claim": claim, "judged": judged, "similarity": hit.similarity, "rank": rank,
                                  "texts": texts, "window": window, "probs": p, "alone": alone})
            return probs, own

        verify.verifier.select_candidates, verify.verifier.predict_readings_split = select, predict
        return self

    def __exit__(self, *exc) -> None:
        verify.verifier.select_candidates, verify.verifier.predict_readings_split = self._select, self._predict


def corpora(args):
    from verify.training.stance_data import fact_corpora, read_fact_rows

    return fact_corpora(read_fact_rows(args.nli, args.model), args.claims, seed=args.seed)


def record(args) -> int:
    from verify.settings import Settings
    from verify.verifier import nli_judge

    sets = corpora(args)
    judge = UniquePairs(nli_judge(Settings.from_env(verifier_path=args.model)))
    with corpora_verifier(sets.documents, args.model, judge=judge) as verifier:
        check_cases(verifier, sets.cases)
    args.out.write_bytes(pickle.dumps({pair: np.asarray(p, dtype=np.float64) for pair, p in judge.known.items()}))
    print(f"{len(sets.cases)} claims, {len(judge.known):,} distinct pairs recorded to {args.out}")
    return 0


def usage_counts(rows: list[dict]) -> dict[str, int]:
    """How often each reading is the one kept (step 1 of the issue: a counter, not a timing)."""
    n = Counter()
    for r in rows:
        n["passages"] += 1
        band = "< 0.3" if r["similarity"] < 0.3 else "0.3-0.5" if r["similarity"] < 0.5 else ">= 0.5"
        n[f"similarity {band}"] += 1
        n[f"similarity {band}, reading takes a side (>= 0.5)"] += max(r["probs"][0], r["probs"][1]) >= 0.5
        if r["window"] is None or r["window"] in r["texts"]:
            n["no window"] += 1
            continue
        if decided(r["alone"]):
            n["window skipped: sentence decided"] += 1
            continue
        n["window judged"] += 1
        kept = not np.array_equal(r["probs"], r["alone"])
        n["window kept"] += kept
        n["window kept and takes a side (>= 0.5)"] += decisive(r)
        n["window kept, sentence alone neutral (< 0.5)"] += decisive(r) and max(r["alone"][0], r["alone"][1]) < 0.5
    return dict(n)


def judged_window(row: dict) -> bool:
    """Whether the ungated check judged this passage's window (it has one and the sentence is not decided)."""
    return bool(row["window"]) and row["window"] not in row["texts"] and not decided(row["alone"])


def decisive(row: dict) -> bool:
    """Whether the window's reading is the one kept and takes a side (>= 0.5): what the gate must not skip."""
    return not np.array_equal(row["probs"], row["alone"]) and max(row["probs"][0], row["probs"][1]) >= 0.5


def features(rows: list[dict]) -> np.ndarray:
    return window_features([r["judged"] for r in rows], [r["texts"][0] for r in rows], [r["window"] for r in rows],
                           np.array([r["similarity"] for r in rows]), np.array([r["alone"] for r in rows]))


def compare(full, other) -> dict[str, float]:
    """Verdict and source-stance agreement of ``other``'s reports with ``full``'s, and the largest confidence change."""
    verdicts = sum(a.verdict == b.verdict for a, b in zip(full, other)) / len(full)
    stances, same, shift = 0, 0, 0.0
    for a, b in zip(full, other):
        theirs = {s.source_id: s for s in b.sources}
        for s in a.sources:
            t = theirs.get(s.source_id)
            stances += 1
            if t is not None and t.stance == s.stance:
                same += 1
                shift = max(shift, abs(t.confidence - s.confidence))
    return {"verdict agreement": verdicts, "stance agreement": same / max(stances, 1), "max confidence change": shift}


def threshold_for(chance: np.ndarray, positive: np.ndarray, recall: float) -> float:
    """The highest threshold on ``chance`` that keeps at least ``recall`` of the positives."""
    kept = np.sort(chance[positive])[::-1]
    if not len(kept):
        return 0.0
    need = int(np.ceil(recall * len(kept)))
    return float(kept[need - 1])


def fit(args) -> int:
    from sklearn.linear_model import LogisticRegression

    from verify.judge.context_gate import FEATURES, ContextGate
    from verify.training.metrics import grouped_folds, grouped_split

    known = pickle.loads(args.cache.read_bytes())
    sets = corpora(args)
    judge = ReplayJudge(known)
    group_of = {c.claim: c.group or c.id for c in sets.cases}
    held = dict(zip([c.claim for c in sets.cases], grouped_split([c.group or c.id for c in sets.cases], args.seed)))
    with corpora_verifier(sets.documents, args.model, judge=judge) as verifier:
        with Capture() as capture:
            full = check_cases(verifier, sets.cases)
        print("\n".join(f"{k}: {v:,}" for k, v in usage_counts(capture.rows).items()))
        rows = [r for r in capture.rows if judged_window(r)]
        x, y = features(rows), np.array([decisive(r) for r in rows])
        on_fit = np.array([not held[r["claim"]] for r in rows])
        folds = np.array(grouped_folds([group_of[r["claim"]] for r in rows], 5, args.seed))
        oof = np.zeros(len(rows))
        for k in range(5):
            train, test = on_fit & (folds != k), on_fit & (folds == k)
            if test.any():
                oof[test] = LogisticRegression(C=args.c, max_iter=1000).fit(x[train], y[train]).predict_proba(
                    x[test])[:, 1]
        threshold = threshold_for(oof[on_fit], y[on_fit], args.recall)
        model = LogisticRegression(C=args.c, max_iter=1000).fit(x[on_fit], y[on_fit])
        gate = ContextGate(features=FEATURES, coefficients=[float(c) for c in model.coef_[0]],
                           intercept=float(model.intercept_[0]),
                           fitted_on=(f"train_3way fact rows as small corpora ({args.claims} claims, seed {args.seed}):"
                                      f" {int(on_fit.sum())} judged windows of the fit half of the topics, "
                                      f"{int(y[on_fit].sum())} kept and taking a side; threshold {threshold:.4f} keeps "
                                      f"{args.recall:.3f} of those out of fold"),
                           command=f"python -m verify.training.pair_usage fit --claims {args.claims} --seed {args.seed}"
                                   f" --recall {args.recall}")
        print(f"\nwindows judged: fit half {int(on_fit.sum())} ({int(y[on_fit].sum())} decisive), held half "
              f"{int((~on_fit).sum())} ({int(y[~on_fit].sum())} decisive); threshold {threshold:.4f} "
              f"(out-of-fold recall {args.recall})")
        test_cases = [c for c in sets.cases if held[c.claim]]
        full_test = [r for c, r in zip(sets.cases, full) if held[c.claim]]
        judge.pairs = 0
        check_cases(verifier, test_cases)
        table_rows = [["exact (default)", f"{judge.pairs / len(test_cases):.1f}", "-", "1.000", "1.000", "0.000"]]
        held_x, held_y = x[~on_fit], y[~on_fit]
        for t in [threshold, *args.thresholds]:
            judge.pairs = 0
            gated = verify.verifier.Verifier(verifier.index, verifier.settings.model_copy(
                update={"context_gate": t}), embedder=verifier.embedder, judge=judge)
            gated._context_gate = gate
            found = compare(full_test, check_cases(gated, test_cases))
            recall = float((gate.chance(held_x)[held_y] >= t).mean()) if held_y.any() else 1.0
            table_rows.append([f"context_gate {t:.4f}", f"{judge.pairs / len(test_cases):.1f}", f"{recall:.3f}",
                               *(f"{v:.3f}" for v in found.values())])
    print(f"\nheld-out half: {len(test_cases)} claims")
    for row in [["windows judged", "pairs per claim", "decisive windows kept", "verdict agreement",
                 "stance agreement", "max confidence change"], *table_rows]:
        print(" | ".join(row))
    print("gate: " + " ".join(f"{n}={c:+.3f}" for n, c in zip(FEATURES, gate.coefficients))
          + f" intercept={gate.intercept:+.3f}")
    if args.write:
        args.gate_out.write_text(gate.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"wrote the context gate to {args.gate_out} (use it with Settings.context_gate={threshold:.4f})")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.training.pair_usage", description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["record", "fit"])
    ap.add_argument("--claims", type=int, default=240)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--model", type=Path, default=DEFAULT_VERIFIER)
    ap.add_argument("--nli", type=Path, default=PACKAGE_ROOT.parent / "shared" / "nli")
    ap.add_argument("--out", type=Path, default=Path("pairs.pkl"), help="record: where to keep the pairs")
    ap.add_argument("--cache", type=Path, default=Path("pairs.pkl"), help="fit: the record to read")
    ap.add_argument("--recall", type=float, default=0.995, help="fit: share of decisive windows the gate keeps")
    ap.add_argument("--c", type=float, default=1.0, help="fit: inverse regularisation of the regression")
    ap.add_argument("--thresholds", type=float, nargs="*", default=[], help="fit: more thresholds to measure")
    ap.add_argument("--write", action="store_true", help="fit: write the gate to --gate-out")
    ap.add_argument("--gate-out", type=Path, default=DEFAULT_CONTEXT_GATE)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    return record(args) if args.mode == "record" else fit(args)


if __name__ == "__main__":
    sys.exit(main())
