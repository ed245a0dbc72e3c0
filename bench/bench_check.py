"""Warm claim-check latency (p50 / p95, split into embed / search / judge / rest), judge pairs per claim, peak memory.

Checks each claim once against an index after one warm-up check, so the models are
loaded before any timing. The claims come from ``../shared/eval/dev_claims.jsonl`` when
it exists, else from a built-in list:

    .venv/bin/python bench/bench_check.py [--index DIR] [--claims FILE] [--model DIR]

Without ``--index`` the corpus (``--corpus``, default data/corpus) is indexed into a
temporary folder first. ``--model`` defaults to ``CROSSCHECK_VERIFIER`` or models/verifier.

``--synthetic N`` checks at scale instead: a synthetic corpus of about N sentences (100 a
source, one a line) indexed with the stand-in encoder of ``bench/synthetic.py`` (kept under
``--work`` and reused), synthetic claims, and a stand-in judge that counts the pairs it gets
(``--real-judge``: the trained model). It prints the judge pairs per claim of the bounded
check and of the per-source search the check used before, and the per-claim time without
the judge. ``--sources K`` checks against K of the sources only (every n-th, as a filter
the user chose), and prints the report's size with and without every chosen source listed:

    nice .venv/bin/python -m bench.bench_check --synthetic 100000 [--sources 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):  # run as ``python bench/bench_check.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

import verify.evidence.analysis
import verify.evidence.stored
import verify.verifier
from bench._common import CORPUS, ROOT, peak_rss_mib, table
from index.build.update import build_index
from index.embed import SentenceTransformerEmbedder
from index.errors import CrosscheckError
from index.search.per_source import as_queries, score_sources
from index.store.claim_index import ClaimIndex
from verify import Settings, Verifier
from verify.evidence.stored import store_path
from verify.judge.cache import CachedJudge
from verify.verifier import nli_judge

DEV_CLAIMS = ROOT.parent / "shared" / "eval" / "dev_claims.jsonl"
BUILT_IN_CLAIMS = [
    "North Korea and Russia marked 75 years of diplomatic ties.",
    "Lavrov plans to visit Pyongyang in October.",
    "Kim Jong Un sent Putin a letter to celebrate the anniversary.",
    "Kim traveled to Russia's Far East in September for a summit with Putin.",
    "Putin accepted Kim's invitation to visit North Korea.",
    "Choe Son-hui and Sergey Lavrov exchanged messages on the anniversary.",
    "Alexander Matsegora is Russia's ambassador to North Korea.",
    "The anniversary was marked with a banquet in Pyongyang.",
    "North Korea and Russia established diplomatic ties in 1948.",
    "Kim and Putin held their summit at the Vostochny Cosmodrome.",
    "The two countries pledged to strengthen their strategic partnership.",
    "North Korea supports Russia's war in Ukraine.",
    "The United States worries about arms deals between Moscow and Pyongyang.",
    "Putin said relations with North Korea have never been worse.",
    "Kim visited Russia for the first time in 2023.",
    "Im Chon-il is North Korea's vice foreign minister.",
    "The KCNA reported the celebrations on Friday.",
    "Russia and North Korea signed a trade agreement worth 5 billion dollars.",
    "North Korea denied sending weapons to Russia.",
    "Kim Jong Un will not visit Russia again.",
]


def read_claims(path: Path | None) -> tuple[list[str], str]:
    """``(claims, where they came from)``: a .jsonl with a ``claim`` per line, a text file, or the built-in list."""
    if path is None:
        path = DEV_CLAIMS if DEV_CLAIMS.is_file() else None
    if path is None:
        return BUILT_IN_CLAIMS, "built-in list"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    claims = [json.loads(line)["claim"] for line in lines] if path.suffix == ".jsonl" else lines
    return claims, str(path)


def percentile_ms(seconds: list[float], q: float) -> str:
    return f"{1000 * float(np.percentile(seconds, q)):.0f}"


class Clock:
    """Seconds spent per part of a check, and the pairs the judge received."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.pairs = self.passages = self.unread = 0

    def timed(self, part: str, function):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[part] += time.perf_counter() - start
        return run


