"""The verification facade: claim -> retrieval per source -> judge -> report."""

from __future__ import annotations

import functools
import gc
import logging
import threading
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import numpy as np

from index.embed import Embedder, SentenceTransformerEmbedder
from index.store.claim_index import ClaimIndex
from index.store.text_tables import NAMES
from verify.errors import ModelError
from verify.evidence.detectors import detect
from verify.evidence.harmonise import judged
from verify.evidence.names import NameSet, known_names
from verify.evidence.stored import PassageRecords
from verify.evidence.surface import TrueCase
from verify.evidence.text import starts_dependent
from verify.inputs import as_statement, validate_claim
from verify.judge.backends import Judge, NLIJudge
from verify.judge.cache import CachedJudge
from verify.judge.context_gate import ContextGate, load_context_gate, window_features
from verify.judge.readings import predict_readings_split, predict_reported, readings
from verify.models import Judgement, Report
from verify.scoring.aggregate import combine, label_of, unread_neutral
from verify.scoring.assemble import assemble_report, detect_hits, iso_date, neighbours, probabilities
from verify.scoring.candidates import select_candidates
from verify.scoring.confidence import Calibration, load_confidence_map
from verify.scoring.reasons import passage_reasons
from verify.settings import Settings

LOG = logging.getLogger(__name__)
CHECK_BATCH = 8
"""Claims ``check_many`` embeds and judges together (progress is reported per batch)."""
UNREAD = np.array([0.0, 0.0, 1.0])
"""The reading a passage gets when the gates make it neutral whatever the judge says (it is not judged)."""


