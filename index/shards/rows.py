"""Global rows of a sharded index mapped to (shard, row in the shard), and read-on-demand views over them.

Global rows number the documents of all shards in corpus order (file, then position in
the file), exactly as ``index.store.rows.Rows`` numbers one index's documents; each document's
sentences keep their order. Only a small record per document is kept in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from index.models import Document, Hit, Sentence, SourceSummary
from index.store.rows import RowRanges
from index.store.views import DocumentView, SentenceView

if TYPE_CHECKING:
    from index.shards.worker import LocalShards, RayShards

__all__ = ["ShardRows", "ShardedContexts", "ShardedDocuments", "ShardedSentences", "ask_by_shard"]

_CACHE = 8192
_READ_CHUNK = 2048
"""Rows read per round of calls when a slice or the whole sequence is read."""


class ShardRows(RowRanges):
    """The row layout of a sharded index.

    Args:
        layouts: Per shard, ``(position in its file, summary)`` of each document in the shard's row order.

    Raises:
        ValueError: A source is stored in two shards.
    """

    def __init__(self, layouts: list[list[tuple[int, SourceSummary]]]) -> None:
        docs = [(s.path, pos, shard, j, s) for shard, layout in enumerate(layouts)
                for j, (pos, s) in enumerate(layout)]
        docs.sort(key=lambda d: (d[0], d[1]))
        self._summaries = [d[4] for d in docs]
        counts = np.array([s.sentences for s in self._summaries], dtype=np.int64)
        super().__init__([s.source_id for s in self._summaries], counts, "stored in two shards")
        self._shard = np.array([d[2] for d in docs], dtype=np.int64)
        self._local_doc = np.array([d[3] for d in docs], dtype=np.int64)
        self._local_starts, self._first_global = [], []
        for shard, layout in enumerate(layouts):
            local_counts = np.array([s.sentences for _, s in layout], dtype=np.int64)
            self._local_starts.append(np.concatenate([[0], np.cumsum(local_counts)]).astype(np.int64))
            self._first_global.append(np.zeros(len(layout), dtype=np.int64))
        for number, (shard, j) in enumerate(zip(self._shard, self._local_doc)):
            self._first_global[shard][j] = self._starts[number]

    def summaries(self) -> list[SourceSummary]:
        """Every document's summary, in global order."""
        return list(self._summaries)

    def summary(self, source_id: str) -> SourceSummary:
        """A source's summary. Raises KeyError for an unknown source."""
        return self._summaries[self.source_ids[source_id]]

    def shard_of_source(self, source_id: str) -> int:
        """The shard that holds a source. Raises KeyError for an unknown source."""
        return int(self._shard[self.source_ids[source_id]])

    def locate_many(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(shards, local rows)`` of global rows."""
        rows = np.asarray(rows, dtype=np.int64)
        number = np.searchsorted(self._starts, rows, side="right") - 1
        shards, local_doc = self._shard[number], self._local_doc[number]
        local_first = np.array([self._local_starts[s][j] for s, j in zip(shards, local_doc)], dtype=np.int64)
        return shards, local_first + rows - self._starts[number]

    def locate(self, row: int) -> tuple[int, int]:
        """``(shard, local row)`` of global row ``row``. Raises IndexError when it is out of range."""
        if not 0 <= row < self.sentences:
            raise IndexError(f"sentence row {row} out of range (the index holds {self.sentences})")
        shards, local = self.locate_many(np.array([row]))
        return int(shards[0]), int(local[0])

    def shard_runs(self, runs: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """``(shard, local start, local end)`` pieces of global ``(start, end)`` runs, in global order: a run is
        cut where it passes to a document of another shard (one look-up a document, not a row)."""
        pieces: list[tuple[int, int, int]] = []
        for start, end in runs:
            number = int(np.searchsorted(self._starts, start, side="right") - 1)
            while start < end:
                stop = min(end, int(self._starts[number + 1]))
                shard, doc = int(self._shard[number]), int(self._local_doc[number])
                local = int(self._local_starts[shard][doc]) + start - int(self._starts[number])
                if pieces and pieces[-1][0] == shard and pieces[-1][2] == local:  # the shard's next rows too
                    pieces[-1] = (shard, pieces[-1][1], local + stop - start)
                elif stop > start:
                    pieces.append((shard, local, local + stop - start))
                start, number = stop, number + 1
        return pieces

    def to_global(self, shard: int, local: np.ndarray) -> np.ndarray:
        """Global rows of rows ``local`` (any shape; -1 stays -1) of shard ``shard``."""
        local = np.asarray(local, dtype=np.int64)
        if not local.size:
            return local
        valid = local >= 0
        if not valid.any():
            return np.full(local.shape, -1, dtype=np.int64)
        j = np.searchsorted(self._local_starts[shard], np.where(valid, local, 0), side="right") - 1
        return np.where(valid, self._first_global[shard][np.clip(j, 0, None)] + local - self._local_starts[shard][j],
                        -1)

    def global_hits(self, shard: int, hits: list[Hit]) -> list[Hit]:
        """A shard's hits, renumbered in global rows."""
        rows = self.to_global(shard, np.array([h.sentence for h in hits], dtype=np.int64))
        return [Hit.model_construct(sentence=int(g), source_id=h.source_id, similarity=h.similarity)
                for h, g in zip(hits, rows)]

    def merge_top(self, answers: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
        """The global top ``n`` of each query from every shard's top ``n`` ``(similarities, local rows)``,
        ordered as ``Retrieval.search`` orders one index's (similarity, then row; -inf / -1 padded)."""
        sims = np.concatenate([a[0] for a in answers], axis=1)
        rows = np.concatenate([self.to_global(s, a[1]) for s, a in enumerate(answers)], axis=1)
        sims = np.where(rows >= 0, sims, -np.inf)
        order = np.lexsort((rows, -sims), axis=1)[:, :n]
        return np.take_along_axis(sims, order, axis=1), np.take_along_axis(rows, order, axis=1)


def ask_by_shard(rows: ShardRows, shards: LocalShards | RayShards, method: str,
                 global_rows: Sequence[int]) -> tuple[list[np.ndarray], list[Any]]:
    """Ask each shard that holds some of ``global_rows`` about its own of them, one call per shard.

    Args:
        rows: The index's row layout.
        shards: Its shards.
        method: A ``ShardWorker`` method that takes a list of rows in its shard.
        global_rows: The rows asked about.

    Returns:
        ``(picks, answers)``: for each shard asked, the positions in ``global_rows`` of its rows and
        its answer about them (in that order).
    """
    in_shard, local = rows.locate_many(np.asarray(global_rows, dtype=np.int64))
    asked = sorted(set(in_shard.tolist()))
    picks = [np.flatnonzero(in_shard == s) for s in asked]
    return picks, shards.call(method, [(local[p].tolist(),) for p in picks], asked)


class ShardedSentences(SentenceView):
    """The sentences of a sharded index in global row order, each read from its shard when asked for
    (indexing, slices and iteration as :class:`SentenceView`; reads by shard)."""

    def __init__(self, rows: ShardRows, shards: LocalShards | RayShards) -> None:
        super().__init__(rows)  # ``sentences`` and ``locate`` as Rows has them
        self._shards = shards
        self._cache: dict[int, Sentence] = {}
        self._one = self._remembered

    def remember(self, rows: Sequence[int], sentences: Sequence[Sentence]) -> None:
        """Keep sentences read elsewhere (the oldest go past ``_CACHE``)."""
        for row, sentence in zip(rows, sentences):
            self._cache[int(row)] = sentence
        while len(self._cache) > _CACHE:
            del self._cache[next(iter(self._cache))]

    def _remembered(self, row: int) -> Sentence:
        if row not in self._cache:
            shard, local = self._index.locate(row)
            self.remember([row], self._shards.call("sentences", [([local],)], [shard])[0])
        return self._cache[row]

    def read(self, rows: Sequence[int]) -> list[Sentence]:
        """The sentences of these global rows, in order (one call per shard involved)."""
        out: list[Any] = [None] * len(rows)
        for p, found in zip(*ask_by_shard(self._index, self._shards, "sentences", rows)):
            for at, sentence in zip(p, found):
                out[at] = sentence
        return out

    def _read_range(self, start: int, stop: int) -> Iterator[Sentence]:
        for at in range(start, stop, _READ_CHUNK):
            yield from self.read(range(at, min(stop, at + _READ_CHUNK)))


class ShardedContexts:
    """Sentences' contexts (``ClaimIndex.context``) by global row and window, kept once read: on Ray each
    answer costs a round trip."""

    def __init__(self, rows: ShardRows, shards: LocalShards | RayShards, sentences: ShardedSentences) -> None:
        self._rows, self._shards, self._sentences = rows, shards, sentences
        self._cache: dict[tuple[int, int], str] = {}

    def _keep(self, row: int, window: int, text: str) -> None:
        self._cache[row, window] = text
        while len(self._cache) > _CACHE:
            del self._cache[next(iter(self._cache))]

    def get(self, row: int, window: int) -> str:
        """The context of global row ``row``."""
        if (row, window) not in self._cache:
            shard, local = self._rows.locate(row)
            self._keep(row, window, self._shards.call("context", [(local, window)], [shard])[0])
        return self._cache[row, window]

    def prefetch(self, rows: Sequence[int]) -> None:
        """Read the sentences and contexts (window 1) of these rows, one call per shard involved."""
        rows = [r for r in rows if (r, 1) not in self._cache]
        if not rows:
            return
        for pick, found in zip(*ask_by_shard(self._rows, self._shards, "read_hits", rows)):
            self._sentences.remember([rows[j] for j in pick], [sentence for sentence, _ in found])
            for j, (_, text) in zip(pick, found):
                self._keep(rows[j], 1, text)


class ShardedDocuments(DocumentView):
    """Documents by source id, in global order; each document (with its text) is read from its shard on access."""

    def __init__(self, rows: ShardRows, shards: LocalShards | RayShards) -> None:
        super().__init__(rows)  # the mapping reads ``source_ids``, which ShardRows has as Rows does
        self._shards = shards

    def _read_one(self, source_id: str) -> Document:
        return self._shards.call("document", [(source_id,)], [self._index.shard_of_source(source_id)])[0]
