"""``index.search.filtered.nearest_among``: the rows nearest a query among chosen sources, against a brute-force oracle,
and the vectors it reads (counted, not timed)."""

from __future__ import annotations

import numpy as np
import pytest

from index.models import Hit
from index.search.filtered import GLOBAL_ROW, OVERFETCH, RUN, nearest_among, runs_of

SOURCES, PER_SOURCE, DIM = 1000, 20, 16


class Store:
    """Unit vectors of ``SOURCES`` sources of ``PER_SOURCE`` rows, an exact top-m search, and counters."""

    def __init__(self, seed: int = 0, reach: int | None = None) -> None:
        rng = np.random.default_rng(seed)
        vectors = rng.standard_normal((SOURCES * PER_SOURCE, DIM)).astype(np.float32)
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        self.reach = reach  # like an ANN that reaches only some rows: at most this many answers
        self.searched = self.read = self.searches = 0

    def top(self, queries: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
        self.searches += 1
        self.searched += m * len(queries)
        sims = queries @ self.vectors.T
        order = np.lexsort((np.broadcast_to(np.arange(sims.shape[1]), sims.shape), -sims), axis=1)[:, :m]
        out_s, out_r = np.take_along_axis(sims, order, axis=1), order.astype(np.int64)
        if self.reach is not None:
            out_s[:, self.reach:], out_r[:, self.reach:] = -np.inf, -1
        return out_s, out_r

    def rows(self, runs) -> np.ndarray:
        rows = np.concatenate([np.arange(s, e) for s, e in runs])
        self.read += len(rows)
        return self.vectors[rows]

    def hits(self, sims: np.ndarray, rows: np.ndarray) -> list[Hit]:
        return [Hit(sentence=int(r), source_id=f"s{r // PER_SOURCE}", similarity=float(s)) for s, r in zip(sims, rows)]

    def search(self, queries: np.ndarray, n: int, chosen: list[int], floor: float = -np.inf):
        ranges = [(s * PER_SOURCE, (s + 1) * PER_SOURCE) for s in sorted(chosen)]
        return nearest_among(self.top, self.rows, self.hits, ranges, len(self.vectors), queries, n, floor)

    def oracle(self, query: np.ndarray, n: int, chosen: list[int]) -> list[tuple[int, str]]:
        rows = np.concatenate([np.arange(s * PER_SOURCE, (s + 1) * PER_SOURCE) for s in chosen])
        sims = self.vectors[rows] @ query
        order = np.lexsort((rows, -sims))[:n]
        return [(int(rows[i]), f"s{rows[i] // PER_SOURCE}") for i in order]


def queries(count: int, seed: int = 1) -> np.ndarray:
    q = np.random.default_rng(seed).standard_normal((count, DIM)).astype(np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


@pytest.mark.parametrize("chosen", [[7], list(range(0, SOURCES, 100)), list(range(0, SOURCES, 2)),
                                    list(range(SOURCES))])
@pytest.mark.parametrize("n", [5, 60, 256])
def test_the_nearest_rows_among_the_chosen_sources_are_the_oracles(chosen, n):
    store, qs = Store(), queries(4)
    found = store.search(qs, n, chosen)
    for q, hits in zip(qs, found):
        assert [(h.sentence, h.source_id) for h in hits] == store.oracle(q, n, chosen)
        assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
        np.testing.assert_allclose([h.similarity for h in hits], store.vectors[[h.sentence for h in hits]] @ q,
                                   atol=1e-6)


def test_every_source_chosen_is_the_global_top():
    store, qs = Store(), queries(3)
    _, rows = store.top(qs, 40)
    assert [[h.sentence for h in hits] for hits in store.search(qs, 40, list(range(SOURCES)))] == rows.tolist()


def test_many_chosen_sources_read_about_as_many_vectors_as_the_candidates_need():
    store, qs = Store(), queries(1)
    half = list(range(0, SOURCES, 2))  # 10,000 chosen rows of 20,000, in 500 runs
    store.search(qs, 20, half)
    # the global top 80 (2 x 20 x 20,000 / 10,000), filtered: never each chosen row
    assert store.read == 0 and store.searched == OVERFETCH * 20 * 2 and store.searches == 1
    few = Store()
    few.search(qs, 20, [3])  # 20 chosen rows: scoring them costs less than any global search
    assert few.read == PER_SOURCE and few.searches == 0
    adjacent = Store()
    adjacent.search(qs, 20, list(range(100, 150)))  # 1,000 rows in one run: cheaper than a global top of 800
    assert adjacent.read == 50 * PER_SOURCE and adjacent.searches == 0
    assert 50 * PER_SOURCE + RUN < GLOBAL_ROW * OVERFETCH * 20 * SOURCES / 50


def test_chosen_sources_far_from_the_query_widen_the_search_and_still_find_the_nearest():
    store = Store()
    chosen = list(range(0, SOURCES, 2))
    crowd = np.arange(PER_SOURCE, 6 * PER_SOURCE)
    crowd = crowd[(crowd // PER_SOURCE) % 2 == 1]  # 60 rows of three sources left out crowd round the query
    query = store.vectors[crowd[0]].copy()
    store.vectors[crowd] = store.vectors[crowd] * 0.1 + query * 0.9
    store.vectors /= np.linalg.norm(store.vectors, axis=1, keepdims=True)
    found = store.search(query[None, :], 10, chosen)[0]
    assert [(h.sentence, h.source_id) for h in found] == store.oracle(query, 10, chosen)
    # the global top 40 held none of the chosen rows; the top 160 did: no chosen row was scored on its own
    assert store.searches == 2 and store.read == 0


def test_a_floor_stops_the_search_once_the_rest_could_not_be_used():
    store, qs = Store(), queries(2)
    chosen = list(range(0, SOURCES, 4))
    rows = np.concatenate([np.arange(s * PER_SOURCE, (s + 1) * PER_SOURCE) for s in chosen])
    store.vectors[rows] = store.vectors[rows] * 0.1 - qs[0] * 0.9  # the chosen sources say the opposite
    store.vectors /= np.linalg.norm(store.vectors, axis=1, keepdims=True)
    assert store.search(qs[:1], 20, chosen, floor=0.7) == [[]]
    # the 160th global similarity is under the floor: no chosen row below it can be used, none is scored
    assert store.searches == 1 and store.read == 0
    for q, hits in zip(qs, Store().search(qs, 20, chosen, floor=0.3)):  # a floor keeps every row above it
        expected = [(r, s) for r, s in Store().oracle(q, 20, chosen) if Store().vectors[r] @ q >= 0.3]
        assert [(h.sentence, h.source_id) for h in hits if h.similarity >= 0.3] == expected


def test_a_search_that_reaches_only_some_rows_falls_back_to_scoring_the_chosen_rows():
    store, qs = Store(reach=30), queries(2)  # an ANN that answers 30 rows whatever it is asked
    chosen = list(range(0, SOURCES, 4))
    for q, hits in zip(qs, store.search(qs, 20, chosen)):
        assert [(h.sentence, h.source_id) for h in hits] == store.oracle(q, 20, chosen)
    assert store.searches == 1 and store.read == len(chosen) * PER_SOURCE


def test_adjacent_ranges_are_read_as_one_run():
    assert runs_of([(0, 5), (5, 9), (12, 12), (12, 20), (30, 31)]) == [(0, 9), (12, 20), (30, 31)]


def test_nothing_chosen_or_unknown_gives_empty_lists():
    store = Store()
    assert store.search(queries(2), 10, []) == [[], []]
