"""Split a cleaned document into paragraphs and sentences with exact offsets.

Every sentence satisfies ``document.text[s.start:s.end] == s.text``, so a passage
can always be highlighted in its source.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence

from pydantic import TypeAdapter

from index.ingest.layout import classify_paragraphs, dateline_end
from index.models import Document, Sentence, SentenceKind
from index.split.segmenter import MAX_SENTENCE_CHARS, Budget, segment

__all__ = ["context_for", "paragraph_spans", "sentence_id", "sentence_spans", "split_document"]

LOG = logging.getLogger(__name__)

_TWO_WORDS = re.compile(r"\w\W+\w")  # found as soon as a second word starts (a count read them all)
_PARENTHESISED = re.compile(r"^\([^()]*\)[.,;]?$")
# Neighbours a body sentence may draw context from; headlines and captions stand alone.
_RUNNING_TEXT: frozenset[SentenceKind] = frozenset({"body", "dateline"})
# a document's sentences validated in one call: about half the cost of one Sentence(...) each
_SENTENCES = TypeAdapter(list[Sentence])


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the paragraphs of a text: each non-empty line, without surrounding whitespace.

    Args:
        text: Cleaned document text.

    Returns:
        ``(start, end)`` per paragraph, in order.
    """
    spans = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            spans.append((start, start + len(stripped)))
        offset += len(line) + 1
    return spans


def _is_fragment(text: str) -> bool:
    """A piece the sentence splitter cut off that cannot stand alone: ``(Yonhap)``, ``EFE``, ``-``."""
    return _TWO_WORDS.search(text) is None or text.startswith("(") and _PARENTHESISED.match(text) is not None


def sentence_spans(paragraph: str, budget: Budget | None = None, head: int | None = None) -> list[tuple[int, int]]:
    """Sentence offsets within one paragraph.

    ``index.split.segmenter.segment`` finds the sentence boundaries (pysbd's, in linear
    time); a leading dateline stays with the first sentence, and fragments such as
    a trailing ``(Yonhap)`` credit or a lone ``EFE`` are merged into the sentence
    before them unless that would make it longer than ``MAX_SENTENCE_CHARS``.

    Args:
        paragraph: One paragraph, without surrounding whitespace.
        budget: What pysbd may still read of the document (see ``index.split.segmenter.Budget``).
            Defaults to a fresh budget for this paragraph.
        head: ``dateline_end(paragraph)``, when the caller knows it. Defaults to None: looked up.

    Returns:
        ``(start, end)`` per sentence, stripped of whitespace, in order.
    """
    head = dateline_end(paragraph) if head is None else head
    if head:
        spans = [(head + a, head + b) for a, b in segment(paragraph[head:], budget)]
        if spans:
            spans[0] = (0, spans[0][1])
    else:
        spans = segment(paragraph, budget)
    if not spans:
        return [(0, len(paragraph))]
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and end - merged[-1][0] <= MAX_SENTENCE_CHARS and _is_fragment(paragraph[start:end]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if len(merged) > 1 and merged[1][1] - merged[0][0] <= MAX_SENTENCE_CHARS \
            and _is_fragment(paragraph[merged[0][0]:merged[0][1]]):  # a leading "-" or "N."
        merged[0:2] = [(merged[0][0], merged[1][1])]
    return merged


def sentence_id(source_id: str, start: int, end: int, text: str) -> str:
    """Content hash of a sentence: stable across rebuilds while the source is unchanged."""
    # the fields joined by "\x1f" (an f-string: a third cheaper than str() and join, same bytes)
    return hashlib.sha256(f"{source_id}\x1f{start}\x1f{end}\x1f{text}".encode()).hexdigest()[:16]


def split_document(document: Document) -> list[Sentence]:
    """Split a document into marked sentences.

    Args:
        document: A cleaned document (``Document.text`` as ``load_corpus`` makes it).

    Returns:
        The sentences in reading order, each with its offsets, paragraph number and
        kind (title, caption, byline, dateline or body).
    """
    text = document.text
    paragraphs = paragraph_spans(text)
    texts = [text[a:b] for a, b in paragraphs]
    heads = [dateline_end(paragraph) for paragraph in texts]  # once: the kinds read them too
    kinds = classify_paragraphs(texts, document.title, heads)
    source_id = document.source_id
    records: list[dict[str, object]] = []
    budget = Budget()
    for number, ((p_start, _), paragraph, head, kind) in enumerate(zip(paragraphs, texts, heads, kinds)):
        opens_with_dateline = kind == "dateline" and head > 0
        for i, (start, end) in enumerate(sentence_spans(paragraph, budget, head)):
            start, end = p_start + start, p_start + end
            sentence = text[start:end]
            sentence_kind: SentenceKind = "body" if opens_with_dateline and i > 0 else kind
            records.append({
                "id": sentence_id(source_id, start, end, sentence), "source_id": source_id,
                "position": len(records), "text": sentence, "start": start, "end": end, "kind": sentence_kind,
                "paragraph": number,
            })
    return _SENTENCES.validate_python(records)  # each validated as Sentence(**record) would be, in one call


def context_for(sentences: Sequence[Sentence], i: int, window: int = 1) -> str:
    """The sentence ``i`` with up to ``window`` neighbours on each side, from the same document.

    A body or dateline sentence draws its neighbours from the running text, skipping
    titles, captions and bylines, so "He said the agreements will ..." is read with
    the sentence that says who "he" is. A title, caption or byline sentence only
    draws on its own paragraph.

    Args:
        sentences: Sentences in reading order; sentences of one document are contiguous.
        i: Index of the sentence in ``sentences``.
        window: Neighbours to take on each side. Defaults to 1.

    Returns:
        The sentences joined by single spaces, in reading order.

    Raises:
        IndexError: ``i`` is out of range.
    """
    centre = sentences[i]
    if centre.kind in _RUNNING_TEXT:
        def fits(other: Sentence) -> bool:
            return other.kind in _RUNNING_TEXT
    else:
        def fits(other: Sentence) -> bool:
            return other.paragraph == centre.paragraph

    def neighbours(step: int) -> list[Sentence]:
        found = []
        j = i + step
        while 0 <= j < len(sentences) and len(found) < window and sentences[j].source_id == centre.source_id:
            if fits(sentences[j]):
                found.append(sentences[j])
            j += step
        return found

    chosen = [*reversed(neighbours(-1)), centre, *neighbours(1)]
    return " ".join(s.text for s in chosen)
