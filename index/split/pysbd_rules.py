"""What pysbd's English rules decide about one period, read off its own abbreviation lists.

``index.split.segmenter`` keeps a piece of text away from pysbd (about a millisecond a call) when no
period in it can end a sentence; these are the periods pysbd never ends a sentence at
(``mask_abbreviations``), and what else in a piece pysbd has a rule for (``needs_pysbd``). Each
case is one of pysbd's rules, read narrowly (any doubt leaves the period to pysbd; ``keeps_period``, its
abbreviation rule, is read by ``index.split.sentence_ends`` too), and the
sentences are checked against pysbd's on real text by ``bench/bench_split.py --compare``.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

__all__ = ["keeps_period", "mask_abbreviations", "needs_pysbd", "rules", "set_aside"]


class _Rules(NamedTuple):
    """pysbd's segmenter and the abbreviation lists its rules read (lower-cased)."""

    segmenter: object
    abbreviations: frozenset[str]  # its list, with "am" and "pm" (never a plain word before a stop)
    prepositive: frozenset[str]
    before_numbers: frozenset[str]
    others: frozenset[str]  # its list less the two above
    starters: re.Pattern  # a space, a word pysbd reads as a sentence's start, a space


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
                  prepositive, before_numbers, lower(known.ABBREVIATIONS) - prepositive - before_numbers,
                  re.compile(rf"\s(?:{'|'.join(Standard.AbbreviationReplacer.SENTENCE_STARTERS)})\s"))


_SPACE_SMALL = re.compile(r"\s[a-z\d(]")
_AFTER_OTHERS = frozenset(".:-?,")  # pysbd's other abbreviations keep their period before these too
_SPACE_NUMBER = re.compile(r"\s\d|\s+\(")
_FOLLOWER = re.compile(r"\s+(\S)")


def keeps_period(word: str, text: str, end: int) -> bool | None:
    """Whether pysbd keeps the period after ``word`` as an abbreviation's (the period just before ``text[end:]``).

    pysbd's rules, one per list of its own, read narrowly: a title keeps its period before any
    space ("Mr. Kim"), a number abbreviation before a number or bracket ("No. 5"), another
    abbreviation before a small letter, a digit or a bracket ("Jan. 5", "Inc. and") or right before
    one of ``.:-?,`` ("Calif., a", "Ph.D., the").

    Args:
        word: The word before the period (any case).
        text: The text it is in.
        end: The offset just after the period.

    Returns:
        True where one of those rules keeps the period; False where none does for certain: a word not
        on pysbd's list ("DisCo", or "am", "pm"), or a listed one (not a title) before a space and a
        capital other than "I" ("in Jan. The talks", "Art. The"); None where pysbd may keep it still
        (before a quote, "I" or a small letter after two spaces, say).
    """
    known, lower = rules(), word.lower()
    after = text[end:end + 1]
    if lower in known.prepositive:
        return True if after.isspace() else None
    if lower in known.before_numbers:
        kept = _SPACE_NUMBER.match(text, end) is not None
    elif lower in known.others:
        kept = after in _AFTER_OTHERS or _SPACE_SMALL.match(text, end) is not None
    else:
        return False
    if kept:
        return True
    follower = _FOLLOWER.match(text, end)
    return False if follower is not None and follower[1].isupper() and follower[1] != "I" else None


# A word (or dotted letters, "U.S", "e.g", "Ph.D") ending in a period, after a space (the text is
# read with one put in front: a leading character class lets the regex engine skip ahead)
# (possessive letter runs: a shorter run is never followed by a period, and trying each cost most
# of the scan, a word's length at every space)
_ABBREVIATION = re.compile(r"\s([A-Za-z]++(?:\.[A-Za-z]++)*)\.")
_DOTTED = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
_SPACE_CAPITAL = re.compile(r"\s+[A-Z]")
# dotted letters whose period pysbd puts back as a sentence end (its patterns, case as they have
# it): before a word that starts sentences ("U.S. The", "W.I. The", not "U.S. President"), and
# before any capital ("9 a.m. Then"); it never ends a sentence after others ("D.C. According")
_RESTORED_BEFORE_STARTERS = ("U.S", "U.K", "E.U", "U.S.A", "I", "i.v", "I.V")
_RESTORED_BEFORE_CAPITALS = ("a.m", "p.m", "A.M", "P.M")


