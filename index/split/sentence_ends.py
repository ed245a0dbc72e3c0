"""Where pysbd certainly ends a sentence in a paragraph, and whether it may read a list there.

``index.split.segmenter`` cuts a paragraph at these ends before anything else: a sentence-ending
``.`` or ``?`` after a plain word (or a number that cannot be a list item), followed by a space
and a capital, outside quotes and brackets. A paragraph pysbd may read as a list
(``list_like``) goes to pysbd whole, as its list rules read the whole text. Each pattern is
one of pysbd's rules read narrowly: a doubtful stop is no certain end, and the piece around
it goes to pysbd.
"""

from __future__ import annotations

import re

from index.split.pysbd_rules import keeps_period, rules

__all__ = ["certain_ends", "list_like"]

# A "." or "?" after a plain word (a capitalised or lower-case word, or a year; it may close a
# bracket or quote: '(Yonhap).', '"Timelock".'), then space and a capital letter or bracket: pysbd
# always ends a sentence there unless the word is an abbreviation or the punctuation sits inside
# quotes or brackets (both checked in certain_ends). So does the second "." of dotted letters
# ("9 a.m.. The": pysbd joins "a.m." and ends at the next period). The patterns read the
# paragraph with a space put in front (a leading character class lets the regex engine skip
# ahead; a lookbehind at every position cost twice as much), so a match ends one past its offset.
# A plain word is two or more letters, digits and inner hyphens with a letter among them ("Kim",
# "NPC", "ITV2", "24th", "COVID-19"; pysbd's list rules read one or two digits, its abbreviations
# are letters: see rules().abbreviations), or a number of four digits or more; a lone period after a word
# and a space ("the Star . I") ends a sentence too.
_WORD = r"(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]|\d{4,}"
# A bracket only when its span ends without a capital after it: pysbd given a piece that opens
# with "(Yonhap) Kim" and holds no stop keeps it whole, but splits it after the stop before it.
# Nor before dotted capitals or "N.,": pysbd reads " P.M. " and "N., " by what comes before them
# (an initial before a space, "A. Wack", is one to pysbd either way). After a word, a small
# letter too: pysbd ends a sentence at every period that none of its rules takes, whatever
# follows (an abbreviation's period, which its rules take, is checked in certain_ends).
# An opening quote before a capital too ('MIS-C. "Evidence'): the stop outside every span (checked
# in certain_ends) ends the sentence, and pysbd reads the quote the same way in the next piece.
_NEXT = r"(?=\s+(?:[\"\u201c]?[A-Z](?!\.\S)|\([^()]{0,80}\)(?!\s[A-Z])))"
_NEXT_WORD = r"(?=\s+(?:[A-Za-z](?!\.\S)|[\"\u201c][A-Z](?!\.\S)|\([^()]{0,80}\)(?!\s[A-Z])))"
_WORD_STOP = (rf"[(\"]?({_WORD})[)\"]?[.?]{_NEXT_WORD}|[A-Za-z](?:\.[A-Za-z])+\.\.{_NEXT}"
              rf"|(?<=[A-Za-z0-9] )\.{_NEXT}")
# The same, or a number of one to three digits after a space ("until Jan. 5. The"; a paragraph
# where two numbers could be a numbered list to pysbd goes to it whole, see list_like);
# not the paragraph's first word ("2. Jan. 5" is one sentence to pysbd)
_CANDIDATE = re.compile(rf"\s(?:{_WORD_STOP}|(?<=[\s\S]\s)\d{{1,3}}[.?](?=\s+[A-Z](?!\.)))")
# Candidates are found from their stop: a "." or "?" before a space (the regex engine skips to
# each), matched from the space before its word. A candidate holds no space, so that is where
# a scan of the whole paragraph would have matched it; a paragraph with other spacing (a tab, a
# no-break space) is scanned whole.
_STOP_BEFORE_SPACE = re.compile(r"[.?](?=\s)")
_OTHER_SPACE = re.compile(r"[^\S ]")
# pysbd reads "1) ... 2) ..." as a list, with its pattern for those list items ("(Cohort 1) ...
# (Cohort 2)"): it breaks the line before each
_PARENS_LIST_NUMBER = re.compile(r"\d{1,2}(?=\)\s)")
# Characters that open or close a span pysbd reads as one unit (it does not split inside): see _SPANS.
_QUOTE_OR_BRACKET = re.compile(r'[()\[\]"\u201c\u201d\u00ab\u00bb]')
# pysbd reads "a. ... b. ..." or "(i) ... (ii) ..." anywhere in a paragraph as a list and may
# split there; a paragraph with two consecutive markers goes through pysbd whole (in bounded calls).
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv")
# A list marker after a space or "(", or what pysbd reads as a numbered list's item after a
# space or dash ("1. ", " 2.)", "-3. "), in one pass over the text after a space; the two share
# no character, so neither hides the other.
# Found from the "." or ")" after each (the regex engine skips to those; a scan from every space
# cost four times as much), with the marker's length spelt out as lookbehinds need.
_LIST_ITEM = re.compile(
    r"[.)](?:(?<=[\s(]([a-z])[.)])|(?<=[\s(]([ivx]{2})[.)])|(?<=[\s(]([ivx]{3})[.)])|(?<=[\s(]([ivx]{4})[.)])"
    r"|(?<=[\s\-\u2043](\d)\.)(?=[\s)])|(?<=[\s\-\u2043](\d\d)\.)(?=[\s)]))")
