"""Recognise the parts of a news article: headline, captions, bylines, datelines.

Heuristics over cleaned paragraphs. They only *mark* paragraphs; every paragraph is
still indexed, because captions and datelines hold facts too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.ingest.dates import MONTH_PATTERN, parse_date
from index.models import SentenceKind

__all__ = [
    "classify_paragraphs",
    "dateline_agency",
    "dateline_end",
    "detect_title",
    "find_date",
    "find_publisher",
    "is_byline",
    "is_caption",
    "same_text",
]

MAX_TITLE_CHARS = 200
MAX_CAPTION_CHARS = 600
MAX_DATELINE_CHARS = 300
"""Only this much of a paragraph's start is searched for a dateline: its pattern would
otherwise backtrack for a time that grows faster than the paragraph's length."""

# Any one of these makes a (not too long) paragraph a photo caption; each with the words one of
# which its match holds (lower-cased), looked for first: most paragraphs hold none, and a
# substring test is far cheaper than the pattern.
_CAPTION_MARKERS = (
    (re.compile(r"mandatory credit|\bfile photo\b|\(\s*photo\b|\bphoto\s*(?:credit|courtesy)\b", re.IGNORECASE),
     ("credit", "photo")),
    (re.compile(r"\bFILE\b|\bAFP PHOTO\b|\bREUTERS/|\bEPA-EFE\b|\bEFE-EPA\b"),  # agency credit blocks
     ("file", "photo", "reuters/", "epa-efe", "efe-epa")),
    (re.compile(r"\((?:\d-)?[LR]\)"), ("l)", "r)")),                          # (L), (R), (2-R)
    (re.compile(r"\((?:left|right|centre|center|front|back|top|bottom|in red|second (?:from )?(?:left|right))\)",
                re.IGNORECASE), ("(left", "(right", "(cent", "(front", "(back", "(top", "(bottom", "(in red", "(second")),
    (re.compile(r"^(?:this|in this|a|an)\s+(?:undated\s+)?(?:file\s+)?(?:photo|picture|handout)\b", re.IGNORECASE),
     ("photo", "picture", "handout")),
)
# "... photo ... (Yonhap)": a photo word plus a credit in parentheses at the very end.
_PHOTO_WORD = re.compile(r"\b(?:photo|photograph|pictured)\b", re.IGNORECASE)
_PHOTO_WORDS = ("photo", "pictured")
# any of the words above: most paragraphs hold none, which one scan of the lower-cased text tells
_CAPTION_WORDS = {word for _, words in _CAPTION_MARKERS for word in words} | set(_PHOTO_WORDS)
_BRACKET_OR_SLASH = "()/"


def _any_of(words: set[str]) -> re.Pattern[str]:
    return re.compile("|".join(sorted((re.escape(word) for word in words), key=lambda word: (-len(word), word))))


_ANY_CAPTION_WORD = _any_of(_CAPTION_WORDS)
# the same without the words that hold a bracket or slash: a paragraph with neither needs only these
# (a shorter alternation scans about twice as fast, and most paragraphs have no bracket)
_ANY_PLAIN_CAPTION_WORD = _any_of({word for word in _CAPTION_WORDS if not any(c in word for c in _BRACKET_OR_SLASH)})
_TRAILING_CREDIT = re.compile(r"\([^()]{2,60}\)\s*\.?$")

_BYLINE = re.compile(r"^By\s+[A-Z][\w.'-]*(?:\s+(?:[A-Z][\w.'-]*|and|&|de|van|von|bin))*\s*(?:,.{0,40})?$")
_SOURCE_LINE = re.compile(r"^(?:Source|Sources|Via|Credit)\s*:\s*(?P<name>\S.{0,80})$", re.IGNORECASE)
# Seoul, Oct 12 (EFE).-  /  SEOUL, Oct. 12, 2023 (Yonhap) --  /  WASHINGTON (Reuters) -
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w'.-]*+(?:[ /-][A-Z][\w'.-]*+){0,3}),?\s+"  # possessive: no backtracking
    rf"(?:(?P<date>(?:{MONTH_PATTERN}\s+\d{{1,2}}|\d{{1,2}}\s+{MONTH_PATTERN})(?:,?\s+(?P<year>\d{{4}}))?),?\s+)?"
    r"\((?P<agency>[^()]{2,40})\)\s*[.,:]?\s*(?:--?|[\u2013\u2014]|:)\s*"
)
# (Pyongyang Times - April 24, 2020)
_TRAILING_DATELINE = re.compile(r"^\((?P<publisher>[^()]{2,60}?)\s*[-\u2013\u2014,]\s*(?P<date>[^()]{6,30})\)\.?$")


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two strings are equal up to whitespace (None never matches)."""
    return a is not None and b is not None and a.split() == b.split()


def is_caption(paragraph: str) -> bool:
    """Whether a paragraph is a photo caption (``... (File Photo KCNA)``, ``Putin (2-R) greets Kim (L)``)."""
    if len(paragraph) > MAX_CAPTION_CHARS:
        return False
    # the word test holds for ASCII text only: case-blind patterns also match "ſ" for "s", "K" (Kelvin) for "k"
    lower = paragraph.lower() if paragraph.isascii() else None
    if lower is not None:
        words = _ANY_CAPTION_WORD if any(c in lower for c in _BRACKET_OR_SLASH) else _ANY_PLAIN_CAPTION_WORD
        if words.search(lower) is None:
            return False

    def may_hold(words: tuple[str, ...]) -> bool:
        return lower is None or any(word in lower for word in words)

    if any(may_hold(words) and marker.search(paragraph) for marker, words in _CAPTION_MARKERS):
        return True
    return bool(may_hold(_PHOTO_WORDS) and _PHOTO_WORD.search(paragraph) and _TRAILING_CREDIT.search(paragraph))


def is_byline(paragraph: str) -> bool:
    """Whether a paragraph is a byline (``By Kim Tae Ho``) or an attribution (``Source: Yonhap``)."""
    return _byline(paragraph) or len(paragraph) <= 120 and bool(_SOURCE_LINE.match(paragraph))


def _byline(paragraph: str) -> bool:
    return len(paragraph) <= 120 and _BYLINE.match(paragraph) is not None


def _is_publication_line(paragraph: str) -> bool:
    """A lone name such as ``Pyongyang Times``: a few capitalised words, no punctuation at the end."""
    words = paragraph.split()
    return (
        0 < len(words) <= 6 and len(paragraph) <= 60 and paragraph[-1].isalnum()
        and all(w[0].isupper() or w[0].isdigit() or w.lower() in {"of", "the", "and", "&"} for w in words)
    )


def _dateline(paragraph: str) -> re.Match[str] | None:
    return _DATELINE.match(paragraph[:MAX_DATELINE_CHARS])


def dateline_end(paragraph: str) -> int:
    """Length of the dateline that opens a paragraph (``Seoul, Oct 12 (EFE).-``), 0 when none."""
    match = _dateline(paragraph)
    return match.end() if match and match.end() < len(paragraph) else 0


def dateline_agency(paragraph: str) -> str | None:
    """The agency a paragraph's opening dateline names ("EFE" of ``Seoul, Oct 12 (EFE).-``), None when none."""
    match = _dateline(paragraph)
    return match["agency"].strip() if match and match.end() < len(paragraph) else None


