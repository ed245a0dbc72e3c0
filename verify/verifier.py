"""The verification facade: claim -> retrieval per source -> judge -> report."""

from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from index.embed import Embedder, SentenceTransformerEmbedder
from index.models import Hit
from index.store import ClaimIndex
from verify.errors import InvalidClaimError, ModelError
from verify.evidence.detectors import context_modality, detect
from verify.evidence.harmonise import harmonise
from verify.evidence.names import known_names
from verify.evidence.text import starts_dependent
from verify.judge.backends import Judge, NLIJudge
from verify.judge.readings import predict_readings_split, predict_reported, readings
from verify.models import Judgement, Passage, Probabilities, Report, SourceVerdict
from verify.scoring.aggregate import (
    ConfidenceMap,
    combine,
    label_of,
    overall_verdict,
    retrieval_gate,
    source_stance,
)
from verify.scoring.independence import group_sources, independent_stances
from verify.settings import Settings

LOG = logging.getLogger(__name__)
MAX_CLAIM_CHARS = 2000
CHECK_BATCH = 8
"""Claims ``check_many`` embeds and judges together (progress is reported per batch)."""


def validate_claim(claim: str) -> str:
    """The claim, stripped; raises InvalidClaimError when it cannot be checked."""
    if not isinstance(claim, str) or not claim.strip():
        raise InvalidClaimError("the claim is empty; type a statement to check")
    claim = " ".join(claim.split())
    if len(claim) > MAX_CLAIM_CHARS:
        raise InvalidClaimError(f"the claim is {len(claim)} characters long; check one statement "
                                f"(at most {MAX_CLAIM_CHARS} characters) at a time")
    return claim


def _probabilities(p: np.ndarray) -> Probabilities:
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return Probabilities(supports=round(float(p[0]), 4), contradicts=round(float(p[1]), 4),
                         neutral=round(float(p[2]), 4))


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class _Judged:
    """A retrieved passage as judged: what the report shows and what the source's stance needs."""

    passage: Passage
    probs: np.ndarray
    """Probabilities after the detectors (with the neighbours' reading)."""
    similarity: float
    row: int
    """The sentence's row in the index."""
    alone: np.ndarray
    """Probabilities of the sentence read without its neighbours, after the detectors."""
    anchor: int
    """1: all the claim's dates/numbers confirmed; -1: one contradicted; 0: neither."""
    coverage: float
    """Share of the claim's content words the passage holds."""
    source_id: str


