"""``ClaimIndex``: the sentences of a corpus, their vectors, and the manifest, on disk.

Layout of an index directory (format 2)::

    manifest.json   Manifest: model, corpus files, counts, the segments and ANN file in use
    .lock           held by a running build (see ``durable.build_lock``)
    seg-<hex>/      immutable segments (see ``segment``): vectors.npy + rows.sqlite
    ann-<hex>.faiss approximate index over some segments, for large corpora (see ``ann``)

``manifest.json`` is the only file that ever changes, by one atomic rename; whatever
it names is complete. Rows are numbered densely over the live documents in corpus
order (file, then position in the file); ``Hit.sentence`` is such a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from index.errors import IndexStoreError
from index.models import Hit, KeywordHit, Manifest, SourceSummary
from index.search.per_source import per_source_search
from index.search.retrieval import Retrieval
from index.shards.layout import is_sharded
from index.split.document import context_for, paragraph_spans
from index.store.base import IndexBase
from index.store.manifest_file import MANIFEST, build_command, read_manifest, set_search_threads
from index.store.opening import check_model, open_parts
from index.store.rows import Rows
from index.store.segment import DocRow, Segment, SegmentCorrupt
from index.store.views import DocumentView, RowWindow, SentenceView

__all__ = ["INDEX_FILES", "MANIFEST", "ClaimIndex", "build_command", "read_manifest"]

INDEX_FILES = (MANIFEST,)
"""Files every index folder holds at its top (the rest is named by the manifest)."""
SEARCH_THREADS = 1
"""faiss and BLAS threads for searching. On 2 shared cores one thread measured far faster: a
5,000 x 384 matrix-vector product took 16.4 ms with OpenBLAS's 2 threads, 1.8 ms with 1 (README, Threads)."""


