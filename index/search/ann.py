"""Approximate nearest-neighbour search for large indexes (FAISS IVF with 8-bit codes).

Below ``EXACT_BELOW`` vectors an index is searched exactly (a matrix product over the
memory-mapped vectors); from there on an IVF index with scalar-quantised codes finds
candidates, which are re-scored exactly. ``nprobe`` is tuned when the file is built:
the smallest setting whose recall@10 against exact search, on queries drawn from the
corpus itself, reaches ``TARGET_RECALL``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence

import faiss
import numpy as np

__all__ = ["ADD_CHUNK", "EXACT_BELOW", "TARGET_RECALL", "TRAIN_CAP", "Trained", "exact_top", "ivf_kind",
           "recall_at", "rerank"]

LOG = logging.getLogger(__name__)

EXACT_BELOW = 100_000
"""Vectors below which search is exact (and no ANN file is written)."""
TARGET_RECALL = 0.97
"""recall@10 that the tuned ``nprobe`` must reach on the build's sample queries (the bench checks >= 0.95)."""
_TRAIN_PER_LIST = 40
TRAIN_CAP = 16_384
"""Most vectors an IVF index is trained on (24 MiB of float32 at 384-d, which faiss copies once for the
residuals): from 512 lists (~131k vectors) on, the sample stops growing with the corpus. At 1M vectors
(1,024 lists, 16 a list) the tuned ``nprobe`` stayed 128 and the training phase's peak fell from 216 to
104 MiB anonymous (``bench.bench_ivf_write``, README)."""
ADD_CHUNK = 16_384
"""Vectors encoded (and added) at a time when an IVF index is built: ~25 MiB of float32 at 384-d."""
_SCORES = 1 << 23
_TUNE_SCORES = 1 << 21
"""Scores held at once by the tuning's exact search: 2^23 held ~170 MiB of temporaries for its 400 queries."""


def ivf_kind(n: int) -> str:
    """The faiss factory string for ``n`` vectors: about sqrt(n) lists, 8-bit codes."""
    lists = 2 ** max(6, round(math.log2(math.sqrt(n))))
    return f"IVF{lists},SQ8"


