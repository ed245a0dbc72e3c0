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


_REGEX_CACHE = 4096
"""Compiled patterns ``re`` keeps (512 by default). pysbd passes pattern strings to ``re.sub`` and
the like, building one per abbreviation it meets; on the 10k NLI premises of
``bench.bench_index --nli`` it used 1,723 distinct patterns, so the default cache
dropped and recompiled them over and over: pysbd took ~1.5x the CPU time it takes with them kept."""


@functools.lru_cache(maxsize=1)
def rules() -> _Rules:
    """pysbd's segmenter and abbreviations (built once: building its rules takes a moment)."""
    import pysbd  # imported lazily
    from pysbd.lang.common.standard import Standard

    # re reads this module setting on each miss; raising it only keeps more patterns compiled
    re._MAXCACHE = max(getattr(re, "_MAXCACHE", 0), _REGEX_CACHE)

    known = Standard.Abbreviation

    def lower(words) -> frozenset[str]:
        return frozenset(w.lower() for w in words)

    prepositive, before_numbers = lower(known.PREPOSITIVE_ABBREVIATIONS), lower(known.NUMBER_ABBREVIATIONS)
    return _Rules(pysbd.Segmenter(language="en", clean=False), lower(known.ABBREVIATIONS) | {"am", "pm"},
                  prepositive, before_numbers, lower(known.ABBREVIATIONS) - prepositive - before_numbers)


# A word (or dotted letters, "U.S", "e.g", "Ph.D") ending in a period, after a space or at the start
_ABBREVIATION = re.compile(r"(?:(?<=\s)|^)([A-Za-z]+(?:\.[A-Za-z]+)*)\.")
_DOTTED = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
_SPACE_SMALL = re.compile(r"\s[a-z\d(]")
_SPACE_NUMBER = re.compile(r"\s\d|\s+\(")
_SPACE_CAPITAL = re.compile(r"\s+[A-Z]")
# dotted abbreviations whose period pysbd puts back as a sentence end before some capitalised words
# ("U.S. The", "9 a.m. Then"); it never ends a sentence after any other ("D.C. According", "L.A. Reid")
_RESTORED = ("u.s", "u.k", "e.u", "u.s.a", "i.v", "a.m", "p.m")


def _masked(match: re.Match) -> str:
    """``Ab`` for a period pysbd never ends a sentence at, else the match unchanged.

    The cases are pysbd's own (its abbreviation lists and rules), each read narrowly:
    a title before a space ("Mr. Kim"), another abbreviation before a small letter, a
    digit or a bracket ("Oct. 12", "Inc. and"), a number abbreviation before a number
    ("No. 5"), one capital other than "I" before a space ("N. Korea"), and dotted
    letters at the end or before a space, comma or semicolon ("U.S. envoy", "D.C. According",
    "e.g. the", "U.N., was") unless pysbd may end a sentence there.
    """
    word, after, end = match[1], match.string[match.end():match.end() + 2], match.end()
    known, lower = rules(), match[1].lower()
    masked = (lower in known.prepositive and after[:1].isspace()
              or lower in known.before_numbers and _SPACE_NUMBER.match(match.string, end) is not None
              or lower in known.others and _SPACE_SMALL.match(after) is not None
              or len(word) == 1 and word.isupper() and word != "I" and (
                  after[:1].isspace() or after[:1] == "," and after[1:2].isspace()))
    if not masked and _DOTTED.fullmatch(word) and (not after or after[0].isspace() or after[0] in ",;"):
        masked = not (lower.endswith(_RESTORED) and _SPACE_CAPITAL.match(match.string, end))
    return "Ab" if masked else match[0]


def plain_word(word: str) -> bool:
    """Whether a word before a stop is no abbreviation pysbd knows (nor "am", "pm")."""
    return word.lower() not in rules().abbreviations


def mask_abbreviations(text: str) -> str:
    """``text`` with each abbreviation whose period pysbd never ends a sentence at replaced by ``Ab``."""
    return _ABBREVIATION.sub(_masked, text)
