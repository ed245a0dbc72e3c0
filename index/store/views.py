"""Read-on-demand views of an index's sentences and documents.

Only a small table per live document stays in memory; sentence texts and document
texts are read from the segments' SQLite tables by row id when asked for (with a
small cache), so a million-sentence index opens without building a million objects.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload

from index.models import Document, Sentence

if TYPE_CHECKING:
    from index.store.rows import Rows

__all__ = ["DocumentView", "SentenceView"]

_CACHE = 8192


class SentenceView(Sequence[Sentence]):
    """The sentences of an index in row order; ``Hit.sentence`` indexes this sequence."""

    def __init__(self, index: Rows) -> None:
        self._index = index
        self._one = functools.lru_cache(maxsize=_CACHE)(self._read_one)

    def __len__(self) -> int:
        return self._index.sentences

    def _read_one(self, row: int) -> Sentence:
        segment, local = self._index.locate(row)
        return next(segment.sentences(local, local + 1))

    @overload
    def __getitem__(self, row: int) -> Sentence: ...

    @overload
    def __getitem__(self, row: slice) -> list[Sentence]: ...

    def _read_range(self, start: int, stop: int) -> Iterator[Sentence]:
        """Rows ``start:stop`` in order, streamed."""
        return self._index.read_rows(start, stop)

    def __getitem__(self, row: int | slice) -> Sentence | list[Sentence]:
        if isinstance(row, slice):
            start, stop, step = row.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return list(self._read_range(start, stop))
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"sentence row {row} out of range (the index holds {len(self)})")
        return self._one(row)

    def __iter__(self) -> Iterator[Sentence]:
        return iter(self._read_range(0, len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]


class DocumentView(Mapping[str, Document]):
    """Documents by source id, in index order; each document (with its text) is read on access."""

    def __init__(self, index: Rows) -> None:
        self._index = index
        self._one = functools.lru_cache(maxsize=256)(self._read_one)

    def _read_one(self, source_id: str) -> Document:
        return self._index.read_document(source_id)

    def __getitem__(self, source_id: str) -> Document:
        if source_id not in self._index.source_ids:
            raise KeyError(source_id)
        return self._one(source_id)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._index.source_ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.source_ids)

    def __len__(self) -> int:
        return len(self._index.source_ids)


class RowWindow(Sequence[Sentence]):
    """Rows ``start:end`` of a sentence sequence, each read only when asked for (``context_for``
    walks a few neighbours of one sentence; reading its whole source cost a long document's rows
    per judged passage)."""

    def __init__(self, sentences: Sequence[Sentence], start: int, end: int) -> None:
        self._sentences, self._start, self._end = sentences, start, end

    def __len__(self) -> int:
        return self._end - self._start

    def __getitem__(self, j):  # type: ignore[override]
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        if not 0 <= j < len(self):
            raise IndexError(j)
        return self._sentences[self._start + j]
