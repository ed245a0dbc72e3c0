"""Names in claims and passages: what counts as a name, and when two names are the same one.

Capitalised runs ("Kim Jong-un", "COVID-19", "Castle on the Hill"), minus sentence openers and
headline capitals; a name in another quarter ("South Korea" for "North Korea") or with another
last part ("Kim Jong Il" for "Kim Jong Un") is a rival, not a mention.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Self

from index.store.text_tables import capitalised_mid_sentence
from verify.evidence.slots import MONTHS
from verify.evidence.text import STOPWORDS, canonical, stem, words

NAME_WORD = (r"[A-Z](?:[a-zA-Z.]|['’](?!s\b)|(?:(?<=eople)|(?<=omen)|(?<=Men)|(?<=hildren))['’]s)*"
             r"\d*(?:-(?:[A-Za-z]+|\d+))*")
"""One capitalised word of a name ("Kim", "Jong-un", "COVID-19", "O'Brien"). A possessive ends the name:
"Kim's September summit" names "Kim", not "Kim's September"; "Kim Jong Un's Pyongyang visit" two names. A
plural's does not: "Supreme People's Assembly", "Women's Union" are one name each."""
_NAME_RE = re.compile(r"\b(" + NAME_WORD + r"(?:\s+(?:of\s+the\s+|of\s+|on\s+the\s+|de\s+|van\s+|von\s+)?"
                      + NAME_WORD + r")*)")
"""A run of capitalised words ("Kim Jong-un", "COVID-19", "SARS-CoV-2", "Castle on the Hill")."""


class NameSet(AbstractSet[str]):
    """The corpus's names, with a few more (a claim's own) or a few fewer, the corpus's set shared, not copied.

    ``names | known_names([claim])`` on a frozenset copied every name of the corpus once a claim
    (~50,000 at 1M synthetic sentences: 5 ms, and a new set as large for the garbage collector
    to walk); here ``|`` keeps the corpus's set and adds the few new words beside it, and ``-``
    keeps it and notes the few words taken out (a claim in capitals takes its own words out of
    the names for every passage it is checked against: a difference of frozensets copied the
    corpus's names twice a passage). Membership, length, iteration and comparisons are a set's;
    other operations give a frozenset.

    Args:
        base: The large set (the corpus's names).
        extra: Words added to it. Defaults to none.
        drop: Words of ``base`` taken out of it (``extra`` puts a word back). Defaults to none.
    """

    __slots__ = ("_base", "_drop", "_extra", "_found", "_len")

    def __init__(self, base: frozenset[str], extra: Iterable[str] = (), drop: Iterable[str] = ()) -> None:
        self._base = base
        self._drop = frozenset(w for w in drop if w in base)
        self._extra = frozenset(w for w in extra if w not in base or w in self._drop)
        self._len = len(base) - len(self._drop) + len(self._extra)  # the parts are disjoint
        self._found: dict[str, list[tuple[str, int, int]]] = {}
        """:func:`claim_names` of texts read with this set (which never changes): a check reads its
        claim's names once for each of its ~36 passages."""

    @classmethod
    def _from_iterable(cls, words: Iterable[str]) -> frozenset[str]:
        return frozenset(words)

    def __contains__(self, word: object) -> bool:
        return word in self._base and word not in self._drop or word in self._extra

    def __iter__(self) -> Iterator[str]:
        drop = self._drop
        yield from (w for w in self._base if w not in drop) if drop else self._base
        yield from self._extra

    def __len__(self) -> int:
        return self._len

    def __or__(self, other: Iterable[str]) -> NameSet:  # type: ignore[override]
        return NameSet(self._base, self._extra | frozenset(other), self._drop)

    __ror__ = __or__  # type: ignore[assignment]

    def __sub__(self, other: Iterable[str]) -> NameSet:  # type: ignore[override]
        drop = frozenset(other)
        return NameSet(self._base, self._extra - drop, self._drop | drop)


def known_names(texts) -> frozenset[str]:
    """Words written capitalised *inside* a sentence somewhere in ``texts``: names, not
    capitalised sentence openers. Lower-cased (the index stores the same per document as
    its ``names`` table, see ``index.store.text_tables``)."""
    out: set[str] = set()
    for text in texts:
        out |= capitalised_mid_sentence(text)
    return frozenset(out)


@lru_cache(maxsize=8192)
def names_in(text: str) -> frozenset[str]:
    """``known_names([text])``, cached: the detectors read the claim's names, and those of each passage
    with its neighbours, for every (claim, passage) pair; each text is read once."""
    return known_names([text])


_HEADLINE_WORDS = STOPWORDS | {"can", "be", "by", "not", "with", "from", "into", "for"}
"""Words running text writes in lower case inside a sentence (built once: it was built per capitalised word)."""


@lru_cache(maxsize=8192)
def _is_headline(text: str) -> bool:
    """Title case: a function word capitalised inside a sentence ("Coronavirus can Be Crushed By
    Warmer Weather", "Masks Can Prevent ..."), which running text never does."""
    for m in re.finditer(r"(?<=[\w,;:'’\"”)] )([A-Z][a-z]+)\b", text):
        if m.group(1).lower() in _HEADLINE_WORDS:
            return True
    return False


