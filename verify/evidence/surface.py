"""A claim as running text: its letter case and final full stop must not change what is found.

"CELEBRATIONS WERE HELD IN MOSCOW.", "Celebrations Were Held In Moscow" and "Celebrations were
held in MOSCOW" are one claim; :func:`surface` writes each as "Celebrations were held in Moscow",
keeping every offset, so that the detectors' spans still point into the claim as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from verify.evidence.places import lookup
from verify.evidence.slots import MONTHS, WEEKDAYS
from verify.evidence.text import ALIASES, STOPWORDS
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’-]*[A-Z]\b")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’-]*")
_ACRONYMS = frozenset(a.upper() for a, c in ALIASES.items() if c and " " not in a and "." not in a)


@lru_cache(maxsize=1024)
def shouting(claim: str) -> bool:
    """All capitals, or headline case ("Celebrations Were Held In Moscow"): capitals that say
    nothing about which words are names. (Cached: asked twice per judged passage of one claim.)"""
    letters = [ch for ch in claim if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) / len(letters) > 0.8 and len(claim.split()) > 2:
        return True
    tail = claim.split()[1:]
    return len(tail) >= 3 and all(w[0].isupper() or not w[0].isalpha() for w in tail)


def surface(claim: str, names: frozenset[str] = frozenset(), common: frozenset[str] = frozenset(),
            settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> str:
    """The claim as running text, so that its letter case and final full stop change nothing.

    The final full stop goes; in a claim in capitals or headline case every capitalised word,
    and elsewhere every word in capitals ("Kim was NOT satisfied"), takes the case running text
    gives it: an acronym ("DPRK", "NATO") stays, a place the gazetteer knows or a word in
    ``names`` that is not in ``common`` (words seen in lower case, e.g. in the passage) is
    capitalised, any other word is lower case. Lengths and offsets are unchanged.

    Args:
        claim: the claim as written.
        names: lower-case words known as names (see :func:`verify.evidence.names.known_names`).
        common: lower-case words seen written in lower case: not names, even if in ``names``.
        settings: which places the gazetteer knows. Defaults to :data:`verify.settings.EVIDENCE_DEFAULTS`.
    """
    claim = claim.rstrip()
    claim = claim[: len(claim.rstrip(".!;,:"))] if not claim.endswith("...") else claim
    loud = shouting(claim)

    def recase(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        bare = low.removesuffix("'s").removesuffix("’s")
        if word.upper() in _ACRONYMS and (word.isupper() or len(word) <= 4):
            return word.upper() if word.isupper() else word
        if lookup(bare, settings) or (bare in MONTHS and bare != "may") or bare in WEEKDAYS or (bare in names and bare not in common and bare not in STOPWORDS):
            return word[0] + low[1:]
        if not loud and len(word) <= 4 and bare not in STOPWORDS and bare not in common:
            return word  # "NASA" among running text: an acronym
        return low

    out = (_CAPITALISED if loud else _CAPS_WORD).sub(recase, claim)
    return out[0].upper() + out[1:] if out else out
