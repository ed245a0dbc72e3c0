"""Which words of a claim and of a passage to highlight: the words they share, and the words they disagree on.

Pure functions over a :class:`~verify.models.Passage` (whose ``mismatches`` carry the
conflicting spans as offsets); the app turns the marks into coloured Markdown.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from verify.evidence.text import FUNCTION_WORDS, SURFACE_WORD, content_words, normalise_word
from verify.models import Passage, Span

__all__ = ["STOPWORDS", "Highlights", "Mark", "content_words", "highlights", "normalise_word"]

MarkKind = Literal["support", "conflict"]

_WORD = SURFACE_WORD  # highlight splits text into words as content_words does
STOPWORDS = FUNCTION_WORDS
"""Never a "supporting word", and a gap two marks may bridge (one copy, in verify.evidence.text)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mark(_Strict):
    """A stretch of text to highlight (character offsets into that text)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: MarkKind


class Highlights(_Strict):
    """The marks of one (claim, passage) pair, each list sorted and non-overlapping."""

    claim: list[Mark] = Field(default_factory=list)
    passage: list[Mark] = Field(default_factory=list)


def _fits(text: str, span: Span | None) -> bool:
    """A detector span whose offsets point at its own text (one found in the context does not)."""
    return span is not None and span.end > span.start and text[span.start:span.end] == span.text


def _overlaps(start: int, end: int, marks: list[Mark]) -> bool:
    return any(start < m.end and m.start < end for m in marks)


def _bridgeable(gap: str) -> bool:
    """Whitespace and stopwords only: two supporting words across it read as one stretch."""
    return all(word.lower() in STOPWORDS for word in _WORD.findall(gap)) and not re.sub(_WORD, "", gap).strip()


def _marks(text: str, shared: set[str], conflicts: list[tuple[int, int]]) -> list[Mark]:
    conflict = []
    for start, end in sorted(set(conflicts)):
        if conflict and start < conflict[-1].end:  # overlapping detector spans: one mark
            conflict[-1] = Mark(start=conflict[-1].start, end=max(end, conflict[-1].end), kind="conflict")
        else:
            conflict.append(Mark(start=start, end=end, kind="conflict"))
    support: list[Mark] = []
    for start, end, word in content_words(text):
        if word not in shared or _overlaps(start, end, conflict):
            continue
        if support and _bridgeable(text[support[-1].end:start]) \
                and not _overlaps(support[-1].end, start, conflict):
            support[-1] = Mark(start=support[-1].start, end=end, kind="support")
        else:
            support.append(Mark(start=start, end=end, kind="support"))
    return sorted(conflict + support, key=lambda m: m.start)


def highlights(claim: str, passage: Passage) -> Highlights:
    """The supporting and conflicting words of a claim and one of its passages.

    *Conflicting* words are the spans the mismatch detectors found (a different date,
    number, name, a negation ...), in the claim and in the passage. *Supporting* words
    are the claim's content words (no stopwords) that the passage shares, compared in
    lower case without plural ``s``; runs of them joined only by stopwords form one mark.
    A span whose offsets do not point at its text (found in the passage's context, not
    the passage itself) is left out.

    Args:
        claim: The claim as checked (``Report.claim``: the offsets of ``claim`` spans point into it).
        passage: One passage of the report.

    Returns:
        Sorted, non-overlapping marks for the claim and for ``passage.text``.
    """
    text = passage.text
    shared = {w for _, _, w in content_words(claim)} & {w for _, _, w in content_words(text)}
    claim_conflicts = [(m.claim.start, m.claim.end) for m in passage.mismatches if _fits(claim, m.claim)]
    passage_conflicts = [(m.passage.start, m.passage.end) for m in passage.mismatches if _fits(text, m.passage)]
    return Highlights(claim=_marks(claim, shared, claim_conflicts), passage=_marks(text, shared, passage_conflicts))
