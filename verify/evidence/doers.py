"""Who makes a journey: the traveller of a visit or a trip.

A visit is one person's journey. "Kim invited Putin to visit North Korea" is Putin's visit; "Kim's latest trip
to Russia for talks with Putin" is Kim's. Their places are not two accounts of one visit, though both clauses
name Kim and Putin. The traveller is the name right before the journey word, with only a few words between
("Kim's six-day visit", "Putin paid an official visit", "invited Putin to visit"), or after "by" ("a visit by
Lavrov"); the guest of an invitation that leads to it ("Putin accepted Kim's offer to visit": Putin). Where no
name stands that close the traveller is unknown, and nothing is told apart. A journey only planned or offered is
not one made, either (:func:`proposed`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import lru_cache

from verify.evidence.invitations import NOT_NAMES, Invitation, invitations
from verify.evidence.places import government, lookup
from verify.evidence.reporting import SAYING_RE
from verify.evidence.text import stem

JOURNEY_WORDS = (
    "visit", "visits", "visited", "visiting", "trip", "trips", "travel", "travels", "travelled", "traveled",
    "travelling", "traveling", "tour", "tours", "toured", "touring", "journey", "journeys", "journeyed", "arrive",
    "arrives", "arrived", "arriving", "arrival", "fly", "flies", "flew", "flying", "return", "returns", "returned",
    "returning")
"""Journey words as a text writes them: one traveller's event (a meeting, a summit or talks are everyone's who take
part). :mod:`verify.evidence.locations` reads a place after them ("a visit to Moscow")."""
TRAVEL = frozenset(map(stem, JOURNEY_WORDS))
_STOP = frozenset([
    "and", "or", "but", "with", "by", "for", "of", "from", "in", "into", "at", "on", "about", "against", "between",
    "among", "after", "before", "during", "than", "that", "which", "who", "whom", "whose", "while", "when",
    "where", "as", "if", "he", "she", "they", "we", "i", "it", "you", "offer", "offers", "offered",
    "invitation", "invitations", "proposal", "proposals"])
"""Words that end the look back: the name before them is not the traveller ("talks with Putin", "Kim's offer"; a
"he" stands for who said it: "Kim said he visited" is Kim's visit)."""
_FILLERS = 4
"""At most this many words between the traveller's name and the journey word ("paid an official goodwill visit")."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_BY = re.compile(r"\s+by\s+((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*)")
_TO = re.compile(r"\s+to\s+")
_SAID = re.compile(r"\b((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*)\s+(?:(?:earlier|also|later|previously|has|had)\s+)?"
                   rf"(?:{SAYING_RE}|told\s+\w+|confirmed)\s+(?:that\s+)?$")
"""Who speaks before a "he" or "she" that makes the journey: the one the pronoun stands for (the verbs of saying are
:mod:`verify.evidence.reporting`'s, with "told" and its hearer, and "confirmed")."""
_PROPOSED = re.compile(
    r"(?:\b(?:invit|offer|plan|intend|expect|hop|want|agree|propos|schedul|prepar|aim|promis|ask|urg)\w*\s+"
    r"(?:[\w'’-]+\s+){0,3}?to|\b(?:will|would|shall|could|may|might)|\b(?:upcoming|planned|proposed|future|expected|"
    r"possible|prospective|scheduled)(?:\s+[\w'’-]+){0,2}|\b(?:preparations?|plans?|proposals?)\s+for(?:\s+[\w'’-]+){0,2})"
    r"\s+$", re.IGNORECASE)
"""What makes a journey or a meeting one that is planned, offered or asked for, not one made ("invited Putin to visit",
"plans to travel", "will visit", "the planned trip", "preparations for Putin's trip")."""


def proposed(text: str, at: int, lo: int) -> bool:
    """Whether the journey or meeting whose word starts at ``at`` is only planned, offered or asked for ("Kim invited
    Putin to visit North Korea", "will meet"): one made ("Kim's rare visit to Moscow", "held a summit") is another
    event, and its place or date is not the planned one's."""
    return _PROPOSED.search(text, max(lo, at - 80), at) is not None


@lru_cache(maxsize=8192)
def _by_end(text: str) -> list[tuple[int, int, Invitation]]:
    """The text's invitations by where they end (a journey word looks only at those just before it: looking at every
    one for every journey word was quadratic in a long text)."""
    return sorted((inv.end, i, inv) for i, inv in enumerate(invitations(text)))


def traveller(text: str, at: int, end: int, lo: int, tokens: Callable[[str], frozenset[str]],
              listed: Callable[[str], bool]) -> frozenset[str]:
    """The name tokens of who makes the journey whose word is ``text[at:end]`` (empty: unknown or no journey).

    Args:
        text: the text.
        at: where the journey word starts.
        end: where it ends.
        lo: where its clause starts (no name before it is read).
        tokens: a name's tokens, as the event reader gives its actors.
        listed: whether a stemmed word names an event (then the name before it acts in that event).
    """
    if stem(text[at:end]) not in TRAVEL:
        return frozenset()
    ends = _by_end(text)
    for i in range(bisect_left(ends, (at - 16,)), bisect_right(ends, (at, len(ends)))):
        inv = ends[i][2]
        if _TO.fullmatch(text, inv.end, at):
            return _who(text[inv.guest_at[0]:inv.guest_at[1]].split(), tokens)
    if by := _BY.match(text, end):
        return _who(by.group(1).split(), tokens)
    words = list(_WORD.finditer(text, lo, at))
    run: list[str] = []
    between = 0
    for i in range(len(words) - 1, -1, -1):
        m = words[i]
        gap = text[m.end():words[i + 1].start()] if i + 1 < len(words) else text[m.end():at]
        if gap.strip():
            break  # a comma or a bracket: another phrase
        word = m.group(0)
        if word[0].isupper():
            run.append(word)
            continue
        if run:
            break
        if word.lower() in ("he", "she") and (said := _SAID.search(text, max(0, m.start() - 80), m.start())):
            run = said.group(1).split()[::-1]  # "Lavrov earlier said he plans to visit": Lavrov (read back to front)
            break
        if word.lower() in _STOP or listed(stem(word)) or between == _FILLERS:
            return frozenset()
        between += 1
    name = " ".join(reversed(run)).removesuffix("'s").removesuffix("’s")
    if not run or government(name) or lookup(name):
        return frozenset()  # "the Pyongyang visit", "Russia's trip": where, not who
    return _who(run, tokens)


def _who(name: list[str], tokens: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """The tokens of a name's words, without the titles before it ("President Putin": putin)."""
    return frozenset().union(*(tokens(w) for w in name)) - NOT_NAMES
