"""Detectors of meaning: negation, opposite words, a plan reported as done, an unstated "first".

Each reads the two texts' :class:`~verify.evidence.analysis.Analysis` and adds what it finds
to a :class:`~verify.evidence.detection.Detection`, with a reason a reader can check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from verify.evidence.analysis import Analysis, analyse
from verify.evidence.cues import (
    ALLEGATION_CUES,
    ANTONYM_FORMS,
    ANTONYMS,
    FIRST_ONLY_RE,
    FIRST_SAID,
    NEGATION_PARTICLES,
    ONLY_SAID,
    SPECULATION_RE,
)
from verify.evidence.detection import Detection, span
from verify.evidence.places import government
from verify.evidence.slots import calendar_word
from verify.evidence.text import canonical, content_stems, stem
from verify.models import Mismatch


def negation(claim: Analysis, passage: Analysis, shared: set[str], found: Detection,
             skip: list[tuple[int, int]] = (), named: set[str] = frozenset()) -> None:
    """One side negates what both speak of ("were revealed" / "have not been revealed"): a word of what is negated,
    not only a name (``named``: the stems of the claim's names), is in both texts, unless what is negated is only
    names ("not in Vienna"); "never met Putin before their summit" against "Putin accepted Kim's offer during the
    summit" shares only who, not the act. The claim's negations
    within ``skip`` are left out (the "not Kim" of "it was Putin, not Kim, who ..." when the passage gives the act
    to Putin: a Kim it names is there in another role)."""
    claim_neg = [n for n in claim.negations if n.governs & shared and not any(a <= n.start < b for a, b in skip)
                 and not _priority(claim.text, n) and not _place_not_stated(claim, passage, n)]
    passage_neg = [n for n in passage.negations if n.governs & shared and not _priority(passage.text, n)]
    if bool(claim_neg) == bool(passage_neg) or _same_verb(claim.negations, passage.negations):
        return
    acts = shared - named
    claim_neg, passage_neg = ([n for n in negs if n.governs & acts or n.governs <= named] for negs in (claim_neg,
                                                                                                     passage_neg))
    if not (claim_neg or passage_neg):
        return
    if claim_neg:
        if SPECULATION_RE.search(passage.text):
            return  # "experts speculated that they likely discussed ...": guessed at, not stated
        n = claim_neg[0]
        found.mismatches.append(Mismatch(
            kind="negation", claim=span(claim.text, n.start, n.end), passage=None,
            detail=f"negated in the claim ({n.cue!r}), stated in the passage"))
        return
    n = passage_neg[0]
    hit = next(((s, e) for w, s, e in claim.word_stems if w in n.governs), None)
    claim_span = span(claim.text, *hit) if hit else span(claim.text, 0, len(claim.text))
    found.mismatches.append(Mismatch(
        kind="negation", claim=claim_span, passage=span(passage.text, n.start, n.end),
        detail=f"negated in the passage ({n.cue!r}), stated in the claim"))


def _same_verb(claim_negations, passage_negations) -> bool:
    """Whether both texts negate with one verb ("denied" / "denied such arms transactions"): the passage denies too,
    whatever its words for what is denied."""
    verbs = {stem(n.cue.split()[0]) for n in claim_negations if n.cue.lower() not in NEGATION_PARTICLES}
    return any(stem(n.cue.split()[0]) in verbs for n in passage_negations)


def _place_not_stated(claim: Analysis, passage: Analysis, n) -> bool:
    """Whether negation ``n`` rules out a place, and only a place ("held at a spaceport, *not in Moscow*"), that the
    passage puts nothing at: a passage that names Moscow as a government ("both Moscow and Pyongyang") does not say
    it was held there."""
    denied = next(((a, b) for a, b in claim.denied if a <= n.start < b), None)
    ruled = [pl for pl in claim.places if denied and denied[0] <= pl.start < denied[1]]
    if not ruled or not set(content_stems(claim.text[n.end:denied[1]])) <= {
            s for pl in ruled for s in content_stems(pl.name)}:
        return False  # no place, or a denied act with a place in it ("refused to support the war in Ukraine")
    return not any(canonical(pp.name) == canonical(pl.name) for pl in ruled for pp in passage.places)


def ruled_out_spans(claim: Analysis) -> list[tuple[int, int]]:
    """What the claim sets against what it states ("in Geneva, *not Vienna*", "*rather than Vienna*", "*instead of*
    Vienna"): a name there is one the passage need not mention. A denied act ("Norway refused to join the pact with
    Sweden") is still what the claim is about: its names are."""
    return [(a, b) for a, b in claim.denied
            if _CONTRAST.match(claim.text, a) or claim.text[:a].rstrip().endswith((",", "—", "–"))]


_CONTRAST = re.compile(r"(?:rather\s+than|instead\s+of)\b", re.IGNORECASE)


_BEFORE_SOMEONE = re.compile(r"[^,;:.]{0,80}?\bbefore\s+(?:the\s+|its\s+)?(?P<who>[A-Z][\w'’.-]*|him|her|them)\b")
_NO_ONE = frozenset({"no", "none", "nobody", "no one", "never", "neither"})


def _priority(text: str, n) -> bool:
    """Whether negation ``n`` says who was first rather than that it was not done: "No country recognised North
    Korea before the Soviet Union did" says the Soviet Union did, and first ("the first nation to recognise" in other
    words). Only a negated doer or time ("no", "never") before someone (not a date: "never before September")."""
    if n.cue.lower() not in _NO_ONE:
        return False
    m = _BEFORE_SOMEONE.match(text, n.end)
    return bool(m) and not calendar_word(m["who"])


_FAMILIES = {a[:-1]: a for a in ANTONYMS if a.endswith("i") and len(a) > 6}
"""A stem the Snowball stemmer ends in "i" ("satisfi", of "satisfy" / "satisfied") and the other stems
of its family ("satisfact" of "satisfaction", "dissatisfact"), which it leaves apart."""


@lru_cache(maxsize=8192)
def _opposites_key(word_stem: str) -> str:
    """The stem ``ANTONYMS`` knows ``word_stem`` by: itself, or its family's ("dissatisfact" -> "dissatisfi")."""
    if word_stem in ANTONYMS:
        return word_stem
    return next((a for key, a in _FAMILIES.items() if word_stem.startswith(key)), word_stem)


_REGULAR = re.compile(r"(?:s|ed|ing|ly)$")
_NOT_IRREGULAR = frozenset({"left"})  # read as it is: as often a side or a direction as the past of "leave"


@lru_cache(maxsize=8192)
def _opposites_keys(word: str) -> frozenset[str]:
    """The stems ``ANTONYMS`` may know a text word by: its own, and for an irregular verb form ("fell", "rose",
    "grew", "began", "won") those of its dictionary forms (lemminflect's lemmas): the stemmer leaves them as they are."""
    word = word.lower()
    keys = {_opposites_key(stem(ANTONYM_FORMS.get(word, word)))}
    if not _REGULAR.search(word) and word not in _NOT_IRREGULAR:
        from lemminflect import getLemma  # its tables load on first use, not with every import of the detectors
        keys |= {_opposites_key(stem(lemma)) for lemma in getLemma(word, upos="VERB")}
    return frozenset(keys)


def antonyms(claim: Analysis, passage: Analysis, found: Detection) -> None:
    """A claim word whose opposite the passage uses instead ("disappointed" / "satisfied"; "dissatisfaction"
    / "satisfied"; "fell" / "increased")."""
    passage_keys = [(_opposites_keys(passage.text[s:e]), s, e) for _, s, e in passage.word_stems]
    claim_keys = [(_opposites_keys(claim.text[s:e]), s, e) for _, s, e in claim.word_stems]
    passage_stems = frozenset().union(*(k for k, _, _ in passage_keys))
    claim_stems = frozenset().union(*(k for k, _, _ in claim_keys))
    for keys, s, e in claim_keys:
        known = [w for w in keys if w in ANTONYMS]
        if not known:
            continue  # no opposite to look for (the passage's words were read once per claim word)
        opposite = frozenset().union(*(ANTONYMS[w] for w in known)) - claim_stems
        hit = next(((ps, pe) for pk, ps, pe in passage_keys if pk & opposite), None)
        if hit and not keys & passage_stems:
            c_word, p_word = claim.text[s:e], passage.text[hit[0]:hit[1]]
            found.mismatches.append(Mismatch(
                kind="antonym", claim=span(claim.text, s, e), passage=span(passage.text, *hit),
                detail=f"meaning contradicts: claim says {c_word!r}, passage says the opposite, {p_word!r}"))
            return


def modality(claim: Analysis, passage: Analysis, found: Detection) -> None:
    """A plan, hope or allegation in the passage that governs what the claim states as fact. A claim that
    reports an assertion itself ("Washington accused ...") is not overstated by an allegation ("had alleged")."""
    if claim.modal:
        return
    claim_stems = set(claim.stems)
    for start, end, governed in passage.plans:
        cue = passage.text[start:end]
        if claim.reporting and cue.lower() in ALLEGATION_CUES:
            continue
        if claim_stems & governed:
            found.mismatches.append(Mismatch(
                kind="modality", claim=span(claim.text, 0, len(claim.text)), passage=span(passage.text, start, end),
                detail=f"passage only says {cue!r} of what the claim states as fact"))
            return


def context_modality(claim: str, context: str) -> Mismatch | None:
    """The plan in a neighbouring sentence, when it is the neighbours that seem to support the
    claim ("Lavrov said he plans to visit Pyongyang" beside the passage, for "Lavrov visited
    Pyongyang"). Its span is the claim's; the passage span is None (it is not in the passage)."""
    probe = Detection()
    modality(analyse(claim, "claim"), analyse(context), probe)
    if not probe.mismatches:
        return None
    cue = probe.mismatches[0].passage.text
    return Mismatch(kind="modality", claim=span(claim, 0, len(claim)), passage=None,
                    detail=f"the sentences around the passage only say {cue!r} of what the claim states as fact")


@dataclass(frozen=True)
class _RecordClaim:
    """A claim's record phrase ("the first nation to") and the word a passage must say for it."""

    start: int
    end: int
    phrase: str
    word: str
    said: re.Pattern


@lru_cache(maxsize=1024)
def _record_claim(claim: str) -> _RecordClaim | None:
    """The claim's record phrase; None when it makes no record claim. Cached: read for every
    passage the claim is checked against."""
    cm = FIRST_ONLY_RE.search(claim)
    key = re.search(r"first|only|sole|never before|unprecedented", cm.group(1), re.IGNORECASE) if cm else None
    if not key:
        return None
    word = key.group(0).lower()
    return _RecordClaim(*cm.span(), cm.group(0), word, re.compile(r"\b" + re.escape(word) + r"\b"))


def first_only(claim: str, passage_and_context: str, found: Detection) -> None:
    """A record claim ("the first nation to", "the only") the passage and its neighbours never make."""
    record = _record_claim(claim)
    if record is None:
        return
    said = passage_and_context.lower()
    if record.word == "first" and FIRST_SAID.search(said):
        return  # "originated in Wuhan", "initially", "the earliest": a first, in other words
    if record.word in ("only", "sole") and ONLY_SAID.search(said):
        return  # "the sole crossing" for "the only crossing"
    if not record.said.search(said):
        found.mismatches.append(Mismatch(kind="first_only", claim=span(claim, record.start, record.end), passage=None,
                                         detail=f"passage does not say {record.phrase!r}"))


_TRANSFER = re.compile(r"\b(?:sen[dt]s?|sending|suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|g[ai]ve|gives|giving|"
                       r"sold|sells?|selling|ship(?:s|ped|ping)?|deliver(?:s|ed|ing)?|transfer(?:s|red|ring)?|"
                       r"export(?:s|ed|ing)?)\b", re.IGNORECASE)
_STATE = re.compile(r"\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}")
_TO_STATE = re.compile(r"\bto\s+(?:the\s+)?(?P<to>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})")


def _state(run: str) -> str | None:
    """The state a capitalised run names ("North Korea", "Moscow's", "Russian"), trying its longest start first."""
    parts = re.sub(r"['’]s\b", "", run).split()
    return next((code for n in range(len(parts), 0, -1) if (code := government(" ".join(parts[:n])))), None)


@dataclass(frozen=True)
class Transfer:
    """One state sending, supplying, selling or giving something to another."""

    giver: str
    receiver: str
    """Country codes (see :func:`verify.evidence.places.government`)."""
    what: frozenset[str]
    """Stems of what passed ("weapon")."""
    start: int
    end: int
    """The verb's span."""
    written: str
    """Who to whom, as the text names them ("North Korea ... to Russia")."""
    names: tuple[tuple[int, int], tuple[int, int]]
    """The spans of the giver's and the receiver's names."""


@lru_cache(maxsize=8192)
def transfers(text: str) -> tuple[Transfer, ...]:
    """Who sent, supplied, sold or gave what to whom, between states ("North Korea had supplied weapons to Russia").
    The giver is the last state named before the verb in its sentence, the receiver the state after the first "to"
    within the next words; a transfer without both is not one of these. Cached: a passage is read for every claim."""
    out = []
    for m in _TRANSFER.finditer(text):
        before = re.split(r"[.;:!?]\s", text[max(0, m.start() - 80):m.start()])[-1]
        at = m.start() - len(before)
        givers = [(code, run) for run in _STATE.finditer(before) if (code := _state(run.group(0)))]
        after = re.split(r"[.;:!?]\s", text[m.end():m.end() + 100])[0]
        to = _TO_STATE.search(after)
        receiver = _state(to.group("to")) if to else None
        if givers and receiver and givers[-1][0] != receiver:
            code, run = givers[-1]
            out.append(Transfer(code, receiver, frozenset(content_stems(after[:to.start()])), m.start(), m.end(),
                                f"{run.group(0)} {m.group(0)} ... to {to.group('to')}",
                                ((at + run.start(), at + run.end()), (m.end() + to.start("to"), m.end() + to.end("to")))))
    return tuple(out)


def roles(claim: Analysis, passage: Analysis, found: Detection) -> list[tuple[int, int]]:
    """A transfer the passage tells the other way round ("Russia sent shells to North Korea" / "North Korea had
    supplied weapons to Russia, including artillery shells"): what passed must be in the passage too, and no
    transfer of the passage may go the claim's way ("Russia sent food to North Korea" is not contradicted by "North
    Korea sold coal to Russia"). Returns the spans of the claim's transfers the passage told either way, verb and
    names: who gave to whom is then compared (its names are mentions, its words not the topic's)."""
    theirs = transfers(passage.text)
    if not theirs:
        return []
    held = set(passage.stems)
    for t in transfers(claim.text):
        if not t.what & held:
            continue
        if any((p.giver, p.receiver) == (t.giver, t.receiver) for p in theirs):
            return [(t.start, t.end), *t.names]
        back = next((p for p in theirs if (p.giver, p.receiver) == (t.receiver, t.giver)), None)
        if back is not None:
            found.mismatches.append(Mismatch(
                kind="role", claim=span(claim.text, t.start, t.end), passage=span(passage.text, back.start, back.end),
                detail=f"the other way round: claim says {t.written!r}, passage says {back.written!r}"))
            return [(t.start, t.end), *t.names]
    return []
