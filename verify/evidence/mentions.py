"""Whether a passage mentions the claim's names: a name the passage never writes is a soft mismatch, and a
namesake written instead ("Kim Jong Il" for "Kim Jong Un") says the passage is about someone else."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from rapidfuzz import fuzz, process

from verify.evidence.analysis import wording
from verify.evidence.detection import Detection, span
from verify.evidence.names import FullName, claim_names, contains_run, is_rival, name_tokens, names_in
from verify.evidence.places import state_said_otherwise
from verify.evidence.slots import calendar_word, find_dates
from verify.evidence.text import canonical, stem, words
from verify.models import Mismatch, Span
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

__all__ = ["DocumentNames", "entities", "spelled_in", "unmentioned"]

DocumentNames = tuple[FullName, ...] | Callable[[], tuple[FullName, ...]]
"""A document's full names (:func:`verify.evidence.names.full_names`), or a function that reads them."""


_JOINED = re.compile(r"[A-Za-z]-[A-Z]")
"""A hyphen joining two capitalised names ("Kim-Putin"); "Jong-un", "Son-hui" are parts of one name."""


def _holds(stems: frozenset[str], token: str) -> bool:
    """Whether ``stems`` hold a name's ``token``, or (a long one) a word it begins ("Vladivostok" of "Vladivostok's")."""
    return token in stems or (len(token) >= 4 and any(h.startswith(token) for h in stems))


def spelled_in(token: str, words: set[str], settings: EvidenceSettings) -> bool:
    """Whether a long name token is among ``words`` spelled within a letter or two ("Blagoveshchensk" /
    "Blagoveschensk"; ``settings.fuzzy_name_length`` / ``settings.fuzzy_name_score``)."""
    return len(token) >= settings.fuzzy_name_length and process.extractOne(
        token, words, scorer=fuzz.ratio, score_cutoff=settings.fuzzy_name_score) is not None


def _outside_other_names(said: list[str], tokens: list[str], text_names: tuple[Counter, list[list[str]]]) -> list[str]:
    """The tokens of ``said`` (words of a claim's name, ``tokens``) that a text writes somewhere other than inside
    the names of others: names of several words sharing fewer than half of the claim name's. The "il" of "Im
    Chon-il" does not name "Kim Jong Il", nor the "son" of "Choe Son-hui" "Ri Son Gwon"; "Sergey Shoigu" names
    "Sergei Shoigu". ``text_names``: the text's word stems counted, and its names of several words
    (:func:`_names_of_several_words`)."""
    everywhere, several = text_names
    inside = Counter()
    for its in several:
        if 2 * len(set(its) & set(tokens)) < len(tokens):
            inside.update(its)
    return [t for t in said if not 0 < everywhere[t] <= inside[t]]


def _names_of_several_words(text: str, names: frozenset[str]) -> tuple[Counter, list[list[str]]]:
    """The word stems of ``text`` counted, and the tokens of each name of several words it writes (read once a
    pair, for all the claim's names)."""
    several = [its for its in (name_tokens(n) for n, _, _ in claim_names(text, names)) if len(its) >= 2]
    return Counter(stem(w) for w in words(canonical(text))), several