# Once one of these appears, later boundaries are left to pysbd (single-quoted and -- spans; an
# empty "" makes pysbd pair the quotes after it the other way round; a backslash).
# ("'" after a space or first: matched at the quote, one past the space, which changes no end
# before it; each branch opens with its own character, so the regex engine skips ahead.)
_UNSURE_AFTER = re.compile(r"--|'(?<!\S')|\u2018|\"\"|\\")  # a backslash escapes a closer to pysbd
# pysbd splits around every bracket of a span from a quote and bracket to a bracket and quote,
# anywhere in the paragraph ('A "b" (c) d. E (f) "g"'); such a span leaves its boundaries to pysbd
_QUOTE_BRACKET, _BRACKET_QUOTE = re.compile(r"[\"\u201d]\s\("), re.compile(r"\)\s[\"\u201c]")


# Each opener's span, to the next closer of its kind or the paragraph's end (a '"' pairs with the
# next '"'; "(a (b) c. D" ends at "c.": only "(b)" is a span): a stop after an opener and up to
# its closer is inside it.
_SPANS = (('"', '"', re.compile(r'"[^"]*"?')), ("(", ")", re.compile(r"\([^)]*\)?")),
          ("[", "]", re.compile(r"\[[^\]]*\]?")), ("\u201c", "\u201d", re.compile("\u201c[^\u201d]*\u201d?")),
          ("\u00ab", "\u00bb", re.compile("\u00ab[^\u00bb]*\u00bb?")))


def _in_sequence(numbers: list[str]) -> bool:
    """Whether two of the numbers could be items of one list to pysbd (n and n + 1, or 0 and 9)."""
    found = {int(n) for n in numbers}
    return any(n + 1 in found for n in found) or {0, 9} <= found


def list_like(text: str) -> bool:
    """Whether pysbd may read a list in a paragraph: two list markers in sequence ("a." and "b.",
    "(i)" and "(ii)"), or two item numbers ("1." and "2.", "1)" and "2)")."""
    # (marker, "") or ("", number); one alone makes no list
    items = [(m[1] or m[2] or m[3] or m[4] or "", m[5] or m[6] or "") for m in _LIST_ITEM.finditer(" " + text)]
    if len(items) > 1:
        markers = {marker for marker, _ in items if marker}
        if len(markers) > 1 and (any(len(m) == 1 and chr(ord(m) + 1) in markers for m in markers) or any(
                _ROMAN[i] in markers and _ROMAN[i + 1] in markers for i in range(len(_ROMAN) - 1))):
            return True
        if _in_sequence([number for _, number in items if number]):
            return True
    return ")" in text and _in_sequence(_PARENS_LIST_NUMBER.findall(text))


_KG = re.compile(r"\sKG")


def _ends_after(word: str, text: str, end: int) -> bool:
    """Whether pysbd ends a sentence at the stop after ``word`` (an abbreviation, or a word ending
    in "Co"), just before ``text[end:]``, which opens with a space and a letter or bracket.

    pysbd keeps "Co." before " KG", and an abbreviation's period where ``keeps_period`` says so; a
    period it neither keeps nor may keep ends a sentence ("in Jan. The talks", "Art. The").
    """
    if word.endswith("Co") and _KG.match(text, end) is not None:
        return False
    return keeps_period(word, text, end) is False


_LINE_BREAK = re.compile(r"[\r\n]")


def _inside_spans(text: str) -> bytearray:
    """Per offset ``end``, 1 where ``text[:end]`` leaves a span open (an opener not yet closed).

    pysbd cuts its text at line breaks before it reads any span, so a span ends with its line.
    """
    inside = bytearray(len(text) + 1)
    breaks = [m.start() for m in _LINE_BREAK.finditer(text)] if "\n" in text or "\r" in text else []
    lines = list(zip([0] + [b + 1 for b in breaks], breaks + [len(text)]))
    for opener, closer, span in _SPANS:
        if opener in text:
            for lo, hi in lines:
                for match in span.finditer(text, lo, hi):
                    start, last = match.start(), match.end() - 1
                    if last == start or text[last] != closer:
                        last = hi  # never closed: open to the end of its line
                    inside[start + 1:last + 1] = b"\x01" * (last - start)
    return inside


def _candidates(text: str, limit: int) -> list[re.Match]:
    """``_CANDIDATE``'s matches in ``" " + text`` before ``limit`` (of text), found from their stops."""
    spaced = " " + text
    if _OTHER_SPACE.search(text, 0, limit) is not None:
        return list(_CANDIDATE.finditer(spaced, 0, limit + 1))
    found = []
    for stop in _STOP_BEFORE_SPACE.finditer(text, 0, limit):
        end = stop.end()  # of the stop in text, so its end in spaced is end + 1
        match = _CANDIDATE.match(spaced, spaced.rfind(" ", 0, end), limit + 1)
        if match is not None and match.end() == end + 1:
            found.append(match)
    return found


def certain_ends(text: str) -> list[int]:
    """Offsets just after each sentence end pysbd would also find, cheaply and conservatively.

    Args:
        text: One paragraph (or its part after a dateline).

    Returns:
        The offsets, in order: each just after a ``.`` or ``?``.
    """
    unsure = _UNSURE_AFTER.search(text)
    limit = unsure.start() if unsure else len(text)
    opened = _QUOTE_BRACKET.search(text, 0, limit)
    if opened is not None and _BRACKET_QUOTE.search(text, opened.end()) is not None:
        limit = opened.start()
    abbreviations = rules().abbreviations  # a stop after one of these is pysbd's to place (_ends_after)
    # see _WORD_STOP: a match's end is one past its offset in text
    ends = [match.end() - 1 for match in _candidates(text, limit)
            if match[1] is None or match[1].lower() not in abbreviations and not match[1].endswith("Co")
            or _ends_after(match[1], text, match.end() - 1)]
    if ends and _QUOTE_OR_BRACKET.search(text, 0, limit) is not None:
        inside = _inside_spans(text)
        ends = [end for end in ends if not inside[end]]
    return ends