_FOUND_KEPT = 4096
"""Texts whose names a :class:`NameSet` remembers before it forgets them all (a set that lives long)."""


def claim_names(claim: str, names: AbstractSet[str] | None = None) -> list[tuple[str, int, int]]:
    """Capitalised names in the claim.

    A capitalised first word counts only when it continues into a longer name, is an
    acronym, or is in ``names`` (see :func:`known_names`): "Putin visited ..." yes,
    "Two dogs ..." no. Read with a :class:`NameSet`, each text's names are found once.
    """
    if not isinstance(names, NameSet):
        return _claim_names(claim, names)
    found = names._found.get(claim)
    if found is None:
        if len(names._found) >= _FOUND_KEPT:
            names._found.clear()
        found = names._found[claim] = _claim_names(claim, names)
    return list(found)


_SENTENCE_END = re.compile(r"[.?!]\s")
_OPENING = re.compile(r"[ \"'“‘(]*")
"""What may come before a sentence's first word: spaces, opening quotes and brackets."""


def _claim_names(claim: str, names: AbstractSet[str] | None) -> list[tuple[str, int, int]]:
    out = []
    headline = _is_headline(claim)
    # where each sentence starts: the ends of "[.?!]<space>" on the first line (the search "^.*[.?!]\s" made of
    # each name's prefix, once a text: made once a name it cost the text's length each time, quadratic in it)
    first_line = claim.find("\n") % (len(claim) + 1)
    opens = [0, *(b.end() for b in _SENTENCE_END.finditer(claim, 0, first_line + 2) if b.start() < first_line)]
    for m in _NAME_RE.finditer(claim):
        name, start = m.group(1), m.start(1)
        if name.endswith(".") and "." not in name[:-1]:
            name = name[:-1]  # the sentence's full stop, not an abbreviation
        if headline:
            # "Coronavirus can Be Crushed By Warmer Weather": capitals say nothing; keep the words
            # known as names elsewhere, and acronyms
            kept = [w for w in name.split() if w.isupper() and len(w) > 1 or (
                names is not None and w.lower().rstrip("'s").rstrip("'’") in names)]
            if not kept:
                continue
            name = " ".join(kept)
            start = claim.find(name, start) if claim.find(name, start) >= 0 else start
        first, _, rest = name.partition(" ")
        # at the start of the claim or of one of its sentences ("... surfaces? Yes.")
        opened = opens[bisect_right(opens, start) - 1]
        at_start = _OPENING.match(claim, opened, start).end() == start
        if first.lower() in STOPWORDS or first.lower() in {"on", "in", "at"}:
            if not rest:
                continue
            start += len(first) + 1
            name = rest
        elif at_start and not rest and not first.isupper():
            known = names if names is not None else names_in(claim)
            if first.lower().rstrip("'s").rstrip("'’") not in known:
                continue
        if name.lower() in STOPWORDS or name.lower().rstrip(".") in {"mr", "ms", "dr"}:
            continue
        out.append((name, start, start + len(name)))
    return out


def name_tokens(name: str) -> list[str]:
    return [stem(w) for w in words(canonical(name)) if w not in STOPWORDS and (len(w) > 1 or w in MONTHS)]


class FullName(tuple):
    """A name's tokens (see :func:`name_tokens`), with the name as its text first writes it (``written``), for
    a reason a reader can check: "Supreme Leader Kim Jong Un", not its tokens "suprem leader kim jong un"."""

    written: str

    def __new__(cls, written: str) -> Self:
        self = super().__new__(cls, name_tokens(written))
        self.written = written
        return self


@lru_cache(maxsize=256)
def full_names(text: str) -> tuple[FullName, ...]:
    """The names of two or more words a text writes ("Kim Jong Un", "Vladimir Putin"), as name tokens, once
    each: whom a bare "Kim" or "Putin" in one of its sentences stands for. Cached: read once per document."""
    found = (FullName(m.group(1)) for line in text.splitlines() for m in _NAME_RE.finditer(line))
    return tuple(dict.fromkeys(t for t in found if len(t) >= 2))


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


QUARTERS = frozenset(stem(w) for w in (
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "upper", "lower", "new", "old"))


def is_rival(passage_name: list[str], tokens: list[str]) -> bool:
    """Same leading tokens, different last one: "Kim Jong Il" for "Kim Jong Un"; or the same
    place in another quarter: "South Korea" for "North Korea"."""
    head, n, last = tokens[:-1], len(tokens), tokens[-1]
    # "South Korea" for "North Korea", "West Germany" for "East Germany": same place word, other quarter
    if n == 2 and tokens[0] in QUARTERS and any(
            passage_name[i + 1] == last and passage_name[i] in QUARTERS and passage_name[i] != tokens[0]
            for i in range(len(passage_name) - 1)):
        return True
    if last in passage_name:
        return False  # a middle name: "Trevor Michael Moran" is "Trevor Moran"

    def other(word: str) -> bool:  # "North Korean" is "North Korea", said as an adjective
        return not (word.startswith(last) or last.startswith(word))

    return any(passage_name[i:i + n - 1] == head and other(passage_name[i + n - 1])
               for i in range(len(passage_name) - n + 1))