class Verifier:
    """Checks claims against one claim index.

    Args:
        index: a loaded :class:`index.store.claim_index.ClaimIndex`.
        settings: retrieval/judging knobs. Defaults to ``Settings.from_env()``.
        embedder: query embedder; defaults to the one the index was built with.
        judge: NLI judge; defaults to :class:`NLIJudge` on ``settings.verifier_path``.
    """

    def __init__(self, index: ClaimIndex, settings: Settings | None = None,
                 embedder: Embedder | None = None, judge: Judge | None = None):
        self.index = index
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or SentenceTransformerEmbedder(self.settings.embedding_model)
        self._judge = judge
        self._names: NameSet | None = None
        self._true_case = TrueCase(lambda word: [  # a word's first mentions (see TrueCase)
            self.index.sentences[h.sentence].text
            for h in self.index.keyword_search(word, self.settings.evidence.name_mentions_read)], self.settings.evidence)
        self._confidence_map: Calibration | None = None
        self._context_gate: ContextGate | None = None
        self._passage_records: PassageRecords | None = None
        self._lock = threading.RLock()

    @property
    def names(self) -> NameSet:
        """Words the corpus writes capitalised mid-sentence: what counts as a name.

        Read from the index's ``names`` table (see ``index.store.text_tables``); an index built
        without it is read document by document, as before. A :class:`NameSet`, so that a
        claim's own names join it without copying it.
        """
        if self._names is None:
            stored = self.index.table(NAMES)  # built with the index, one entry per document
            if stored is None:
                LOG.info("index has no stored name list (built before it was kept, or partly); reading every "
                         "document's text for it: build the index into a fresh folder to store it")
                stored = known_names(d.text for d in self.index.documents.values())
            self._names = NameSet(frozenset(stored))
        return self._names

    @property
    def passage_records(self) -> PassageRecords:
        """The index's stored passage analyses (``python -m verify analyse``), read a batch at a time."""
        if self._passage_records is None:
            self._passage_records = PassageRecords(self.index.path, self.settings.evidence)
        return self._passage_records

    @property
    def confidence_map(self) -> Calibration:
        """The fitted map of a source's stance features to the confidence shown (identity when none is configured)."""
        if self._confidence_map is None:
            self._confidence_map = load_confidence_map(self.settings.stance_calibration)
        return self._confidence_map

    def context_wanted(self, items: list[tuple[list[str], str]], windows: list[str | None],
                       similarity: list[float]):
        """The mask of the context windows to judge (``Settings.context_gate``), as a function of the
        sentences' own readings; None when the gate is off (every undecided window is judged).

        Raises:
            ModelError: the gate is on and its file cannot be read.
        """
        threshold = self.settings.context_gate
        if threshold is None:
            return None
        if self._context_gate is None:
            self._context_gate = load_context_gate(self.settings.context_gate_path)
        gate = self._context_gate
        claims, sentences = [claim for _, claim in items], [texts[0] for texts, _ in items]
        return lambda alone: gate.chance(window_features(claims, sentences, windows, np.asarray(similarity),
                                                         alone)) >= threshold

    @classmethod
    def from_index(cls, index_dir: Path | str, settings: Settings | None = None,
                   embedder: Embedder | None = None, judge: Judge | None = None) -> Verifier:
        """Load the index in ``index_dir`` (checked for staleness) and wrap it.

        Raises:
            IndexStoreError / StaleIndexError: the index is missing, corrupt, foreign or stale.
        """
        settings = settings or Settings.from_env()
        embedder = embedder or SentenceTransformerEmbedder(settings.embedding_model)
        index = ClaimIndex.load(Path(index_dir), corpus_check=True, embedder_name=embedder.name)
        return cls(index, settings, embedder, judge)

    @property
    def nli(self) -> Judge:
        """The NLI judge (created on first use; safe when several app sessions share the verifier)."""
        with self._lock:
            if self._judge is None:
                self._judge = cached(nli_judge(self.settings), self.settings)
            return self._judge

    # -- judging free pairs -------------------------------------------------------------
    def judge(self, claim: str, passages: list[str]) -> list[Judgement]:
        """The verifier's reading (NLI + detectors) of ``claim`` against each passage."""
        claim = validate_claim(claim)
        return judge_pairs(self.nli, [(claim, p) for p in passages], self.settings)

    # -- checking against the index -----------------------------------------------------
    def check(self, claim: str, sources: Collection[str] | None = None, all_sources: bool = False) -> Report:
        """Check one claim against the index (or only ``sources``): see ``check_many``."""
        return self.check_many([claim], sources=sources, all_sources=all_sources)[0]

    def check_many(self, claims: list[str], progress: Callable[[int, int], None] | None = None,
                   sources: Collection[str] | None = None, all_sources: bool = False) -> list[Report]:
        """Check several claims, in batches of :data:`CHECK_BATCH`.

        Each batch embeds its claims in one call and judges all their passages in one
        NLI call, so a 30-sentence draft costs a few model calls, not 30 of each; the
        reports are those ``check`` gives for each claim alone. Each claim's judged
        passages are a bounded choice (see :mod:`verify.scoring.candidates`): the judge's
        work per claim does not grow with the corpus.

        Args:
            claims: The claims; all are validated before any model runs.
            progress: Called as ``progress(done, total)`` after each batch. Defaults to None.
            sources: Check against these source ids only (a filter by source, publisher or date the user
                chose). Each is listed when at most ``settings.list_chosen`` were chosen; of more, the
                reports list those with a judged passage and count the others, as for every source.
                Defaults to None: all sources.
            all_sources: List every source checked in the reports, those without a judged passage
                too. Defaults to False: those are only counted (``Report.sources_without_evidence``).

        Returns:
            One report per claim, in order.

        Raises:
            InvalidClaimError: A claim is empty or too long (nothing is checked).
        """
        reports: list[Report] = []
        for batch in self.iter_reports(claims, sources, all_sources):
            reports.extend(batch)
            if progress:
                progress(len(reports), len(claims))
        return reports

    def iter_reports(self, claims: list[str], sources: Collection[str] | None = None,
                     all_sources: bool = False) -> Iterator[list[Report]]:
        """``check_many`` one batch at a time, for a caller that shows each batch's reports as they finish.

        Args:
            claims: The claims; all are validated before the first batch runs.
            sources: As in ``check_many``. Defaults to None: all sources.
            all_sources: As in ``check_many``. Defaults to False.

        Yields:
            The reports of each batch of :data:`CHECK_BATCH` claims, in order.

        Raises:
            InvalidClaimError: A claim is empty or too long (nothing is checked).
        """
        claims = [validate_claim(c) for c in claims]
        for start in range(0, len(claims), CHECK_BATCH):
            yield self._check_batch(claims[start:start + CHECK_BATCH], sources, all_sources)

    def _check_batch(self, typed: list[str], sources: Collection[str] | None, all_sources: bool) -> list[Report]:
        s = self.settings
        # read alike whatever closes them and, when their letter case says nothing, with the corpus's
        # capitals ("kim jong il never visited russia"); reported as typed
        claims = [self._true_case(as_statement(c), self.names) for c in typed]
        queries = np.asarray(self.embedder.embed(list(claims)), dtype=np.float32)
        hit_lists = select_candidates(self.index, claims, queries, s, sources)
        sentences = self.index.sentences
        items, windows, contexts, passages = [], [], [], []
        for claim, hits in zip(claims, hit_lists):
            for h in hits:
                sent = sentences[h.sentence]
                premise = sent.text
                context = self.index.context(h.sentence)
                contexts.append(context)  # the report's detectors read it too
                if starts_dependent(sent.text):
                    # judge "He said ..." together with the sentence that says who he is
                    at = context.find(sent.text)
                    premise = context[: at + len(sent.text)] if at >= 0 else sent.text
                # the claim in plain form, with the dates/numbers this passage confirms in its own words
                anchor = iso_date(self.index.summary(sent.source_id).date)
                items.append((readings(premise), judged(claim, premise, anchor)))
                passages += [(text, anchor) for text in (sent.text, *neighbours(context, sent.text))]
                windows.append(context if s.judge_context else None)  # a fact split over two sentences
        self.passage_records.load(passages)  # the detectors' analyses of them and their neighbours (index time)
        found, used = [], 0
        for claim, hits in zip(claims, hit_lists):
            found.append(detect_hits(self.index, claim, hits, self.names, s, contexts[used:used + len(hits)]))
            used += len(hits)
        # a passage the gates make neutral whatever the judge says is not judged (exact: same report)
        read = [i for i, f in enumerate(f for fs in found for f in fs) if not unread_neutral(f, s.scoring)]
        similarity = [h.similarity for hits in hit_lists for h in hits]
        wanted = self.context_wanted([items[i] for i in read], [windows[i] for i in read], [similarity[i] for i in read])
        probs, own = np.tile(UNREAD, (len(items), 1)), np.tile(UNREAD, (len(items), 1))
        if read:
            probs[read], own[read] = predict_readings_split(
                self.nli, [items[i] for i in read], [windows[i] for i in read], recheck=s.recheck_contradictions,
                context_wanted=wanted)
        reports, used = [], 0
        for claim, as_typed, hits, detections in zip(claims, typed, hit_lists, found):
            reports.append(assemble_report(
                self.index, claim, hits, probs[used:used + len(hits)], own[used:used + len(hits)], settings=s,
                detections=detections, confidence_map=self.confidence_map, sources=sources, all_sources=all_sources,
                contexts=contexts[used:used + len(hits)], names=self.names).model_copy(update={"claim": as_typed}))
            used += len(hits)
        if items:  # the models, the names and the index's tables are loaded now
            settle_heap()
        return reports