def _masked(match: re.Match) -> str:
    """``A~``, ``Ab~``, ``Abb~``... (as long as the match) for a period pysbd never ends a sentence at, else
    the match unchanged. The mask ends in a character no rule reads, not a letter: a period right
    after it is no period inside a name ("U.S..Many", "Mass..Many" end a sentence to pysbd).

    The cases are pysbd's own (its abbreviation lists and rules), each read narrowly:
    an abbreviation whose period it keeps (``keeps_period``), one capital before a space ("N. Korea"; "I" only before a word pysbd does not read
    as a sentence's start, "War I. After"; ", " after it too, but not first in the text), and dotted
    letters at the end or before a space, comma, semicolon or period ("U.S. envoy", "D.C. According",
    "e.g. the", "U.N., was", the first of "a.m.." whose letters pysbd joins) unless pysbd may end a
    sentence there.
    """
    word, known = match[1], rules()
    if word.lower() not in known.abbreviations and len(word) > 1 and "." not in word:
        return match[0]  # a plain word's stop, the commonest match: none of the cases below
    after, end = match.string[match.end():match.end() + 2], match.end()  # match[0] is " word."
    masked = (keeps_period(word, match.string, end) is True
              or len(word) == 1 and word.isupper() and (
                  after[:1].isspace() or after[:1] == "," and after[1:2].isspace() and match.start() > 0)
              and (word != "I" or known.starters.match(match.string, end) is None))
    if not masked and _DOTTED.fullmatch(word) and (not after or after[0].isspace() or after[0] in ",;."):
        masked = not (word.endswith(_RESTORED_BEFORE_STARTERS) and known.starters.match(match.string, end)
                      or word.endswith(_RESTORED_BEFORE_CAPITALS) and _SPACE_CAPITAL.match(match.string, end))
    # as long as the match, so that a paragraph masked once can be read piece by piece
    if not masked:
        return match[0]
    size = len(match[0]) - 1
    return match[0][0] + ("Ab" + "b" * size)[:size - 1] + "~"


def mask_abbreviations(text: str) -> str:
    """``text`` with each abbreviation whose period pysbd never ends a sentence at replaced by ``A~``, ``Ab~``...

    The result is as long as ``text``, character for character outside the abbreviations.
    """
    return _ABBREVIATION.sub(_masked, " " + text)[1:]


