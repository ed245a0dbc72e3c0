"""Sentence boundaries of one paragraph, in time linear in its length.

pysbd knows English abbreviations, numbers, quotes and lists, but its cost grows with
the square of the text it is given (every abbreviation it finds rescans the whole text)
and it is slow even on short text. So a paragraph is first cut at the boundaries that
pysbd cannot decide otherwise: a sentence-ending ``.`` or ``?`` after a plain word,
followed by a space and a capital, outside quotes and brackets. A piece holding no
other punctuation that pysbd has rules for is one sentence as it stands; only the
remaining pieces go through pysbd. No piece is longer than ``MAX_SENTENCE_CHARS``: a
longer run is cut at its last space before the limit, so one hostile paragraph costs
time in proportion to its length.
"""

from __future__ import annotations

import functools
import logging
import re

__all__ = ["MAX_SENTENCE_CHARS", "segment"]

LOG = logging.getLogger(__name__)

MAX_SENTENCE_CHARS = 2_000
"""Longest sentence kept, and longest text handed to pysbd. A run of text longer than this
with no sentence boundary is cut at its last space before the limit (at the limit when it
holds no space)."""

# A "." or "?" after a plain word (a capitalised or lower-case word, or a year), then space
# and a capital letter: pysbd always ends a sentence there unless the word is an abbreviation
# or the punctuation sits inside quotes or brackets (both checked in _certain_ends).
_CANDIDATE = re.compile(r"(?:(?<=\s)|^)([A-Za-z][a-z]+|\d{4})[.?](?=\s+[A-Z])")
_FINAL = re.compile(r"(?:(?<=\s)|^)([A-Za-z][a-z]+|\d{4})[.?]$")
# Something pysbd has a rule for; a piece holding one goes through pysbd. Sentence
# punctuation (a "." between digits is a decimal point to pysbd too), ellipses, "--" asides,
# single quotes opened after a space, a piece opening with a quote or bracket, list markers
# such as "a)" or "(iv)", and any character outside Latin scripts and common punctuation.
_NEEDS_PYSBD = re.compile(
    r"(?<!\d)\.|\.(?!\d)|[!?\u3002\uff0e\uff01\uff1f\u2026\u01c3\r\n\u2018\u00ab\u00bb\u2043\u300c\uff08]"
    r"|--|\s'|^[^A-Za-z0-9]|(?:^|[\s(])(?:[A-Za-z]|[ivxlcdm]+|[A-Z]{2,4})\)"
    r"|[^\x20-\x7e\u00a0-\u024f\u2013\u2014\u2019\u201c\u201d]"
)
# pysbd reads "1) ... 2) ..." as a list; one number before a bracket, as in "(1950)", is no list.
_NUMBER_BEFORE_BRACKET = re.compile(r"\d\)")
# Characters that open or close a span pysbd reads as one unit (it does not split inside).
_OPENERS_CLOSERS = (("(", ")"), ("[", "]"), ("\u201c", "\u201d"))
# Once one of these appears, later boundaries are left to pysbd (single-quoted and -- spans).
_UNSURE_AFTER = re.compile(r"--|\s'|^'|\u2018")


_PYSBD_BATCH_CHARS = 1_000
"""Neighbouring pieces pysbd must read are passed to it together up to this length: fewer calls,
while its quadratic cost stays bounded."""


@functools.lru_cache(maxsize=1)
def _pysbd():
    import pysbd  # imported lazily: building its rules takes a moment
    from pysbd.lang.common.standard import Standard

    abbreviations = frozenset(a.lower() for a in Standard.Abbreviation.ABBREVIATIONS) | {"am", "pm"}
    # "Mr. Kim", "Dr. Lee": pysbd never ends a sentence after a title followed by a space.
    titles = "|".join(re.escape(a) for a in Standard.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
    title_period = re.compile(rf"(?:(?<=\s)|^)(?:{titles})\.(?=\s)", re.IGNORECASE)
    return pysbd.Segmenter(language="en", clean=False), abbreviations, title_period


def _plain_word(word: str) -> bool:
    return word.lower() not in _pysbd()[1]


def _certain_ends(text: str) -> list[int]:
    """Offsets just after each sentence end pysbd would also find, cheaply and conservatively."""
    unsure = _UNSURE_AFTER.search(text)
    limit = unsure.start() if unsure else len(text)
    ends, checked = [], 0
    depth = dict.fromkeys(_OPENERS_CLOSERS, 0)
    quotes = 0
    for match in _CANDIDATE.finditer(text, 0, limit):
        end = match.end()
        chunk = text[checked:end]
        checked = end
        quotes += chunk.count('"')
        for pair in _OPENERS_CLOSERS:
            depth[pair] += chunk.count(pair[0]) - chunk.count(pair[1])
        if quotes % 2 == 0 and not any(depth.values()) and _plain_word(match[1]):
            ends.append(end)
    return ends


def _cut_long(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``MAX_SENTENCE_CHARS``, cut at spaces where possible."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS + 1)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _is_one_sentence(piece: str) -> bool:
    final = _FINAL.search(piece)
    body = piece[:final.end() - 1] if final and _plain_word(final[1]) else piece
    body = _pysbd()[2].sub("Mr", body)
    if _NEEDS_PYSBD.search(body) is not None:
        return False
    brackets = _NUMBER_BEFORE_BRACKET.finditer(body)
    return next(brackets, None) is None or next(brackets, None) is None


def _pysbd_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """pysbd's sentences of ``text`` (short) as offsets, shifted by ``offset``."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _pysbd()[0].segment(text):
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # pysbd changed the text: keep the rest whole
            LOG.debug("sentence splitter lost its place in %r", text[:60])
            break
        spans.append((offset + start, offset + start + len(piece)))
        cursor = start + len(piece)
    rest = text[cursor:]
    if rest.strip():
        start = cursor + len(rest) - len(rest.lstrip())
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def segment(text: str) -> list[tuple[int, int]]:
    """Sentence offsets of one paragraph, as pysbd finds them, in linear time.

    Args:
        text: The paragraph (or the part after a dateline).

    Returns:
        ``(start, end)`` per sentence, without surrounding whitespace, in order; none is
        longer than ``MAX_SENTENCE_CHARS``.
    """
    spans: list[tuple[int, int]] = []
    batch: list[tuple[int, int]] = []  # neighbouring pieces for one pysbd call (each call costs ~1 ms)

    def flush() -> None:
        if batch:
            spans.extend(_pysbd_spans(text[batch[0][0]:batch[-1][1]], batch[0][0]))
            batch.clear()

    start = 0
    for end in [*_certain_ends(text), len(text)]:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        pieces = _cut_long(start, stop, text)
        for a, b in pieces:
            if _is_one_sentence(text[a:b]):
                flush()
                spans.append((a, b))
            else:
                if len(pieces) > 1 or (batch and b - batch[0][0] > _PYSBD_BATCH_CHARS):
                    flush()  # never join the pieces of a cut run again, nor grow a call without bound
                batch.append((a, b))
                if len(pieces) > 1:
                    flush()
        start = end
    flush()
    return spans