def _trailing_dateline(paragraph: str) -> re.Match[str] | None:
    match = _TRAILING_DATELINE.match(paragraph)
    return match if match and parse_date(match["date"]) else None


def _headline_like(paragraph: str) -> bool:
    text = paragraph.rstrip("\"'\u201d\u2019)")
    return (
        len(paragraph) < MAX_TITLE_CHARS and len(paragraph.split()) >= 2 and not text.endswith((".", ":", ";", ","))
        and not is_caption(paragraph) and not is_byline(paragraph) and not dateline_end(paragraph)
        and _trailing_dateline(paragraph) is None
    )


def detect_title(paragraphs: Sequence[str]) -> str | None:
    """The headline of a plain-text article.

    The first paragraph that is not a caption is the headline when it is short
    (under 200 characters), has at least two words and does not end like a sentence.

    Args:
        paragraphs: The cleaned paragraphs in order.

    Returns:
        The headline, or None when the article opens with body text.
    """
    for paragraph in paragraphs:
        if is_caption(paragraph):
            continue
        return paragraph if _headline_like(paragraph) else None
    return None


def find_date(paragraphs: Sequence[str]) -> str | None:
    """The publication date a dateline states, when it states a year.

    ``(Pyongyang Times - April 24, 2020)`` gives 2020-04-24; ``Seoul, Oct 12 (EFE).-``
    has no year and gives nothing. Dates in body sentences are never used.

    Args:
        paragraphs: The cleaned paragraphs in order.

    Returns:
        The ISO date, or None.
    """
    for paragraph in paragraphs:
        if (match := _dateline(paragraph)) and match["year"] and (date := parse_date(match["date"])):
            return date
        if match := _trailing_dateline(paragraph):
            return parse_date(match["date"])
    return None


def find_publisher(paragraphs: Sequence[str]) -> str | None:
    """The publisher an article names: ``Source: X``, ``(X - date)``, the line after a byline, a dateline agency.

    Args:
        paragraphs: The cleaned paragraphs in order.

    Returns:
        The publisher's name, or None.
    """
    agency = None
    for i, paragraph in enumerate(paragraphs):
        if match := _SOURCE_LINE.match(paragraph):
            return match["name"].strip()
        if match := _trailing_dateline(paragraph):
            return match["publisher"].strip()
        if _byline(paragraph) and i + 1 < len(paragraphs) and _is_publication_line(paragraphs[i + 1]):
            return paragraphs[i + 1]
        if agency is None and (match := _dateline(paragraph)):
            agency = match["agency"].strip()
    return agency


def classify_paragraphs(paragraphs: Sequence[str], title: str | None,
                        heads: Sequence[int] | None = None) -> list[SentenceKind]:
    """Mark each paragraph as title, caption, byline, dateline or body.

    The paragraph equal to ``title`` is "title", and so is a headline-like
    sub-headline right after it. A lone publication name after a byline is
    "byline". "dateline" marks a paragraph that opens with a dateline (only its
    first sentence is the dateline, see ``dateline_end``) or is one, such as
    ``(Pyongyang Times - April 24, 2020)``.

    Args:
        paragraphs: The cleaned paragraphs in order.
        title: The document's headline, if known.
        heads: ``dateline_end`` of each paragraph, when the caller has them. Defaults to None:
            looked up here.

    Returns:
        One kind per paragraph.
    """
    kinds: list[SentenceKind] = []
    title_at = next((i for i, p in enumerate(paragraphs) if same_text(p, title)), None)
    for i, paragraph in enumerate(paragraphs):
        previous = kinds[-1] if kinds else None
        if i == title_at:
            kind: SentenceKind = "title"
        elif is_caption(paragraph):
            kind = "caption"
        elif is_byline(paragraph) or previous == "byline" and _byline(paragraphs[i - 1]) and _is_publication_line(paragraph):
            kind = "byline"
        elif (dateline_end(paragraph) if heads is None else heads[i]) or _trailing_dateline(paragraph):
            kind = "dateline"
        elif title_at is not None and i == title_at + 1 and _headline_like(paragraph):
            kind = "title"  # a sub-headline
        else:
            kind = "body"
        kinds.append(kind)
    return kinds