# Something pysbd has a rule for; a piece holding one goes through pysbd. Sentence
# punctuation (a "." between digits is a decimal point to pysbd, and one between a letter or
# digit and a letter is part of a name, "vote.com", "2019.The"; a letter's "." before digits
# is not: "COVID.19 The" ends after the digits), ellipses, a piece opening with a bracket or
# quote span that a capital follows ('"Yes" The'; another opening character but a comma or
# a closing curly quote), list markers such as "a)" or "(iv)" (pysbd's list rules read small
# letters only: "(KCNA)" is none), a mark or dash and quote before a capital ('-" The') or a
# bracket between quotes (pysbd splits at each), the marks pysbd uses itself ("ȸ"), a backslash
# (it escapes a quote or bracket to pysbd's span patterns, which then pair them otherwise), and any
# character outside _PLAIN.
# _PLAIN: characters no rule of pysbd's English segmenter reads (its marks, brackets and quotes
# are ASCII, CJK or its own placeholders) and that no rule can take for one it does read: none is
# whitespace or a line break to Python (pysbd's "\s", str.splitlines), none folds to an ASCII
# letter (pysbd looks abbreviations up ignoring case; the Kelvin sign, "ẖ" are left out). Latin, Greek and
# Cyrillic letters, IPA and combining accents, Hebrew, Arabic and Indic scripts, kana, CJK
# ideographs and Hangul, zero-width and direction marks, currency signs and C1 controls. (A digit
# of another script is a digit to pysbd's rules and to ours alike, and a period next to any of
# these characters still needs pysbd: see the first pattern.)
_OTHER_SCRIPTS = ("\x80-\x84\x86-\x9f\u0250-\u036f\u0590-\u06ff\u0900-\u0dff\u1e00-\u1e95\u1e9b-\u1eff"
                  "\u200b-\u200f\u2010-\u2012\u2015\u2022\u20a0-\u20cf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                  "\uac00-\ud7af")
_PLAIN = "\x20-\x7e\u00a0-\u024f\u0370-\u04ff\u2013\u2014\u2019\u201c\u201d\ufffd" + _OTHER_SCRIPTS
_NEEDS_PYSBD_AT_START = re.compile(
    r"[^A-Za-z0-9(\"\u201c\u201d,]|(?:[a-z]|[ivxlcdm]+)\)"
    r"|\([^)]{2,}\)\s[A-Z]|\"[^\"]*[^,]\"\s[A-Z]|\u201c[^\u201d]*[^,]\u201d\s[A-Z]")
_NEEDS_PYSBD = re.compile(
    r"\.(?:(?<![A-Za-z0-9_]\.)|(?![A-Za-z0-9_])|(?<=[A-Za-z_]\.)(?=\d))"
    r"|[!?\u3002\uff0e\uff01\uff1f\u2026\u01c3\u01aa\u0238\u0239\r\n\u2018\u00ab\u00bb\u2043\u300c\uff08\\]"
    r"|[-.!?][\"'\u201c\u201d]\s[A-Z]|[\"\u201d]\s\(.*\)\s[\"\u201c]"
    rf"|[^{_PLAIN}]"
)
# (the list marker, read apart: the other patterns match at a character _MAYBE_NEEDS_PYSBD
# finds, or one before it, so the search for them starts there)
_LIST_BRACKET = re.compile(r"[\s(](?:[a-z]|[ivxlcdm]+)\)")
# A character that one of the patterns above needs (most pieces hold none: one cheap scan
# decides them); the space of "[\s(]a)" comes with a ")", "-" of '-" The' with a quote.
_MAYBE_NEEDS_PYSBD = re.compile(
    "[^A-Za-z0-9 ,;:\\-$%&*+/=<>@#_\\[\\]{}|~^`\u00a0-\u00aa\u00ac-\u00ba\u00bc-\u01a9\u01ab-\u01c2"
    "\u01c4-\u0237\u023a-\u024f\u0370-\u04ff\u2013\u2014\u2019" + _OTHER_SCRIPTS + "]")


def needs_pysbd(body: str) -> bool:
    """Whether a piece (its final mark and masked periods set aside) holds something pysbd has a rule for."""
    if _NEEDS_PYSBD_AT_START.match(body) is not None:
        return True
    maybe = _MAYBE_NEEDS_PYSBD.search(body)
    return maybe is not None and (_NEEDS_PYSBD.search(body, max(0, maybe.start() - 1)) is not None
                                  or ")" in body and _LIST_BRACKET.search(body) is not None)


# A bracket span holding no bracket, double or opening single quote, backslash or line break:
# pysbd reads the ".", "!" and "?" in it as part of the span (its BetweenPunctuation rules), so
# none ends a sentence; only those before a space or the closing bracket are set aside here (a
# "." before digits is a numbered reference to pysbd, read before the span: "word.12 The").
_PLAIN_BRACKETS = re.compile("\\([^()\\[\\]\\\\\"\u201c\u201d\u2018\r\n]*\\)")
_MARK_IN_BRACKETS = re.compile(r"[.!?](?=[\s)])")
# Three periods pysbd reads as an ellipsis and puts back inside the sentence: before the end, a
# small letter or a comma (before a capital it may end one), not after a digit, a period or dotted
# letters, nor after an abbreviation or a single letter (other rules take a period of "5...",
# "U.S...", "etc..." first), checked in _ellipsis.
_INNER_ELLIPSIS = re.compile(r"(?<![.\d])(?<!\.[A-Za-z])\.\.\.(?=$|[a-z,]|\s+[a-z])")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


# A period before "'s" and a space or the end: pysbd's PossessiveAbbreviationRule keeps it ("Jr.'s")
_POSSESSIVE = re.compile(r"\.(?='s(?:\s|$))")


def _ellipsis(match: re.Match) -> str:
    text, start = match.string, match.start()
    while start > 0 and text[start - 1] in _LETTERS:
        start -= 1
    word = text[start:match.start()]
    return match[0] if len(word) == 1 or word.lower() in rules().abbreviations else "~~~"


def _commas(match: re.Match) -> str:
    return _MARK_IN_BRACKETS.sub(",", match[0])


def set_aside(body: str) -> str:
    """``body`` with the marks pysbd reads inside a sentence turned into commas or tildes (same length):
    ellipses before a small letter or the end ("it is ...", "well...twenty"), a period before "'s"
    ("Jr.'s") and marks inside a plain bracket span ("(has anyone read it?)", "(Tel. 291/226)",
    "(The end.)")."""
    if "..." in body:
        body = _INNER_ELLIPSIS.sub(_ellipsis, body)
    if ".'s" in body:
        body = _POSSESSIVE.sub(",", body)
    if "(" in body:
        body = _PLAIN_BRACKETS.sub(_commas, body)
    return body