class ClaimIndex(IndexBase):
    """Sentences of a corpus with their unit vectors, searchable per source, globally and by keyword.

    Open one with ``ClaimIndex.load``; ``build_index`` writes them.

    Args:
        manifest: What the index was built from.
        segments: The open segments the manifest names, in manifest order.
        path: Directory the index was loaded from.
        ann: The approximate index over ``manifest.ann.segments``, if any.

    Raises:
        IndexStoreError: The parts do not fit together.
    """

    def __init__(self, manifest: Manifest, segments: list[Segment], path: Path,
                 ann: faiss.Index | None = None) -> None:
        self._manifest, self._segments, self._path = manifest, segments, path
        try:
            self._rows = Rows(segments, manifest.embedding_dim)
        except ValueError as exc:
            self._fail(str(exc))
        if self._rows.sentences != manifest.sentences or self._rows.documents != manifest.sources:
            self._fail(f"{self._rows.documents} sources and {self._rows.sentences} sentences are stored; the "
                       f"manifest counts {manifest.sources} and {manifest.sentences}")
        self._paragraphs: dict[str, list[tuple[int, int]]] = {}
        self._sentences, self._documents = SentenceView(self._rows), DocumentView(self._rows)
        self._retrieval = Retrieval(self._rows, manifest, ann)

    @property
    def _rebuild(self) -> str:
        return build_command(self._manifest.corpus_root, self._path, self._manifest.embedding_model)

    def _fail(self, detail: str) -> None:
        raise IndexStoreError(f"index at {self._path} is corrupt: {detail}; delete it and build again with: "
                              f"{build_command(self._manifest.corpus_root, self._path)}")

    # ------------------------------------------------------------ load

    @classmethod
    def load(cls, path: Path, corpus_check: bool = True, embedder_name: str | None = None,
             verify: bool = True, threads: int = SEARCH_THREADS) -> ClaimIndex:
        """Open an index directory.

        Args:
            path: The index directory.
            corpus_check: Compare the corpus files on disk with those the index was
                built from. Defaults to True. Skipped (with a warning) when the
                corpus root no longer exists.
            embedder_name: Name of the embedder this run will query with; refused
                when it differs from the index's. Defaults to no check.
            verify: Check every segment's row digest and vector checksum against the
                manifest (reads the vector files once). Defaults to True.
            threads: faiss and BLAS threads (process-wide). Defaults to ``SEARCH_THREADS``.

        Returns:
            The index; a ``ShardedIndex`` (same methods) when ``path`` holds a sharded index.

        Raises:
            MissingIndexError: No index there.
            StaleIndexError: The corpus changed since the build, or the index has an older format.
            IndexStoreError: A corrupt index, or one built with another model or a newer format.
        """
        path = Path(path)
        if is_sharded(path):  # several shards, opened as one (``index.shards.sharded_index``; by Ray actors with CROSSCHECK_RAY)
            from index.shards.sharded_index import ShardedIndex

            return ShardedIndex.load(path, corpus_check, embedder_name, verify)  # type: ignore[return-value]
        manifest = read_manifest(path)
        check_model(path, manifest.embedding_model, embedder_name)
        try:
            segments, ann = open_parts(path, manifest, verify)
        except (SegmentCorrupt, RuntimeError, OSError) as exc:
            if read_manifest(path) != manifest:  # a build swapped in a new index meanwhile: open that one
                return cls.load(path, corpus_check, embedder_name, verify, threads)
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise IndexStoreError(f"index at {path} is corrupt: {reason}; delete it and build again with: "
                                  f"{build_command(manifest.corpus_root, path)}") from exc
        set_search_threads(threads)
        index = cls(manifest, segments, path, ann)
        if corpus_check:
            index.check_corpus()
        return index

    def close(self) -> None:
        """Close the segments' tables (the index must not be used afterwards)."""
        for segment in self._segments:
            segment.close()

    # ------------------------------------------------------------ rows

    def doc_rows(self) -> dict[str, DocRow]:
        """Where each live document is stored, by source id (for incremental builds)."""
        return self._rows.doc_rows()

    # ------------------------------------------------------------ accessors

    @property
    def manifest(self) -> Manifest:
        """What the index was built from."""
        return self._manifest

    @property
    def segments(self) -> list[Segment]:
        """The open segments, in manifest order."""
        return self._segments

    @property
    def rows(self) -> Rows:
        """Where every row lives (segments, physical ids, per-document records)."""
        return self._rows

    def vectors_of(self, source_id: str) -> np.ndarray:
        """The stored unit vectors of a source's sentences, shape ``(count, dim)``."""
        return self._rows.block(*self.source_range(source_id))

    def vector(self, i: int) -> np.ndarray:
        """The stored unit vector of sentence ``i``, shape ``(dim,)``."""
        segment, local = self._rows.locate(int(i))
        return np.asarray(segment.vectors[local], dtype=np.float32)

    def vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The stored unit vectors of sentences ``rows``, shape ``(len(rows), dim)`` (one read per segment)."""
        return self._rows.vectors_at(self._rows.physical_rows(rows))

    def vectors_in(self, runs: Sequence[tuple[int, int]]) -> np.ndarray:
        """The stored unit vectors of the rows of ``(start, end)`` runs, stacked in order (a slice per run)."""
        blocks = [self._rows.block(start, end) for start, end in runs]
        return np.concatenate(blocks) if blocks else np.zeros((0, self.dim), dtype=np.float32)

    def sentence_at(self, source_id: str, start: int) -> int | None:
        """Row of the sentence of ``source_id`` that starts at character ``start``; None when there is none."""
        return self._rows.local_start(source_id, start)

    def context(self, i: int, window: int = 1) -> str:
        """Sentence ``i`` with its neighbours in the running text (see ``split.context_for``)."""
        start, end = self.source_range(self.sentences[i].source_id)
        return context_for(RowWindow(self.sentences, start, end), i - start, window)

    def paragraph_text(self, i: int) -> str:
        """The whole paragraph that holds sentence ``i``."""
        sentence = self.sentences[i]
        text = self.documents[sentence.source_id].text
        if sentence.source_id not in self._paragraphs:
            self._paragraphs[sentence.source_id] = paragraph_spans(text)
        start, end = self._paragraphs[sentence.source_id][sentence.paragraph]
        return text[start:end]

    def source_summaries(self) -> list[SourceSummary]:
        """One summary per source, in index order."""
        return [self._rows.summary(source_id) for source_id in self._rows.source_ids]

    # ------------------------------------------------------------ search

    def search_batch(self, queries: np.ndarray, k_per_source: int, candidate_pool: int = 256) -> list[list[Hit]]:
        """``search`` for several queries at once (shape ``(n, dim)``); one hit list per query."""
        return per_source_search(self._retrieval, self._rows.ranges, list(self._rows.source_ids), queries,
                                 k_per_source, candidate_pool)

    def nearest_rows(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``nearest`` as arrays ``(similarities, rows)``, each ``(q, n)``, best first, -inf / -1 padded."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        return self._retrieval.search(np.asarray(queries, dtype=np.float32), n)

    def keyword_search(self, query: str, k: int, sources: set[str] | None = None) -> list[KeywordHit]:
        """Sentences that contain the query's words, best BM25 score first (SQLite FTS5).

        Args:
            query: Free text; its words are matched (any of them), punctuation is ignored.
            k: Hits to return.
            sources: Only these source ids. Defaults to all.

        Returns:
            Up to ``k`` hits.
        """
        return self._retrieval.keywords(query, k, sources)

    def table(self, name: str) -> frozenset[str] | None:
        """A corpus-wide table stored with the index (see ``build_index(tables=...)``).

        Returns:
            The union of the terms the live documents contributed, or None when some
            segment was built without this table (build into a fresh folder to add it).
        """
        return self._retrieval.table(name)
