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

import logging
from pathlib import Path

import faiss
import numpy as np

from index.corpus import diff_files, file_hashes
from index.errors import IndexStoreError, StaleIndexError
from index.manifest_file import MANIFEST, build_command, read_manifest, set_search_threads
from index.models import Document, FileChanges, Hit, KeywordHit, Manifest, SourceSummary
from index.retrieval import Retrieval
from index.search import per_source_search
from index.segment import DocRow, Segment, SegmentCorrupt
from index.split import context_for, paragraph_spans
from index.views import DocumentView, SentenceView

__all__ = ["INDEX_FILES", "MANIFEST", "ClaimIndex", "build_command", "read_manifest"]

LOG = logging.getLogger(__name__)

INDEX_FILES = (MANIFEST,)
"""Files every index folder holds at its top (the rest is named by the manifest)."""
SEARCH_THREADS = 1
"""faiss and BLAS threads for searching. On 2 shared cores one thread measured far faster: a
5,000 x 384 matrix-vector product took 26 ms with OpenBLAS's 2 threads, 0.9 ms with 1 (see README)."""


class ClaimIndex:
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
        self._bases = np.array([s.info.base for s in segments], dtype=np.int64)
        docs: list[DocRow] = []
        for number, segment in enumerate(segments):
            removed = set(segment.info.removed)
            docs += [DocRow(number, o, sid, p, pos, sha, first, count)
                     for o, sid, p, pos, sha, first, count in segment.documents if o not in removed]
        docs.sort(key=lambda d: (d.path, d.file_pos))
        self._docs = docs
        self.source_ids: dict[str, int] = {}
        for number, doc in enumerate(docs):
            if self.source_ids.setdefault(doc.source_id, number) != number:
                self._fail(f"source {doc.source_id!r} is stored twice")
        counts = np.array([d.count for d in docs], dtype=np.int64)
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        if self._starts[-1] != manifest.sentences or len(docs) != manifest.sources:
            self._fail(f"{len(docs)} sources and {self._starts[-1]} sentences are stored; the manifest counts "
                       f"{manifest.sources} and {manifest.sentences}")
        firsts = np.array([self._bases[d.segment] + d.first for d in docs], dtype=np.int64)
        self._dense_to_phys = (np.repeat(firsts - self._starts[:-1], counts)
                               + np.arange(self._starts[-1], dtype=np.int64))
        physical = int(max((s.info.base + s.info.sentences for s in segments), default=0))
        self._phys_to_dense = np.full(physical, -1, dtype=np.int64)
        self._phys_to_dense[self._dense_to_phys] = np.arange(len(self._dense_to_phys), dtype=np.int64)
        self._paragraphs: dict[str, list[tuple[int, int]]] = {}
        self.sentences_view, self.documents_view = SentenceView(self), DocumentView(self)
        self._retrieval = Retrieval(self, ann)

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
            The index.

        Raises:
            MissingIndexError: No index there.
            StaleIndexError: The corpus changed since the build, or the index has an older format.
            IndexStoreError: A corrupt index, or one built with another model or a newer format.
        """
        path = Path(path)
        manifest = read_manifest(path)
        if embedder_name is not None and embedder_name != manifest.embedding_model:
            raise IndexStoreError(
                f"index at {path} was built with model {manifest.embedding_model}, this run uses "
                f"{embedder_name}; use that model or build a new index with this one"
            )
        hint = f"; delete it and build again with: {build_command(manifest.corpus_root, path)}"
        segments: list[Segment] = []
        try:
            for info in manifest.segments:
                segments.append(Segment(path / info.name, info, manifest.embedding_dim, manifest.vector_dtype, verify))
            ann = None
            if manifest.ann is not None:
                ann = faiss.read_index(str(path / manifest.ann.name), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
                faiss.extract_index_ivf(ann).nprobe = manifest.ann.nprobe
                covered = sum(s.sentences for s in manifest.segments if s.name in manifest.ann.segments)
                if ann.ntotal != covered or ann.d != manifest.embedding_dim:
                    raise SegmentCorrupt(f"{manifest.ann.name} holds {ann.ntotal} vectors of dimension {ann.d}; "
                                         f"expected {covered} of {manifest.embedding_dim}")
        except (SegmentCorrupt, RuntimeError, OSError) as exc:
            for segment in segments:
                segment.close()
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise IndexStoreError(f"index at {path} is corrupt: {reason}{hint}") from exc
        set_search_threads(threads)
        index = cls(manifest, segments, path, ann)
        if corpus_check:
            index.check_corpus()
        return index

    def corpus_changes(self) -> FileChanges | None:
        """How the corpus on disk differs from the files the index was built from.

        Returns:
            The differences, or None when the corpus root no longer exists.

        Raises:
            IngestError: A corpus file cannot be read.
        """
        root = Path(self._manifest.corpus_root)
        if not root.exists():
            return None
        return diff_files(self._manifest.files, file_hashes(root))

    def check_corpus(self) -> None:
        """Refuse an index whose corpus changed; warn when the corpus is gone.

        Raises:
            StaleIndexError: A corpus file was added, changed or removed.
        """
        changes = self.corpus_changes()
        root = self._manifest.corpus_root
        if changes is None:
            LOG.warning("corpus %s of index %s is gone; using the index as built", root, self._path)
        elif changes.has_changes:
            raise StaleIndexError(
                f"index at {self._path} is stale: {changes.describe()} corpus files since it was built; "
                f"rebuild with: {build_command(root, self._path, self._manifest.embedding_model)}"
            )

    def close(self) -> None:
        """Close the segments' tables (the index must not be used afterwards)."""
        for segment in self._segments:
            segment.close()

    # ------------------------------------------------------------ rows

    def doc_rows(self) -> dict[str, DocRow]:
        """Where each live document is stored, by source id (for incremental builds)."""
        return {d.source_id: d for d in self._docs}

    def locate(self, row: int) -> tuple[Segment, int]:
        """The segment and local row of dense row ``row``."""
        physical = int(self._dense_to_phys[row])
        number = int(np.searchsorted(self._bases, physical, side="right") - 1)
        return self._segments[number], physical - int(self._bases[number])

    def dense_rows(self, physical: np.ndarray) -> np.ndarray:
        """Dense rows of physical ids (-1 for ids of removed documents or -1 itself)."""
        physical = np.asarray(physical, dtype=np.int64)
        valid = (physical >= 0) & (physical < len(self._phys_to_dense))
        return np.where(valid, self._phys_to_dense[np.where(valid, physical, 0)], -1)

    def physical_rows(self, rows: np.ndarray) -> np.ndarray:
        """Physical ids of dense rows."""
        return self._dense_to_phys[np.asarray(rows, dtype=np.int64)]

    def read_rows(self, start: int, stop: int):
        """Sentences of dense rows ``start..stop-1``, read document by document."""
        number = int(np.searchsorted(self._starts, start, side="right") - 1)
        while start < stop and number < len(self._docs):
            doc, doc_start = self._docs[number], int(self._starts[number])
            first, end = doc.first + start - doc_start, doc.first + min(stop, int(self._starts[number + 1])) - doc_start
            yield from self._segments[doc.segment].sentences(first, end)
            start, number = int(self._starts[number + 1]), number + 1

    def read_document(self, source_id: str) -> Document:
        """A document with its text, read from its segment."""
        doc = self._docs[self.source_ids[source_id]]
        return self._segments[doc.segment].document(doc.ordinal)

    def block(self, start: int, stop: int) -> np.ndarray:
        """float32 vectors of dense rows ``start..stop-1``."""
        physical = self._dense_to_phys[start:stop]
        if not len(physical):
            return np.zeros((0, self.dim), dtype=np.float32)
        segment, local = self.locate(start)
        if physical[-1] - physical[0] == stop - start - 1 and local + stop - start <= len(segment.vectors):
            return np.asarray(segment.vectors[local:local + stop - start], dtype=np.float32)
        return self.vectors_at(physical)

    def vectors_at(self, physical: np.ndarray) -> np.ndarray:
        """float32 vectors of physical ids."""
        physical = np.asarray(physical, dtype=np.int64)
        out = np.empty((len(physical), self.dim), dtype=np.float32)
        numbers = np.searchsorted(self._bases, physical, side="right") - 1
        for number in np.unique(numbers):
            picked = np.flatnonzero(numbers == number)
            out[picked] = self._segments[number].vectors[physical[picked] - self._bases[number]]
        return out

    # ------------------------------------------------------------ accessors

    @property
    def manifest(self) -> Manifest:
        """What the index was built from."""
        return self._manifest

    @property
    def documents(self) -> DocumentView:
        """Documents by source id, in index order (each read from disk when asked for)."""
        return self.documents_view

    @property
    def sentences(self) -> SentenceView:
        """All sentences, read on demand; ``Hit.sentence`` indexes this sequence."""
        return self.sentences_view

    @property
    def segments(self) -> list[Segment]:
        """The open segments, in manifest order."""
        return self._segments

    @property
    def path(self) -> Path:
        """Directory the index was loaded from."""
        return self._path

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return self._manifest.embedding_dim

    def source_range(self, source_id: str) -> tuple[int, int]:
        """``(start, end)`` rows of a source's sentences. Raises KeyError for an unknown source."""
        number = self.source_ids[source_id]
        return int(self._starts[number]), int(self._starts[number + 1])

    def vectors_of(self, source_id: str) -> np.ndarray:
        """The stored unit vectors of a source's sentences, shape ``(count, dim)``."""
        return self.block(*self.source_range(source_id))

    def vector(self, i: int) -> np.ndarray:
        """The stored unit vector of sentence ``i``, shape ``(dim,)``."""
        segment, local = self.locate(int(i))
        return np.asarray(segment.vectors[local], dtype=np.float32)

    def sentence_at(self, source_id: str, start: int) -> int | None:
        """Row of the sentence of ``source_id`` that starts at character ``start``; None when there is none."""
        if source_id not in self.source_ids:
            return None
        doc = self._docs[self.source_ids[source_id]]
        found = self._segments[doc.segment].query(
            "SELECT row FROM sentences WHERE row >= ? AND row < ? AND start = ? ORDER BY row LIMIT 1",
            (doc.first, doc.first + doc.count, start))
        return int(self._starts[self.source_ids[source_id]]) + found[0][0] - doc.first if found else None

    def context(self, i: int, window: int = 1) -> str:
        """Sentence ``i`` with its neighbours in the running text (see ``split.context_for``)."""
        start, end = self.source_range(self.sentences[i].source_id)
        return context_for(self.sentences[start:end], i - start, window)

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
        about: dict[tuple[int, int], tuple] = {}
        for number, segment in enumerate(self._segments):
            for ordinal, title, date, publisher in segment.query(
                    "SELECT ordinal, title, date, publisher FROM documents"):
                about[number, ordinal] = (title, date, publisher)
        return [
            SourceSummary(source_id=d.source_id, title=about[d.segment, d.ordinal][0],
                          date=about[d.segment, d.ordinal][1], publisher=about[d.segment, d.ordinal][2],
                          path=d.path, sentences=d.count)
            for d in self._docs
        ]

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
        """``search`` for several queries at once (shape ``(n, dim)``); one hit list per query."""
        ranges = list(zip(self._starts[:-1].tolist(), self._starts[1:].tolist()))
        return per_source_search(self._retrieval, ranges, list(self.source_ids), queries, k_per_source,
                                 candidate_pool)

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
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        sims, rows = self._retrieval.search(np.asarray(queries, dtype=np.float32), n)
        return [[Hit(sentence=int(r), source_id=self._docs[int(np.searchsorted(self._starts, r, "right") - 1)]
                     .source_id, similarity=float(s)) for s, r in zip(q_sims, q_rows) if r >= 0]
                for q_sims, q_rows in zip(sims, rows)]

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
