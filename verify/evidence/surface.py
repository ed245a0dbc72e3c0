"""A claim as running text: its letter case and final full stop must not change what is found.

"CELEBRATIONS WERE HELD IN MOSCOW.", "Celebrations Were Held In Moscow", "Celebrations were
held in MOSCOW" and "celebrations were held in moscow" are one claim; :func:`surface` writes each
as "Celebrations were held in Moscow", keeping every offset, so that the detectors' spans still
point into the claim as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache

from verify.evidence.places import lookup
from verify.evidence.slots import MONTHS, WEEKDAYS
from verify.evidence.text import ALIASES, STOPWORDS
from verify.inputs import CLOSING_MARKS
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’-]*[A-Z]\b")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’-]*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]*")
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


def quiet(claim: str) -> bool:
    """No capital after the first letter ("kim jong il never visited russia", typed fast): lower
    case that says nothing about which words are names either."""
    return len(claim.split()) > 2 and not any(ch.isupper() for ch in claim[1:]) and any(ch.isalpha() for ch in claim)


def uninformative(claim: str) -> bool:
    """A claim whose letter case does not tell names from words: :func:`shouting` or :func:`quiet`."""
    return shouting(claim) or quiet(claim)


def _quiet_word(word: str, bare: str, names: frozenset[str], common: frozenset[str], settings: EvidenceSettings) -> str:
    """One word of a claim in lower case, as running text writes it (see :func:`surface`)."""
    if bare in common or bare in STOPWORDS:
        return word
    if word.upper() in _ACRONYMS and len(word) <= 5:
        return word.upper()  # "dprk", "nato" ("un" of "kim jong un": see TrueCase)
    if bare in names or lookup(bare, settings) or (bare in MONTHS and bare != "may") or bare in WEEKDAYS:
        return word[0].upper() + word[1:]  # "son-hui"
    if "-" in word.strip("-"):  # "kim-putin": each part on its own
        return "-".join(_quiet_word(part, part, names, common, settings) if part else part for part in word.split("-"))
    return word


def surface(claim: str, names: frozenset[str] = frozenset(), common: frozenset[str] = frozenset(),
            settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> str:
    """The claim as running text, so that its letter case and final full stop change nothing.

    The final full stop goes; in a claim in capitals or headline case every capitalised word,
    in a claim in lower case every word, and elsewhere every word in capitals ("Kim was NOT
    satisfied"), takes the case running text gives it: an acronym ("DPRK", "NATO") is in
    capitals, a place the gazetteer knows or a word in ``names`` that is not in ``common`` (words
    seen in lower case, e.g. in the passage) is capitalised, any other word is lower case (in a
    claim in lower case, a word seen in lower case is no place either: "the talks were split").
    Lengths and offsets are unchanged.

    Args:
        claim: the claim as written.
        names: lower-case words known as names (see :func:`verify.evidence.names.known_names`).
        common: lower-case words seen written in lower case: not names, even if in ``names``.
        settings: which places the gazetteer knows. Defaults to :data:`verify.settings.EVIDENCE_DEFAULTS`.
    """
    claim = claim.rstrip()
    claim = claim[: len(claim.rstrip(CLOSING_MARKS))] if not claim.endswith("...") else claim
    loud, low_case = shouting(claim), quiet(claim)

    def recase(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        bare = low.removesuffix("'s").removesuffix("’s")
        if low_case:
            return _quiet_word(word, bare, names, common, settings)
        if word.upper() in _ACRONYMS and (word.isupper() or len(word) <= 4):
            return word.upper() if word.isupper() else word
        if lookup(bare, settings) or (bare in MONTHS and bare != "may") or bare in WEEKDAYS or (bare in names and bare not in common and bare not in STOPWORDS):
            return word[0] + low[1:]
        if not loud and len(word) <= 4 and bare not in STOPWORDS and bare not in common:
            return word  # "NASA" among running text: an acronym
        return low

    out = (_LOWER_WORD if low_case else _CAPITALISED if loud else _CAPS_WORD).sub(recase, claim)
    if low_case:
        out = _places_of_words(out, settings)
    return out[0].upper() + out[1:] if out else out


_RUN = re.compile(r"(?<![\w'’-])(?=([a-z]+(?:\s+[a-z]+){1,2})(?![\w-]))", re.IGNORECASE)
"""Two or three words from each word on ("south korea", "united states of ...")."""


def _places_of_words(text: str, settings: EvidenceSettings) -> str:
    """``text`` with each place of two or three words the gazetteer knows capitalised ("south korea")."""
    cased = list(text)
    for m in _RUN.finditer(text):
        run = list(re.finditer(r"[A-Za-z]+", m.group(1)))
        if run[0].group(0).lower() in STOPWORDS:
            continue  # "the independence": the gazetteer reads past "the"
        for n in (3, 2):
            if len(run) >= n and lookup(" ".join(w.group(0) for w in run[:n]).lower(), settings):
                for w in run[:n]:
                    if w.group(0).lower() not in STOPWORDS:  # "united states of america": "of" stays
                        cased[m.start(1) + w.start()] = cased[m.start(1) + w.start()].upper()
                break
    return "".join(cased)


_PAIR = re.compile(r"(?<![\w'’-])([a-z]+)(?:'s|’s)?\s+(?=([a-z]+)(?![\w-]))")  # overlapping: "kim jong", "jong un"


class TrueCase:
    """A claim whose letter case says nothing, written as running text once, from what the whole corpus
    writes: "kim jong il never visited russia" -> "Kim Jong Il never visited Russia".

    A word is capitalised when the corpus writes it capitalised inside a sentence and no mention of it in
    lower case ("Kim", "Vostochny"), or it is a place the gazetteer knows that the corpus never writes in
    lower case ("Russia", not "independence"); two words are, when the corpus writes the pair as a name
    inside a sentence and never with the second in lower case ("North Korea" though "north of", "Jong Un"
    though "the UN"); a word the corpus never writes is, after a word the corpus always follows with
    another part of a name ("Kim Jong Il" in a corpus that writes only "Kim Jong Un"). The rest is lower
    case (see :func:`surface`); any other word the corpus does not hold stays as typed: nothing says it is
    a name. Each word's mentions are read once (a keyword search).

    Args:
        mentions: the corpus's sentences that contain the words of a text (e.g. a keyword search's first few).
        settings: which places the gazetteer knows. Defaults to :data:`verify.settings.EVIDENCE_DEFAULTS`.
    """

    def __init__(self, mentions: Callable[[str], Iterable[str]], settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> None:
        self._mentions = mentions
        self._settings = settings
        self._lower: dict[str, bool | None] = {}
        """word -> whether the corpus writes it in lower case, None when never (its mentions read once a word)."""
        self._pairs: dict[tuple[str, str], bool] = {}
        """two words -> whether the corpus writes them as one name."""
        self._goes_on: dict[str, bool] = {}
        """word -> whether the corpus writes a capitalised word after it every time."""

    def written_lower(self, word: str) -> bool | None:
        """Whether one of ``word``'s mentions writes it in lower case ("leader" of "Supreme Leader"); None
        when the corpus never writes it."""
        if word not in self._lower:
            pattern = re.compile(r"(?<![\w'’-])" + re.escape(word) + r"(?![\w-])", re.IGNORECASE)
            written = [m.group(0) for text in self._mentions(word) for m in pattern.finditer(text)]
            self._lower[word] = any(w[0].islower() for w in written) if written else None
        return self._lower[word]

    def goes_on(self, word: str) -> bool:
        """Whether the corpus writes ``word`` only ever followed by a capitalised word ("Jong" of "Kim Jong Un"):
        a name of which it is not the last part."""
        if word not in self._goes_on:
            pattern = re.compile(r"(?<![\w'’-])" + re.escape(word) + r"(?:'s|’s)?\s+(\w)", re.IGNORECASE)
            after = [m.group(1) for text in self._mentions(word) for m in pattern.finditer(text)]
            self._goes_on[word] = bool(after) and all(a.isupper() for a in after)
        return self._goes_on[word]

    def one_name(self, first: str, second: str) -> bool:
        """Whether the corpus writes ``first second`` capitalised inside a sentence, and never ``second`` in
        lower case after ``first``."""
        if (first, second) not in self._pairs:
            pattern = re.compile(r"(?<![\w'’-])(" + re.escape(first) + r")(?:'s|’s)?\s+(" + re.escape(second)
                                 + r")(?![\w-])", re.IGNORECASE)
            named = lowered = False
            for text in self._mentions(f"{first} {second}"):
                for m in pattern.finditer(text):
                    lowered |= m.group(2)[0].islower()
                    named |= m.group(1)[0].isupper() and m.group(2)[0].isupper() and re.search(
                        r"[a-z,;:] $", text[:m.start()]) is not None
            self._pairs[first, second] = named and not lowered
        return self._pairs[first, second]

    def __call__(self, claim: str, names: AbstractSet[str]) -> str:
        """``claim`` as running text when its letter case says nothing (same length: every offset keeps),
        else ``claim`` itself.

        Args:
            names: lower-case words the corpus writes capitalised inside a sentence.
        """
        if not uninformative(claim):
            return claim
        low = claim.lower()  # a claim in capitals is read as one in lower case: its capitals say as little
        said = dict.fromkeys(w.removesuffix("'s").strip("-") for w in re.findall(r"[a-z][a-z'’-]*", low.replace("’", "'")))
        said.update(dict.fromkeys(part for w in said if "-" in w for part in w.split("-") if part))  # "kim-putin"
        lower = frozenset(w for w in said if w not in STOPWORDS and (w in names or lookup(w, self._settings))
                          and self.written_lower(w))
        cased = list(surface(low, frozenset(w for w in said if w in names) - lower, lower, self._settings))
        for m in _PAIR.finditer(low[:len(cased)]):
            # a pair is read when it would change the claim: both words written as names somewhere, one of
            # them a name here already ("north Korea", "Jong UN"), not both ("Kim Jong")
            first, second = "".join(cased[m.start(1):m.end(1)]), "".join(cased[m.start(2):m.end(2)])
            if (f"{first} {second}".title() != f"{first} {second}" and (first[0].isupper() or second[0].isupper())
                    and m.group(1) in names and m.group(2) in names and not {m.group(1), m.group(2)} & STOPWORDS
                    and self.one_name(m.group(1), m.group(2))):
                for g in (1, 2):  # "Jong Un", not the acronym "UN"
                    cased[m.start(g):m.end(g)] = m.group(g).capitalize()
        for m in _PAIR.finditer(low[:len(cased)]):  # "Kim Jong il" -> "Kim Jong Il": the name goes on
            if (cased[m.start(1)].isupper() and m.group(1) in names and m.group(2) not in STOPWORDS
                    and self.written_lower(m.group(2)) is None and self.goes_on(m.group(1))):
                cased[m.start(2)] = cased[m.start(2)].upper()
        return "".join(cased) + claim[len(cased):]  # the final full stop kept
