"""Tensors for training: tokenised pairs, length-bucketed batches, the loss and the dev score.

Each function takes ``torch`` as an argument so that importing this module loads no torch.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from verify.training.metrics import accuracy, macro_f1


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
    """The padded ``(input_ids, token_type_ids, attention_mask)`` tensors of the pairs ``idx`` (type ids
    all 0 for a tokenizer that has none, as MPNet's)."""
    width = max(len(encoded[i][0]) for i in idx)
    ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
    types = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        tok, typ = encoded[i]
        ids[row, :len(tok)] = torch.tensor(tok)
        if typ is not None:
            types[row, :len(typ)] = torch.tensor(typ)
        mask[row, :len(tok)] = 1
    return ids, types, mask


def encode_pairs(tokenizer, pairs, max_length: int):
    """Token ids and type ids per pair (None for a tokenizer without type ids, as MPNet's); the premise
    is truncated first."""
    out = []
    step = 2048
    for start in range(0, len(pairs), step):
        chunk = pairs[start:start + step]
        enc = tokenizer([p for p, _ in chunk], [h for _, h in chunk], truncation="only_first",
                        max_length=max_length)
        types = enc.get("token_type_ids")
        out.extend(zip(enc["input_ids"], types if types is not None else [None] * len(chunk)))
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


def batch(encoded, idx, pad_id, torch, device) -> dict:
    """The model's keyword inputs for the pairs ``idx`` of ``encoded``, on ``device`` (no token types
    for a tokenizer without them, as MPNet's)."""
    ids, types, mask = collate(encoded, idx, pad_id, torch)
    out = {"input_ids": ids.to(device), "attention_mask": mask.to(device)}
    if encoded[idx[0]][1] is not None:
        out["token_type_ids"] = types.to(device)
    return out


def logits_of(model, encoded, pad_id, torch, device, batch_size=512, bf16: bool = True):
    """The model's logits for every encoded pair (float32, in input order; batches of similar length).
    ``bf16``: autocast to bfloat16 on a GPU (the distillation's reports); a CPU run is always fp32."""
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    out = torch.zeros((len(encoded), 3))
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16,
                                                enabled=bf16 and device.type == "cuda"):
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            out[idx] = model(**batch(encoded, idx, pad_id, torch, device)).logits.float().cpu()
    model.train()
    return out


def scores(logits, labels) -> dict:
    """Accuracy and macro-F1 of the logits' labels against ``labels`` (ids 0-2), over all three labels."""
    preds = logits.argmax(-1).tolist()
    return {"accuracy": round(accuracy(labels, preds), 4), "macro_f1": round(macro_f1(labels, preds, [0, 1, 2]), 4),
            "n": len(labels)}


def evaluate(model, encoded, labels, pad_id, torch, batch_size=64) -> dict:
    """:func:`scores` of ``model`` on the encoded pairs, in fp32 (it is left in training mode)."""
    device = next(model.parameters()).device
    return scores(logits_of(model, encoded, pad_id, torch, device, batch_size, bf16=False), labels)


def atomic_torch_save(obj, path: Path, torch) -> None:
    """Save ``obj`` to ``path`` through a temporary file, so a killed run never leaves half a checkpoint."""
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)
