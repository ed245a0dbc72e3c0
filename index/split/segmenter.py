"""Sentence boundaries of one paragraph, in time linear in its length.

pysbd knows English abbreviations, numbers, quotes and lists, but its cost grows with
the square of the text it is given (every abbreviation it finds rescans the whole text)
and it is slow even on short text. So a paragraph is first cut at the boundaries that
pysbd cannot decide otherwise: a sentence-ending ``.`` or ``?`` after a plain word (or
a number that cannot be a list item), followed by a space and a capital, outside quotes
and brackets. A piece holding no other punctuation that pysbd has rules for, once the
periods it never ends a sentence at are set aside (``index.split.pysbd_rules``: "Mr. Kim",
"U.S. envoy", "Oct. 12"), is one sentence as it stands; only the remaining pieces go
through pysbd, a few neighbours per call. Everything is bounded, so one hostile paragraph
costs time in proportion to its length: no sentence is longer than ``MAX_SENTENCE_CHARS``, a
piece pysbd reads holds at most that and 20 stops (neighbouring pieces are joined for one call
up to 500 characters), and pysbd reads at most ``PYSBD_CHARS_PER_DOCUMENT`` of a document (a plain punctuation rule
splits the rest).
"""

from __future__ import annotations

import itertools
import logging
import re

from index.split.pysbd_rules import mask_abbreviations, needs_pysbd, rules, set_aside
from index.split.sentence_ends import certain_ends, list_like

__all__ = ["MAX_SENTENCE_CHARS", "PYSBD_CHARS_PER_DOCUMENT", "Budget", "segment"]

LOG = logging.getLogger(__name__)

MAX_SENTENCE_CHARS = 2_000
"""Longest sentence kept. A run of text longer than this with no sentence boundary is cut
after its last stop or space before the limit (at the limit when it holds neither)."""

_MARKS = (".", "!", "?")
# what a list marker, a numbered item or a certain end needs besides the last character
_INNER_STOP = re.compile(r"[.?)]")
# pysbd reads "1) ... 2) ..." as a list; one number before a bracket, as in "(1950)", is no list.
_NUMBER_BEFORE_BRACKET = re.compile(r"\d\)")
# a curly-quoted span before more text: pysbd never ends a sentence at the marks inside it
# ('the slogan “Let us defend the Soviet Union with arms!” contributed')
_QUOTED_MARKS = re.compile(r"\u201c[^\u201c\u201d]*\u201d(?!\s[A-Z])(?=.)")
# (but for a mark before a quote, a space and a capital: pysbd puts the marks back before it splits
# there, 'he said \u201cwhy?" A man')
_MARK_INSIDE_QUOTE = re.compile(r"[.!?](?![\"'\u201c\u201d]\s[A-Z])")


PYSBD_CHARS_PER_DOCUMENT = 100_000
"""How much of one document pysbd may read (~50 news articles of pieces that need it). Past
that, such pieces are cut after every ". ", "? " or "! " before a capital letter: pysbd costs
about a millisecond per call, which text made of nothing but punctuation would turn into
minutes."""

_PYSBD_BATCH_CHARS = 500
"""Neighbouring pieces pysbd must read are passed to it together up to this length: each call
costs ~1 ms, and its cost grows with the square of what it reads."""
_PYSBD_MAX_STOPS = 20
"""Most sentence punctuation marks in one pysbd call: its cost grows with their number times
the text's length, so a run such as "a. b. c. ..." is cut after every 20th."""
_STOP = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s")
_LAST_STOP = re.compile(rf".*{_STOP.pattern}", re.DOTALL)
_SIMPLE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*(\s+)(?=[A-Z])")


class Budget:
    """What pysbd may still read of one document (see ``PYSBD_CHARS_PER_DOCUMENT``)."""

    def __init__(self, chars: int = PYSBD_CHARS_PER_DOCUMENT) -> None:
        self.chars = chars


