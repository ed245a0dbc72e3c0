"""What pysbd's English rules decide about one period, read off its own abbreviation lists.

``index.segmenter`` keeps a piece of text away from pysbd (about a millisecond a call) when no
period in it can end a sentence; these are the periods pysbd never ends a sentence at. Each
case is one of pysbd's rules, read narrowly (any doubt leaves the period to pysbd), and the
sentences are checked against pysbd's on real text by ``bench/bench_split.py --compare``.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

__all__ = ["mask_abbreviations", "plain_word", "rules"]


class _Rules(NamedTuple):
    """pysbd's segmenter and the abbreviation lists its rules read (lower-cased)."""

    segmenter: object
    abbreviations: frozenset[str]  # its list, with "am" and "pm" (never a plain word before a stop)
    prepositive: frozenset[str]
    before_numbers: frozenset[str]
    others: frozenset[str]  # its list less the two above
    starters: re.Pattern  # a space, a word pysbd reads as a sentence's start, a space


@functools.lru_cache(maxsize=1)
def rules() -> _Rules:
    """pysbd's segmenter and abbreviations (built once: building its rules takes a moment)."""
    import pysbd  # imported lazily
    from pysbd.lang.common.standard import Standard

    known = Standard.Abbreviation

    def lower(words) -> frozenset[str]:
        return frozenset(w.lower() for w in words)

    prepositive, before_numbers = lower(known.PREPOSITIVE_ABBREVIATIONS), lower(known.NUMBER_ABBREVIATIONS)
    return _Rules(pysbd.Segmenter(language="en", clean=False), lower(known.ABBREVIATIONS) | {"am", "pm"},
                  prepositive, before_numbers, lower(known.ABBREVIATIONS) - prepositive - before_numbers,
                  re.compile(rf"\s(?:{'|'.join(Standard.AbbreviationReplacer.SENTENCE_STARTERS)})\s"))


# A word (or dotted letters, "U.S", "e.g", "Ph.D") ending in a period, after a space (the text is
# read with one put in front: a leading character class lets the regex engine skip ahead)
_ABBREVIATION = re.compile(r"\s([A-Za-z]+(?:\.[A-Za-z]+)*)\.")
_DOTTED = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
_SPACE_SMALL = re.compile(r"\s[a-z\d(]")
_SPACE_NUMBER = re.compile(r"\s\d|\s+\(")
_SPACE_CAPITAL = re.compile(r"\s+[A-Z]")
# dotted letters whose period pysbd puts back as a sentence end (its patterns, case as they have
# it): before a word that starts sentences ("U.S. The", "W.I. The", not "U.S. President"), and
# before any capital ("9 a.m. Then"); it never ends a sentence after others ("D.C. According")
_RESTORED_BEFORE_STARTERS = ("U.S", "U.K", "E.U", "U.S.A", "I", "i.v", "I.V")
_RESTORED_BEFORE_CAPITALS = ("a.m", "p.m", "A.M", "P.M")


def _masked(match: re.Match) -> str:
    """``Ab`` (padded with ``b`` to the match's length) for a period pysbd never ends a sentence at, else the
    match unchanged.

    The cases are pysbd's own (its abbreviation lists and rules), each read narrowly:
    a title before a space ("Mr. Kim"), another abbreviation before a small letter, a
    digit or a bracket ("Oct. 12", "Inc. and"), a number abbreviation before a number
    ("No. 5"), one capital other than "I" before a space ("N. Korea"), and dotted
    letters at the end or before a space, comma, semicolon or period ("U.S. envoy", "D.C. According",
    "e.g. the", "U.N., was", the first of "a.m.." whose letters pysbd joins) unless pysbd may end a
    sentence there.
    """
    word, known, lower = match[1], rules(), match[1].lower()
    if lower not in known.abbreviations and len(word) > 1 and "." not in word:
        return match[0]  # a plain word's stop, the commonest match: none of the cases below
    after, end = match.string[match.end():match.end() + 2], match.end()  # match[0] is " word."
    masked = (lower in known.prepositive and after[:1].isspace()
              or lower in known.before_numbers and _SPACE_NUMBER.match(match.string, end) is not None
              or lower in known.others and _SPACE_SMALL.match(after) is not None
              or len(word) == 1 and word.isupper() and word != "I" and (
                  after[:1].isspace() or after[:1] == "," and after[1:2].isspace()))
    if not masked and _DOTTED.fullmatch(word) and (not after or after[0].isspace() or after[0] in ",;."):
        masked = not (word.endswith(_RESTORED_BEFORE_STARTERS) and known.starters.match(match.string, end)
                      or word.endswith(_RESTORED_BEFORE_CAPITALS) and _SPACE_CAPITAL.match(match.string, end))
    # as long as the match, so that a paragraph masked once can be read piece by piece
    return match[0][0] + "Ab".ljust(len(match[0]) - 1, "b") if masked else match[0]


def plain_word(word: str) -> bool:
    """Whether a word before a stop is no abbreviation pysbd knows (nor "am", "pm")."""
    return word.lower() not in rules().abbreviations


def mask_abbreviations(text: str) -> str:
    """``text`` with each abbreviation whose period pysbd never ends a sentence at replaced by ``Ab``, ``Abb``...

    The result is as long as ``text``, character for character outside the abbreviations.
    """
    return _ABBREVIATION.sub(_masked, " " + text)[1:]