@functools.cache
def settle_heap() -> None:
    """Leave what is loaded by now (modules, models, the index's tables) out of later garbage
    collections; once a process, at its first check that judged a passage.

    A full collection walks every object the collector tracks, and the process holds ~180,000
    once torch is imported: one full collection took 110-120 ms of CPU on this 2-core machine
    (README, "A check whose cost does not grow with the corpus"). Those objects live as long as
    the process; only each check's own need collecting. Garbage already there is collected
    first. Once, not once a verifier: a frozen object is never collected, so an index that a
    later one replaces (the app after a rebuild) would stay in memory; this way at most the
    first one does.
    """
    gc.collect()
    gc.freeze()


def nli_judge(settings: Settings) -> NLIJudge:
    """The NLI judge ``settings`` name (its weights load on first use).

    Raises:
        ModelError: There is no model at ``settings.verifier_path``.
    """
    path = settings.verifier_path
    if not Path(path).exists():
        raise ModelError(f"no verifier model at {path}; set CROSSCHECK_VERIFIER or --model")
    return NLIJudge(path, batch_size=settings.batch_size, threads=settings.threads, quantize=settings.quantize,
                    backend=settings.backend, scheme=settings.quantize_scheme, onnx_cache=settings.onnx_cache)


def cached(judge: Judge, settings: Settings) -> Judge:
    """``judge`` with a memory of ``settings.judge_cache_pairs`` readings (itself when that is 0)."""
    return CachedJudge(judge, settings.judge_cache_pairs) if settings.judge_cache_pairs else judge


def judge_pairs(judge: Judge, pairs: list[tuple[str, str]], settings: Settings | None = None) -> list[Judgement]:
    """Judge ``(claim, passage)`` pairs with the NLI model and the detectors (their thresholds from
    ``settings.evidence`` / ``settings.scoring``; defaults when None)."""
    settings = settings or Settings()
    probs = predict_reported(judge, [(passage, judged(claim, passage)) for claim, passage in pairs])
    out = []
    for (claim, passage), p in zip(pairs, probs):
        # no read_same_event: a bare pair's evidence (often several sentences) may hold the support elsewhere
        found = detect(claim, passage, settings=settings.evidence)
        adjusted = combine(p, found, settings.scoring)
        label = label_of(adjusted)
        out.append(Judgement(label=label, probabilities=probabilities(adjusted),
                             reasons=passage_reasons(label, p, found, settings.scoring)))
    return out
