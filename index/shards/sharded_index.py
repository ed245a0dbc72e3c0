"""``ShardedIndex``: several shards searched as one index, in this process or by Ray actors.

It answers the ``ClaimIndex`` calls the verifier and the workbench make (``search_batch``,
``nearest``, ``keyword_search``, ``sentences``, ``documents``, ``summary``, ``context``,
``vector``, ...). Rows are numbered as one index built from the same corpus numbers them
(documents in corpus order: file, then position in the file), so a row, a hit and a
report are the same whichever way the corpus was stored. Each shard answers in its own
rows; ``ShardRows`` maps between the two.

Similarity search merges exactly: each shard's top ``n`` by similarity (ties by row)
hold the global top ``n``, and a source's exact scores come from the shard that holds
it. With an approximate (IVF) shard the candidates are each shard's, so results match
one index's up to the approximation, as one index's own ANN does. Keyword scores are
BM25 within each shard (as within each segment of one index): close to one table's.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from index.errors import IndexStoreError
from index.models import Hit, KeywordHit, SourceSummary
from index.search.per_source import as_queries
from index.shards.layout import ShardManifest, read_shard_manifest, shard_build_command, shard_folder
from index.shards.rows import ShardedContexts, ShardedDocuments, ShardedSentences, ShardRows, ask_by_shard
from index.shards.worker import LocalShards, RayShards
from index.store.base import IndexBase
from index.store.opening import check_model

__all__ = ["RAY_ENV", "ShardedIndex"]

LOG = logging.getLogger(__name__)

RAY_ENV = "CROSSCHECK_RAY"
"""Address of the Ray cluster whose actors search a sharded index (unset: searched in this process)."""


def _merged(parts: list[list[Hit]]) -> list[Hit]:
    return sorted((h for part in parts for h in part), key=lambda h: (-h.similarity, h.sentence))


class ShardedIndex(IndexBase):
    """The shards of a sharded index directory, searched as one ``ClaimIndex`` (open one with ``load``).

    Args:
        manifest: The top manifest.
        path: The sharded index directory.
        shards: The opened shards (``LocalShards`` or ``RayShards``).

    Raises:
        IndexStoreError: The shards do not add up to what the top manifest lists.
    """

    def __init__(self, manifest: ShardManifest, path: Path, shards: LocalShards | RayShards) -> None:
        self._manifest, self._path, self._shards = manifest, path, shards
        layouts = shards.call("layout", [()] * len(manifest.shards))
        try:
            self._rows = ShardRows(layouts)
        except ValueError as exc:
            raise IndexStoreError(f"sharded index at {path} is corrupt: {exc}; delete it and build again with: "
                                  f"{self._rebuild}") from exc
        if (self._rows.documents, self._rows.sentences) != (manifest.sources, manifest.sentences):
            raise IndexStoreError(f"sharded index at {path} is corrupt: its shards hold {self._rows.documents} "
                                  f"sources and {self._rows.sentences} sentences, shards.json counts "
                                  f"{manifest.sources} and {manifest.sentences}; build it again with: {self._rebuild}")
        self._sentences = ShardedSentences(self._rows, shards)
        self._contexts = ShardedContexts(self._rows, shards, self._sentences)
        self._documents = ShardedDocuments(self._rows, shards)

    @property
    def _rebuild(self) -> str:
        return shard_build_command(self._manifest.corpus_root, self._path, len(self._manifest.shards))

    @classmethod
    def load(cls, path: Path, corpus_check: bool = True, embedder_name: str | None = None, verify: bool = True,
             ray_address: str | None = None) -> ShardedIndex:
        """Open a sharded index directory.

        Args:
            path: The directory (it holds ``shards.json``).
            corpus_check: Refuse the index when the corpus changed since the build. Defaults to True.
            embedder_name: Refuse an index built with another model. Defaults to no check.
            verify: Check every shard's segments against their checksums. Defaults to True.
            ray_address: Search with one Ray actor per shard on this cluster; ``""`` searches in
                this process (shards in turn). Defaults to ``CROSSCHECK_RAY``, and when that is
                unset too, to this process.

        Returns:
            The index.

        Raises:
            MissingIndexError: No sharded index there.
            StaleIndexError: The corpus changed since the build.
            IndexStoreError: A shard is missing or corrupt, the index was built with another
                model, or the Ray cluster cannot be reached.
        """
        path = Path(path)
        manifest = read_shard_manifest(path)
        try:
            return cls._open(path, manifest, corpus_check, embedder_name, verify, ray_address)
        except IndexStoreError:
            # a build swapped shards.json and retired the folders it named while they were opened: open the new index
            newer = read_shard_manifest(path)
            if newer == manifest:
                raise
            LOG.info("the index at %s changed while it was opened; opening it again", path)
            return cls._open(path, newer, corpus_check, embedder_name, verify, ray_address)

    @classmethod
    def _open(cls, path: Path, manifest: ShardManifest, corpus_check: bool, embedder_name: str | None, verify: bool,
              ray_address: str | None) -> ShardedIndex:
        """``load`` with the top manifest read."""
        check_model(path, manifest.embedding_model, embedder_name)
        rebuild = shard_build_command(manifest.corpus_root, path, len(manifest.shards))
        specs = [{"path": str(shard_folder(path, info)), "name": info.name, "digest": info.manifest_sha256,
                  "rebuild": rebuild, "embedder_name": manifest.embedding_model, "verify": verify}
                 for info in manifest.shards]
        address = ray_address if ray_address is not None else os.environ.get(RAY_ENV) or None
        shards = RayShards.open(address, specs) if address else LocalShards.open(specs)
        try:
            index = cls(manifest, path, shards)
            if corpus_check:
                index.check_corpus()
        except BaseException:
            shards.close()
            raise
        LOG.info("opened %d shards of %s (%s)", len(specs), path, f"Ray at {address}" if address else "in process")
        return index

    def close(self) -> None:
        """Close the shards (stops their actors)."""
        self._shards.close()

    # ------------------------------------------------------------ accessors

    @property
    def manifest(self) -> ShardManifest:
        """The top manifest: model, corpus files, counts and the shards."""
        return self._manifest

    @property
    def remote(self) -> bool:
        """Whether Ray actors search the shards (else this process does, shard by shard)."""
        return isinstance(self._shards, RayShards)

    @property
    def shard_count(self) -> int:
        """Number of shards."""
        return len(self._manifest.shards)

    @property
    def rows(self) -> ShardRows:
        """Where every global row lives: ``source_ids`` (id -> position in index order) and
        ``sentences`` (the count), as :attr:`ClaimIndex.rows` has them."""
        return self._rows

    def source_summaries(self) -> list[SourceSummary]:
        """One summary per source, in index order."""
        return self._rows.summaries()

    def vector(self, i: int) -> np.ndarray:
        """The stored unit vector of sentence ``i``, shape ``(dim,)``."""
        shard, local = self._rows.locate(int(i))
        return self._shards.call("vectors", [([local],)], [shard])[0][0]

    def vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The stored unit vectors of global rows ``rows``, shape ``(len(rows), dim)`` (one call per shard)."""
        out = np.zeros((len(rows), self.dim), dtype=np.float32)
        for picked, vectors in zip(*ask_by_shard(self._rows, self._shards, "vectors", rows)):
            out[picked] = vectors
        return out

    def vectors_in(self, runs: Sequence[tuple[int, int]]) -> np.ndarray:
        """The stored unit vectors of the rows of global ``(start, end)`` runs, stacked in order: each shard reads
        its pieces of the runs with ``ClaimIndex.vectors_in`` (a slice a run, one call per shard)."""
        pieces = self._rows.shard_runs(runs)
        asked = sorted({shard for shard, _, _ in pieces})
        answers = dict(zip(asked, self._shards.call(
            "vectors_in", [([(s, e) for p, s, e in pieces if p == shard],) for shard in asked], asked)))
        blocks, taken = [], dict.fromkeys(asked, 0)
        for shard, start, end in pieces:  # each shard's answer holds its pieces in order
            blocks.append(answers[shard][taken[shard]:taken[shard] + end - start])
            taken[shard] += end - start
        return np.concatenate(blocks) if blocks else np.zeros((0, self.dim), dtype=np.float32)

    def vectors_of(self, source_id: str) -> np.ndarray:
        """The stored unit vectors of a source's sentences, shape ``(count, dim)``."""
        return self._shards.call("vectors_of", [(source_id,)], [self._rows.shard_of_source(source_id)])[0]

    def sentence_at(self, source_id: str, start: int) -> int | None:
        """Row of the sentence of ``source_id`` that starts at character ``start``; None when there is none."""
        if source_id not in self.documents:
            return None
        shard = self._rows.shard_of_source(source_id)
        local = self._shards.call("sentence_at", [(source_id, start)], [shard])[0]
        return None if local is None else int(self._rows.to_global(shard, np.array([local]))[0])

    def context(self, i: int, window: int = 1) -> str:
        """Sentence ``i`` with its neighbours in the running text (see ``split.context_for``)."""
        return self._contexts.get(int(i), window)

    def prefetch(self, rows: Collection[int]) -> None:
        """Read these rows' sentences and contexts now, one call per shard (on Ray: a round trip, not one per
        row). ``search_batch`` does not do it itself: most of a large pool's hits would be read in vain."""
        self._contexts.prefetch(sorted({int(r) for r in rows}))

    def paragraph_text(self, i: int) -> str:
        """The whole paragraph that holds sentence ``i``."""
        shard, local = self._rows.locate(int(i))
        return self._shards.call("paragraph_text", [(local,)], [shard])[0]

    def table(self, name: str) -> frozenset[str] | None:
        """A corpus-wide table: the union over the shards (None when some shard lacks it)."""
        parts = self._shards.call("table", [(name,)] * self.shard_count)
        return None if any(p is None for p in parts) else frozenset().union(*parts)

    # ------------------------------------------------------------ search

    def _top(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The global top ``n`` ``(similarities, rows)`` of each query, from every shard's top ``n``."""
        return self._rows.merge_top(self._shards.call("nearest_rows", [(queries, n)] * self.shard_count), n)

    def search_batch(self, queries: np.ndarray, k_per_source: int, candidate_pool: int = 256) -> list[list[Hit]]:
        """``ClaimIndex.search_batch`` over all shards, with the same results.

        The global top ``candidate_pool`` rows (each shard's top, merged) pick the candidate
        sources; each shard then scores its own candidates exactly.
        """
        if k_per_source < 1 or candidate_pool < 1:
            raise ValueError(f"k_per_source and candidate_pool must be at least 1, got {k_per_source}, "
                             f"{candidate_pool}")
        queries = as_queries(queries, self.dim)
        if not len(self.sentences) or not len(queries):
            return [[] for _ in range(len(queries))]
        _, rows = self._top(queries, min(candidate_pool, len(self.sentences)))
        wanted = [list(dict.fromkeys(self._rows.source_ids_of(found[found >= 0]))) for found in rows]
        # each shard is asked for its own candidates only, and only when it holds some
        mine: list[list[list[str]]] = [[[] for _ in wanted] for _ in range(self.shard_count)]
        for q, source_ids in enumerate(wanted):
            for source_id in source_ids:
                mine[self._rows.shard_of_source(source_id)][q].append(source_id)
        asked = [s for s in range(self.shard_count) if any(mine[s])]
        answers = self._shards.call("score", [(queries, k_per_source, mine[s]) for s in asked], asked)
        per_shard = [[self._rows.global_hits(s, hits) for hits in per_query] for s, per_query in zip(asked, answers)]
        return [_merged([hits[q] for hits in per_shard]) for q in range(len(queries))]

    def nearest_rows(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``ClaimIndex.nearest_rows`` over all shards: ``(similarities, global rows)``, each ``(q, n)``."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        return self._top(as_queries(queries, self.dim), n)

    def keyword_search(self, query: str, k: int, sources: set[str] | None = None) -> list[KeywordHit]:
        """``ClaimIndex.keyword_search`` over all shards, merged by BM25 score (each shard scores its own rows)."""
        answers = self._shards.call("keywords", [(query, k, None if sources is None else set(sources))]
                                    * self.shard_count)
        found = []
        for shard, hits in enumerate(answers):
            rows = self._rows.to_global(shard, np.array([h.sentence for h in hits], dtype=np.int64))
            found += [h.model_copy(update={"sentence": int(g)}) for h, g in zip(hits, rows)]
        found.sort(key=lambda h: (-h.score, h.sentence))
        return found[:k]
