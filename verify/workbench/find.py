"""Find: keyword and phrase search over the corpus's sentences, filtered by source, publisher and date.

The store's keyword index (SQLite FTS5, ``ClaimIndex.keyword_search``) proposes the sentences that
hold any of the query's words; each is then checked for every word and phrase. A sentence holding
all of them holds the rarest one, so the proposals are complete unless they reach
:data:`KEYWORD_POOL`; only then are all sentences scanned.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from pydantic import BaseModel, ConfigDict, Field

from index.models import SourceSummary
from index.store.claim_index import ClaimIndex
from verify.workbench.document import display_name
from verify.workbench.highlight import WORD, Mark, normalise_word

__all__ = ["MAX_HITS", "FindHit", "FindResult", "Query", "find", "matching_sources", "parse_query"]

MAX_HITS = 100
KEYWORD_POOL = 20_000
"""Keyword-index proposals read at most; a query matching more sentences falls back to a scan."""
_PHRASE = re.compile(r'"([^"]+)"')


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Query(_Strict):
    """A parsed search: words that must all occur (in any order) and phrases that must occur as written."""

    words: list[str] = Field(default_factory=list, description="normalised words (see highlight.normalise_word)")
    phrases: list[str] = Field(default_factory=list, description="case-folded phrases, whitespace collapsed")

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


class FindHit(_Strict):
    """One sentence that matches, with where it is."""

    row: int = Field(ge=0, description="the sentence's row in the index")
    source_id: str
    name: str = Field(description="the document's title, or its file name")
    publisher: str | None = None
    date: str | None = None
    text: str
    start: int = Field(ge=0, description="offset of the sentence in the document's text")
    end: int = Field(ge=0)
    marks: list[Mark] = Field(default_factory=list, description="the matching words, offsets into text")


class FindResult(_Strict):
    hits: list[FindHit] = Field(default_factory=list, description="the first matches, in corpus order")
    total: int = Field(ge=0, description="all matching sentences (hits holds at most the limit)")


def parse_query(query: str) -> Query:
    """``"75th anniversary" Putin`` -> phrase ``75th anniversary`` and word ``putin``."""
    phrases = [" ".join(p.split()).casefold() for p in _PHRASE.findall(query) if p.strip()]
    rest = _PHRASE.sub(" ", query)
    words = list(dict.fromkeys(normalise_word(w) for w in WORD.findall(rest)))
    return Query(words=words, phrases=phrases)


def _matches(text: str, query: Query) -> list[Mark] | None:
    """The marks of ``query`` in ``text``, or None when the text does not hold every word and phrase."""
    folded = text.casefold()
    marks = []
    for phrase in query.phrases:
        pattern = r"\s+".join(re.escape(part) for part in phrase.split())
        found = [m for m in re.finditer(pattern, folded)]
        if not found:
            return None
        marks += [Mark(start=m.start(), end=m.end(), kind="passage") for m in found]
    for word in query.words:
        found = [m for m in WORD.finditer(text) if normalise_word(m.group()) == word]
        if not found:
            return None
        marks += [Mark(start=m.start(), end=m.end(), kind="passage") for m in found]
    marks.sort(key=lambda m: (m.start, -m.end))
    kept: list[Mark] = []
    for mark in marks:  # overlapping marks (a word inside a phrase): the first, longest one
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def matching_sources(index: ClaimIndex, sources: Collection[str] | None = None,
                     publishers: Collection[str] | None = None, date_from: str | None = None,
                     date_to: str | None = None) -> dict[str, SourceSummary]:
    """The sources a filter keeps (their summaries), by source id (the filters of :func:`find`, also applied to checks).

    Args:
        index: The index.
        sources: Only these source ids. Defaults to all.
        publishers: Only documents of these publishers. Defaults to all.
        date_from: Only documents dated on or after this ISO date (undated ones are left out). Defaults to none.
        date_to: Only documents dated on or before this ISO date. Defaults to none.
    """
    allowed = {}
    for document in index.source_summaries():  # titles and dates only: no document text is read
        source_id = document.source_id
        date = (document.date or "")[:10]
        if sources is not None and source_id not in sources:
            continue
        if publishers is not None and document.publisher not in publishers:
            continue
        if (date_from or date_to) and not date:
            continue
        if (date_from and date < date_from[:10]) or (date_to and date > date_to[:10]):
            continue
        allowed[source_id] = document
    return allowed


def find(index: ClaimIndex, query: str, sources: Collection[str] | None = None,
         publishers: Collection[str] | None = None, date_from: str | None = None, date_to: str | None = None,
         limit: int = MAX_HITS) -> FindResult:
    """The sentences of the corpus that hold every word and phrase of ``query``.

    Words match whole words, case and plural ``s`` aside ("Talks" finds "talk"); a phrase in
    double quotes matches as written (case and runs of whitespace aside).

    Args:
        index: The index to search.
        query: Words and ``"quoted phrases"``.
        sources: Only these source ids. Defaults to all.
        publishers: Only documents of these publishers. Defaults to all.
        date_from: Only documents dated on or after this ISO date (undated ones are left out). Defaults to none.
        date_to: Only documents dated on or before this ISO date. Defaults to none.
        limit: At most this many hits are returned (``total`` counts them all). Defaults to :data:`MAX_HITS`.

    Returns:
        The hits in corpus order and their total; nothing for an empty query.
    """
    parsed = parse_query(query)
    if parsed.empty:
        return FindResult(total=0)
    allowed = matching_sources(index, sources, publishers, date_from, date_to)
    hits, total = [], 0
    sentences = index.sentences
    for row in _candidate_rows(index, query, parsed, set(allowed)):
        sentence = sentences[row]
        document = allowed.get(sentence.source_id)
        if document is None or (marks := _matches(sentence.text, parsed)) is None:
            continue
        total += 1
        if len(hits) < limit:
            hits.append(FindHit(row=row, source_id=sentence.source_id, name=display_name(document),
                                publisher=document.publisher, date=document.date, text=sentence.text,
                                start=sentence.start, end=sentence.end, marks=marks))
    return FindResult(hits=hits, total=total)


def _candidate_rows(index: ClaimIndex, query: str, parsed: Query, sources: set[str]) -> list[int]:
    """Rows that may match, in corpus order: the keyword index's proposals, or every row when those
    may be incomplete (the pool filled up)."""
    if not sources:
        return []
    # the words as written, as compared ("talks" -> "talk") and in the plural, so FTS5's exact tokens
    # cannot miss a form find() accepts
    forms = [query, *parsed.words, *(f"{w}s" for w in parsed.words)]
    proposed = index.keyword_search(" ".join(forms), KEYWORD_POOL, sources=sources)
    if len(proposed) >= KEYWORD_POOL:
        return list(range(len(index.sentences)))
    return sorted(hit.sentence for hit in proposed)
