"""Whether a stretch of text overlaps any of many spans, in a binary search rather than a pass over them all.

The slot finders and the event reader ask it once per number, date or word of a text: a pass
over every span each time was quadratic in the slots of a long passage (8,000 slots: 20 s).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate


class Spans:
    """A fixed set of ``(start, end)`` spans, sorted once.

    ``overlaps(start, end)`` is ``any(start < e and s < end for s, e in spans)``: of the spans that
    start before ``end`` (a prefix of the sorted starts), the one that reaches furthest ends after
    ``start``; ``covers(start, end)`` asks the same of the spans that start at or before ``start``.

    Args:
        spans: Any spans, in any order, overlapping or not. Defaults to none.
    """

    __slots__ = ("_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(accumulate((e for _, e in ordered), max))
        """The furthest end among the spans up to each one (in start order)."""

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``start:end`` overlaps any of the spans."""
        k = bisect_left(self._starts, end)  # the spans that start before ``end``
        return k > 0 and self._reach[k - 1] > start

    def covers(self, start: int, end: int) -> bool:
        """Whether one of the spans holds all of ``start:end``: ``any(s <= start and end <= e for s, e in spans)``
        (of the spans that start at or before ``start``, the one that reaches furthest ends at or after ``end``)."""
        k = bisect_right(self._starts, start)
        return k > 0 and self._reach[k - 1] >= end


class DisjointSpans:
    """Spans added one at a time, none overlapping another (the caller adds only what ``overlaps`` refuses).

    Sorted by start, disjoint non-empty spans are sorted by end as well: the last span to start
    before ``end`` is the one that reaches furthest.
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``start:end`` overlaps any span added."""
        k = bisect_left(self._starts, end)
        return k > 0 and self._ends[k - 1] > start

    def add(self, start: int, end: int) -> None:
        """Add ``start:end`` (non-empty, overlapping no span added before)."""
        k = bisect_left(self._starts, start)
        self._starts.insert(k, start)
        self._ends.insert(k, end)
