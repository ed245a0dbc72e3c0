"""Per-source nearest-sentence search over an inner-product index.

Every candidate source gets its own top-k, so a long article cannot crowd a short
one out of the results. A global search first picks the candidate sources; then
each source's contiguous row range is scored exactly on its own (its vectors are
read with ``reconstruct_n``: a slice of the memory-mapped vectors in a ``ClaimIndex``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from index.models import Hit

__all__ = ["as_queries", "per_source_search", "score_sources"]


def as_queries(queries: np.ndarray, dim: int) -> np.ndarray:
    """``queries`` as a contiguous float32 ``(n, dim)`` array; raises ValueError for another shape."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if queries.ndim != 2 or queries.shape[1] != dim:
        raise ValueError(f"queries must have shape (n, {dim}), got {queries.shape}")
    return queries


def per_source_search(
    index: Any,
    ranges: Sequence[tuple[int, int]],
    source_ids: Sequence[str],
    queries: np.ndarray,
    k_per_source: int,
    candidate_pool: int = 256,
) -> list[list[Hit]]:
    """Find each candidate source's ``k_per_source`` nearest sentences for each query.

    Args:
        index: Inner-product index whose ids are row numbers 0..ntotal-1: a faiss flat
            index, or anything with ``d``, ``ntotal``, ``search(queries, k)`` and
            ``reconstruct_n(start, n)``.
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
    queries = as_queries(queries, index.d)
    if index.ntotal == 0 or len(queries) == 0:
        return [[] for _ in range(len(queries))]
    # source -> the queries for which it is a candidate, so each source is searched once
    askers: dict[int, list[int]] = {}
    starts = np.array([start for start, _ in ranges])
    _, rows = index.search(queries, min(candidate_pool, index.ntotal))
    for q, found in enumerate(rows):
        for source in dict.fromkeys(np.searchsorted(starts, found[found >= 0], side="right") - 1):
            askers.setdefault(int(source), []).append(q)
    return score_sources(lambda start, end: index.reconstruct_n(start, end - start), ranges, source_ids,
                         queries, askers, k_per_source)


def score_sources(
    block: Callable[[int, int], np.ndarray],
    ranges: Sequence[tuple[int, int]],
    source_ids: Sequence[str],
    queries: np.ndarray,
    askers: Mapping[int, Sequence[int]],
    k_per_source: int,
) -> list[list[Hit]]:
    """Score the chosen sources exactly: each source's ``k_per_source`` nearest rows for the queries that ask.

    Args:
        block: ``block(start, end)`` gives the float32 vectors of rows ``start..end-1``.
        ranges: ``(start, end)`` row range of each source.
        source_ids: Id of each source, aligned with ``ranges``.
        queries: ``(n, dim)`` float32 unit vectors.
        askers: Source number -> the queries (positions in ``queries``) that search it.
        k_per_source: Sentences per source (fewer when a source is shorter).

    Returns:
        For each query, its hits sorted by similarity (highest first), ties by row.
    """
    results: list[list[Hit]] = [[] for _ in range(len(queries))]
    for source, qs in askers.items():
        start, end = ranges[source]
        rows = block(start, end)
        for q in qs:
            q_sims = rows @ queries[q]  # one query at a time: the same figures alone or in a batch
            q_order = np.argsort(-q_sims, kind="stable")[:k_per_source]
            results[q].extend(
                Hit(sentence=start + int(j), source_id=source_ids[source], similarity=float(q_sims[j]))
                for j in q_order
            )
    for hits in results:
        hits.sort(key=lambda h: (-h.similarity, h.sentence))
    return results
