"""``IndexBase``: what ``ClaimIndex`` and ``ShardedIndex`` answer the same way.

Both keep their manifest in ``_manifest``, their directory in ``_path``, their rows
(``Rows`` or ``ShardRows``: the same calls) in ``_rows`` and their sentence and document
views (``SentenceView``, ``DocumentView`` or the sharded kinds of them) in ``_sentences`` and
``_documents``, and name the command that builds them again in ``_rebuild``; the corpus
check, the one-query search and the row look-ups below read only those.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from index.errors import StaleIndexError
from index.ingest.corpus import diff_files, file_hashes
from index.models import FileChanges, Hit, Manifest, SourceSummary
from index.search.filtered import nearest_among
from index.search.per_source import as_queries
from index.shards.layout import ShardManifest
from index.shards.rows import ShardRows
from index.store.rows import Rows
from index.store.views import DocumentView, SentenceView

__all__ = ["IndexBase"]

LOG = logging.getLogger(__name__)


class IndexBase:
    """The calls a ``ClaimIndex`` and a ``ShardedIndex`` share (not opened on its own)."""

    _manifest: Manifest | ShardManifest
    _path: Path
    _rows: Rows | ShardRows
    _sentences: SentenceView
    _documents: DocumentView

    @property
    def _rebuild(self) -> str:
        """The command that builds this index again from its corpus."""
        raise NotImplementedError

    # ------------------------------------------------------------ corpus

    def corpus_changes(self) -> FileChanges | None:
        """How the corpus on disk differs from the files the index was built from.

        Returns:
            The differences, or None when the corpus root no longer exists.

        Raises:
            IngestError: A corpus file cannot be read.
        """
        root = Path(self._manifest.corpus_root)
        return diff_files(self._manifest.files, file_hashes(root)) if root.exists() else None

    def check_corpus(self) -> None:
        """Refuse an index whose corpus changed; warn when the corpus is gone.

        Raises:
            StaleIndexError: A corpus file was added, changed or removed.
        """
        changes = self.corpus_changes()
        if changes is None:
            LOG.warning("corpus %s of index %s is gone; using the index as built", self._manifest.corpus_root,
                        self._path)
        elif changes.has_changes:
            raise StaleIndexError(f"index at {self._path} is stale: {changes.describe()} corpus files since it was "
                                  f"built; rebuild with: {self._rebuild}")

    # ------------------------------------------------------------ accessors

    @property
    def path(self) -> Path:
        """Directory the index was loaded from."""
        return self._path

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return self._manifest.embedding_dim

    @property
    def sentences(self) -> SentenceView:
        """All sentences in row order, read on demand; ``Hit.sentence`` indexes this sequence."""
        return self._sentences

    @property
    def documents(self) -> DocumentView:
        """Documents by source id, in index order (each read when asked for)."""
        return self._documents

    def source_range(self, source_id: str) -> tuple[int, int]:
        """``(start, end)`` rows of a source's sentences. Raises KeyError for an unknown source."""
        return self._rows.source_range(source_id)

    def summary(self, source_id: str) -> SourceSummary:
        """Title, date, publisher, path and sentence count of a source, without reading its text."""
        return self._rows.summary(source_id)

    # ------------------------------------------------------------ search

    def search(self, query: np.ndarray, k_per_source: int, candidate_pool: int = 256) -> list[Hit]:
        """Each candidate source's ``k_per_source`` sentences nearest to one query.

        Args:
            query: Unit vector of shape ``(dim,)``.
            k_per_source: Sentences per source.
            candidate_pool: Rows of the global search whose sources are searched.
                Defaults to 256.

        Returns:
            Hits sorted by similarity, highest first.

        Raises:
            ValueError: Wrong query shape or a count below 1.
        """
        query = np.asarray(query, dtype=np.float32)
        if query.shape != (self.dim,):
            raise ValueError(f"query must have shape ({self.dim},), got {query.shape}")
        return self.search_batch(query[None, :], k_per_source, candidate_pool)[0]

    def search_batch(self, queries: np.ndarray, k_per_source: int, candidate_pool: int = 256) -> list[list[Hit]]:
        """``search`` for several queries at once (each index answers it in its own way)."""
        raise NotImplementedError

    def nearest_rows(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The global top ``n`` ``(similarities, rows)`` of each query (each index answers it in its own way)."""
        raise NotImplementedError

    def vectors_in(self, runs: Sequence[tuple[int, int]]) -> np.ndarray:
        """The stored vectors of the rows of ``(start, end)`` runs, stacked in order, ``(rows, dim)`` float32
        (each index reads them run by run in its own way)."""
        raise NotImplementedError

    def hit_list(self, sims: np.ndarray, rows: np.ndarray) -> list[Hit]:
        """The hits of one query's ``(similarities, rows)``, in their order; rows of -1 (padding) are left out.

        The one place a search's arrays become ``Hit`` records (``nearest``, ``nearest_among``).
        """
        found = rows >= 0
        rows, sims = rows[found], sims[found]
        return [Hit(sentence=r, source_id=source, similarity=s) for r, source, s in zip(
            rows.tolist(), self._rows.source_ids_of(rows), sims.astype(np.float64).tolist())]

    def nearest(self, queries: np.ndarray, n: int) -> list[list[Hit]]:
        """The ``n`` sentences nearest to each query over the whole index, whatever their source.

        Args:
            queries: ``(q, dim)`` unit vectors.
            n: Hits per query (fewer when the index is smaller).

        Returns:
            One list per query, highest similarity first.

        Raises:
            ValueError: Wrong query shape or ``n`` below 1.
        """
        sims, rows = self.nearest_rows(queries, n)
        return [self.hit_list(q_sims, q_rows) for q_sims, q_rows in zip(sims, rows)]

    def nearest_among(self, queries: np.ndarray, n: int, sources: Collection[str],
                      floor: float = -np.inf) -> list[list[Hit]]:
        """``nearest`` among the rows of ``sources`` only (a filter the user chose), reading about as many
        vectors as the candidates need, not every chosen source's rows (see ``index.search.filtered``).

        Args:
            queries: ``(q, dim)`` unit vectors.
            n: Hits per query (fewer when the sources hold fewer rows).
            sources: Source ids; those the index does not hold are left out.
            floor: Rows below this similarity are not needed. Defaults to none.

        Returns:
            One list per query, highest similarity first (ties by row); rows below ``floor`` may be missing.

        Raises:
            ValueError: Wrong query shape or ``n`` below 1.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        queries = as_queries(queries, self.dim)
        known = self._rows.source_ids
        ranges = sorted(self.source_range(s) for s in set(sources) if s in known)  # disjoint: in row order
        return nearest_among(self.nearest_rows, self.vectors_in, self.hit_list, ranges, self._rows.sentences,
                             queries, n, floor)
