"""Time a build's phases, and the peak anonymous memory within each, by wrapping the functions that run them.

``bench.bench_store`` wraps these in its build process (only those the tree under test has, so the
same bench runs against an older tree): each call's start and end are kept, and a thread samples
``RssAnon`` every 5 ms (``bench._common.AnonPeak(keep=True)``) so each phase's peak is read off the
samples that fall within it.
"""

from __future__ import annotations

import functools
import importlib
import time

__all__ = ["PHASES", "PhaseClock"]

PHASES = [
    ("embed (stand-in encoder)", "index.build.new_segment", None, "embed_by_length"),
    ("segment finish (vector file, full text)", "index.store.segment_writer", "SegmentWriter", "finish"),
    ("IVF file, all", "index.search.ann_file", None, "write_ivf"),
    ("IVF file, all", "index.build.update", None, "write_ivf"),  # the name the build calls (imported before the clock)
    ("  IVF training", "index.search.ann", "Trained", "__init__"),
    ("  IVF lists written", "index.search.ann_file", None, "_write_lists"),
    ("  IVF nprobe tuning", "index.search.ann", "Trained", "tune"),
]
"""(label, module, class or None, function) of each phase timed."""


class PhaseClock:
    """Wraps ``PHASES`` (where present); ``report`` gives each phase's seconds and peak anonymous memory."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[float, float]]] = {}
        wrappers: dict[int, object] = {}  # one wrapper a function, however many names it has
        for label, module_name, owner_name, name in PHASES:
            module = importlib.import_module(module_name)
            owner = getattr(module, owner_name) if owner_name else module
            if hasattr(owner, name):
                function = getattr(owner, name)
                setattr(owner, name, wrappers.setdefault(id(function), self._wrap(label, function)))

    def _wrap(self, label: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.calls.setdefault(label, []).append((start, time.perf_counter()))
        return timed

    def report(self, samples: list[tuple[float, float]], start: float, end: float) -> list[tuple[str, float, float]]:
        """``(label, seconds, peak anonymous MiB)`` of each phase that ran, and of what ran from ``start`` to the
        first of them (reading the corpus and writing its documents), from ``AnonPeak``'s ``samples``."""
        def peak(first: float, last: float) -> float:
            return max((mib for t, mib in samples if first <= t <= last), default=float("nan"))

        rows = []
        first = min((s for spans in self.calls.values() for s, _ in spans), default=end)
        rows.append(("read corpus, write documents (before the rest)", first - start, peak(start, first)))
        for label in dict.fromkeys(label for label, *_ in PHASES):
            spans = self.calls.get(label, [])
            if spans:
                rows.append((label, sum(e - s for s, e in spans), max(peak(s, e) for s, e in spans)))
        return rows
