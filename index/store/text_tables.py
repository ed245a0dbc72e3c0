"""Corpus-wide tables stored with the index: what one document contributes to each.

A check needs some statistics of the whole corpus, such as which words it writes as
names. Computing them on the first check means reading every document's text (15 s
at 1 M sentences); instead each document's terms are computed once, when it is
indexed, and stored in its segment (see ``build_index(tables=...)``), so a changed
document updates only its own entry and ``ClaimIndex.table`` reads the union.

The statistics here are pure text functions: ``verify`` builds on the same ones (it
may import ``index``, never the other way round).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.models import Document

__all__ = ["DEFAULT_TABLES", "NAMES", "capitalised_mid_sentence", "fold"]

NAMES = "names"
"""The table of words the corpus writes capitalised inside a sentence (lower-cased)."""

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ",
                       "\u2009": " ", "\u202f": " "})
# a capitalised word after a small letter or a clause mark and one space: not a sentence opener
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,;:] )([A-Z][a-zA-Z'’-]+)")


def fold(text: str) -> str:
    """Map curly quotes, dashes and odd spaces to ASCII, one character for one (offsets keep)."""
    return text.translate(_FOLD)


def capitalised_mid_sentence(text: str) -> set[str]:
    """Words ``text`` writes capitalised *inside* a sentence: names, not sentence openers.

    Args:
        text: Any text.

    Returns:
        The words lower-cased, a trailing possessive ("'s") and apostrophe stripped.
    """
    return {m.group(1).lower().rstrip("'s").rstrip("'") for m in _MID_SENTENCE_CAPITAL.finditer(fold(text))}


def _names(document: Document) -> Iterable[str]:
    return capitalised_mid_sentence(document.text)


DEFAULT_TABLES: dict[str, Callable[[Document], Iterable[str]]] = {NAMES: _names}
"""The tables every build stores (``build_index`` adds any it is given)."""
