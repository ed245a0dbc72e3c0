"""The distillation's shared pieces: the
measurement pairs the cards report, and a training loop scheduled by time (standard library, torch
and transformers only: it runs staged on a GPU machine, see ``verify/training/carry.py stage``)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from verify.training.batches import batch
from verify.training.train_data import LABEL_ID, read_healthver, read_rows

LOG = logging.getLogger("distil")
HV_LABEL = {"Supports": 0, "Refutes": 1, "Neutral": 2}


def measurement_pairs(data: Path, healthver: Path | None, limit: int | None = None) -> dict[str, list]:
    """dev_3way and HealthVer dev as pairs (the first ``limit`` of each, for a dry run): scored for the
    cards, never to choose."""
    sets = {}
    dev = data / "dev_3way.jsonl.gz"
    if dev.is_file():
        sets["dev_3way"] = [(r["premise"], r["hypothesis"], LABEL_ID[r["label"]]) for r in read_rows(dev)]
    if healthver and healthver.is_file():
        sets["healthver_dev"] = [(r["evidence"], r["claim"], HV_LABEL[r["label"]]) for r in read_healthver(healthver)]
    return {name: pairs[:limit] for name, pairs in sets.items()}


def train_timed(model, encoded, targets, loss_of, args, torch, device, pad_id, check=None):
    """Train ``model`` on ``encoded`` for ``args.minutes`` (linear warm-up and decay by time).

    ``check(step)`` is called at each quarter of the time (and at the end) for selection.
    """
    from verify.training.batches import make_batches

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    optim = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                               {"params": [p for p in params if p.ndim <= 1], "weight_decay": 0.0}], lr=args.lr)
    budget, started, step, epoch, quarter = args.minutes * 60, time.time(), 0, 0, 1
    lengths = [len(e[0]) for e in encoded]
    model.train()
    while True:
        for idx in make_batches(lengths, args.batch_size, args.seed, epoch):
            done = (time.time() - started) / budget
            if done >= 1:
                if check:
                    check(step)
                return step
            for group in optim.param_groups:
                group["lr"] = args.lr * min(1.0, done / 0.05) * max(0.02, 1 - done) if done else args.lr * 1e-3
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                logits = model(**batch(encoded, idx, pad_id, torch, device)).logits
            loss = loss_of(logits.float(), idx)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optim.step()
            optim.zero_grad(set_to_none=True)
            step += 1
            if step % 200 == 0:
                LOG.info("step %d epoch %d loss %.4f %.0f%% of the time, %.0f pairs/s", step, epoch, loss.item(),
                         100 * done, step * args.batch_size / (time.time() - started))
            if check and done >= quarter / 4:
                check(step)
                quarter += 1
        epoch += 1
