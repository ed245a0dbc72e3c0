"""Which passages a check judges: a bounded, per-source diverse choice from a wide retrieval.

The judge is the costly step of a check, so its work per claim must not grow with the
corpus. Retrieval is wide and cheap: the ``candidate_pool`` sentences nearest to the claim
over the whole index (one top-N search, whatever the number of sources), and the
``keyword_pool`` sentences the store's keyword search finds for the claim's words (it keeps
the rarest of them: names, figures), so a passage naming a rare name or number is not lost
when the dense search ranks it low. From these the choice is small: most similar first, at
most ``k_per_source`` passages of one source and ``max_passages`` in all, then up to
``keyword_passages`` more from the keyword hits; nothing below ``min_similarity``.

A check limited to sources the user chose makes the same choice among them: the
``candidate_pool`` sentences nearest the claim among the chosen sources' rows
(``ClaimIndex.nearest_among``: the global search filtered to them, or their rows scored
exactly when they are few), and the keyword hits within them, capped as above. Choosing
5,000 sources costs the judge what choosing 5 does, and the search reads about as many
vectors as the candidates need, not every chosen source's rows; choosing every source is
the unfiltered check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

import numpy as np

from index.models import Hit
from index.store.claim_index import ClaimIndex
from verify.evidence.text import FUNCTION_WORDS, SURFACE_WORD
from verify.settings import Settings

__all__ = ["choose", "keyword_query", "select_candidates"]


def keyword_query(claim: str) -> str:
    """The claim's words that may name something (function words dropped), for the keyword search.

    The store keeps the rarest of them (``index.search.retrieval``), so common words cost nothing.
    """
    words = [w for w in (m.group().lower() for m in SURFACE_WORD.finditer(claim)) if w not in FUNCTION_WORDS]
    return " ".join(dict.fromkeys(words))


def _take(hits: Iterable[Hit], chosen: dict[int, Hit], per_source: Counter, k_per_source: int, limit: int,
          min_similarity: float) -> None:
    """Add ``hits`` in their order to ``chosen`` until ``limit`` more are taken (caps as in ``choose``)."""
    taken = 0
    for hit in hits:
        if taken >= limit:
            return
        if hit.similarity < min_similarity or hit.sentence in chosen or per_source[hit.source_id] >= k_per_source:
            continue
        chosen[hit.sentence] = hit
        per_source[hit.source_id] += 1
        taken += 1


def choose(dense: list[Hit], keyword: list[Hit], k_per_source: int, max_passages: int, keyword_passages: int,
           min_similarity: float) -> list[Hit]:
    """The passages to judge: a pure function of the retrieved hits.

    Args:
        dense: Hits of the similarity search (any order; taken most similar first).
        keyword: Hits of the keyword search with their similarity, best keyword match first.
        k_per_source: At most this many passages of one source.
        max_passages: At most this many passages from ``dense``.
        keyword_passages: At most this many more from ``keyword`` (sentences not chosen already).
        min_similarity: Hits below are never chosen.

    Returns:
        At most ``max_passages + keyword_passages`` hits, highest similarity first (ties by row).
    """
    chosen: dict[int, Hit] = {}
    per_source: Counter = Counter()
    _take(sorted(dense, key=lambda h: (-h.similarity, h.sentence)), chosen, per_source, k_per_source,
          max_passages, min_similarity)
    _take(keyword, chosen, per_source, k_per_source, keyword_passages, min_similarity)
    return sorted(chosen.values(), key=lambda h: (-h.similarity, h.sentence))


def _keyword_hits(index: ClaimIndex, claim: str, query: np.ndarray, k: int,
                  sources: set[str] | None = None) -> list[Hit]:
    """The keyword search's hits for ``claim`` (within ``sources`` if given), with their similarity to the claim."""
    found = index.keyword_search(keyword_query(claim), k, sources) if k else []
    if not found:
        return []
    vectors = index.vectors_at(np.array([h.sentence for h in found], dtype=np.int64))  # one read, not one a hit
    return [Hit(sentence=h.sentence, source_id=h.source_id, similarity=float(s))
            for h, s in zip(found, vectors @ query)]


def select_candidates(index: ClaimIndex, claims: list[str], queries: np.ndarray, settings: Settings,
                      sources: Collection[str] | None = None) -> list[list[Hit]]:
    """The passages to judge for each claim.

    Args:
        index: The index to search.
        claims: The claims, aligned with ``queries``.
        queries: ``(len(claims), dim)`` unit vectors of the claims.
        settings: ``candidate_pool``, ``keyword_pool``, ``k_per_source``, ``max_passages``,
            ``keyword_passages`` and ``min_similarity``.
        sources: Only these source ids (a set the user chose): the ``candidate_pool`` sentences
            nearest the claim among their rows and the keyword hits within them, chosen with the
            same caps. Defaults to None: the whole index.

    Returns:
        One list of hits per claim, highest similarity first.
    """
    s = settings
    queries = np.asarray(queries, dtype=np.float32)
    if index.rows.sentences == 0:
        return [[] for _ in claims]
    chosen = None if sources is None else set(sources)
    if chosen is not None:  # rows below min_similarity are never chosen: the search may stop above them
        dense = index.nearest_among(queries, s.candidate_pool, chosen, floor=s.min_similarity)
    else:
        dense = index.nearest(queries, s.candidate_pool)
    return [choose(hits, _keyword_hits(index, claim, query, s.keyword_pool, chosen), s.k_per_source,
                   s.max_passages, s.keyword_passages, s.min_similarity)
            for claim, query, hits in zip(claims, queries, dense)]
