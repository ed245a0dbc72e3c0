"""Judge throughput and agreement: batched pairs/s of each judge variant against torch fp32, in the same run.

    .venv/bin/python -m bench.bench_judge [--model DIR] [--nli DIR] [--pairs N] [--holdout] [--variants a,b]

Pairs: the first N of ``../shared/nli/dev_3way.jsonl.gz`` (a measurement set: report only), or with
``--holdout`` the first N of the grouped held-out split of ``train_3way`` (``verify.training.holdout``),
the set a variant is chosen on; else pairs made from the bundled corpus sentences. torch fp32 is the
baseline: the ratio is variant / fp32 pairs/s, "agree" the share of pairs whose top label is fp32's,
"max |dp|" the largest probability difference. The variants take turns, round by round, so a change of
load on shared cores touches them all alike; each keeps its best round.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as ``python bench/bench_judge.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import CORPUS, ROOT, table
from verify.judge.backends import NLIJudge
from verify.judge.nli_model import LABELS
from verify.settings import Settings
from verify.training.metrics import accuracy, macro_f1

NLI = ROOT.parent / "shared" / "nli"
LABEL = {"entailment": "supports", "contradiction": "contradicts", "neutral": "neutral"}
VARIANTS = {
    "torch-fp32": {"backend": "torch"},
    "torch-int8": {"backend": "torch", "quantize": True},
    "onnx-fp32-spin": {"backend": "onnx", "spin": True},
    "onnx-fp32": {"backend": "onnx"},
    "onnx-int8-spin": {"backend": "onnx", "quantize": True, "spin": True},
    "onnx-int8": {"backend": "onnx", "quantize": True},
    "onnx-int8-inner": {"backend": "onnx", "quantize": True, "scheme": "inner-layers"},
    "onnx-fp32-b16": {"backend": "onnx", "batch_size": 16},
    "onnx-fp32-b64": {"backend": "onnx", "batch_size": 64},
}
"""Variant name -> ``NLIJudge`` arguments (``spin``: ONNX Runtime's spin-waiting threads, its own default;
``batch_size`` in place of ``--batch-size``)."""


def load_pairs(n: int, holdout: bool, nli: Path = NLI) -> tuple[list[tuple[str, str]], list[str] | None, str]:
    """Up to ``n`` (premise, hypothesis) pairs, their gold labels (or None) and where they come from."""
    if holdout:
        from verify.training.holdout import HoldoutSpec
        from verify.training.train_data import held_out_rows

        rows = held_out_rows(nli, HoldoutSpec())[:n]
        return ([(r["premise"], r["hypothesis"]) for r in rows], [LABEL[r["label"]] for r in rows],
                f"train_3way held-out split, first {len(rows)} pairs")
    if (nli / "dev_3way.jsonl.gz").exists():
        with gzip.open(nli / "dev_3way.jsonl.gz", "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for _, line in zip(range(n), fh)]
        return ([(r["premise"], r["hypothesis"]) for r in rows], [LABEL[r["label"]] for r in rows],
                f"dev_3way, first {len(rows)} pairs (measurement set)")
    sentences = [s for f in sorted(CORPUS.glob("*.txt")) for s in f.read_text().split(". ") if len(s) > 40]
    pairs = [(sentences[i % len(sentences)], sentences[(i * 7 + 3) % len(sentences)]) for i in range(n)]
    return pairs[:n], None, f"{len(pairs[:n])} pairs of bundled corpus sentences"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--nli", type=Path, default=NLI, help="folder of dev_3way / train_3way. Defaults to ../shared/nli")
    ap.add_argument("--pairs", type=int, default=1024)
    ap.add_argument("--holdout", action="store_true", help="pairs from the held-out training split (choose on these)")
    ap.add_argument("--rounds", type=int, default=3, help="best of N passes")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--variants", default="torch-fp32,torch-int8,onnx-fp32-spin,onnx-fp32,onnx-int8-spin,onnx-int8,"
                    "onnx-int8-inner", help=f"comma-separated, of {', '.join(VARIANTS)}; the first is the baseline")
    args = ap.parse_args(argv)
    names = args.variants.split(",")
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        ap.error(f"unknown variant {unknown[0]!r}; expected some of {', '.join(VARIANTS)}")
    settings = Settings.from_env(verifier_path=args.model)
    pairs, gold, origin = load_pairs(args.pairs, args.holdout, args.nli)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as cache:  # the ONNX export happens in the warm-up, not timed
        judges = {name: NLIJudge(settings.verifier_path, **{"batch_size": args.batch_size, "threads": args.threads,
                                                            "onnx_cache": Path(cache), **VARIANTS[name]})
                  for name in names}
        for judge in judges.values():
            judge.predict(pairs[:32])  # load and warm up
        rate = dict.fromkeys(names, 0.0)
        probs = {}
        for _ in range(args.rounds):
            for name, judge in judges.items():
                start = time.perf_counter()
                probs[name] = judge.predict(pairs)
                rate[name] = max(rate[name], len(pairs) / (time.perf_counter() - start))
    base = probs[names[0]]
    rows = []
    for name in names:
        p = probs[name]
        pred = [LABELS[i] for i in p.argmax(1)]
        rows.append([name, f"{rate[name]:.1f}", f"{rate[name] / rate[names[0]]:.2f}x",
                     f"{(p.argmax(1) == base.argmax(1)).mean():.4f}", f"{np.abs(p - base).max():.2e}",
                     "-" if gold is None else f"{accuracy(gold, pred):.4f}",
                     "-" if gold is None else f"{macro_f1(gold, pred, list(LABELS)):.4f}"])
    print(f"judge throughput, {origin}, batch {args.batch_size}, model {settings.verifier_path}; "
          f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(table(["variant", "pairs/s", "ratio", "agree", "max |dp|", "accuracy", "macro-F1"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