class TimedEmbedder:
    """The embedder, its calls timed as ``embed``."""

    def __init__(self, inner, clock: Clock) -> None:
        self.inner, self.name, self.dim = inner, inner.name, getattr(inner, "dim", None)
        self.embed = clock.timed("embed", inner.embed)


class CountingJudge:
    """The judge, its calls timed as ``judge`` and its pairs counted; with ``tokens`` (a pair's token
    count, taken outside the timing), each call's pairs, seconds and tokens are kept in ``calls``."""

    def __init__(self, inner, clock: Clock, tokens=None) -> None:
        self.inner, self.clock, self.tokens = inner, clock, tokens
        self._predict = clock.timed("judge", inner.predict)
        self.calls: list[tuple[int, float, float]] = []

    def predict(self, pairs):
        self.clock.pairs += len(pairs)
        before = self.clock.spent["judge"]
        out = self._predict(pairs)
        if self.tokens is not None and pairs:
            self.calls.append((len(pairs), self.clock.spent["judge"] - before,
                               float(np.mean([self.tokens(pair) for pair in pairs]))))
        return out


def pair_cost_table(calls: list[tuple[int, float, float]]) -> str:
    """The judge's ms a pair by the mean token length of its calls (a check's readings differ in length)."""
    rows = []
    for name, low, high in (("up to 64 tokens", 0, 64), ("65-96", 64, 96), ("over 96", 96, float("inf"))):
        chosen = [(n, s) for n, s, tokens in calls if low < tokens <= high]
        if chosen:
            pairs, seconds = sum(n for n, _ in chosen), sum(s for _, s in chosen)
            rows.append([name, str(len(chosen)), str(pairs), f"{1000 * seconds / pairs:.1f}"])
    return table(["judge calls, mean tokens a pair", "calls", "pairs", "ms a pair"], rows)


class NeutralJudge:
    """A stand-in judge for the synthetic mode: neutral on every pair, at no cost."""

    def predict(self, pairs):
        return np.tile(np.array([0.1, 0.1, 0.8], dtype=np.float32), (len(pairs), 1))


PARTS = ("embed", "search", "judge", "analyse", "rest")
"""``analyse``: the detectors' text analyses a check makes (``verify.evidence.analysis``), or reads from the
index's store (``python -m verify analyse``); ``rest``: the other detectors' work and the report."""


def timed_checks(verifier: Verifier, claims: list[str], clock: Clock,
                 sources: set[str] | None = None) -> tuple[dict[str, list[float]], list[int], list[int], list[int]]:
    """Check each claim alone (against ``sources`` only, when given): per claim its seconds per part
    (``rest``: detectors, report), judge pairs, passages retrieved, passages the judge read (the others
    the gates settle unread: ``aggregate.unread_neutral``)."""
    return interleaved_checks({"": (verifier, clock)}, claims, sources)[""]