def entities(claim, passage, passage_and_context, found: Detection, names: frozenset[str] | None,
              unresolved: bool = False, placed: list[tuple[int, int]] = (),
              settings: EvidenceSettings = EVIDENCE_DEFAULTS,
              document_names: DocumentNames = (), publisher: str | None = None,
              denied: tuple[tuple[int, int], ...] = (), mentioned: list[list[str]] | None = None) -> bool:
    """Flag claim names the passage never mentions; True when it names someone else instead.

    "Kim Jong Il" in a passage checked for "Kim Jong Un" shares a token but is another
    person: the passage is then about something else, not a contradiction. With
    ``unresolved`` (the passage opens with "It" / "The film" and no neighbouring sentence
    is at hand to say what that is), the claim's first name may be what it refers to:
    that name is not flagged; nor are the ``placed`` spans, places and titles the passage confirmed
    or contradicted (a place of its own is a mention, and a wrong one is a place mismatch; "China"
    in "ambassador to China" is the title's).
    The passage's own ``publisher`` is named by its text: "according to the Pyongyang Times" is not a name the
    Pyongyang Times's article must repeat; nor is a name the claim rules out (its ``denied`` spans: "in Geneva,
    not Vienna").
    A long name token spelled within a letter or two counts as mentioned
    (``settings.fuzzy_name_length`` / ``settings.fuzzy_name_score``). A bare "Kim" in a passage whose
    document writes out only another "Kim" ("Kim Jong Un", ``document_names``) for the claim's "Kim Jong Il"
    is that other person, as a passage that writes him out in full is. The words of each name found mentioned are
    added to ``mentioned``.
    """
    seen = wording(passage_and_context)
    have = seen.vocabulary
    written = [n for n, _, _ in claim_names(passage, names)]
    passage_names = [name_tokens(n) for n in written]
    other_person = False
    if names is None:
        names = names_in(claim) | names_in(passage_and_context)
    own = canonical(publisher) if publisher else None
    text_names = None  # the passage's names of several words, read for the first name it names only in part
    for n, (name, s, e) in enumerate(claim_names(claim, names)):
        if (unresolved and n == 0) or any(s < b and a < e for a, b in placed) or any(a <= s and e <= b for a, b in denied):
            continue
        tokens = name_tokens(name)
        if own and canonical(claim[s:s + len(publisher) + 1]).startswith(own):
            continue  # the passage's publisher (however cased: "the pyongyang times wrote"): its text is what it says
        if not tokens or all(calendar_word(w) for w in words(canonical(name))) or find_dates(name):
            continue  # months and weekdays are the date detector's business
        # "the Kim-Putin summit", "Moscow-Pyongyang": two names joined, not one whose namesake could be meant
        joined = _JOINED.search(name) is not None
        if len(tokens) >= 2 and not joined and not any(contains_run(p, tokens) for p in passage_names):
            rival = next((w for p, w in zip(passage_names, written) if is_rival(p, tokens)), None)
            if rival is not None:
                other_person = True
                found.mismatches.append(Mismatch(kind="namesake", claim=span(claim, s, e), passage=None,
                                                 detail=f"passage is about {rival!r}, not {name!r}"))
                continue
            # the passage says one of the name's words ("Kim"): the document is read for whom it means
            in_text = (document_names() if callable(document_names) else document_names) if set(tokens) & have else ()
            if not any(contains_run(list(d), tokens) for d in in_text):
                # the document never writes the claim's name; the passage's "Kim" is the one it does write
                rival = next((d for d in in_text if is_rival(list(d), tokens) and set(d) & set(tokens) & have), None)
                if rival is not None:
                    other_person = True
                    found.mismatches.append(Mismatch(
                        kind="namesake", claim=span(claim, s, e), passage=None,
                        detail=f"passage is about {rival.written!r} (so named in its text), not {name!r}"))
                    continue
        said = [t for t in tokens if _holds(have, t)]
        if len(said) < len(tokens):
            # a part of a name counts where the passage writes it as a name: "state media" mentions no State Duma
            said = [t for t in said if _holds(seen.capitalised, t)]
        if said and 2 * len(said) < len(tokens):
            if text_names is None:
                text_names = _names_of_several_words(passage_and_context, names)
            said = _outside_other_names(said, tokens, text_names)
        if said:
            if mentioned is not None:
                mentioned.append(tokens)
            continue  # "Bulgarian" mentions Bulgaria
        if any(spelled_in(t, have, settings) for t in tokens) or state_said_otherwise(claim, s, e, passage_and_context):
            continue  # "Blagoveschensk" for "Blagoveshchensk"; "Washington warned" against "the US stressed"
        found.mismatches.append(unmentioned(span(claim, s, e), name))
    return other_person


def unmentioned(where: Span, name: str) -> Mismatch:
    """The soft mismatch of a claim's name (at ``where``) the passage never mentions."""
    return Mismatch(kind="entity", claim=where, passage=None, detail=f"passage does not mention {name!r}")
