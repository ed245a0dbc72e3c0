"""Accuracy cost of shipping the verifier in fp16 (and of running it in int8).

    .venv/bin/python -m bench.bench_compression [--checkpoint runs/verifier/checkpoint.pt] [--pairs N]

Takes the fp32 weights of a training checkpoint, exports them as an fp32 and an fp16 delta,
and reports accuracy on the first N ``dev_3way`` pairs for fp32, fp16 and fp16 + int8
dynamic quantisation, all in one run (fp32 is the baseline).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, table
from bench.bench_judge import load_pairs
from verify.judge.backends import NLIJudge
from verify.judge.nli_model import new_model, save_delta
from verify.scoring.aggregate import label_of


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", type=Path, default=ROOT / "runs" / "verifier" / "checkpoint.pt")
    ap.add_argument("--pairs", type=int, default=2194)
    args = ap.parse_args(argv)
    if not args.checkpoint.exists():
        print(f"error: no training checkpoint at {args.checkpoint} (run python -m verify.training.train first)",
              file=sys.stderr)
        return 1
    import torch

    pairs, gold = load_pairs(args.pairs)
    if gold is None:
        print("error: ../shared/nli/dev_3way.jsonl.gz is needed to measure accuracy", file=sys.stderr)
        return 1
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    model = new_model()
    model.load_state_dict(state["model"], strict=False)
    rows, base = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for name, dtype, quantize in (("fp32", "float32", False), ("fp16 (shipped)", "float16", False),
                                      ("fp16 + int8 runtime", "float16", True)):
            out = Path(tmp) / dtype
            if not out.exists():
                save_delta(model, out, card={"step": state["state"]["step"]}, dtype=dtype)
            size = (out / "delta.safetensors").stat().st_size / 2**20
            probs = NLIJudge(out, quantize=quantize, backend="torch").predict(pairs)
            acc = sum(label_of(p) == g for p, g in zip(probs, gold)) / len(gold)
            base = base if base is not None else acc
            rows.append([name, f"{size:.1f} MiB", f"{acc:.4f}", f"{100 * (acc - base):+.2f}"])
    print(f"checkpoint step {state['state']['step']}, {len(pairs)} dev_3way pairs")
    print(table(["weights", "delta size", "accuracy", "points vs fp32"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
