"""Per-source nearest-sentence search over a faiss inner-product index.

Every candidate source gets its own top-k, so a long article cannot crowd a short
one out of the results. A global search first picks the candidate sources; then
each source's contiguous id range is searched on its own with an
``IDSelectorRange`` (faiss restricts a flat search to that range).
"""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

from index.models import Hit

__all__ = ["per_source_search"]


def _as_queries(queries: np.ndarray, dim: int) -> np.ndarray:
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if queries.ndim != 2 or queries.shape[1] != dim:
        raise ValueError(f"queries must have shape (n, {dim}), got {queries.shape}")
    return queries


def per_source_search(
    index: faiss.Index,
    ranges: Sequence[tuple[int, int]],
    source_ids: Sequence[str],
    queries: np.ndarray,
    k_per_source: int,
    candidate_pool: int = 256,
) -> list[list[Hit]]:
    """Find each candidate source's ``k_per_source`` nearest sentences for each query.

    Args:
        index: Inner-product index whose ids are row numbers 0..ntotal-1.
        ranges: ``(start, end)`` row range of each source; ranges are disjoint and
            cover every row.
        source_ids: Id of each source, aligned with ``ranges``.
        queries: ``(n, dim)`` unit vectors.
        k_per_source: Sentences to return per source (fewer when a source is shorter).
        candidate_pool: Rows of the global search whose sources become candidates.
            Defaults to 256.

    Returns:
        For each query, its hits sorted by similarity (highest first), at most
        ``k_per_source`` per source.

    Raises:
        ValueError: ``k_per_source`` or ``candidate_pool`` below 1, or queries of the wrong shape.
    """
    if k_per_source < 1 or candidate_pool < 1:
        raise ValueError(f"k_per_source and candidate_pool must be at least 1, got {k_per_source}, {candidate_pool}")
    queries = _as_queries(queries, index.d)
    results: list[list[Hit]] = [[] for _ in range(len(queries))]
    if index.ntotal == 0 or len(queries) == 0:
        return results
    starts = np.array([start for start, _ in ranges])
    _, rows = index.search(queries, min(candidate_pool, index.ntotal))
    # source -> the queries for which it is a candidate, so each source is searched once
    askers: dict[int, list[int]] = {}
    for q, found in enumerate(rows):
        for source in dict.fromkeys(np.searchsorted(starts, found[found >= 0], side="right") - 1):
            askers.setdefault(int(source), []).append(q)
    for source, qs in askers.items():
        start, end = ranges[source]
        selector = faiss.IDSelectorRange(start, end)
        params = faiss.SearchParameters(sel=selector)
        sims, ids = index.search(queries[qs], min(k_per_source, end - start), params=params)
        for q, q_sims, q_ids in zip(qs, sims, ids):
            results[q].extend(
                Hit(sentence=int(i), source_id=source_ids[source], similarity=float(s))
                for s, i in zip(q_sims, q_ids) if i >= 0
            )
    for hits in results:
        hits.sort(key=lambda h: (-h.similarity, h.sentence))
    return results
