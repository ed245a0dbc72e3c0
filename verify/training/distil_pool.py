"""The unlabelled pair pool the teacher labels for distillation (standard library only).

Three kinds of pair, all drawn from training rows (never from the held-out split or a
measurement set):

* the training pairs themselves (they keep their gold label beside the teacher's);
* **slot edits**: a supported or contradicted claim with one slot changed (a year, another
  number, a month, a place, or negation added or removed), so the teacher shows the student
  what a same-event change does to a claim's stance and what it does not;
* **on-topic pairs**: a premise with the claim of another premise that shares a rare word, so the student learns that a passage on the same topic need not support.

Every pair is made from a seeded generator, so the same command makes the same pool here and on
a GPU machine (the teacher's logits then travel back alone).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.,]*\d)")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_AUX = re.compile(r"\b(is|are|was|were|has|have|had|will|can|could|would|should|does|did|do)\b(?! not\b)")
_NEGATED = re.compile(r"\b(is|are|was|were|has|have|had|will|can|could|would|should|does|did|do) not\b")
_WORD = re.compile(r"[A-Za-z]{6,}")


def _edit_year(text: str, rng: random.Random) -> str | None:
    found = list(_YEAR.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    year = int(m.group(1)) + rng.choice((-10, -5, -3, -2, -1, 1, 2, 3, 5, 10))
    return text[:m.start()] + str(year) + text[m.end():]


def _edit_number(text: str, rng: random.Random) -> str | None:
    found = [m for m in _NUMBER.finditer(text) if not _YEAR.fullmatch(m.group(1))]
    if not found:
        return None
    m = rng.choice(found)
    value = float(m.group(1).replace(",", ""))
    new = value * rng.choice((0.5, 0.8, 1.25, 1.5, 2, 3, 10)) if value else rng.choice((1, 2, 5))
    digits = m.group(1).split(".")[1] if "." in m.group(1) else ""
    shown = f"{new:,.{len(digits)}f}" if "," in m.group(1) else f"{new:.{len(digits)}f}"
    return None if shown == m.group(1) else text[:m.start()] + shown + text[m.end():]


def _edit_month(text: str, rng: random.Random) -> str | None:
    found = list(_MONTH.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    other = rng.choice([name for name in MONTHS if name != m.group(1)])
    return text[:m.start()] + other + text[m.end():]


def _edit_negation(text: str, rng: random.Random) -> str | None:
    negated = list(_NEGATED.finditer(text))
    if negated:
        m = rng.choice(negated)
        return text[:m.start()] + m.group(1) + text[m.end():]
    plain = list(_AUX.finditer(text))
    if not plain:
        return None
    m = plain[0]
    return text[:m.end()] + " not" + text[m.end():]


def _place_editor(places: list[str]):
    if not places:
        return None
    pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True)) + r")\b")

    def edit(text: str, rng: random.Random) -> str | None:
        found = list(pattern.finditer(text))
        if not found:
            return None
        m = rng.choice(found)
        other = rng.choice(places)
        return None if other == m.group(1) else text[:m.start()] + other + text[m.end():]
    return edit


def slot_edit(text: str, rng: random.Random, place_edit=None) -> tuple[str, str] | None:
    """``text`` with one slot changed, and the slot's kind; None when it has no slot to change."""
    editors = [("year", _edit_year), ("number", _edit_number), ("month", _edit_month)]
    if place_edit:
        editors.append(("place", place_edit))
    rng.shuffle(editors)
    editors.append(("negation", _edit_negation))  # the last resort: nearly every claim has a verb
    for kind, editor in editors:
        edited = editor(text, rng)
        if edited and edited != text:
            return edited, kind
    return None


def on_topic_pairs(rows: list[tuple[str, str, int]], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Up to ``count`` pairs of a premise and another premise's claim sharing a rare word."""
    df: Counter = Counter()
    words_of = []
    for premise, _, _ in rows:
        words = {w.lower() for w in _WORD.findall(premise)}
        words_of.append(words)
        df.update(words)
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(words_of):
        for w in words:
            if 2 <= df[w] <= 60:
                by_word[w].append(i)
    out, order = [], list(range(len(rows)))
    rng.shuffle(order)
    for i in order:
        if len(out) >= count:
            break
        rare = sorted(w for w in words_of[i] if w in by_word)
        if not rare:
            continue
        others = [j for j in by_word[rng.choice(rare)] if rows[j][0] != rows[i][0]]
        if others:
            out.append((rows[i][0], rows[rng.choice(others)][1]))
    return out


def build_pool(rows: list[tuple[str, str, int]], places: list[str], seed: int = 13,
               on_topic: int = 100_000) -> tuple[list[dict], dict]:
    """The pool: the training rows (``gold`` kept), one slot edit per supported or contradicted
    claim, and ``on_topic`` on-topic pairs; and its counts by kind."""
    rng = random.Random(seed)
    place_edit = _place_editor(places)
    pool = [{"premise": p, "hypothesis": h, "gold": y, "kind": "gold"} for p, h, y in rows]
    kinds: Counter = Counter(gold=len(pool))
    for premise, claim, label in rows:
        if label not in (0, 1):
            continue
        edited = slot_edit(claim, rng, place_edit)
        if edited:
            pool.append({"premise": premise, "hypothesis": edited[0], "gold": None, "kind": edited[1]})
            kinds[edited[1]] += 1
    for premise, claim in on_topic_pairs(rows, on_topic, rng):
        pool.append({"premise": premise, "hypothesis": claim, "gold": None, "kind": "on_topic"})
        kinds["on_topic"] += 1
    return pool, dict(kinds)


def toggle_final_stop(texts: list[str], share: float, seed: int) -> tuple[list[str], int]:
    """``texts`` with the final full stop of about ``share`` of them toggled (added where there is none,
    taken away where there is one; a question and an ellipsis are kept), and how many were toggled.

    The shipped judge read "Celebrations were held in Moscow." as 0.07 more support than the same claim
    without its full stop, a cue of the training sets whose hypotheses have none (COVID-Fact, SICK, MPE);
    a student shown both forms under one soft label learns that the full stop says nothing."""
    rng = random.Random(seed)
    out, toggled = [], 0
    for text in texts:
        bare = text.rstrip()
        if rng.random() >= share or not bare or bare.endswith(("?", "...", "…")):
            out.append(text)
            continue
        toggled += 1
        out.append(bare[:-1].rstrip() if bare.endswith(".") else bare + ".")
    return out, toggled


def write_pool(pool: list[dict], path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for row in pool:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_pool(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def pool_digest(pool: list[dict]) -> str:
    """SHA-256 of the pool's pairs in order: soft labels made for one pool never train on another."""
    h = hashlib.sha256()
    for row in pool:
        h.update(json.dumps([row["premise"], row["hypothesis"]], ensure_ascii=False).encode() + b"\n")
    return h.hexdigest()