class Verifier:
    """Checks claims against one claim index.

    Args:
        index: a loaded :class:`index.store.ClaimIndex`.
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
        self._names: frozenset[str] | None = None
        self._confidence_map: ConfidenceMap | None = None
        self._lock = threading.RLock()

    @property
    def names(self) -> frozenset[str]:
        """Words the corpus writes capitalised mid-sentence: what counts as a name.

        Read from the index's ``names`` table (see ``index.text_tables``); an index built
        without it is read document by document, as before.
        """
        from index.text_tables import NAMES  # here, not at the top: this property is all this change touches

        if self._names is None:
            stored = self.index.table(NAMES)  # built with the index, one entry per document
            if stored is None:
                LOG.info("index has no stored name list (built before it was kept, or partly); reading every "
                         "document's text for it: build the index into a fresh folder to store it")
                stored = known_names(d.text for d in self.index.documents.values())
            self._names = frozenset(stored)
        return self._names

    @property
    def confidence_map(self) -> ConfidenceMap:
        """The fitted map of source confidence to probability (identity when none is configured)."""
        if self._confidence_map is None:
            self._confidence_map = load_confidence_map(self.settings.stance_calibration)
        return self._confidence_map

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
                self._judge = nli_judge(self.settings)
            return self._judge

    # -- judging free pairs -------------------------------------------------------------
    def judge(self, claim: str, passages: list[str]) -> list[Judgement]:
        """The verifier's reading (NLI + detectors) of ``claim`` against each passage."""
        claim = validate_claim(claim)
        return judge_pairs(self.nli, [(claim, p) for p in passages])

    # -- checking against the index -----------------------------------------------------
    def check(self, claim: str, sources: Collection[str] | None = None) -> Report:
        """Check one claim against every source of the index (or only ``sources``: see ``check_many``)."""
        return self.check_many([claim], sources=sources)[0]

    def check_many(self, claims: list[str], progress: Callable[[int, int], None] | None = None,
                   sources: Collection[str] | None = None) -> list[Report]:
        """Check several claims, in batches of :data:`CHECK_BATCH`.

        Each batch embeds its claims in one call and judges all their passages in one
        NLI call, so a 30-sentence draft costs a few model calls, not 30 of each; the
        reports are those ``check`` gives for each claim alone.

        Args:
            claims: The claims; all are validated before any model runs.
            progress: Called as ``progress(done, total)`` after each batch. Defaults to None.
            sources: Check against these source ids only (a filter by source, publisher or date the user
                chose); every one of them is searched and listed. Defaults to None: all sources.

        Returns:
            One report per claim, in order.

        Raises:
            InvalidClaimError: A claim is empty or too long (nothing is checked).
        """
        claims = [validate_claim(c) for c in claims]
        reports: list[Report] = []
        for start in range(0, len(claims), CHECK_BATCH):
            reports.extend(self._check_batch(claims[start:start + CHECK_BATCH], sources))
            if progress:
                progress(len(reports), len(claims))
        return reports

    def _check_batch(self, claims: list[str], sources: Collection[str] | None = None) -> list[Report]:
        s = self.settings
        queries = self.embedder.embed(list(claims))
        found = self.index.search_batch(np.asarray(queries, dtype=np.float32), k_per_source=s.k_per_source,
                                        sources=None if sources is None else set(sources))
        hit_lists = [[h for h in hits if h.similarity >= s.min_similarity] for hits in found]
        sentences = self.index.sentences
        items, windows = [], []
        for claim, hits in zip(claims, hit_lists):
            for h in hits:
                sent = sentences[h.sentence]
                premise = sent.text
                context = self.index.context(h.sentence)
                if starts_dependent(sent.text):
                    # judge "He said ..." together with the sentence that says who he is
                    at = context.find(sent.text)
                    premise = context[: at + len(sent.text)] if at >= 0 else sent.text
                # the claim with the dates/numbers this passage confirms in its own words
                anchor = _iso_date(self.index.summary(sent.source_id).date)
                items.append((readings(premise), harmonise(claim, premise, anchor) or claim))
                windows.append(context if s.judge_context else None)  # a fact split over two sentences
        probs, own = predict_readings_split(self.nli, items, windows, recheck=s.recheck_contradictions)
        reports, used = [], 0
        for claim, hits in zip(claims, hit_lists):
            reports.append(self._report(claim, hits, probs[used:used + len(hits)], own[used:used + len(hits)],
                                        sources))
            used += len(hits)
        return reports

    def _judged(self, claim: str, hit: Hit, p: np.ndarray, alone: np.ndarray) -> _Judged:
        """One retrieved passage with the detectors' reading of it."""
        sent = self.index.sentences[hit.sentence]
        doc = self.index.summary(sent.source_id)
        # names may sit in a neighbouring sentence ("... in Pyongyang. The ambassador attended ...");
        # a sentence that leans back ("These letters ...") is read with two sentences before it
        context = self.index.context(hit.sentence)
        wider = self.index.context(hit.sentence, 2) if starts_dependent(sent.text) else context
        found = detect(claim, sent.text, wider, anchor=_iso_date(doc.date), names=self.names | known_names([claim]))
        if p[0] > alone[0] + 0.05 and p[0] >= 0.5:  # the neighbours, not the sentence, support it
            planned = context_modality(claim, context)
            if planned and not any(m.kind == "modality" for m in found.mismatches):
                found.mismatches.append(planned)
        adjusted = retrieval_gate(combine(p, found), found)
        passage = Passage(text=sent.text, start=sent.start, end=sent.end, label=label_of(adjusted),
                          probabilities=_probabilities(adjusted), similarity=round(float(hit.similarity), 4),
                          context=context, kind=sent.kind, mismatches=found.mismatches)
        return _Judged(passage=passage, probs=adjusted, similarity=float(hit.similarity), row=hit.sentence,
                       alone=retrieval_gate(combine(alone, found), found),
                       anchor=-1 if found.hard else int(0 < found.claim_slots == found.agreements),
                       coverage=found.alignment, source_id=sent.source_id)

    def _report(self, claim: str, hits: list[Hit], probs: np.ndarray, own: np.ndarray,
                sources: Collection[str] | None = None) -> Report:
        s = self.settings
        by_source: dict[str, list[_Judged]] = defaultdict(list)
        for h, p, alone in zip(hits, probs, own):
            judged = self._judged(claim, h, p, alone)
            by_source[judged.source_id].append(judged)
        verdicts, best_row = [], {}
        # the sources' titles and dates from the in-memory table: a report never reads a document's text
        for doc in self.index.source_summaries():
            source_id = doc.source_id
            if sources is not None and source_id not in sources:
                continue
            items = by_source.get(source_id, [])
            about = {"source_id": source_id, "title": doc.title, "publisher": doc.publisher, "date": doc.date,
                     "url": doc.url}
            if not items:
                verdicts.append(SourceVerdict(**about, stance="none", confidence=round(self.confidence_map(1.0), 4),
                                              passages=[]))
                continue
            result = source_stance(np.array([j.probs for j in items]), np.array([j.similarity for j in items]),
                                   s.stance_threshold, standalone=np.array([j.alone for j in items]),
                                   anchors=np.array([j.anchor for j in items]),
                                   coverage=np.array([j.coverage for j in items]))
            shown = [items[i].passage for i in result.order[: s.passages_shown]]
            if result.order:
                best_row[source_id] = items[result.order[0]].row
            confidence = self.confidence_map(result.confidence)
            verdicts.append(SourceVerdict(**about, stance=result.stance, confidence=round(confidence, 4),
                                          passages=shown))
        rank = {"supports": 0, "contradicts": 0, "mixed": 0, "none": 1}
        verdicts.sort(key=lambda v: (rank[v.stance], -v.confidence if v.stance != "none" else 0,
                                     -(v.passages[0].similarity if v.passages else -1)))
        # Wire copies of one story are one origin: group them, and count each group once.
        sided = [v for v in verdicts if v.stance != "none" and v.source_id in best_row]
        vectors = np.array([self.index.vector(best_row[v.source_id]) for v in sided]) if sided else None
        groups = group_sources([(v.source_id, v.passages[0].text) for v in sided], vectors)
        group_of = {source_id: n for n, members in enumerate(groups) for source_id in members}
        verdicts = [v.model_copy(update={"group": group_of.get(v.source_id)}) for v in verdicts]
        verdict, confidence = overall_verdict(independent_stances(verdicts, groups))
        confidence = min(confidence, self.confidence_map.ceiling)  # sources agreeing: still no certainty
        return Report(claim=claim, verdict=verdict, confidence=round(confidence, 4), sources=verdicts,
                      groups=groups)


