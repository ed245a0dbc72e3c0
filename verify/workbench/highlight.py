"""Which words of a claim and of a passage to highlight: the words they share, and the words they disagree on.

Pure functions over a :class:`~verify.models.Passage` (whose ``mismatches`` carry the
conflicting spans as offsets); the app turns the marks into coloured Markdown.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from verify.evidence.text import FUNCTION_WORDS, SURFACE_WORD, content_words, normalise_word
from verify.models import Passage, Span
from verify.workbench.palette import colours

__all__ = [
    "STOPWORDS", "WORD", "Highlights", "Mark", "badge_html", "claim_marks", "content_words", "highlights", "marked_html",
    "normalise_word",
]

MarkKind = Literal["support", "conflict", "passage"]

WORD = SURFACE_WORD  # highlight splits text into words as content_words does
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
    return all(word.lower() in STOPWORDS for word in WORD.findall(gap)) and not re.sub(WORD, "", gap).strip()


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


def claim_marks(claim: str, passages: list[Passage]) -> list[Mark]:
    """The claim's marks over all its passages at once (for showing the statement once, not per quote).

    A word any passage disagrees on is a conflict; other words a passage shares are support.
    """
    conflicts = [(m.start, m.end) for p in passages for m in highlights(claim, p).claim if m.kind == "conflict"]
    shared = set()
    for passage in passages:
        shared |= {w for _, _, w in content_words(claim)} & {w for _, _, w in content_words(passage.text)}
    return _marks(claim, shared, conflicts)


def _style(kind: str, theme: str | None) -> str:
    text, background = colours(kind, theme)
    return f"color:{text};background-color:{background};padding:0 .15em;border-radius:.2em"


def marked_html(text: str, marks: list[Mark], theme: str | None = "light", mark_id: str | None = None) -> str:
    """``text`` as escaped HTML with each mark in a ``<mark class="cc-KIND">`` of the palette's colours.

    Args:
        text: Any text (corpus text included: it is escaped, never markup).
        marks: Sorted marks; one that overlaps an earlier one is left out.
        theme: The palette (``light`` or ``dark``). Defaults to light.
        mark_id: An ``id`` for the first mark (the document view scrolls to it). Defaults to none.

    Returns:
        HTML with line breaks kept as ``<br>``.
    """
    out, done = [], 0
    for mark in marks:
        if mark.start < done:
            continue
        ident = f' id="{html.escape(mark_id)}"' if mark_id else ""
        out += [html.escape(text[done:mark.start]),
                (f'<mark class="cc-mark cc-{mark.kind}"{ident} style="{_style(mark.kind, theme)}">'
                 f"{html.escape(text[mark.start:mark.end])}</mark>")]
        done = mark.end
        mark_id = None
    out.append(html.escape(text[done:]))
    return "".join(out).replace("\n", "<br>")


def badge_html(kind: str, words: str, theme: str | None = "light") -> str:
    """A stance or verdict badge: ``words`` (escaped) on the kind's colour."""
    return (f'<span class="cc-badge cc-{html.escape(kind)}" style="{_style(kind, theme)};font-weight:600">'
            f"{html.escape(words)}</span>")
