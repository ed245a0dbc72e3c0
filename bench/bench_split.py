"""Sentence-splitting throughput: the sample corpus and a synthetic 10,000-sentence text.

Run from the repository root: ``.venv/bin/python -m bench.bench_split [--corpus DIR] [--repeat 3]``.
It prints sentences per second of ``split_document`` (median of ``--repeat`` runs, the splitter
warmed up first) next to the same with plain pysbd on each whole paragraph (the baseline, timed
alternately with it in the same run), and, for one long paragraph fed at 1x, 10x and 100x, the time ratios, which stay near
10 and 100 when splitting is linear.

The table also counts the calls ``split_document`` makes to pysbd (an untimed pass): the pieces
its fast path leaves to pysbd; ``--list-pysbd`` prints them.

``--compare N`` checks that the sentences are pysbd's: every paragraph of the corpus, of the
synthetic 10,000-sentence text and the first N unique premises of
``../shared/nli/train_3way.jsonl.gz`` are split both ways and the differences printed (exit
status 1 when there is one).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

from bench._common import CORPUS, ROOT, table
from index.ingest.layout import dateline_end
from index.ingest.read import read_corpus
from index.models import Document
from index.split import segmenter
from index.split.document import paragraph_spans, split_document

NLI = ROOT.parent / "shared" / "nli" / "train_3way.jsonl.gz"

_SUBJECTS = ("The minister", "Mr. Kim", "Officials in Seoul", "The U.S. envoy", "A spokesman", "Dr. Lee",
             "The company", "Russian President Vladimir Putin", "Analysts", "The committee")
_VERBS = ("said on Tuesday that", "told reporters that", "warned that", "confirmed that", "noted that")
_CLAUSES = ("the talks had gone well", "prices rose 3.5 percent in October", "the plan was approved",
            "\"we will meet again soon\"", "exports fell by 12 percent (Yonhap)", "the deal was signed at 9 a.m.",
            "both sides agreed to continue", "the vote was delayed until Jan. 5", "nothing had changed",
            "the report, released by the U.N., was accurate")


def synthetic_text(sentences: int, seed: int = 0) -> str:
    """``sentences`` news-like sentences in paragraphs of 1 to 6, deterministic for a seed."""
    rng = random.Random(seed)
    paragraphs, current = [], []
    for _ in range(sentences):
        current.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CLAUSES)}.")
        if len(current) >= rng.randint(1, 6):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _rates(documents: list[Document], repeat: int) -> tuple[int, float, float]:
    """Sentences, then sentences/s of plain pysbd and of ``split_document`` (medians of ``repeat`` runs).

    The two are timed alternately, so a change in the machine's load falls on both.
    """
    split_document(documents[0])  # warm up the splitter
    baseline, ours, count = [], [], 0
    for _ in range(repeat):
        with mock.patch("index.split.document.segment", _plain_pysbd):
            start = time.perf_counter()
            sum(len(split_document(d)) for d in documents)
            baseline.append(time.perf_counter() - start)
        start = time.perf_counter()
        count = sum(len(split_document(d)) for d in documents)
        ours.append(time.perf_counter() - start)
    return count, count / statistics.median(baseline), count / statistics.median(ours)


def _pysbd_calls(documents: list[Document], show: bool = False) -> int:
    """How many times ``split_document`` calls pysbd on the documents (untimed); prints the pieces when asked."""
    with mock.patch.object(segmenter, "_pysbd_spans", wraps=segmenter._pysbd_spans) as pysbd:
        for document in documents:
            split_document(document)
    if show:
        for call in pysbd.call_args_list:
            print(f"  pysbd reads: {call.args[0][:300]!r}")
    return pysbd.call_count


def _plain_pysbd(text: str, budget=None) -> list[tuple[int, int]]:
    """pysbd on the whole paragraph: what ``segment`` must agree with."""
    return segmenter._pysbd_spans(text, 0)


def _premises(path: Path, count: int) -> list[str]:
    """The first ``count`` unique premises of an NLI file, whitespace collapsed (one paragraph each)."""
    seen: dict[str, None] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            premise = " ".join(json.loads(line)["premise"].split())
            if premise:
                seen[premise] = None
                if len(seen) >= count:
                    break
    return list(seen)


def compare(documents: list[Document], premises: list[str], show: int = 5) -> int:
    """Paragraphs (after any dateline), synthetic paragraphs and premises whose sentences differ from plain
    pysbd's; prints them."""
    texts = [p[dateline_end(p):] for d in documents for a, b in paragraph_spans(d.text) for p in [d.text[a:b]]]
    synthetic = synthetic_text(10_000).split("\n\n")
    differ = 0
    for text in texts + synthetic + premises:
        ours, theirs = segmenter.segment(text), _plain_pysbd(text)
        if ours != theirs:
            differ += 1
            if differ <= show:
                print(f"differs: {text[:200]!r}\n  pysbd: {[text[a:b] for a, b in theirs]}\n"
                      f"  ours:  {[text[a:b] for a, b in ours]}")
    print(f"{len(texts):,} corpus paragraphs, {len(synthetic):,} synthetic paragraphs and {len(premises):,} NLI "
          f"premises: {differ} differ from plain pysbd")
    return differ


def _seconds(text: str) -> float:
    start = time.perf_counter()
    split_document(Document(source_id="long", path="long.txt", sha256="0", text=text))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder or file. Defaults to data/corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--long-chars", type=int, default=1000,
                        help="size of the 1x single paragraph for the ratio test (0: skip it). Defaults to 1000.")
    parser.add_argument("--compare", type=int, default=0, metavar="N",
                        help="only compare the sentences with plain pysbd's on the corpus and N NLI premises")
    parser.add_argument("--nli-file", type=Path, default=NLI,
                        help="the premises --compare reads (2,000 are also timed when it exists)")
    parser.add_argument("--list-pysbd", action="store_true", help="print each piece the splitter leaves to pysbd")
    args = parser.parse_args()
    corpus = read_corpus(args.corpus).documents
    if args.compare:
        return 1 if compare(corpus, _premises(args.nli_file, args.compare)) else 0
    synthetic = [Document(source_id="synthetic", path="synthetic.txt", sha256="0", text=synthetic_text(10_000))]
    texts = [("sample corpus", corpus), ("synthetic 10k sentences", synthetic)]
    if args.nli_file.is_file():  # real text from many sources: 2,000 premises, one document each
        texts.append(("2,000 NLI premises", [Document(source_id=f"p{i}", path=f"p{i}.txt", sha256="0", text=text)
                                              for i, text in enumerate(_premises(args.nli_file, 2000))]))
    rows = []
    for name, documents in texts:
        count, baseline, rate = _rates(documents, args.repeat)
        if args.list_pysbd:
            print(f"{name}:")
        calls = _pysbd_calls(documents, show=args.list_pysbd)
        rows.append([name, str(count), f"{baseline:,.0f}", f"{rate:,.0f}", f"{rate / baseline:.1f}x", str(calls)])
    print(table(["text", "sentences", "plain pysbd /s", "split_document /s", "ratio", "pysbd calls"], rows))
    if args.long_chars <= 0:
        return 0
    paragraph = " ".join(synthetic_text(2_000, seed=1).split("\n\n"))
    base = paragraph[:args.long_chars]
    times = [_seconds((base + " ") * factor) for factor in (1, 10, 100)]
    print(f"one paragraph of {len(base):,} chars x1 / x10 / x100: {times[0]:.3f} / {times[1]:.3f} / {times[2]:.3f} s;"
          f" ratios {times[1] / times[0]:.1f} and {times[2] / times[0]:.1f} (linear: 10 and 100)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
