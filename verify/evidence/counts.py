"""How often and how many: a first time against a repetition of the same act ("the first time North Korea had
expressed support" / "North Korea reaffirmed its support"), one of several against the only one of a kind ("one of
several crossing points" / "the only border crossing"). Each is a hard ``antonym`` mismatch that counts the same
thing (:attr:`~verify.evidence.detection.Detection.counted`), with the two phrases as its reason.
"""

from __future__ import annotations

import re

from verify.evidence.analysis import Analysis
from verify.evidence.detection import Detection, span
from verify.evidence.text import STOPWORDS, content_stems
from verify.models import Mismatch

_FIRST_TIME = re.compile(r"\b(?:for\s+the\s+first\s+time|the\s+first\s+time|first[- ]ever|never\s+before|unprecedented)\b",
                         re.IGNORECASE)
_AGAIN = re.compile(r"\b(?:re(?:affirm|iterat|new|peat|stat|confirm)\w*|again|once\s+more|anew)\b", re.IGNORECASE)
_ONLY = re.compile(r"\b(?:the|its|their|his|her|our|[\w-]+['’]s)\s+(?:only|sole|single|lone)\s+(?P<what>(?:[\w'’-]+\s+){0,2}[\w'’-]+)",
                   re.IGNORECASE)
_SEVERAL = re.compile(r"\b(?:one\s+of\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?"
                      r"(?:several\s+|many\s+|multiple\s+|numerous\s+|various\s+|few\s+|a\s+number\s+of\s+)?"
                      r"|several\s+|multiple\s+|numerous\s+)(?P<what>(?:[\w'’-]+\s+){0,2}[\w'’-]+)", re.IGNORECASE)


def _act_words(text: str) -> set[str]:
    """The stems of ``text``'s lower-case content words: what is done, not who or where."""
    return {s for w in re.findall(r"\b[a-z][\w'’-]*", text) for s in content_stems(w)}


def _first_act(first: re.Match) -> set[str]:
    """What is done for the first time: the act words of the clause "for the first time" sits in ("..., the first
    time he had travelled abroad" -> travel, abroad), or of the next one when it stands alone ("For the first time,
    the council criticised ...")."""
    text = first.string
    start = max(text.rfind(c, 0, first.start()) for c in ",;:") + 1
    ends = [i for i in (text.find(c, first.end()) for c in ",;:") if i >= 0]
    end = min(ends, default=len(text))
    words = _act_words(text[start:first.start()] + " " + text[first.end():end])
    if not words and end < len(text):
        ends = [i for i in (text.find(c, end + 1) for c in ",;:") if i >= 0]
        words = _act_words(text[end + 1:min(ends, default=len(text))])
    return words


def _against(claim: Analysis, passage: Analysis, found: Detection, one: re.Pattern, other: re.Pattern,
             same, detail: str) -> bool:
    """Add a hard mismatch when one text says ``one`` and the other ``other`` of the same thing (``same(claim's
    match, passage's match, reversed)``, reversed when the claim says ``other``); True when it did. It counts the
    same thing (:attr:`Detection.counted`): a third of the claim's words make it the claim's topic."""
    for mine, theirs, reverse in ((one, other, False), (other, one, True)):
        for cm in mine.finditer(claim.text):
            pm = next((pm for pm in theirs.finditer(passage.text) if same(cm, pm, reverse)), None)
            if pm:
                cm, pm = _trimmed(cm), _trimmed(pm)
                # a count (how many of a kind, how often an act) of the same thing, as "8,000 cases" / "8,030 cases"
                found.counted.add(len(found.mismatches))
                found.mismatches.append(Mismatch(
                    kind="antonym", claim=span(claim.text, *cm), passage=span(passage.text, *pm),
                    detail=detail.format(claim=claim.text[slice(*cm)], passage=passage.text[slice(*pm)])))
                return True
    return False


def _head_end(words: list[re.Match]) -> int:
    """How many of ``words`` (those after "the only", "one of several") the noun phrase holds: not the function
    words or a verb in "-ed" its last words caught ("the only airport closed for")."""
    n = len(words)
    while n > 1 and (words[n - 1].group(0).lower() in STOPWORDS or words[n - 1].group(0).lower().endswith("ed")):
        n -= 1
    return n


def _trimmed(m: re.Match) -> tuple[int, int]:
    """``m``'s span up to the end of its noun phrase (see :func:`_head_end`)."""
    ws = list(re.finditer(r"[\w'’-]+", m.group(0)))
    return m.start(), m.start() + ws[_head_end(ws) - 1].end()


def _kind(m: re.Match) -> set[str]:
    """The content stems of the noun phrase after "the only" or "one of several" (see :func:`_head_end`)."""
    ws = list(re.finditer(r"[\w'’-]+", m["what"]))
    return set(content_stems(" ".join(w.group(0) for w in ws[:_head_end(ws)])))


def _governed(cue: re.Match) -> set[str]:
    """The stem of the first lower-case content word after a repetition cue: what is repeated ("reaffirmed its support
    for Russia's aggression" -> support; "renewed his invitation for Putin to visit" -> invit, not the visit)."""
    for w in re.findall(r"\b[a-z][\w'’-]*", cue.string[cue.end():cue.end() + 60]):
        if stems := content_stems(w):
            return {stems[0]}
    return set()


def how_often(claim: Analysis, passage: Analysis, found: Detection) -> None:
    """A first time against a repetition of the same act ("the first time North Korea had expressed support" /
    "North Korea reaffirmed its support"; "Kim again praised ..." / "... praised for the first time"): the act the
    repetition cue governs is one the other text speaks of (its lower-case content words: what is done, not who)."""
    def same(cm: re.Match, pm: re.Match, reverse: bool) -> bool:
        again, first = (cm, pm) if reverse else (pm, cm)
        return bool(_governed(again) & _first_act(first))

    _against(claim, passage, found, _FIRST_TIME, _AGAIN, same,
             "claim says {claim!r}, passage says it was done before: {passage!r}")


def how_many(claim: Analysis, passage: Analysis, found: Detection) -> None:
    """One of several against the only one of the same kind ("one of several crossing points" / "the only border
    crossing"; "the only airport" / "one of three airports"): a content stem of the words after each."""
    _against(claim, passage, found, _SEVERAL, _ONLY,
             lambda cm, pm, reverse: bool(_kind(cm) & _kind(pm)),
             "claim says {claim!r}, passage says {passage!r}")