def interleaved_checks(variants: dict[str, tuple[Verifier, Clock]], claims: list[str],
                       sources: set[str] | None = None
                       ) -> dict[str, tuple[dict[str, list[float]], list[int], list[int], list[int]]]:
    """As :func:`timed_checks` for each variant, the variants taking turns claim by claim (a fair ratio
    under a changing load)."""
    results = {name: ({part: [] for part in (*PARTS, "total")}, [], [], []) for name in variants}
    current: list[Clock] = []
    timed = {name: clock.timed("search", verify.verifier.select_candidates) for name, (_, clock) in variants.items()}
    names: list[str] = []
    import torch

    default_threads = torch.get_num_threads()

    def search(*args, **kwargs):
        found = timed[names[-1]](*args, **kwargs)
        current[-1].passages += sum(map(len, found))
        return found

    parse, read = verify.evidence.analysis._analyse, verify.evidence.stored.PassageRecords.load
    settled = verify.verifier.unread_neutral

    def unread(*args, **kwargs):
        out = settled(*args, **kwargs)
        current[-1].unread += bool(out)
        return out

    def analysing(function):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                current[-1].spent["analyse"] += time.perf_counter() - start
        return run

    with mock.patch.object(verify.verifier, "select_candidates", search), \
            mock.patch.object(verify.verifier, "unread_neutral", unread), \
            mock.patch.object(verify.evidence.analysis, "_analyse", analysing(parse)), \
            mock.patch.object(verify.evidence.stored.PassageRecords, "load", analysing(read)):
        for claim in claims:
            for name, (verifier, clock) in variants.items():
                per_part, pairs, passages, judged = results[name]
                torch.set_num_threads(verifier.settings.threads or default_threads)
                names.append(name)
                current.append(clock)
                clock.spent.clear()
                clock.pairs = clock.passages = clock.unread = 0
                start = time.perf_counter()
                verifier.check(claim, sources=sources)
                total = time.perf_counter() - start
                for part in PARTS[:-1]:
                    per_part[part].append(clock.spent[part])
                per_part["rest"].append(total - sum(clock.spent[p] for p in PARTS[:-1]))
                per_part["total"].append(total)
                pairs.append(clock.pairs)
                passages.append(clock.passages)
                judged.append(clock.passages - clock.unread)
    torch.set_num_threads(default_threads)
    return results


JUDGE_VARIANTS = {"torch": {"backend": "torch"}, "onnx-fp32": {"backend": "onnx"},
                  "onnx-int8": {"backend": "onnx", "quantize": True},
                  "torch-int8": {"backend": "torch", "quantize": True},
                  "torch-1thread": {"backend": "torch", "threads": 1},
                  "onnx-int8-1thread": {"backend": "onnx", "quantize": True, "threads": 1},
                  "onnx-int8-inner": {"backend": "onnx", "quantize": True, "quantize_scheme": "inner-layers"}}
"""``--judge-variants`` names and the settings each changes (``threads``: torch's, set before each of the
variant's checks, and the ONNX session's)."""


