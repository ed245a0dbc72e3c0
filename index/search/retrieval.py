"""Global similarity search and keyword search over an open index's segments.

Similarity: the ANN file (when the index has one) proposes candidates from the
segments it covers, which are re-scored exactly; segments added since it was built
are searched exactly. Rows of removed documents are dropped. Keyword search runs
each segment's FTS5 table and merges by BM25 score (each segment scores with its own
term statistics, so scores across segments are close, not identical, to one table's).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import faiss
import numpy as np

from index.models import KeywordHit
from index.search.ann import exact_top, rerank

if TYPE_CHECKING:
    from index.models import Manifest
    from index.store.rows import Rows

__all__ = ["Retrieval"]

_WORD = re.compile(r"\w+")
_IN_CHUNK = 900
_ANN_EXTRA = 32
COMMON_SHARE = 0.002
"""Share of a segment's rows above which a query word is too common to search for (1 in 500 rows)."""
_MIN_CAP = 200
_KEEP_COMMON = 2
_MAX_TERMS = 8


def _match(segment, words: list[str]) -> str:
    """An FTS5 query for the rarest of ``words`` in this segment ("" when none occurs).

    A word in more than ``COMMON_SHARE`` of the rows ("the", "said") ranks little under
    BM25 but makes the query score much of the table: it is dropped unless every word is
    that common (then the ``_KEEP_COMMON`` rarest stay); at most ``_MAX_TERMS`` words are
    kept, rarest first, so the work per query stays bounded as the corpus grows.
    """
    counts = {}
    for word in words:
        found = segment.query("SELECT doc FROM df WHERE term = ?", (word,))
        counts[word] = found[0][0] if found else 0
    cap = max(_MIN_CAP, COMMON_SHARE * segment.info.sentences)
    kept = sorted((w for w in words if 0 < counts[w] <= cap), key=lambda w: counts[w])[:_MAX_TERMS]
    if not kept:
        kept = sorted((w for w in words if counts[w]), key=lambda w: counts[w])[:_KEEP_COMMON]
    return " OR ".join(f'"{w}"' for w in kept)


