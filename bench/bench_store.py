"""The index store at scale, with the stand-in encoder (see ``bench.synthetic``).

Each phase runs in a fresh process, so its peak RSS is its own:

    .venv/bin/python -m bench.bench_index --synthetic 100000 [--work var/bench-store]

build (fresh) and the raw encoder rate on the same sentences, its peak RSS and peak anonymous
RSS (without file pages, such as the memory-mapped vectors', which the kernel can drop; sampled,
see ``bench._common.AnonPeak``); load (with checksums) and
RSS after load; per-query latency of the per-source search, the global top-50, keyword
search and the claim's embedding (p50/p95 over 200 claims, 1 and 2 faiss threads);
recall@10 of the global search against exact search; a no-op rebuild and a one-file update,
each with its peak RSS and peak anonymous RSS.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path

import numpy as np

from bench._common import AnonPeak, in_child, peak_rss_mib, status_mib, table, timed
from bench.phases import PhaseClock
from bench.synthetic import HashEmbedder, append_paragraph, claims, line_split, write_corpus

__all__ = ["run"]

_QUERIES = 200


def _percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"{statistics.median(ms):.2f} / {ms[int(0.95 * (len(ms) - 1))]:.2f}"


def _build(corpus: Path, out: Path, store_only: bool) -> dict:
    import index.build.new_segment
    from index import build_index

    if store_only:
        index.build.new_segment.split_document = line_split

    embedder = HashEmbedder()
    embedder.embed(["warm up"])  # the stand-in's table, like a model, is made before timing
    clock = PhaseClock()
    before, anon_before = peak_rss_mib(), status_mib("RssAnon")
    with AnonPeak(keep=True) as anon:
        start = time.perf_counter()
        result = build_index(corpus, out, embedder)
        end = time.perf_counter()
    return {"seconds": end - start, "peak": peak_rss_mib(), "before": before, "anon": anon.mib,
            "anon_before": anon_before, "phases": clock.report(anon.timeline, start, end),
            "up_to_date": result.up_to_date,
            "sentences": result.sentences, "sources": result.sources}


def _encode(out: Path) -> dict:
    from index import ClaimIndex

    texts = [s.text for s in ClaimIndex.load(out, corpus_check=False, verify=False).sentences]
    embedder = HashEmbedder()
    embedder.embed(["warm up"])
    start = time.perf_counter()
    for i in range(0, len(texts), 256):
        embedder.embed(texts[i:i + 256])
    return {"seconds": time.perf_counter() - start, "sentences": len(texts)}




def _search(out: Path) -> dict:
    from index import ClaimIndex
    from index.search.ann import exact_top, recall_at
    from index.store.claim_index import set_search_threads

    rss_before = status_mib()
    start = time.perf_counter()
    index = ClaimIndex.load(out, corpus_check=False)
    load_s, rss, anon = time.perf_counter() - start, status_mib(), status_mib("RssAnon")
    texts = claims(_QUERIES)
    embedder = HashEmbedder()
    embed_times = timed(lambda t: embedder.embed([t]), texts)
    queries = embedder.embed(texts)
    found = {}
    for threads in (1, 2):
        set_search_threads(threads)
        found[f"per-source top-3 ({threads} thread{'s' * (threads > 1)})"] = timed(
            lambda q: index.search_batch(q[None], 3), queries)
        found[f"global top-50 ({threads} thread{'s' * (threads > 1)})"] = timed(
            lambda q: index.nearest(q[None], 50), queries)
    found["keyword top-20"] = timed(lambda t: index.keyword_search(t, 20), texts)
    found["claim embedding (stand-in)"] = embed_times
    set_search_threads(1)
    rows = np.array([[h.sentence for h in hits] for hits in index.nearest(queries, 10)])
    segments = index.segments
    _, local = exact_top([s.vectors for s in segments], queries, 10)
    offsets = np.cumsum([0, *[len(s.vectors) for s in segments]])
    which = np.searchsorted(offsets, local, side="right") - 1
    bases = np.array([s.info.base for s in segments])
    truth = index.rows.dense_rows(bases[which] + local - offsets[which])
    return {"load": load_s, "rss": rss, "anon": anon, "rss_before": rss_before, "times": found,
            "recall": recall_at(rows, truth), "ann": index.manifest.ann}


def run(sentences: int, work: Path, store_only: bool = False) -> str:
    """Run every phase on a corpus of about ``sentences`` sentences under ``work``; the report as text.

    With ``store_only`` the corpus has one sentence per line and the build splits lines
    instead of running the sentence splitter, so a large corpus measures the store alone.
    """
    tag = f"{sentences}{'-lines' if store_only else ''}"
    corpus, out = work / f"corpus-{tag}", work / f"index-{tag}"
    if not (corpus / ".complete").exists():
        write_corpus(corpus, sentences, one_per_line=store_only)
        (corpus / ".complete").touch()
    old = time.time() - 3600
    for path in corpus.iterdir():  # files older than the build: the no-op rebuild may trust their times
        os.utime(path, (old, old))
    if out.exists():
        shutil.rmtree(out)
    built = in_child(_build, corpus, out, store_only)
    encoded = in_child(_encode, out)
    searched = in_child(_search, out)
    noop = in_child(_build, corpus, out, store_only)
    target = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[len(list(corpus.iterdir())) // 2]
    append_paragraph(target)
    updated = in_child(_build, corpus, out, store_only)
    n = built["sentences"]
    rows = [
        ["raw encoder (stand-in)", f"{encoded['seconds']:.1f} s", f"{n / encoded['seconds']:,.0f}/s", "1.00"],
        ["build, fresh", f"{built['seconds']:.1f} s", f"{n / built['seconds']:,.0f}/s",
         f"{encoded['seconds'] / built['seconds']:.3f}"],
        ["build peak RSS", f"{built['peak']:,.0f} MiB", f"(before: {built['before']:,.0f})", ""],
        ["  peak anonymous", f"{built['anon']:,.0f} MiB", f"(before: {built['anon_before']:,.0f})", ""],
        ["load (checksums on)", f"{searched['load']:.2f} s", "", ""],
        ["RSS after load", f"{searched['rss']:,.0f} MiB", f"(python+libs {searched['rss_before']:,.0f})", ""],
        ["  of which anonymous", f"{searched['anon']:,.0f} MiB", "", ""],
        ["no-op rebuild", f"{noop['seconds']:.2f} s", f"peak {noop['peak']:,.0f} MiB", f"anon {noop['anon']:,.0f}"],
        ["one-file update", f"{updated['seconds']:.2f} s", f"peak {updated['peak']:,.0f} MiB",
         f"anon {updated['anon']:,.0f}"],
        ["recall@10 global vs exact", f"{searched['recall']:.3f}", "", ""],
    ]
    latency = [[name, _percentiles(times)] for name, times in searched["times"].items()]
    phases = [[f"{name}: {label}", f"{seconds:.1f}", f"{mib:,.0f}"]
              for name, run in (("build", built), ("no-op", noop), ("update", updated))
              for label, seconds, mib in run["phases"] if seconds >= 0.05 or name == "build"]
    ann = searched["ann"]
    head = (f"{n:,} sentences, {built['sources']:,} sources{' (lines, no sentence splitter)' * store_only}; search: "
            f"{f'{ann.kind}, nprobe {ann.nprobe}' if ann else 'exact (below the ANN threshold)'}")
    return "\n\n".join([head, table(["", "value", "rate", "vs raw"], rows),
                        table(["phase", "seconds", "peak anon MiB"], phases),
                        table(["per query", "p50 / p95 ms"], latency)])
