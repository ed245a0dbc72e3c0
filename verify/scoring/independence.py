"""Independent sources: sources whose evidence is a near-copy of each other (wire copies) count once.

Two sources are near-duplicates when their best passages (the one that shows each
source's stance) say the same thing in nearly the same words: a high overlap of their
content-word sets, or a moderate one together with a high embedding cosine. Groups are
the connected components of that relation. Pure functions: texts and vectors in, groups out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from verify.evidence.text import content_words
from verify.models import SourceVerdict

__all__ = [
    "COSINE", "MIN_WORDS", "OVERLAP", "OVERLAP_WITH_COSINE", "group_sources", "independent_stances",
    "near_duplicate", "origin_counts", "summary_line", "word_overlap",
]

OVERLAP = 0.8
"""Jaccard overlap of content words above which two passages are copies on their own."""
OVERLAP_WITH_COSINE = 0.5
COSINE = 0.9
"""A passage pair with at least ``OVERLAP_WITH_COSINE`` word overlap and this embedding cosine is a copy too
(a wire story lightly edited). Cosine alone is not enough: independent reports of one fact are close in meaning."""
MIN_WORDS = 4
"""Passages with fewer content words are never grouped: short sentences coincide by chance."""


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two word sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def near_duplicate(a: frozenset[str], b: frozenset[str], cosine: float | None = None) -> bool:
    """Whether two passages, given as content-word sets (and their embedding cosine), are copies."""
    if min(len(a), len(b)) < MIN_WORDS:
        return False
    overlap = word_overlap(a, b)
    return overlap >= OVERLAP or (cosine is not None and cosine >= COSINE and overlap >= OVERLAP_WITH_COSINE)


def group_sources(evidence: Sequence[tuple[str, str]], vectors: np.ndarray | None = None) -> list[list[str]]:
    """Group sources whose evidence passages are near-duplicates.

    Args:
        evidence: ``(source_id, best passage text)`` per source that takes a side, in report order.
        vectors: Unit embedding of each passage, shape ``(len(evidence), dim)``. Defaults to
            None (word overlap only).

    Returns:
        One list of source ids per group (singletons included), groups ordered by their first
        member and members in input order; every source id appears exactly once.

    Raises:
        ValueError: ``vectors`` does not have one row per passage.
    """
    if vectors is not None and len(vectors) != len(evidence):
        raise ValueError(f"got {len(vectors)} vectors for {len(evidence)} passages")
    words = [frozenset(w for _, _, w in content_words(text)) for _, text in evidence]
    cosines = None if vectors is None or not len(evidence) else np.asarray(vectors) @ np.asarray(vectors).T
    parent = list(range(len(evidence)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(evidence)):
        for j in range(i + 1, len(evidence)):
            cosine = None if cosines is None else float(cosines[i, j])
            if near_duplicate(words[i], words[j], cosine):
                parent[max(root(i), root(j))] = min(root(i), root(j))
    groups: dict[int, list[str]] = {}
    for i, (source_id, _) in enumerate(evidence):
        groups.setdefault(root(i), []).append(source_id)
    return list(groups.values())


def _members(sources: Sequence[SourceVerdict], groups: Sequence[Sequence[str]]) -> list[list[SourceVerdict]]:
    """Sources bundled by group; a source in no group is a group of its own."""
    by_id = {s.source_id: s for s in sources}
    grouped = [[by_id[i] for i in group if i in by_id] for group in groups]
    seen = {s.source_id for members in grouped for s in members}
    return [m for m in grouped if m] + [[s] for s in sources if s.source_id not in seen]


def independent_stances(sources: Sequence[SourceVerdict],
                        groups: Sequence[Sequence[str]]) -> list[tuple[str, float]]:
    """``(stance, confidence)`` per independent origin, for ``aggregate.overall_verdict``.

    A group contributes each stance its members take once, with its members' best
    confidence for it, so three copies of one wire story weigh as one source.
    """
    out = []
    for members in _members(sources, groups):
        best: dict[str, float] = {}
        for s in members:
            best[s.stance] = max(best.get(s.stance, 0.0), s.confidence)
        out.extend(best.items())
    return out


def origin_counts(sources: Sequence[SourceVerdict], groups: Sequence[Sequence[str]]) -> dict[str, tuple[int, int]]:
    """``stance -> (sources, independent origins)`` taking that stance, for the summary line."""
    counts: dict[str, tuple[int, int]] = {}
    for members in _members(sources, groups):
        for stance in dict.fromkeys(s.stance for s in members):
            n_sources, n_origins = counts.get(stance, (0, 0))
            counts[stance] = (n_sources + sum(s.stance == stance for s in members), n_origins + 1)
    return counts


# How the summary line words each stance, for one source and for several.
_SUMMARY = {
    "supports": ("supports", "support"),
    "contradicts": ("contradicts", "contradict"),
    "mixed": ("is mixed", "are mixed"),
    "none": ("has nothing relevant", "have nothing relevant"),
}


def summary_line(sources: Sequence[SourceVerdict], groups: Sequence[Sequence[str]] | None = None) -> str:
    """How the sources split, counting near-copies once.

    E.g. ``3 sources support, 1 contradicts, 1 has nothing relevant``; with two of the
    supporting sources copies of one story, ``2 independent sources support (3 in all), ...``.
    """
    parts = []
    for stance, (n, origins) in sorted(origin_counts(sources, groups or []).items(),
                                       key=lambda item: list(_SUMMARY).index(item[0])):
        one, many = _SUMMARY[stance]
        independent = "independent " if origins < n else ""
        noun = "" if parts else "source " if origins == 1 else "sources "
        in_all = f" ({n} in all)" if origins < n else ""
        parts.append(f"{origins} {independent}{noun}{one if origins == 1 else many}{in_all}")
    return ", ".join(parts) or "the index holds no sources"