class Retrieval:
    """Search over an index's rows; rows are the index's dense row numbers.

    Exposes ``d``, ``ntotal``, ``search`` and ``reconstruct_n`` like a faiss index, so
    ``per_source_search`` takes it as it takes a flat faiss index.

    Args:
        index: The rows of the open index.
        manifest: Its manifest.
        ann: Its approximate index, or None.
    """

    def __init__(self, index: Rows, manifest: Manifest, ann: faiss.Index | None) -> None:
        self._index, self._ann = index, ann
        covered = set(manifest.ann.segments) if manifest.ann else set()
        live = np.bincount(
            np.searchsorted([s.info.base for s in index.segments], index.physical_rows(
                np.arange(index.sentences)), side="right") - 1,
            minlength=len(index.segments)) if index.segments else np.zeros(0, dtype=np.int64)
        self._dead = [int(s.info.sentences - n) for s, n in zip(index.segments, live)]
        self._exact = [n for n, s in enumerate(index.segments) if s.info.name not in covered]
        self._covered_dead = sum(d for n, d in enumerate(self._dead) if n not in self._exact)

    @property
    def d(self) -> int:
        """Vector dimension."""
        return self._index.dim

    @property
    def ntotal(self) -> int:
        """Live rows."""
        return self._index.sentences

    def reconstruct_n(self, start: int, n: int) -> np.ndarray:
        """float32 vectors of rows ``start..start+n-1``."""
        return self._index.block(start, start + n)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` rows by inner product for each query.

        Returns:
            ``(similarities, rows)``, each ``(len(queries), k)``, best first; -inf / -1 padded.
        """
        index = self._index
        parts_s, parts_r = [], []

        def rescored(physical: np.ndarray) -> None:
            """Candidates (physical ids) re-scored exactly, those of removed documents dropped, one query at a
            time (so a query's figures do not depend on its batch), kept as a part in dense rows."""
            physical = np.where(index.dense_rows(physical) >= 0, physical, -1)
            sims, physical = rerank(physical, queries, index.vectors_at, k)
            parts_s.append(sims)
            parts_r.append(index.dense_rows(physical))

        if self._ann is not None and self._ann.ntotal:
            rescored(self._ann.search(queries, min(self._ann.ntotal, 2 * k + _ANN_EXTRA + self._covered_dead))[1])
        if self._exact:
            segments = [index.segments[n] for n in self._exact]
            extra = sum(self._dead[n] for n in self._exact)
            total = sum(len(s.vectors) for s in segments)
            _, local = exact_top([s.vectors for s in segments], queries, min(total, k + extra))
            offsets = np.cumsum([0, *[len(s.vectors) for s in segments]])
            which = np.clip(np.searchsorted(offsets, local, side="right") - 1, 0, len(segments) - 1)
            bases = np.array([s.info.base for s in segments], dtype=np.int64)
            rescored(np.where(local >= 0, bases[which] + local - offsets[which], -1))
        if not parts_s:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        sims, rows = np.concatenate(parts_s, axis=1), np.concatenate(parts_r, axis=1)
        sims = np.where(rows >= 0, sims, -np.inf)
        order = np.lexsort((rows, -sims), axis=1)[:, :k] if sims.shape[1] else np.zeros((len(queries), 0), int)
        sims, rows = np.take_along_axis(sims, order, axis=1), np.take_along_axis(rows, order, axis=1)
        rows = np.where(np.isfinite(sims), rows, -1)
        if rows.shape[1] < k:
            pad = k - rows.shape[1]
            sims = np.pad(sims, ((0, 0), (0, pad)), constant_values=-np.inf)
            rows = np.pad(rows, ((0, 0), (0, pad)), constant_values=-1)
        return sims, rows

    def keywords(self, query: str, k: int, sources: set[str] | None) -> list[KeywordHit]:
        """Sentences matching any word of ``query``, best BM25 first (see ``ClaimIndex.keyword_search``)."""
        words = list(dict.fromkeys(_WORD.findall(query.lower())))
        if not words or k < 1:
            return []
        index = self._index
        chunks: list[list[str] | None] = [None] if sources is None else [
            list(sources)[i:i + _IN_CHUNK] for i in range(0, len(sources), _IN_CHUNK)]
        found: list[tuple[float, int]] = []
        for number, segment in enumerate(index.segments):
            match = _match(segment, words)
            if not match:
                continue
            for chunk in chunks:
                # the sentences table is joined only to filter by source: a join for every match cost a
                # third of an unfiltered search (1M sentences: 9 -> 6 ms CPU a query, the same rows)
                sql = ("SELECT rowid, bm25(fts) FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?" if chunk is None
                       else "SELECT s.row, bm25(fts) FROM fts JOIN sentences s ON s.row = fts.rowid WHERE fts MATCH ? "
                       f"AND s.source_id IN ({','.join('?' * len(chunk))}) ORDER BY bm25(fts) LIMIT ?")
                rows = segment.query(sql, (match, *(chunk or []), k + self._dead[number]))
                if not rows:
                    continue
                local = np.array([r for r, _ in rows], dtype=np.int64)
                dense = index.dense_rows(local + segment.info.base)
                found += [(-score, int(row)) for (_, score), row in zip(rows, dense) if row >= 0]
        found.sort(key=lambda f: (-f[0], f[1]))
        return [KeywordHit(sentence=row, source_id=index.source_of(row), score=round(score, 6))
                for score, row in found[:k]]

    def table(self, name: str) -> frozenset[str] | None:
        """Union of the terms of table ``name`` over the live documents (see ``ClaimIndex.table``)."""
        segments = self._index.segments
        if not segments or any(name not in s.info.tables for s in segments):
            return None
        terms: set[str] = set()
        for segment in segments:
            removed = set(segment.info.removed)
            terms.update(term for ordinal, term in segment.query(
                "SELECT ordinal, term FROM terms WHERE tbl = ?", (name,)) if ordinal not in removed)
        return frozenset(terms)
