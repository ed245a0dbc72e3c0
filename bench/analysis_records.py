"""Do two versions of the evidence code give the same records? Dump them with each, then compare.

A speed-up of ``verify.evidence`` must not change what it finds. ``dump`` writes, with the code
on ``PYTHONPATH``, the ``Analysis`` of thousands of texts (as passage, as passage with a date
anchor, as claim), the ``Wording`` / ``canonical`` / ``content_stems`` of three-sentence
contexts, and ``detect`` of NLI pairs; ``compare`` says how many records differ:

    PYTHONPATH=/tmp/old-tree python bench/analysis_records.py dump /tmp/old.pkl --nli NLI.jsonl.gz
    python -m bench.analysis_records dump /tmp/new.pkl --nli NLI.jsonl.gz
    python -m bench.analysis_records compare /tmp/old.pkl /tmp/new.pkl

(run as a file it imports the old tree's packages, so the old tree needs not hold this file). Texts: premises and
hypotheses of the first 4,000 pairs of ``--nli`` (default ``../shared/nli/train_3way.jsonl.gz``;
measurement input only), the sample corpus's sentences and paragraphs, 1,500 synthetic
sentences (``bench.synthetic``), and edge cases for bounds, ranges and hyphens.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import re
import sys
from datetime import date
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as ``python bench/analysis_records.py`` (against another tree's code)
    sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench._common import CORPUS, ROOT

NLI = ROOT.parent / "shared" / "nli" / "train_3way.jsonl.gz"
EDGES = ["between  5  and   10 people", "more than\n 5 cases", "handsome 5 dogs", "Up To 40% of them",
         "from 2007 to 2009 it grew", "between 1,000.5 and\t20 units", "over\u00a012 deaths", "nearly\u2003 300 TO 400 men",
         "2016-17 season", "10 – 20 km", "It rose 5-6%; between 7 and", ("Kim Jong-un met Putin-Kim in DPRK-Russia talks "
                                                         "on 5 May 2020."), "  Visited 3 times.", ". Visited 4 times", "\"Met 12 leaders\"", "roughly    14 million dollars",
         "at most 3 at least 4 about 5 some 6", "BETWEEN 3 AND 4", "approximately 99 percent",
         "He said 7 - 8 planes arrived; 9 to 10 left."]


def _pairs(nli: Path, limit: int = 4000) -> list[tuple[str, str]]:
    out = []
    with gzip.open(nli, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= limit:
                break
            row = json.loads(line)
            out.append((row.get("premise") or "", row.get("hypothesis") or ""))
    return out


def texts_and_pairs(nli: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The texts analysed and the ``(claim, passage)`` pairs detected, in a fixed order."""
    from bench.synthetic import _sentence, _words

    pairs = _pairs(nli)
    texts = [t for pair in pairs for t in pair]
    for path in sorted(CORPUS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        texts += re.split(r"(?<=[.!?])\s+|\n+", body) + [" ".join(p.split()) for p in body.split("\n\n")]
    rng = np.random.default_rng(7)
    texts += [_sentence(rng, _words(rng, 40)) for _ in range(1500)]
    texts += EDGES + [e + " " + t for e, t in zip(EDGES * 20, texts[:400])]
    texts = list(dict.fromkeys(t for t in texts if t.strip()))
    return texts, [(h, p) for p, h in pairs[:3000] if p and h]


def dump(path: Path, nli: Path) -> int:
    from verify.evidence.analysis import analyse, wording
    from verify.evidence.detectors import detect
    from verify.evidence.names import known_names
    from verify.evidence.text import canonical, content_stems

    texts, pairs = texts_and_pairs(nli)
    records: list = []
    for text in texts:
        records += [analyse(text, "passage"), analyse(text, "passage", date(2020, 4, 5)), analyse(text, "claim")]
    for i in range(0, min(len(texts), 3000), 3):
        context = " ".join(texts[i:i + 3])
        records += [wording(context), canonical(context), tuple(content_stems(context))]
    names = known_names(p for _, p in pairs[:500])
    for n, (claim, passage) in enumerate(pairs):
        records.append(detect(claim, passage, f"{texts[n % len(texts)]} {passage}" if n % 3 == 0 else None,
                              anchor=date(2020, 4, 5) if n % 2 else None, names=names if n % 4 else None))
    path.write_bytes(pickle.dumps(records))
    print(f"{len(records):,} records of {len(texts):,} texts and {len(pairs):,} pairs -> {path}")
    return 0


def compare(old: Path, new: Path) -> int:
    a, b = pickle.loads(old.read_bytes()), pickle.loads(new.read_bytes())
    differ = [n for n, (x, y) in enumerate(zip(a, b)) if x != y]
    print(f"{len(a):,} and {len(b):,} records; {len(differ)} differ" + (f" (first at {differ[0]})" if differ else ""))
    return 0 if len(a) == len(b) and not differ else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.analysis_records", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dumping = sub.add_parser("dump", help="write the records of the code on PYTHONPATH")
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--nli", type=Path, default=NLI, help="NLI pairs (.jsonl.gz). Defaults to " + str(NLI))
    both = sub.add_parser("compare", help="count the records that differ between two dumps")
    both.add_argument("old", type=Path)
    both.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        if not args.nli.is_file():
            print(f"error: {args.nli} is missing (the NLI pairs this comparison reads); pass --nli", file=sys.stderr)
            return 1
        return dump(args.out, args.nli)
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
