"""Judge throughput: batched pairs/s of the verifier, fp32 against int8, in the same run.

    .venv/bin/python -m bench.bench_judge [--model DIR] [--pairs N] [--threads T]

Uses the first N pairs of ``../shared/nli/dev_3way.jsonl.gz`` when it exists (it also
reports accuracy, so the cost of int8 is visible), else pairs made from the bundled
corpus sentences. The fp32 model is the baseline; the ratio is int8 / fp32.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as ``python bench/bench_judge.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import CORPUS, ROOT, table
from verify.judge.backends import NLIJudge
from verify.scoring.aggregate import label_of
from verify.settings import Settings
from verify.training.metrics import accuracy, macro_f1

DEV = ROOT.parent / "shared" / "nli" / "dev_3way.jsonl.gz"
LABEL = {"entailment": "supports", "contradiction": "contradicts", "neutral": "neutral"}


def load_pairs(n: int) -> tuple[list[tuple[str, str]], list[str] | None]:
    if DEV.exists():
        with gzip.open(DEV, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for _, line in zip(range(n), fh)]
        return [(r["premise"], r["hypothesis"]) for r in rows], [LABEL[r["label"]] for r in rows]
    sentences = [s for f in sorted(CORPUS.glob("*.txt")) for s in f.read_text().split(". ") if len(s) > 40]
    pairs = [(sentences[i], sentences[(i * 7 + 3) % len(sentences)]) for i in range(n)]
    return pairs[:n], None


def measure(judge: NLIJudge, pairs, gold, rounds: int) -> tuple[float, float | None, float | None]:
    judge.predict(pairs[:32])  # load and warm up
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        probs = judge.predict(pairs)
        best = max(best, len(pairs) / (time.perf_counter() - start))
    if not gold:
        return best, None, None
    pred = [label_of(p) for p in probs]
    return best, accuracy(gold, pred), macro_f1(gold, pred, ["supports", "contradicts", "neutral"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--pairs", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3, help="best of N passes")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)
    settings = Settings.from_env(verifier_path=args.model)
    pairs, gold = load_pairs(args.pairs)
    rows, base = [], None
    variants = (("torch fp32 (baseline)", "torch", False), ("torch int8 dynamic", "torch", True),
                ("onnxruntime fp32", "onnx", False), ("onnxruntime int8 per-channel", "onnx", True))
    with tempfile.TemporaryDirectory() as cache:  # the ONNX export happens in the warm-up, not timed
        for name, backend, quantize in variants:
            judge = NLIJudge(settings.verifier_path, args.batch_size, args.threads, quantize=quantize,
                             backend=backend, onnx_cache=Path(cache))
            rate, acc, f1 = measure(judge, pairs, gold, args.rounds)
            base = base or rate
            rows.append([name, f"{rate:.1f}", f"{rate / base:.2f}x", "-" if acc is None else f"{acc:.4f}",
                         "-" if f1 is None else f"{f1:.4f}"])
    print(f"judge throughput, {len(pairs)} pairs, batch {args.batch_size}, model {settings.verifier_path}")
    print(table(["variant", "pairs/s", "ratio", "accuracy", "macro-F1"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
