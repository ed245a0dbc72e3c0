"""What both benchmarks share: paths and a small table printer."""

from __future__ import annotations

import multiprocessing
import resource
import threading
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"


def table(header: list[str], rows: list[list[str]]) -> str:
    """Rows as a plain-text table, the first column left-aligned and the others right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def timed(run, queries) -> list[float]:
    """Seconds ``run(query)`` took for each query, one call at a time."""
    times = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        times.append(time.perf_counter() - start)
    return times


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB), file pages included."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def status_mib(field: str = "VmRSS") -> float:
    """A field of ``/proc/self/status`` in MiB (``RssAnon``: resident memory without file pages such as
    memory-mapped vectors, which the kernel can drop and read again; NaN where there is no such file)."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return float("nan")
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class AnonPeak:
    """The peak anonymous resident memory (``RssAnon``) while the ``with`` block runs, sampled by a thread.

    Linux keeps a peak of all resident memory (``ru_maxrss``, ``VmHWM``), file pages included;
    for anonymous memory alone there is none, so it is sampled every ``interval`` seconds (a
    spike shorter than that can be missed).

    Args:
        interval: Seconds between samples. Defaults to 0.005.
        keep: Keep every sample, as ``(time.perf_counter(), MiB)`` in ``timeline``. Defaults to False.
    """

    def __init__(self, interval: float = 0.005, keep: bool = False) -> None:
        self.interval = interval
        self.mib = float("nan")
        self.timeline: list[tuple[float, float]] | None = [] if keep else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            now = status_mib("RssAnon")
            if self.timeline is not None:
                self.timeline.append((time.perf_counter(), now))
            self.mib = now if not self.mib >= now else self.mib  # NaN-safe max
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> Self:
        self.mib = status_mib("RssAnon")
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.mib = max(self.mib, status_mib("RssAnon"))


def in_child(function, *args) -> dict:
    """``function(*args)`` run in a fresh (spawned) process, so its memory and imports are its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)