def _cut_long(start: int, end: int, text: str, limit: int = MAX_SENTENCE_CHARS,
              max_stops: int | None = None) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` chars (and ``max_stops`` sentence marks).

    A piece ends after the last sentence punctuation that fits (after the ``max_stops``-th when
    there are more), else at the last space, else at the limit.
    """
    pieces = []
    while start < end:
        window = min(end, start + limit + 1)
        stops = _STOP.finditer(text, start + 1, window) if max_stops else ()
        many = next(itertools.islice(stops, max_stops - 1, None), None) if max_stops else None
        if end - start <= limit and many is None:
            pieces.append((start, end))
            break
        stop = many or _LAST_STOP.match(text, start + 1, window)
        cut = stop.end() - 1 if stop else text.rfind(" ", start + 1, window)
        cut = cut if cut > start else start + limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    return pieces


def _closes(piece: str, quote: str) -> bool:
    """Whether a quote after a piece's last mark closes one it opened (else pysbd reads it as a sentence)."""
    if quote == '"':
        return piece.count('"') % 2 == 0
    return not quote or piece.count("\u201c") == piece.count("\u201d")


def _unmarked(match: re.Match) -> str:
    return _MARK_INSIDE_QUOTE.sub(",", match[0])


def _without_final_mark(body: str) -> str:
    """``body`` less one mark that ends it ("5.", "(Yonhap).", 'too."', not "a..."): that cannot split it."""
    if body[-1:] in _MARKS and body[-2:-1] not in _MARKS:  # the common end: one mark, no quote after it
        return body[:-1]
    quote = body[-1:] if body[-1:] in ('"', "\u201d") else ""
    at = len(body) - len(quote) - 1
    if at >= 0 and body[at] in _MARKS and (at == 0 or body[at - 1] not in _MARKS) and _closes(body, quote):
        return body[:at] + body[at + 1:]
    return body


def _readable(body: str) -> str:
    """A piece (masked or not) as ``needs_pysbd`` reads it: less the marks pysbd reads inside a
    sentence (in a curly-quoted span before more text, in a plain bracket span, an inner ellipsis)
    and one final mark."""
    if "\u201c" in body:
        body = _QUOTED_MARKS.sub(_unmarked, body)
    return _without_final_mark(set_aside(body))


def _is_one_sentence(piece: str, masked: str | None = None, lazily: str | None = None) -> bool:
    """Whether pysbd keeps ``piece`` whole: it does when the piece holds nothing pysbd has a rule
    for (``needs_pysbd``) once the marks it reads inside a sentence are set aside (``_readable``),
    read with its abbreviations masked or as it stands (masking can only remove what pysbd has a
    rule for, but to be sure). A "1) ... 2)" list is none of a piece's business: a paragraph whose
    numbers may be one goes to pysbd whole (``index.split.sentence_ends.list_like``).

    Args:
        piece: A piece of a paragraph between certain ends.
        masked: ``mask_abbreviations`` of the piece, when it is at hand (cut from the paragraph's).
        lazily: The piece and the rest of its paragraph, for a piece without the paragraph's
            masking at hand: the piece is read as it stands first, and masked (with what follows
            it, as the paragraph would be) only when that is not enough; most hold no abbreviation.
    """
    if lazily is not None:
        if not needs_pysbd(_readable(piece)):
            return True
        masked = mask_abbreviations(lazily)[:len(piece)]
    body = masked if masked is not None else mask_abbreviations(piece)
    if not needs_pysbd(_readable(body)):
        return True
    # (the piece as it stands, unless the lazy reading above read it first)
    return lazily is None and not needs_pysbd(_readable(piece))


def _simple_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """``text`` cut after sentence punctuation followed by a capital letter, shifted by ``offset``."""
    spans, start = [], 0
    for match in _SIMPLE_END.finditer(text):
        spans.append((offset + start, offset + match.start(1)))
        start = match.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def _pysbd_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """pysbd's sentences of ``text`` (short) as offsets, shifted by ``offset``."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in rules().segmenter.segment(text):
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


def _masked(text: str, ends: list[int]) -> str:
    """``mask_abbreviations`` of a paragraph, read piece by piece (a piece's stretch of it is the
    piece masked, as no piece ends in an abbreviation), but for each piece's final stop.

    The stop at each certain end is read as a comma: a plain word before it is no abbreviation, so
    pysbd's rules never take it for one, and its word is not looked up (most words before a
    period are such). A comma reads as the period did to every rule around it (see
    ``index.split.pysbd_rules._masked``: dotted letters before either are masked alike); the caller
    puts the stop back.
    """
    if not ends:
        return mask_abbreviations(text)
    parts, start = [], 0
    for end in ends:
        parts.append(text[start:end - 1])
        start = end
    return mask_abbreviations(",".join(parts) + "," + text[start:])


def segment(text: str, budget: Budget | None = None) -> list[tuple[int, int]]:
    """Sentence offsets of one paragraph, as pysbd finds them, in linear time.

    Args:
        text: The paragraph (or the part after a dateline).
        budget: What pysbd may still read of the document; spent here. Defaults to a fresh
            ``Budget`` for this paragraph alone.

    Returns:
        ``(start, end)`` per sentence, without surrounding whitespace, in order; none is
        longer than ``MAX_SENTENCE_CHARS``.
    """
    spans: list[tuple[int, int]] = []
    batch: list[tuple[int, int]] = []  # neighbouring pieces for one pysbd call (each call costs ~1 ms)

    budget = budget or Budget()

    def flush() -> None:
        if batch:
            piece = text[batch[0][0]:batch[-1][1]]
            budget.chars -= len(piece)
            split = _pysbd_spans if budget.chars >= 0 else _simple_spans
            spans.extend(split(piece, batch[0][0]))
            batch.clear()

    # no stop nor bracket before the last character (most one-sentence paragraphs): no certain
    # end, and at most one list marker, so no list (see index.split.sentence_ends)
    one_piece = _INNER_STOP.search(text, 0, len(text) - 1) is None
    # pysbd reads a list across the whole paragraph, so a paragraph that may hold one goes to it whole
    whole = not one_piece and list_like(text)
    ends = [] if whole or one_piece else certain_ends(text)
    # (a paragraph of one piece is masked only when its piece needs it, see _is_one_sentence)
    masked = None if whole or one_piece else _masked(text, ends)
    start = 0
    for end in [*ends, len(text)]:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop - start <= MAX_SENTENCE_CHARS:
            # (a piece before a certain end ends at its stop, which _masked read as a comma)
            body = None if masked is None else masked[start:stop] if end == len(text) else (
                masked[start:stop - 1] + text[stop - 1])
            if body is not None and _is_one_sentence(text[start:stop], body) or one_piece and _is_one_sentence(
                    text[start:stop], lazily=text[start:]):
                flush()
                spans.append((start, stop))
                start = end
                continue
            runs = [(start, stop)]
        else:
            runs = _cut_long(start, stop, text)
        for a, b in runs:
            if len(runs) > 1 and (masked is not None or one_piece) and _is_one_sentence(text[a:b]):
                flush()
                spans.append((a, b))
                continue
            pieces = _cut_long(a, b, text, MAX_SENTENCE_CHARS, _PYSBD_MAX_STOPS)
            if len(pieces) > 1 or (batch and b - batch[0][0] > _PYSBD_BATCH_CHARS):
                flush()  # never join the pieces of a cut run again, nor grow a call without bound
            for piece in pieces:
                batch.append(piece)
                if len(pieces) > 1:
                    flush()
        start = end
    flush()
    return spans
