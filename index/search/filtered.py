"""The rows nearest a query among some sources only (a filter the user chose), read in proportion to the candidates.

A check limited to chosen sources wants what an unfiltered check gets from ``nearest``: the
``n`` rows nearest the query, here among the chosen sources' rows. With ``R`` chosen rows in
``G`` runs (adjacent chosen sources read as one run) of ``N`` rows in all, whichever costs less:

* **score the chosen rows exactly**: their vectors read run by run (contiguous slices) and
  multiplied with the query;
* **filter the global search**: the global top ``M`` (``M = OVERFETCH * n * N / R``, twice the
  rows in which the chosen share holds ``n``), kept to the chosen rows. The chosen rows among
  the global top ``M`` are the chosen rows nearest the query down to the ``M``-th global
  similarity, so the answer is the one scoring every chosen row gives (up to the ANN's
  approximation, as for ``nearest``) once ``n`` of them are there, or once the ``M``-th
  similarity is below ``floor`` (no row left out could be used). Otherwise ``M`` grows
  ``GROWTH``-fold, until scoring the chosen rows costs less or the search holds no more rows.

A row of the global search (ANN candidates, re-scored from rows read one by one) costs about
what ``GLOBAL_ROW`` rows scored exactly in contiguous runs cost, and opening a run about
``RUN`` rows (both measured, README "A check whose cost does not grow with the corpus"). The
chosen rows are scored exactly when ``R + RUN * G <= GLOBAL_ROW * M``, so a query reads at most
about ``sqrt(GLOBAL_ROW * 2nN)`` chosen rows (29,000 of 100,000 for ``n`` 256), or a global top of
``2nN / R`` rows: never every chosen source's rows once many are chosen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from index.models import Hit

__all__ = ["GLOBAL_ROW", "GROWTH", "OVERFETCH", "RUN", "nearest_among", "runs_of"]

OVERFETCH = 2
"""The global search asks for this many times the rows in which the chosen share would hold ``n``."""
GROWTH = 4
"""How much the global search widens when its chosen rows fall short (the chosen sources lie farther away)."""
GLOBAL_ROW = 16
"""Rows scored exactly (read in runs) that cost what one row of the global top-``m`` search costs."""
RUN = 16
"""Rows scored exactly that cost what opening one run of rows costs."""

TopRows = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]
"""``top(queries, m)``: ``(similarities, rows)``, each ``(q, m)``, best first, -inf / -1 padded."""
RunVectors = Callable[[Sequence[tuple[int, int]]], np.ndarray]
"""``vectors(runs)``: float32 stored vectors of the rows of these ``(start, end)`` runs, stacked in order."""
HitList = Callable[[np.ndarray, np.ndarray], list[Hit]]
"""``hits(similarities, rows)``: one query's hits, in that order (``IndexBase.hit_list``)."""


def runs_of(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Disjoint ``(start, end)`` ranges in row order, adjacent ones joined."""
    runs: list[tuple[int, int]] = []
    for start, end in ranges:
        if runs and runs[-1][1] == start:
            runs[-1] = (runs[-1][0], end)
        elif end > start:
            runs.append((start, end))
    return runs


def _exact(stored: np.ndarray, rows: np.ndarray, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` best of ``rows`` (their vectors ``stored``) for ``query``: ``(similarities, rows)``, ties by row.

    One matrix-vector product (a third of the cost of ``ann.rerank``'s row-by-row sums); a row's
    figure may differ from the one ``nearest`` gives it by ~1e-7.
    """
    sims = stored @ query
    if n < len(sims):  # only the rows at or above the n-th similarity can be among the n best: sort those
        kept = np.flatnonzero(sims >= np.partition(sims, len(sims) - n)[len(sims) - n])
        sims, rows = sims[kept], rows[kept]
    order = np.lexsort((rows, -sims))[:n]
    return sims[order], rows[order]


def nearest_among(top: TopRows, vectors: RunVectors, hits: HitList, ranges: Sequence[tuple[int, int]], total: int,
                  queries: np.ndarray, n: int, floor: float = -math.inf) -> list[list[Hit]]:
    """The ``n`` rows nearest each query among the rows in ``ranges`` (see the module docstring).

    Args:
        top: The index's global top-``m`` search.
        vectors: The index's stored vectors of runs of rows.
        hits: The index's hits of rows with their similarities.
        ranges: ``(start, end)`` rows of each chosen source, disjoint, in row order.
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
    ends = starts + lengths
    runs = runs_of(ranges)
    exact_cost = chosen + RUN * len(runs)
    exact: list[int] = []
    pending = list(range(len(queries)))
    m = min(total, math.ceil(OVERFETCH * n * total / chosen))
    while pending:
        if exact_cost <= GLOBAL_ROW * m:  # scoring the chosen rows costs less than this global search
            exact += pending
            break
        sims, rows = top(queries[pending], m)
        short = []
        for q, q_sims, q_rows in zip(pending, sims, rows):
            valid = q_rows >= 0
            which = np.searchsorted(starts, q_rows, side="right") - 1
            keep = valid & (which >= 0) & (q_rows < ends[np.maximum(which, 0)])
            full = int(valid.sum()) == m
            if keep.sum() >= n or (full and (m >= total or q_sims[m - 1] < floor)):
                results[q] = hits(q_sims[keep][:n], q_rows[keep][:n])
            elif full:
                short.append(q)  # the chosen sources lie farther from this query: widen
            else:
                exact.append(q)  # the search holds no more rows (an ANN reaches only some): score the rest
        pending, m = short, min(total, m * GROWTH)
    if exact:
        every = np.concatenate([np.arange(start, end, dtype=np.int64) for start, end in runs])
        stored = vectors(runs)
        for q in exact:
            results[q] = hits(*_exact(stored, every, queries[q], n))
    return results
