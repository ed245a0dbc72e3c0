"""The rows nearest a query among some sources only (a filter the user chose), read in proportion to the candidates.

A check limited to chosen sources wants what an unfiltered check gets from ``nearest``: the
``n`` rows nearest the query, here among the chosen sources' rows. With ``R`` chosen rows of
``N`` in all, whichever way reads fewer vectors:

* **few chosen rows** (``R`` at most the over-fetch below): each chosen row is scored exactly;
* **many**: the global top ``M`` (``M = OVERFETCH * n * N / R``, twice the rows in which the
  chosen share holds ``n``), filtered to the chosen rows. The chosen rows among the global top
  ``M`` are the chosen rows nearest the query, down to the ``M``-th global similarity, so the
  answer is the same as scoring every chosen row (up to the ANN's approximation, as for
  ``nearest``) once ``n`` of them are there, or once the ``M``-th similarity is below ``floor``
  (no row left out could be used). Otherwise ``M`` grows ``GROWTH``-fold, until scoring the
  chosen rows exactly reads fewer vectors, or the search holds no more rows.

So a query reads about ``min(R, 2nN/R)`` vectors (at most ``sqrt(2nN)``: 7,200 of 100,000 rows
for ``n`` 256) in the common case, never every chosen source's rows one source at a time.
Similarities are computed row by row, as ``ann.rerank`` does, so a row's figure is the one
``nearest`` gives it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from index.models import Hit

__all__ = ["GROWTH", "OVERFETCH", "nearest_among"]

OVERFETCH = 2
"""The global search asks for this many times the rows in which the chosen share would hold ``n``."""
GROWTH = 4
"""How much the global search widens when its chosen rows fall short (the chosen sources lie farther away)."""

TopRows = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]
"""``top(queries, m)``: ``(similarities, rows)``, each ``(q, m)``, best first, -inf / -1 padded."""
RowVectors = Callable[[np.ndarray], np.ndarray]
"""``vectors(rows)``: float32 stored vectors of these rows, ``(len(rows), dim)``."""


def _exact(stored: np.ndarray, rows: np.ndarray, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` best of ``rows`` (their vectors ``stored``) for ``query``, scored row by row (as
    ``ann.rerank``): ``(similarities, rows)``, ties by row."""
    sims = np.multiply(stored, query).sum(axis=1, dtype=np.float32)
    order = np.lexsort((rows, -sims))[:n]
    return sims[order], rows[order]


def nearest_among(top: TopRows, vectors: RowVectors, ranges: Sequence[tuple[int, int]], source_ids: Sequence[str],
                  total: int, queries: np.ndarray, n: int, floor: float = -math.inf) -> list[list[Hit]]:
    """The ``n`` rows nearest each query among the rows in ``ranges`` (see the module docstring).

    Args:
        top: The index's global top-``m`` search.
        vectors: The index's stored vectors of dense rows.
        ranges: ``(start, end)`` rows of each chosen source, disjoint, in row order.
        source_ids: Id of each chosen source, aligned with ``ranges``.
        total: Rows in the index.
        queries: ``(q, dim)`` float32 unit vectors.
        n: Hits per query (fewer when the chosen sources hold fewer rows).
        floor: Rows below this similarity are not needed (a check never judges them). Defaults to
            none: the ``n`` nearest in any case.

    Returns:
        One list per query, highest similarity first (ties by row), at most ``n`` hits; rows
        below ``floor`` may be missing.
    """
    starts = np.array([s for s, _ in ranges], dtype=np.int64)
    lengths = np.array([e - s for s, e in ranges], dtype=np.int64)
    chosen = int(lengths.sum())
    results: list[list[Hit]] = [[] for _ in range(len(queries))]
    if not chosen or not len(queries) or n < 1:
        return results
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    ends = starts + lengths

    def hits(sims: np.ndarray, rows: np.ndarray) -> list[Hit]:
        which = np.searchsorted(starts, rows, side="right") - 1
        return [Hit(sentence=int(r), source_id=source_ids[w], similarity=float(s))
                for s, r, w in zip(sims, rows, which)]

    exact: list[int] = []
    pending = list(range(len(queries)))
    m = min(total, math.ceil(OVERFETCH * n * total / chosen))
    while pending:
        if m >= chosen:  # the chosen rows are fewer than the global search would read: score them all
            exact += pending
            break
        sims, rows = top(queries[pending], m)
        short = []
        for q, q_sims, q_rows in zip(pending, sims, rows):
            valid = q_rows >= 0
            which = np.searchsorted(starts, q_rows, side="right") - 1
            keep = valid & (which >= 0) & (q_rows < ends[np.maximum(which, 0)])
            full = int(valid.sum()) == m
            if keep.sum() >= n or (full and q_sims[m - 1] < floor):
                results[q] = hits(q_sims[keep][:n], q_rows[keep][:n])
            elif full:
                short.append(q)  # the chosen sources lie farther from this query: widen
            else:
                exact.append(q)  # the search holds no more rows (an ANN reaches only some): score the rest
        pending, m = short, min(total, m * GROWTH)
    if exact:
        every = np.repeat(starts - offsets[:-1], lengths) + np.arange(chosen, dtype=np.int64)
        stored = vectors(every)
        for q in exact:
            results[q] = hits(*_exact(stored, every, queries[q], n))
    return results
