"""One shard, opened once, answering in its own row numbers; and the pools that run one per shard.

``ShardWorker`` wraps the ``ClaimIndex`` of one shard folder. ``LocalShards`` holds one
worker per shard in this process and asks them in turn; ``RayShards`` starts one Ray
actor per shard (each opens its shard once, on the node it runs on) and asks them all
at once. Both answer ``call(method, args)`` with one result per shard, in shard order,
so ``ShardedIndex`` does not know which it has.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import CrosscheckError, IndexStoreError
from index.models import Document, Hit, KeywordHit, Sentence, SourceSummary
from index.search.per_source import score_sources
from index.shards.layout import manifest_digest
from index.store.claim_index import ClaimIndex

__all__ = ["LocalShards", "RayShards", "ShardWorker"]

LOG = logging.getLogger(__name__)


class ShardWorker:
    """The index of one shard, checked against the top manifest's checksum before it opens.

    Args:
        path: The shard folder.
        name: The shard's number as the top manifest names it (``000``), for error messages.
        digest: sha256 of its ``manifest.json`` as the top manifest records it.
        rebuild: The command that rebuilds the whole sharded index (for error messages).
        embedder_name: Refuse a shard built with another model. Defaults to no check.
        verify: Check the segments' checksums (see ``ClaimIndex.load``). Defaults to True.

    Raises:
        IndexStoreError: The shard is missing, does not match its checksum, or is corrupt.
    """

    def __init__(self, path: str, name: str, digest: str, rebuild: str, embedder_name: str | None = None,
                 verify: bool = True) -> None:
        shard = Path(path)
        if not shard.is_dir():
            raise IndexStoreError(f"shard {name} of the sharded index is missing ({shard}); "
                                  f"build it again with: {rebuild}")
        try:
            found = manifest_digest(shard)
        except OSError as exc:
            raise IndexStoreError(f"shard {name} of the sharded index has no readable manifest "
                                  f"({shard}: {exc.strerror or exc}); build it again with: {rebuild}") from exc
        if found != digest:
            raise IndexStoreError(f"shard {name} of the sharded index is corrupt: its manifest's checksum "
                                  f"{found[:12]} is not the {digest[:12]} shards.json records (a changed shard or "
                                  f"an interrupted build); build it again with: {rebuild}")
        try:
            self._index = ClaimIndex.load(shard, corpus_check=False, embedder_name=embedder_name, verify=verify)
        except IndexStoreError as exc:  # its advice would rebuild this folder alone: give the whole index's
            what = str(exc).split("; ")[0]
            raise IndexStoreError(f"shard {name} of the sharded index cannot be opened ({what}); "
                                  f"build it again with: {rebuild}") from exc

    def layout(self) -> list[tuple[int, SourceSummary]]:
        """``(position in its file, summary)`` of each document, in this shard's row order."""
        rows = self._index.doc_rows()
        return [(rows[s.source_id].file_pos, s) for s in self._index.source_summaries()]

    def nearest_rows(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``ClaimIndex.nearest_rows`` in this shard's rows: arrays, cheap to send and to merge."""
        return self._index.nearest_rows(queries, n)

    def score(self, queries: np.ndarray, k_per_source: int, wanted: Sequence[Collection[str]]) -> list[list[Hit]]:
        """Each query's chosen sources (``wanted[q]``, those of this shard) searched exactly, ``k_per_source`` each."""
        rows = self._index.rows
        askers: dict[int, list[int]] = {}
        for q, sources in enumerate(wanted):
            for source_id in sources:
                if source_id in rows.source_ids:
                    askers.setdefault(rows.source_ids[source_id], []).append(q)
        return score_sources(rows.block, rows.ranges, list(rows.source_ids), queries, askers, k_per_source)

    def keywords(self, query: str, k: int, sources: set[str] | None) -> list[KeywordHit]:
        """``ClaimIndex.keyword_search`` in this shard's rows."""
        return self._index.keyword_search(query, k, sources)

    def sentences(self, rows: Sequence[int]) -> list[Sentence]:
        """The sentences of these rows, in the order asked."""
        return [self._index.sentences[int(r)] for r in rows]

    def read_hits(self, rows: Sequence[int]) -> list[tuple[Sentence, str]]:
        """Each row's sentence and its context (window 1): what a caller reads next for a hit."""
        return [(self._index.sentences[int(r)], self._index.context(int(r))) for r in rows]

    def context(self, row: int, window: int) -> str:
        """``ClaimIndex.context``."""
        return self._index.context(row, window)

    def paragraph_text(self, row: int) -> str:
        """``ClaimIndex.paragraph_text``."""
        return self._index.paragraph_text(row)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """``ClaimIndex.vectors_at``: the stored vectors of these rows, shape ``(len(rows), dim)``."""
        return self._index.vectors_at(np.asarray(rows, dtype=np.int64))

    def vectors_in(self, runs: Sequence[tuple[int, int]]) -> np.ndarray:
        """``ClaimIndex.vectors_in``: the stored vectors of the rows of these runs, stacked in order."""
        return self._index.vectors_in(runs)

    def vectors_of(self, source_id: str) -> np.ndarray:
        """``ClaimIndex.vectors_of``."""
        return self._index.vectors_of(source_id)

    def document(self, source_id: str) -> Document:
        """A document with its text."""
        return self._index.documents[source_id]

    def sentence_at(self, source_id: str, start: int) -> int | None:
        """``ClaimIndex.sentence_at``."""
        return self._index.sentence_at(source_id, start)

    def table(self, name: str) -> frozenset[str] | None:
        """``ClaimIndex.table``."""
        return self._index.table(name)

    def close(self) -> None:
        """Close the shard's tables."""
        self._index.close()


class LocalShards:
    """Every shard opened in this process; a call asks them in turn (for a machine that holds them all).

    Args:
        workers: The opened shards, in shard order.
    """

    def __init__(self, workers: list[ShardWorker]) -> None:
        self._workers = workers

    @classmethod
    def open(cls, specs: list[dict[str, Any]]) -> LocalShards:
        """Open one worker per spec (``ShardWorker`` arguments); all are closed again if one fails."""
        workers: list[ShardWorker] = []
        try:
            for spec in specs:
                workers.append(ShardWorker(**spec))
        except BaseException:
            for worker in workers:
                worker.close()
            raise
        return cls(workers)

    def call(self, method: str, args: Sequence[tuple], shards: Sequence[int] | None = None) -> list[Any]:
        """``method(*args[n])`` on shard n, for each shard (or only ``shards``); results in the same order."""
        picked = range(len(self._workers)) if shards is None else shards
        return [getattr(self._workers[s], method)(*a) for s, a in zip(picked, args)]

    def close(self) -> None:
        """Close every shard."""
        for worker in self._workers:
            worker.close()


def _unwrapped(exc: BaseException) -> BaseException:
    """A worker's own CrosscheckError out of Ray's wrapper (its message is one line), else ``exc``."""
    cause = getattr(exc, "cause", None)
    return cause if isinstance(cause, CrosscheckError) else exc


class _ShardActor:
    """The body of a shard's Ray actor: a worker, or the error that kept it from opening (raised on each call,
    so the driver sees the worker's one-line message instead of a dead actor)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._worker: ShardWorker | None = None
        self._error: CrosscheckError | None = None
        try:
            self._worker = ShardWorker(**spec)
        except CrosscheckError as exc:
            self._error = exc

    def call(self, method: str, *args: Any) -> Any:
        if self._worker is None:
            raise self._error
        return getattr(self._worker, method)(*args)


class RayShards:
    """One Ray actor per shard; a call asks them all at once and waits for every answer.

    Args:
        actors: The actors, in shard order.
    """

    def __init__(self, actors: list[Any]) -> None:
        self._actors = actors

    @classmethod
    def open(cls, address: str, specs: list[dict[str, Any]]) -> RayShards:
        """Start one actor per spec on the cluster at ``address`` (spread over its nodes); each opens its shard.

        A shard that cannot be opened raises its error on the first call.

        The shard folders must be readable at the same paths on the nodes (a shared file
        system, or a copy on each node).

        Raises:
            IndexStoreError: The cluster cannot be reached.
        """
        from index.shards.distributed import connect

        connect(address)
        import ray

        remote = ray.remote(_ShardActor).options(scheduling_strategy="SPREAD")
        return cls([remote.remote(spec) for spec in specs])

    def call(self, method: str, args: Sequence[tuple], shards: Sequence[int] | None = None) -> list[Any]:
        """``method(*args[n])`` on shard n's actor, all at once (or only ``shards``); results in order.

        Raises:
            CrosscheckError: What a shard raised (e.g. IndexStoreError), as itself.
            IndexStoreError: An actor died or the cluster went away.
        """
        import ray

        picked = range(len(self._actors)) if shards is None else shards
        futures = [self._actors[s].call.remote(method, *a) for s, a in zip(picked, args)]
        try:
            return ray.get(futures)
        except (ray.exceptions.RayError, CrosscheckError) as exc:
            cause = _unwrapped(exc)
            if isinstance(cause, CrosscheckError):
                raise cause from None
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise IndexStoreError(f"a shard's Ray actor failed: {reason}") from exc

    def close(self) -> None:
        """Stop the actors (their shards close with their processes)."""
        import ray

        for actor in self._actors:
            ray.kill(actor)