def exact_top(blocks: Sequence[np.ndarray], queries: np.ndarray, k: int,
              scores: int = _SCORES) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` inner products over row blocks, numbered consecutively.

    Args:
        blocks: ``(rows, dim)`` arrays (memory-mapped is fine; float16 is widened in slices).
        queries: ``(n, dim)`` float32.
        k: Results per query.
        scores: About how many similarities to hold at once (each costs ~24 bytes of temporaries
            while the best are picked). Defaults to 2^23.

    Returns:
        ``(similarities, rows)``, each ``(n, k)``, best first; rows are -1 where there are fewer.
    """
    n = len(queries)
    best_s = np.full((n, k), -np.inf, dtype=np.float32)
    best_i = np.full((n, k), -1, dtype=np.int64)
    offset = 0
    step = max(4096, scores // max(1, n))  # rows per product: bounded temporaries however many queries
    for block in blocks:
        for start in range(0, len(block), step):
            part = np.asarray(block[start:start + step], dtype=np.float32)
            sims = queries @ part.T
            take = min(k, sims.shape[1])
            top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
            cand_s = np.concatenate([best_s, np.take_along_axis(sims, top, axis=1)], axis=1)
            cand_i = np.concatenate([best_i, top + offset + start], axis=1)
            order = np.argsort(-cand_s, axis=1, kind="stable")[:, :k]
            best_s, best_i = np.take_along_axis(cand_s, order, axis=1), np.take_along_axis(cand_i, order, axis=1)
        offset += len(block)
    best_i[~np.isfinite(best_s)] = -1
    return best_s, best_i


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each row of ``truth`` that appears in the same row of ``found``."""
    hits = [len(set(f[f >= 0].tolist()) & set(t[t >= 0].tolist())) / max(1, (t >= 0).sum())
            for f, t in zip(found, truth)]
    return float(np.mean(hits)) if hits else 1.0


def _sample_queries(rows: Callable[[np.ndarray], np.ndarray], total: int, count: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Queries near the corpus but not in it: half the normalised mean of two stored vectors,
    half a stored vector blurred with noise to a cosine of about 0.7 (a paraphrase's distance)."""
    a = rows(np.sort(rng.choice(total, count, replace=False)))
    b = rows(np.sort(rng.choice(total, count, replace=False)))
    noise = rng.standard_normal(a.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    half = count // 2
    queries = np.concatenate([a[:half] + b[:half], a[half:] + noise[half:]])
    return (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)


class Trained:
    """A trained, empty IVF index over row blocks, and what adding to it and tuning it need.

    Args:
        blocks: The vectors, one array per segment (memory-mapped is fine).
        threads: faiss threads while training and adding.
        seed: Sampling seed (training rows, then the tuning queries).
    """

    def __init__(self, blocks: Sequence[np.ndarray], threads: int, seed: int) -> None:
        faiss.omp_set_num_threads(threads)
        self.blocks = blocks
        self.total = sum(len(b) for b in blocks)
        self.kind = ivf_kind(self.total)
        self.index = faiss.index_factory(blocks[0].shape[1], self.kind, faiss.METRIC_INNER_PRODUCT)
        self._starts = np.cumsum([0, *[len(b) for b in blocks]])
        self.rng = np.random.default_rng(seed)
        ivf = faiss.extract_index_ivf(self.index)
        self.lists = ivf.nlist
        sample = min(self.total, self.lists * _TRAIN_PER_LIST, TRAIN_CAP)
        # past the cap, fewer than faiss's advised 39 a list: k-means still runs (nprobe is tuned on the
        # result below), so its warning on stderr is left out
        ivf.cp.min_points_per_centroid = min(ivf.cp.min_points_per_centroid, sample // self.lists)
        train = self.rows(np.sort(self.rng.choice(self.total, sample, replace=False)))
        LOG.info("training %s on %d of %d vectors", self.kind, len(train), self.total)
        self.index.train(train)
        del train

    def rows(self, picked: np.ndarray) -> np.ndarray:
        """The float32 vectors at positions ``picked`` (counted across the blocks), in that order."""
        picked = np.asarray(picked, dtype=np.int64)
        which = np.searchsorted(self._starts, picked, side="right") - 1
        found = np.empty((len(picked), self.blocks[0].shape[1]), dtype=np.float32)
        for number in np.unique(which).tolist():
            mine = which == number
            found[mine] = self.blocks[number][picked[mine] - self._starts[number]]
        return found

    def chunks(self, ids: Sequence[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The vectors (float32) and their ids, ``ADD_CHUNK`` rows at a time, in order."""
        for block, block_ids in zip(self.blocks, ids):
            for start in range(0, len(block), ADD_CHUNK):
                yield (np.asarray(block[start:start + ADD_CHUNK], dtype=np.float32),
                       np.ascontiguousarray(block_ids[start:start + ADD_CHUNK], dtype=np.int64))

    def in_memory(self, ids: Sequence[np.ndarray]) -> int:
        """Add every vector with its id to ``self.index`` (its lists in memory, about 400 bytes a vector)
        and tune its ``nprobe``; ``index.search.ann_file.write_ivf`` writes the same file without
        holding the lists.

        Args:
            ids: The id of each row of each block (int64, same lengths).

        Returns:
            The tuned ``nprobe`` (also set on ``self.index``).
        """
        for vectors, chunk_ids in self.chunks(ids):
            self.index.add_with_ids(vectors, chunk_ids)
        return self.tune(self.index, ids)

    def tune(self, index: faiss.Index, ids: Sequence[np.ndarray]) -> int:
        """The ``nprobe`` to store: the smallest reaching ``TARGET_RECALL`` on sample queries, doubled.

        ``index`` holds every vector (this one filled, or its file read back); its ``nprobe`` is set.
        """
        queries = _sample_queries(self.rows, self.total, min(400, self.total), self.rng)
        _, truth = exact_top(self.blocks, queries, 10, scores=_TUNE_SCORES)
        id_of = np.concatenate([np.asarray(i, dtype=np.int64) for i in ids])
        truth = id_of[truth]
        ivf = faiss.extract_index_ivf(index)
        nprobe = 1
        while True:
            ivf.nprobe = nprobe
            _, found = index.search(queries, 40)
            found = rerank(found, queries, lambda picked: self.rows(np.searchsorted(id_of, picked)), 10)[1]
            recall = recall_at(found, truth)
            if recall >= TARGET_RECALL or nprobe >= self.lists:
                break
            nprobe *= 2
        LOG.info("%s: nprobe %d gives recall@10 %.3f on %d sample queries", self.kind, nprobe, recall, len(queries))
        ivf.nprobe = min(self.lists, 2 * nprobe)  # a margin: real queries are not the sample's
        return ivf.nprobe


def rerank(candidates: np.ndarray, queries: np.ndarray, rows: Callable[[np.ndarray], np.ndarray],
           k: int) -> tuple[np.ndarray, np.ndarray]:
    """Re-score ANN candidates with the exact vectors and keep the best ``k``.

    Args:
        candidates: ``(n, m)`` ids, -1 for none.
        queries: ``(n, dim)``.
        rows: Returns the exact vectors of an array of (valid) ids.
        k: Results kept per query.

    Returns:
        ``(similarities, ids)``, each ``(n, k)``, best first, -1 / -inf padded.
    """
    sims = np.full((len(queries), k), -np.inf, dtype=np.float32)
    out = np.full((len(queries), k), -1, dtype=np.int64)
    for q, found in enumerate(candidates):
        found = found[found >= 0]
        if not len(found):
            continue
        # row by row (not one matrix product): a row's figure must not depend on which rows are re-scored
        # with it, or one index and its shards (or two batches) would differ in the last bit
        exact = np.multiply(rows(found), queries[q]).sum(axis=1, dtype=np.float32)
        order = np.lexsort((found, -exact))[:k]
        sims[q, :len(order)], out[q, :len(order)] = exact[order], found[order]
    return sims, out