def run_variants(args: argparse.Namespace, index_dir: Path) -> int:
    """Per-claim timings of each judge variant, taking turns claim by claim in one process."""
    claims, origin = read_claims(args.claims)
    embedder = SentenceTransformerEmbedder(Settings.from_env(verifier_path=args.model).embedding_model)
    variants: dict[str, tuple[Verifier, Clock]] = {}
    index = None
    for name in args.judge_variants:
        settings = Settings.from_env(verifier_path=args.model, **JUDGE_VARIANTS[name])
        clock = Clock()
        timed_embedder, judge = TimedEmbedder(embedder, clock), CountingJudge(nli_judge(settings), clock)
        verifier = (Verifier.from_index(index_dir, settings, embedder=timed_embedder, judge=judge) if index is None
                    else Verifier(index, settings, embedder=timed_embedder, judge=judge))
        index = verifier.index
        verifier.check(claims[0])  # warm-up: loads (and on first use exports) the judge
        variants[name] = (verifier, clock)
    results = interleaved_checks(variants, claims)
    import torch

    threads = torch.get_num_threads()
    print(f"{len(claims)} claims from {origin}; index {index_dir} ({len(index.sentences)} sentences); "
          f"torch threads {torch.get_num_threads()}; variants take turns claim by claim\n")
    base = None
    rows = []
    for name, (per_part, pairs, *_) in results.items():
        p50 = float(np.percentile(per_part["total"], 50))
        judge_p50 = float(np.percentile(per_part["judge"], 50))
        pair_rate = sum(pairs) / max(sum(per_part["judge"]), 1e-9)
        base = base or p50
        rows.append([name, percentile_ms(per_part["total"], 50), percentile_ms(per_part["total"], 95),
                     f"{1000 * judge_p50:.0f}", f"{pair_rate:.0f}", f"{base / p50:.2f}x"])
        print(f"{name}\n" + split_table(per_part, pairs) + "\n")
    print(table(["judge", "p50 ms", "p95 ms", "judge p50 ms", "judge pairs/s", "p50 speed-up"], rows))
    if not args.no_draft:
        draft = (claims * (30 // len(claims) + 1))[:30]
        rows, base = [], None
        for name, (verifier, _) in variants.items():
            torch.set_num_threads(verifier.settings.threads or threads)
            start = time.perf_counter()
            verifier.check_many(draft)
            took = time.perf_counter() - start
            base = base or took
            rows.append([name, f"{took:.1f}", f"{base / took:.2f}x"])
        torch.set_num_threads(threads)
        print("\n30-sentence draft (the claims repeated), check_many\n")
        print(table(["judge", "seconds", "speed-up"], rows))
    return 0


def split_table(per_part: dict[str, list[float]], pairs: list[int]) -> str:
    """p50 / p95 per part of a check, and the judge pairs per claim."""
    rows = [[part, percentile_ms(times, 50), percentile_ms(times, 95)] for part, times in per_part.items()]
    rows.append(["judge pairs per claim", f"{np.median(pairs):.0f}", f"{np.percentile(pairs, 95):.0f}"])
    if "judge" in per_part:
        without = [t - j for t, j in zip(per_part["total"], per_part["judge"])]
        rows.append(["total without the judge", percentile_ms(without, 50), percentile_ms(without, 95)])
    return table(["per claim", "p50 ms", "p95 ms"], rows)


def run(args: argparse.Namespace, index_dir: Path) -> int:
    claims, origin = read_claims(args.claims)
    clock = Clock()
    settings = Settings.from_env(verifier_path=args.model)
    embedder, judge = SentenceTransformerEmbedder(settings.embedding_model), nli_judge(settings)

    def tokens(pair: tuple[str, str]) -> int:
        loaded = judge._load()
        return len(loaded.tokenizer(*pair, truncation=True, max_length=loaded.max_length)["input_ids"])

    counting = CountingJudge(judge, clock, tokens)
    verifier = Verifier.from_index(index_dir, settings, embedder=TimedEmbedder(embedder, clock), judge=counting)
    verifier.check(claims[0])  # warm-up: loads the embedding and verifier models
    counting.calls.clear()
    per_part, pairs, passages, judged = timed_checks(verifier, claims, clock)
    seconds = per_part["total"]
    peak_mib = peak_rss_mib()
    import torch

    print(f"{len(claims)} claims from {origin}; index {index_dir} "
          f"({len(verifier.index.sentences)} sentences, {len(verifier.index.documents)} sources); "
          f"verifier {verifier.settings.verifier_path}; torch threads {torch.get_num_threads()}\n")
    print(table(["claims", "p50 ms", "p95 ms", "max ms", "mean ms", "peak RSS MiB"], [[
        str(len(claims)), percentile_ms(seconds, 50), percentile_ms(seconds, 95), percentile_ms(seconds, 100),
        f"{1000 * float(np.mean(seconds)):.0f}", f"{peak_mib:.0f}",
    ]]))
    print("\n" + split_table(per_part, pairs))
    print(f"\npassages per claim, p50 / max: retrieved {np.median(passages):.0f} / {max(passages)}, read by the judge "
          f"{np.median(judged):.0f} / {max(judged)}")
    print("\n" + pair_cost_table(counting.calls))
    if not args.no_draft:
        draft_seconds(Verifier(verifier.index, settings, embedder, judge), claims, args)
    return 0


def synthetic_index(sentences: int, work: Path) -> Path:
    """The index of a synthetic corpus of about ``sentences`` sentences under ``work`` (built once, then reused)."""
    import index.build.new_segment
    from bench.synthetic import HashEmbedder, line_split, write_corpus

    corpus, out = work / f"corpus-{sentences}-lines", work / f"check-index-{sentences}"
    if not (corpus / ".complete").exists():
        write_corpus(corpus, sentences, one_per_line=True)
        (corpus / ".complete").touch()
    if not (out / "manifest.json").exists():
        with mock.patch.object(index.build.new_segment, "split_document", line_split):  # the store, not the splitter
            build_index(corpus, out, HashEmbedder())
    return out


def run_synthetic(args: argparse.Namespace) -> int:
    from bench.synthetic import HashEmbedder
    from bench.synthetic import claims as synthetic_claims

    index_dir = synthetic_index(args.synthetic, args.work)
    clock = Clock()
    settings = Settings.from_env(verifier_path=args.model)
    judge = nli_judge(settings) if args.real_judge else NeutralJudge()
    verifier = Verifier.from_index(index_dir, settings, embedder=TimedEmbedder(HashEmbedder(), clock),
                                   judge=CountingJudge(judge, clock))
    claims = synthetic_claims(args.count)
    chosen = spread_sources(list(verifier.index.rows.source_ids), args.sources) if args.sources else None
    verifier.check(claims[0], sources=chosen)  # warm-up: the encoder's table, the corpus's names, the judge
    per_part, pairs, passages, _ = timed_checks(verifier, claims, clock, chosen)
    queries = verifier.embedder.inner.embed(claims)
    before = [len([h for h in hits if h.similarity >= settings.min_similarity])
              for hits in per_source_hits(verifier.index, queries, settings.k_per_source, chosen)]
    print(f"{len(claims)} synthetic claims; index {index_dir} ({verifier.index.rows.sentences:,} sentences, "
          f"{verifier.index.rows.documents:,} sources"
          f"{f', checked against {len(chosen):,} of them' if chosen else ''}); "
          f"judge: {'trained model' if args.real_judge else 'stand-in'}; passage analyses "
          f"{'stored' if store_path(index_dir).is_file() else 'parsed (none stored: python -m verify analyse)'}; "
          f"candidate_pool {settings.candidate_pool}, max_passages {settings.max_passages}, keyword_passages "
          f"{settings.keyword_passages}, k_per_source {settings.k_per_source}\n")
    print(split_table(per_part, pairs))
    print(f"\npassages judged per claim, p50 / max: bounded check {np.median(passages):.0f} / {max(passages)}; "
          f"the per-source search the check used before: {np.median(before):.0f} / {max(before)}")
    short, full = (verifier.check(claims[0], sources=chosen, all_sources=every) for every in (False, True))
    print(f"report JSON of one claim: {len(short.model_dump_json()):,} bytes, {len(short.sources)} sources listed, "
          f"{short.sources_without_evidence:,} without evidence; with every source checked listed (all_sources): "
          f"{len(full.model_dump_json()):,} bytes, {len(full.sources):,} listed")
    return 0


def per_source_hits(index: ClaimIndex, queries: np.ndarray, k_per_source: int, chosen: set[str] | None):
    """The per-source search a check used before issue 12: each candidate source's ``k_per_source`` nearest
    sentences, or (a filter) each chosen source's, scored exactly."""
    if chosen is None:
        return index.search_batch(queries, k_per_source=k_per_source)
    rows = index.rows
    every = list(range(len(queries)))
    return score_sources(rows.block, rows.ranges, list(rows.source_ids), as_queries(queries, index.dim),
                         {rows.source_ids[s]: every for s in chosen}, k_per_source)


def spread_sources(source_ids: list[str], count: int) -> set[str]:
    """``count`` source ids spread evenly over the index order (every n-th), as a filter a user might choose."""
    step = max(1, len(source_ids) // count)
    return set(source_ids[::step][:count])


def draft_seconds(verifier: Verifier, claims: list[str], args: argparse.Namespace, n: int = 30) -> None:
    """A 30-sentence draft: one check per sentence (baseline) vs ``check_many``'s batches, and the fast judge."""
    draft = (claims * (n // len(claims) + 1))[:n]
    rows, base = [], None
    fast = Verifier(verifier.index, Settings.from_env(verifier_path=args.model, backend="onnx", quantize=True,
                                                      judge_cache_pairs=0), embedder=verifier.embedder)
    fast.check(draft[0])  # loads (and on first use exports) the ONNX judge
    one_way = Verifier(verifier.index, verifier.settings.model_copy(update={"recheck_contradictions": False}),
                       embedder=verifier.embedder, judge=verifier.nli)
    for name, run_draft in (("one check per sentence (baseline)", lambda: [verifier.check(c) for c in draft]),
                            ("check_many (batches of 8)", lambda: verifier.check_many(draft)),
                            ("check_many, contradictions not re-read", lambda: one_way.check_many(draft)),
                            ("check_many, onnx int8 judge", lambda: fast.check_many(draft))):
        start = time.perf_counter()
        run_draft()
        took = time.perf_counter() - start
        base = base or took
        rows.append([name, f"{took:.1f}", f"{base / took:.2f}x"])
    # the edit-and-re-check loop: the judge's memory of readings (verify.judge.cache) answers the unchanged sentences
    memory = CachedJudge(verifier.nli, 20_000)
    again = Verifier(verifier.index, verifier.settings, embedder=verifier.embedder, judge=memory)
    again.check_many(draft)  # the draft as first checked (untimed): its readings are kept
    edited, before = list(draft), memory.misses
    edited[0] = f"{draft[0].rstrip('.')} last year."  # the first sentence edited
    start = time.perf_counter()
    again.check_many(edited)
    took = time.perf_counter() - start
    rows.append([f"check_many again, sentence 1 edited (judge memory; {memory.misses - before} pairs judged)",
                 f"{took:.1f}", f"{base / took:.2f}x"])
    print(f"\n{n}-sentence draft (the dev claims repeated)\n")
    print(table(["mode", "seconds", "speed-up"], rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/bench_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index directory. Defaults to a fresh index of --corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus to index. Defaults to data/corpus")
    parser.add_argument("--claims", type=Path, help=".jsonl with a 'claim' field, or one claim a line")
    parser.add_argument("--model", type=Path,
                        help="verifier model dir. Defaults to CROSSCHECK_VERIFIER or models/verifier")
    parser.add_argument("--no-draft", action="store_true", help="skip the 30-sentence draft timings")
    parser.add_argument("--judge-variants", type=lambda v: v.split(","), metavar="A,B",
                        help=f"time these judges taking turns claim by claim (of {', '.join(JUDGE_VARIANTS)}), "
                        "e.g. torch,onnx-int8; then each one's 30-sentence draft")
    parser.add_argument("--synthetic", type=int, metavar="N", help="check at scale: a synthetic corpus of about "
                        "N sentences and the stand-in encoder (see the module docstring)")
    parser.add_argument("--count", type=int, default=50, help="with --synthetic: claims to check. Defaults to 50")
    parser.add_argument("--real-judge", action="store_true", help="with --synthetic: the trained judge")
    parser.add_argument("--sources", type=int, metavar="K", help="with --synthetic: check against K of the "
                        "sources only (every n-th in index order), as a user's filter does")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-store",
                        help="with --synthetic: where the corpus and index are kept. Defaults to var/bench-store")
    args = parser.parse_args(argv)
    unknown = [v for v in args.judge_variants or [] if v not in JUDGE_VARIANTS]
    if unknown:
        parser.error(f"unknown judge variant {unknown[0]!r}; expected some of {', '.join(JUDGE_VARIANTS)}")
    if args.sources is not None and args.sources < 1:
        parser.error(f"--sources must be at least 1, got {args.sources}")
    try:
        if args.synthetic is not None:
            return run_synthetic(args)
        chosen = run_variants if args.judge_variants else run
        if args.index is not None:
            return chosen(args, args.index)
        with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
            build_index(args.corpus, Path(tmp) / "index", SentenceTransformerEmbedder())
            return chosen(args, Path(tmp) / "index")
    except CrosscheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
