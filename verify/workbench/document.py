"""A source document as the workbench shows it: its details, and its cleaned text with one passage marked.

Pure functions over a :class:`~index.store.claim_index.ClaimIndex`; the page renders the result.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

from index.models import Document, SourceSummary
from index.store.claim_index import ClaimIndex
from verify.workbench.highlight import Mark, marked_html

__all__ = ["PASSAGE_ID", "DocumentView", "display_name", "document_view", "source_names"]

PASSAGE_ID = "cc-passage"
"""The HTML id of the marked passage (the page scrolls to it)."""
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def display_name(document: Document | SourceSummary) -> str:
    """A document's title, or its file name when it has none (a jsonl document: ``file#id``), never a hash id."""
    if document.title:
        return document.title
    name = PurePosixPath(document.path).name
    return f"{name}#{document.source_id}" if name.lower().endswith(".jsonl") else name


def source_names(index: ClaimIndex) -> dict[str, str]:
    """``source id -> display name`` of every document of the index (from its in-memory table, no text read)."""
    return {s.source_id: display_name(s) for s in index.source_summaries()}


class DocumentView(BaseModel):
    """One document, ready to show: its details and its text as HTML with the passage marked."""

    model_config = ConfigDict(extra="forbid")

    source_id: str
    name: str = Field(description="title, or file name when untitled")
    file: str = Field(description="the corpus file it came from")
    publisher: str | None = None
    date: str | None = None
    url: str | None = Field(default=None, description="an http(s) address, when the document has one")
    html: str = Field(description="the cleaned text, escaped, the passage in a mark with id PASSAGE_ID")
    passage: str | None = Field(default=None, description="the marked passage's text; None when none is marked")


def document_view(index: ClaimIndex, source_id: str, start: int | None = None, end: int | None = None,
                  theme: str | None = "light", passage_text: str | None = None) -> DocumentView | None:
    """The document ``source_id`` of ``index`` with the passage ``[start, end)`` marked.

    Args:
        index: The index that holds the document.
        source_id: Its source id.
        start: Character offset of the passage in the cleaned text. Defaults to none (nothing marked).
        end: End offset of the passage.
        theme: The palette of the mark. Defaults to light.
        passage_text: The passage as the report quotes it. When given and the offsets do not point
            at it (the document changed since the check), it is looked up in the text instead.

    Returns:
        The view, or None when the index has no such document (it was removed since).
        Offsets outside the text mark nothing.
    """
    document = index.documents.get(source_id)
    if document is None:
        return None
    text = document.text
    if passage_text and (start is None or end is None or text[start:end] != passage_text):
        at = text.find(passage_text)
        start, end = (at, at + len(passage_text)) if at >= 0 else (None, None)
    marks, passage = [], None
    if start is not None and end is not None and 0 <= start < end <= len(text):
        marks, passage = [Mark(start=start, end=end, kind="passage")], text[start:end]
    url = document.url if document.url and _SAFE_URL.match(document.url.strip()) else None
    return DocumentView(source_id=source_id, name=display_name(document), file=document.path,
                        publisher=document.publisher, date=document.date, url=url and url.strip(),
                        html=marked_html(text, marks, theme, mark_id=PASSAGE_ID), passage=passage)
