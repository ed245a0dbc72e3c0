"""Where every row of an index lives: dense row numbers over the live documents, mapped to segments.

Rows are numbered densely over the live documents in corpus order (file, then position
in the file). Each segment's rows also have a physical id (segment base + local row),
stable while the segment exists; the ANN file holds physical ids. Only a small record
per live document is kept in memory (no text).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from index.models import Document, Sentence, SourceSummary
from index.store.segment import DocRow, Segment

__all__ = ["RowRanges", "Rows"]


class RowRanges:
    """Documents in index order, each a range of dense rows: the look-ups ``Rows`` and ``ShardRows`` share.

    Args:
        source_ids: Each document's source id, in index order.
        counts: Each document's rows, in the same order.
        twice: How a source id that comes twice is stored, for the error ("stored twice").

    Raises:
        ValueError: A source id comes twice (the message says which).
    """

    def __init__(self, source_ids: Sequence[str], counts: np.ndarray, twice: str) -> None:
        self.source_ids: dict[str, int] = {}
        for number, source_id in enumerate(source_ids):
            if self.source_ids.setdefault(source_id, number) != number:
                raise ValueError(f"source {source_id!r} is {twice}")
        self._ids = list(source_ids)
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @property
    def sentences(self) -> int:
        """Live rows."""
        return int(self._starts[-1])

    @property
    def documents(self) -> int:
        """Live documents."""
        return len(self._ids)

    def source_range(self, source_id: str) -> tuple[int, int]:
        """``(start, end)`` rows of a source. Raises KeyError for an unknown source."""
        number = self.source_ids[source_id]
        return int(self._starts[number]), int(self._starts[number + 1])

    def source_ids_of(self, rows: np.ndarray) -> list[str]:
        """Source id of each row of ``rows`` (one search for all)."""
        ids = self._ids
        return [ids[d] for d in (np.searchsorted(self._starts, np.asarray(rows, dtype=np.int64), "right") - 1).tolist()]


class Rows(RowRanges):
    """The row layout of an open index.

    Args:
        segments: The open segments, in manifest order.
        dim: Vector dimension.

    Raises:
        ValueError: A source is stored twice (the message says which).
    """

    def __init__(self, segments: list[Segment], dim: int) -> None:
        self.segments, self.dim = segments, dim
        self._bases = np.array([s.info.base for s in segments], dtype=np.int64)
        docs: list[DocRow] = []
        for number, segment in enumerate(segments):
            removed = set(segment.info.removed)
            docs += [DocRow(number, o, sid, p, pos, sha, first, count)
                     for o, sid, p, pos, sha, first, count in segment.documents if o not in removed]
        docs.sort(key=lambda d: (d.path, d.file_pos))
        self._docs = docs
        counts = np.array([d.count for d in docs], dtype=np.int64)
        super().__init__([d.source_id for d in docs], counts, "stored twice")
        firsts = np.array([self._bases[d.segment] + d.first for d in docs], dtype=np.int64)
        self._dense_to_phys = (np.repeat(firsts - self._starts[:-1], counts)
                               + np.arange(self._starts[-1], dtype=np.int64))
        physical = int(max((s.info.base + s.info.sentences for s in segments), default=0))
        self._phys_to_dense = np.full(physical, -1, dtype=np.int64)
        self._phys_to_dense[self._dense_to_phys] = np.arange(len(self._dense_to_phys), dtype=np.int64)
        self._about: dict[tuple[int, int], tuple] = {}
        for number, segment in enumerate(segments):
            for ordinal, *about in segment.query("SELECT ordinal, title, date, publisher, url FROM documents"):
                self._about[number, ordinal] = tuple(about)

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """``(start, end)`` rows of each live document, in order."""
        return list(zip(self._starts[:-1].tolist(), self._starts[1:].tolist()))

    def source_of(self, row: int) -> str:
        """Source id of dense row ``row``."""
        return self._ids[int(np.searchsorted(self._starts, row, "right") - 1)]

    def summary(self, source_id: str) -> SourceSummary:
        """What is known of a source without reading its text."""
        doc = self._docs[self.source_ids[source_id]]
        title, date, publisher, url = self._about[doc.segment, doc.ordinal]
        return SourceSummary(source_id=doc.source_id, title=title, date=date, publisher=publisher, url=url,
                             path=doc.path, sentences=doc.count)

    def local_start(self, source_id: str, start: int) -> int | None:
        """Row of the sentence of ``source_id`` that starts at character ``start``; None when there is none."""
        if source_id not in self.source_ids:
            return None
        doc = self._docs[self.source_ids[source_id]]
        found = self.segments[doc.segment].query(
            "SELECT row FROM sentences WHERE row >= ? AND row < ? AND start = ? ORDER BY row LIMIT 1",
            (doc.first, doc.first + doc.count, start))
        return int(self._starts[self.source_ids[source_id]]) + found[0][0] - doc.first if found else None

    def doc_rows(self) -> dict[str, DocRow]:
        """Where each live document is stored, by source id (for incremental builds)."""
        return {d.source_id: d for d in self._docs}

    def locate(self, row: int) -> tuple[Segment, int]:
        """The segment and local row of dense row ``row``."""
        physical = int(self._dense_to_phys[row])
        number = int(np.searchsorted(self._bases, physical, side="right") - 1)
        return self.segments[number], physical - int(self._bases[number])

    def dense_rows(self, physical: np.ndarray) -> np.ndarray:
        """Dense rows of physical ids (-1 for ids of removed documents or -1 itself)."""
        physical = np.asarray(physical, dtype=np.int64)
        valid = (physical >= 0) & (physical < len(self._phys_to_dense))
        return np.where(valid, self._phys_to_dense[np.where(valid, physical, 0)], -1)

    def physical_rows(self, rows: np.ndarray) -> np.ndarray:
        """Physical ids of dense rows."""
        return self._dense_to_phys[np.asarray(rows, dtype=np.int64)]

    def read_rows(self, start: int, stop: int) -> Iterator[Sentence]:
        """Sentences of dense rows ``start..stop-1``, read document by document."""
        number = int(np.searchsorted(self._starts, start, side="right") - 1)
        while start < stop and number < len(self._docs):
            doc, doc_start = self._docs[number], int(self._starts[number])
            first, end = doc.first + start - doc_start, doc.first + min(stop, int(self._starts[number + 1])) - doc_start
            yield from self.segments[doc.segment].sentences(first, end)
            start, number = int(self._starts[number + 1]), number + 1

    def read_document(self, source_id: str) -> Document:
        """A document with its text, read from its segment."""
        doc = self._docs[self.source_ids[source_id]]
        return self.segments[doc.segment].document(doc.ordinal)

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
            out[picked] = self.segments[number].vectors[physical[picked] - self._bases[number]]
        return out