def load_confidence_map(path: Path | None) -> ConfidenceMap:
    """The Platt map in ``path`` (written by ``python -m verify.training.calibrate --stance``); the
    identity when ``path`` is None or missing.

    Raises:
        ModelError: the file exists but is not a calibration file.
    """
    if path is None or not Path(path).exists():
        return ConfidenceMap()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return ConfidenceMap(float(data["a"]), float(data["b"]), float(data.get("ceiling", 1.0)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"cannot read the stance calibration {path}: {exc}") from exc


def nli_judge(settings: Settings) -> NLIJudge:
    """The NLI judge ``settings`` name (its weights load on first use).

    Raises:
        ModelError: There is no model at ``settings.verifier_path``.
    """
    path = settings.verifier_path
    if not Path(path).exists():
        raise ModelError(f"no verifier model at {path}; set CROSSCHECK_VERIFIER or --model")
    return NLIJudge(path, batch_size=settings.batch_size, threads=settings.threads, quantize=settings.quantize,
                    backend=settings.backend)


def judge_pairs(judge: Judge, pairs: list[tuple[str, str]]) -> list[Judgement]:
    """Judge ``(claim, passage)`` pairs with the NLI model and the detectors."""
    probs = predict_reported(judge, [(passage, harmonise(claim, passage) or claim) for claim, passage in pairs])
    out = []
    for (claim, passage), p in zip(pairs, probs):
        adjusted = combine(p, detect(claim, passage))
        out.append(Judgement(label=label_of(adjusted), probabilities=_probabilities(adjusted)))
    return out
