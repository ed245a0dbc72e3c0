"""Light text normalisation shared by the detectors: aliases, tokens, stems, overlap.

Deliberately simple and deterministic: no model, no download. Offsets are kept
where a caller needs spans (``tokens_with_spans``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from index.store.text_tables import fold  # the index's one character-for-one folding, used here too

# Aliases are matched case-insensitively on word boundaries and mapped to one
# canonical spelling before tokens are compared. General names only: countries,
# organisations and transliteration variants that news copy mixes freely.
ALIASES: dict[str, str] = {
    "dprk": "north korea",
    "democratic people's republic of korea": "north korea",
    "n. korea": "north korea",
    "pyongyang's": "north korea's",
    "rok": "south korea",
    "republic of korea": "south korea",
    "s. korea": "south korea",
    "ussr": "soviet union",
    "u.s.s.r.": "soviet union",
    "russian federation": "russia",
    "u.s.": "united states",
    "us": "united states",
    "usa": "united states",
    "u.s.a.": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "prc": "china",
    "people's republic of china": "china",
    "kcna": "korean central news agency",
    "un": "united nations",
    "u.n.": "united nations",
    "eu": "european union",
    "nato": "north atlantic treaty organization",
    "who": None,  # ambiguous with the pronoun: never aliased
    # the pandemic's disease and virus: fact-checks and papers name them every which way
    "covid-19": "covid-19",
    "covid": "covid-19",
    "covid19": "covid-19",
    "covid 19": "covid-19",
    "coronavirus disease 2019": "covid-19",
    "coronavirus disease": "covid-19",
    "sars-cov-2": "covid-19",
    "sars-cov2": "covid-19",
    "sarscov2": "covid-19",
    "sars cov 2": "covid-19",
    "2019-ncov": "covid-19",
    "novel coronavirus": "covid-19",
    "severe acute respiratory syndrome coronavirus 2": "covid-19",
    "coronavirus": "covid-19",
}
_ALIAS_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a, c in sorted(ALIASES.items(), key=lambda kv: -len(kv[0])) if c)
    + r")(?![\w])",
    re.IGNORECASE,
)
_CASE_SENSITIVE_ALIASES = {"US", "UN", "UK"}  # 'us'/'un' lower-case are words, not names
_CANONICAL_NAMES = sorted({c for c in ALIASES.values() if c and " " in c}, key=len, reverse=True)
_ALIASED_HYPHEN = re.compile(
    r"\b(?:" + "|".join(re.escape(c) for c in _CANONICAL_NAMES) + r")-(?=[A-Za-z])"
    r"|(?<=[A-Za-z])-(?:" + "|".join(re.escape(c) for c in _CANONICAL_NAMES) + r")\b")

FUNCTION_WORDS = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
    "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or",
    "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
    "yourselves", "it's", "said", "says", "say", "saying", "told", "tell", "according", "per", "via", "may",
    "might", "must", "shall", "upon"})
"""Words that carry no fact of their own (the one copy: highlighting, source grouping and the
detectors all start from it)."""
STOPWORDS = FUNCTION_WORDS | frozenset({
    "already", "done", "even", "every", "many", "mine", "much", "onto", "s", "t", "still", "whose", "yet",
    "report", "reported", "reports", "earlier", "later", "last", "next", "day", "week", "month", "year", "today"})
"""What the detectors leave out when they compare two texts' words: the function words, and
the words of news copy that say when or who reported rather than what happened."""

PRONOUNS = frozenset(["he", "she", "they", "it", "his", "her", "their", "its", "this", "that", "these", "those", "such", "there"])

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*(?:st|nd|rd|th)?", re.UNICODE)


@lru_cache(maxsize=8192)
def canonical(text: str) -> str:
    """Lower-cased text with aliases replaced by their canonical name and name hyphens split
    (cached: a passage's analysis reads it for its stems and again for its wording).

    ``"Kim Jong-un of the DPRK"`` -> ``"kim jong un of the north korea"``.
    """
    text = fold(text)

    def repl(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in ("us", "un", "uk") and word not in _CASE_SENSITIVE_ALIASES:
            return word
        return ALIASES[word.lower()]

    text = _ALIAS_RE.sub(repl, text)
    if "-" not in text:  # what follows splits hyphens only (most sentences have none: three passes saved)
        return text.lower()
    # "Jong-un" / "Chon-il": hyphenated romanised names compare equal to the spaced form.
    text = re.sub(r"\b([A-Z][a-z]+)-([a-z]+)\b", lambda m: f"{m.group(1)} {m.group(2)}", text)
    # "North Korea-Russia ties", "the Putin-Kim summit": two names, not one word.
    text = re.sub(r"\b([A-Z][A-Za-z]+)-(?=[A-Z])", r"\1 ", text)
    # the same after an alias: "DPRK-Russia" -> "north korea-Russia", "Russia-DPRK" -> "Russia-north korea"
    text = _ALIASED_HYPHEN.sub(lambda m: m.group(0).replace("-", " "), text)
    return text.lower()


_SNOWBALL = snowballstemmer.stemmer("english")
"""PyStemmer's C stemmer when it is installed (requirements.txt; snowballstemmer returns it then),
else the pure-Python one: the same Snowball algorithm, the same stems, about ten times slower."""


def american(word: str) -> str:
    """The American spelling of a lower-case word written the British way ("recognised" -> "recognized",
    "defence" -> "defense", "travelled" -> "traveled"; breame's list of about 1,700), else the word itself:
    a claim typed in one spelling is checked against news written in the other."""
    return BRITISH_ENGLISH_SPELLINGS.get(word, word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of the word's American spelling: visit/visited/visits, tie/ties,
    celebrate/celebrating, recognise/recognize."""
    return _SNOWBALL.stemWord(american(word.lower().strip("'’-").removesuffix("'s").removesuffix("’s")))


SURFACE_WORD = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*")
"""A word as written, with inner apostrophes, dots and commas kept ("Kim's", "1,000", "3.5", "U.S")."""


def normalise_word(word: str) -> str:
    """The form two words are compared in: lower case, no possessive, no plural ``s`` ("Talks" = "talk")."""
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word[-2].isdigit():
        word = word[:-1]
    return word


def content_words(text: str):
    """``(start, end, normalised)`` of each word of ``text`` that is not a function word."""
    for match in SURFACE_WORD.finditer(text):
        word = normalise_word(match.group())
        if word not in FUNCTION_WORDS and (len(word) > 1 or word.isdigit()):
            yield match.start(), match.end(), word


def words(text: str) -> list[str]:
    """Word tokens of already-canonical text."""
    return _WORD_RE.findall(text)


def content_stems(text: str) -> list[str]:
    """Stems of the content words (no stop words, no bare numbers) of ``text``, in order."""
    out = []
    for w in words(canonical(text)):
        if w[0].isdigit() or w in STOPWORDS or len(w) < 2:
            continue
        out.append(stem(w))
    return out


def coverage(claim: str, passage: str, ignore: set[str] | frozenset = frozenset()) -> float:
    """Share of the claim's content stems that the passage contains (1.0 = all)."""
    claim_stems = [s for s in dict.fromkeys(content_stems(claim)) if s not in ignore]
    if not claim_stems:
        return 0.0
    have = set(content_stems(passage))
    return sum(s in have for s in claim_stems) / len(claim_stems)


_LEANING = frozenset({"meanwhile", "however", "but", "also", "still"})
"""Openers a sentence leans back with, as a pronoun does (:func:`starts_dependent`)."""


@lru_cache(maxsize=8192)
def starts_dependent(sentence: str) -> bool:
    """True when the sentence leans on what came before ("He said ...", "The two leaders ...")."""
    head = words(fold(sentence))[:2]
    if not head:
        return False
    first = head[0].lower()
    if first == "the":
        # "The two leaders ...", "The film ..." lean back; "The Kremlin ..." names who it is
        return len(head) < 2 or not head[1][0].isupper()
    return first in PRONOUNS or first in _LEANING


_CONNECTIVES = _LEANING | {"nevertheless", "nonetheless", "yet", "instead", "moreover", "furthermore", "besides",
                           "therefore", "thus", "likewise", "similarly", "conversely", "otherwise"}


@lru_cache(maxsize=8192)
def answers_before(sentence: str) -> bool:
    """True when the sentence opens with a word that answers the one before ("Nevertheless, both denied such
    transactions"): what it speaks of may be told there, though none of its words stands for a name there."""
    head = words(fold(sentence))[:1]
    return bool(head) and head[0].lower() in _CONNECTIVES


def leans_back(sentence: str) -> bool:
    """Whether what the sentence speaks of is told in the one before: it opens with a word that stands for a name
    there (:func:`starts_dependent`) or that answers it (:func:`answers_before`). The detectors read the claim's
    topic in such a sentence with the one before it; only the first kind is judged with it (the model read "denied
    such arms transactions" after its allegation as support for "refused to support the war") and lets a claim's name
    go unmentioned."""
    return starts_dependent(sentence) or answers_before(sentence)


def opens_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` starts the text or follows a sentence's end (spaces between)."""
    before = at - 1
    while before >= 0 and text[before].isspace():  # the last character before it that is not a space
        before -= 1
    return before < 0 or text[before] in ".!?\"“"
