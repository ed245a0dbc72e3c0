"""Deterministic mismatch detectors: the slots an NLI model glosses over.

Each detector compares one kind of slot of the claim with the passage and
reports the spans it found. *Hard* mismatches (a different number, date,
polarity or an antonym) turn an otherwise matching passage into a
contradiction; *soft* ones (a plan reported as done, a missing name, a "first"
the passage does not state) only block a "supports".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from verify.evidence.names import claim_names, contains_run, is_rival, known_names, name_tokens
from verify.evidence.slots import MONTHS, WEEKDAYS, find_dates, find_quantities, quantity_agrees, same_measure
from verify.evidence.text import (
    STOPWORDS,
    canonical,
    content_stems,
    fold,
    mentions_reporting,
    starts_dependent,
    stem,
    strip_attribution,
    words,
)
from verify.models import Mismatch, Span

HARD_KINDS = frozenset({"number", "date", "negation", "antonym"})
MIN_ALIGNMENT = 0.65
"""Share of the claim's other content words the passage must hold before a slot
difference counts as a contradiction rather than a different topic."""
COUNTED_ALIGNMENT = 0.34
"""The lower share a number mismatch needs when both numbers count the same thing."""

NEGATION_CUES = ("not", "n't", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without",
                 "refused", "refuses", "refuse", "denied", "denies", "deny", "failed to", "fails to",
                 "declined to", "declines to", "unable to", "cannot", "lack", "lacked", "other than")
NEGATION_STEMS = frozenset(stem(c) for c in NEGATION_CUES if " " not in c and "'" not in c)
_NEG_RE = re.compile(r"\b(" + "|".join(re.escape(c) for c in NEGATION_CUES if c != "n't") + r")\b|n't\b", re.IGNORECASE)

_ANTONYM_WORDS = [
    ("welcome", "object oppose condemn criticize criticise denounce reject protest"),
    ("support", "oppose reject condemn"),
    ("satisfied", "disappointed dissatisfied unhappy frustrated"),
    ("praise", "criticize criticise condemn denounce"),
    ("accept", "reject decline refuse"),
    ("approve", "reject veto disapprove"),
    ("agree", "disagree"),
    ("increase", "decrease reduce cut decline drop fall"),
    ("rise", "fall drop decline slump"),
    ("gain", "lose loss"),
    ("win", "lose"),
    ("victory", "defeat"),
    ("strengthen", "weaken"),
    ("improve", "worsen deteriorate"),
    ("expand", "shrink reduce"),
    ("confirm", "deny"),
    ("allow", "ban forbid prohibit"),
    ("open", "close"),
    ("succeed", "fail"),
    ("success", "failure"),
    ("ally", "enemy adversary"),
    ("friend", "enemy"),
    ("public", "secret undisclosed"),
    ("rare", "frequent routine"),
    ("before", "after"),
    ("higher", "lower"),
    ("more", "fewer less"),
    ("arrive", "depart leave"),
    ("begin", "end"),
    ("start", "end stop"),
    ("legal", "illegal"),
    ("alive", "dead"),
]
ANTONYMS: dict[str, set[str]] = {}
for _a, _bs in _ANTONYM_WORDS:
    for _b in _bs.split():
        ANTONYMS.setdefault(stem(_a), set()).add(stem(_b))
        ANTONYMS.setdefault(stem(_b), set()).add(stem(_a))

_MODAL_RE = re.compile(
    r"\b(plans? to|planned to|planning to|intends? to|intended to|will|shall|expected to|"
    r"expects to|set to|scheduled to|aims? to|hopes? to|hoped to|"
    r"proposed|considering|seeks? to|wants? to|reportedly|allegedly|alleged)\b",
    re.IGNORECASE,
)
"""A plan, intention or allegation: the passage does not state the event as fact. Hedges
("may", "could", "would", "likely", "possible") are left out: measured on dev_3way and
HealthVer, they blocked true "supports" (habitual "would", "may vary", "could prevent")
far more often than they caught a claim that overstated its source."""
_HEDGE_RE = re.compile(r"\b(would|may|might|could|likely to|possible|possibly|is to|are to)\b")  # "May" is a month
"""A claim with one of these (or a plan cue) is itself modal: a plan in the passage cannot overstate it."""
_FIRST_ONLY_RE = re.compile(
    r"\b((?:the|its|his|her|their)\s+(?:very\s+)?(?:first|only|sole)\b(?!\s+(?:season|half|quarter|week|day|month|year|"
    r"round|part|episode|phase|stage|step|place|two|three|of)\b)|for the first time|first[- ]ever|"
    r"\bfirst\s+[a-z]+ed\b|never before|unprecedented)",
    re.IGNORECASE)
"""An exclusive or record claim ("the first nation to", "the only country", "for the first time").
Ordinal uses ("the first season", "the first half") and the adverb "only" ("exists only in")
are not such claims."""


@dataclass
class Detection:
    """What the detectors found for one (claim, passage) pair."""

    mismatches: list[Mismatch] = field(default_factory=list)
    alignment: float = 0.0
    """Share of the claim's content words (slots aside) that the passage holds."""
    topic_alignment: float = 0.0
    """The same share, counting the sentences a leaning-back passage ("These letters ...")
    depends on: whether a slot difference is about the same event."""
    in_context: bool = False
    """True when the passage came with its neighbouring sentences (a retrieved corpus passage),
    False for a bare pair whose topic the caller chose."""
    counted: set[int] = field(default_factory=set)
    """Indexes of number mismatches where both numbers count the same thing ("8,000 cases" /
    "8,030 cases"): that is itself a sign that the passage speaks of the claim's figure."""
    agreements: int = 0
    claim_slots: int = 0

    @property
    def hard(self) -> list[Mismatch]:
        return [m for m in self.mismatches if m.kind in HARD_KINDS]

    @property
    def soft(self) -> list[Mismatch]:
        return [m for m in self.mismatches if m.kind not in HARD_KINDS]


def _span(text: str, start: int, end: int) -> Span:
    return Span(text=text[start:end], start=start, end=end)


def _slot_stems(text: str, spans: list[tuple[int, int]]) -> set[str]:
    return {stem(w) for s, e in spans for w in words(canonical(text[s:e]))}


def _dates(claim, passage, claim_dates, passage_dates, found: Detection) -> list[tuple[int, int]]:
    for c in claim_dates:
        found.claim_slots += 1
        comparable = [p for p in passage_dates if c.comparable(p)]
        if not comparable:
            continue
        if any(c.compatible(p) for p in comparable):
            found.agreements += 1
            continue
        p = comparable[0]
        found.mismatches.append(Mismatch(
            kind="date", claim=_span(claim, c.start, c.end), passage=_span(passage, p.start, p.end),
            detail=f"claim says {c.text!r}, passage says {p.text!r}"))
    return [(d.start, d.end) for d in claim_dates]


def _words_around(text: str, q) -> tuple[str | None, set[str]]:
    """What a number counts, as the head of the words right after it ("8,000 coronavirus cases"
    -> "case", "2,000 yards of total offense" -> "yard"), and the content stems around it (to
    tell several numbers of one kind apart)."""
    after = re.sub(r"^\s*-\s*", " ", text[q.end:][:60])  # "a 90-hour work week"
    phrase = []
    for m in re.finditer(r"[A-Za-z%$€£][A-Za-z'’-]*|\S", after):
        w = m.group(0).lower()
        if not w[0].isalpha() or w in STOPWORDS or len(phrase) == 3:
            break
        phrase.append(stem(w))
    head = phrase[-1] if phrase else (q.unit if q.unit in ("%", "usd", "eur", "krw") else None)
    before = re.split(r"[,;:.()]", text[max(0, q.bound_start - 60):q.bound_start])[-1]
    near = [stem(w) for w in words(before.lower()) if w not in STOPWORDS and w[0].isalpha()][-3:]
    return head, set(phrase) | set(near)


def _numbers(claim, passage, claim_dates, passage_dates, found: Detection) -> list[tuple[int, int]]:
    """Each claim number against the passage's numbers that count the same thing.

    The candidate is the passage number that counts the same thing ("8,000 coronavirus cases"
    and "8,030 confirmed cases" share "cases") with the most words in common around it
    ("2,000 yards of total offense" is compared with "3,114 yards of total offense", not with
    "699 yards on 53 receptions").
    """
    claim_q = find_quantities(claim, [(d.start, d.end) for d in claim_dates])
    # written dates only: "the 75th anniversary" implies a year but stays a figure
    passage_q = find_quantities(passage, [(d.start, d.end) for d in passage_dates if not d.derived])
    around = [(p, *_words_around(passage, p)) for p in passage_q if not p.in_range]
    for q in claim_q:
        found.claim_slots += 1
        if q.in_range:
            continue
        head, near = _words_around(claim, q)
        scored = [(len(near & p_near), p, p_head) for p, p_head, p_near in around
                  if (head and head == p_head) or (q.unit and p.unit and same_measure(q.unit, p.unit))
                  or not (head or p_head or q.unit or p.unit)]
        if not scored:
            continue
        best = max(score for score, _, _ in scored)
        closest = [(p, p_head) for score, p, p_head in scored if score == best]
        if any(quantity_agrees(q, p) for p, _ in closest):
            found.agreements += 1
            continue
        if not (q.unit or head):
            continue  # a bare number ("7.8/10"): too little to call a contradiction
        p, p_head = closest[0]
        if head and head == p_head:
            found.counted.add(len(found.mismatches))  # both count the same thing ("cases")
        found.mismatches.append(Mismatch(
            kind="number", claim=_span(claim, q.bound_start, q.unit_end), passage=_span(passage, p.bound_start, p.unit_end),
            detail=f"claim says {claim[q.bound_start:q.unit_end]!r}, passage says {passage[p.bound_start:p.unit_end]!r}"))
    # the figures and their bounds ("fewer than"); what they count still says what the claim is about
    return [(q.bound_start, q.end) for q in claim_q]


def _negated_stems(text: str) -> list[tuple[re.Match, set[str]]]:
    """Each negation cue with the content stems of the few words it governs (up to the end of
    its clause: in "was not selected, and then signed" the "not" does not reach "signed")."""
    out = []
    for m in _NEG_RE.finditer(fold(text)):
        if m.group(0)[0].isupper() and text[:m.start()].strip() and text[:m.start()].rstrip()[-1] not in '.!?"“':
            continue  # "featured in Never Say Die!": a title, not a negation
        clause = re.split(r"[,;:()]|\s(?:and|but|while|whereas)\s", text[m.end():m.end() + 80])[0]
        after = [w for w in words(canonical(clause)) if w not in STOPWORDS][:4]
        out.append((m, {stem(w) for w in after}))
    return out


def _negation(claim, passage, shared: set[str], found: Detection) -> None:
    claim_neg = [(m, s) for m, s in _negated_stems(claim) if s & shared]
    passage_neg = [(m, s) for m, s in _negated_stems(passage) if s & shared]
    if bool(claim_neg) == bool(passage_neg):
        return
    if claim_neg:
        m = claim_neg[0][0]
        found.mismatches.append(Mismatch(kind="negation", claim=_span(claim, *m.span()), passage=None,
                                         detail=f"claim is negated ({m.group(0)!r}), passage is not"))
    else:
        m = passage_neg[0][0]
        cm = next((w for w in re.finditer(r"\w+", claim) if stem(w.group(0).lower()) in passage_neg[0][1]), None)
        claim_span = _span(claim, *cm.span()) if cm else _span(claim, 0, len(claim))
        found.mismatches.append(Mismatch(kind="negation", claim=claim_span, passage=_span(passage, *m.span()),
                                         detail=f"passage is negated ({m.group(0)!r}), claim is not"))


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    return [(stem(m.group(0).lower()), *m.span()) for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*", fold(text))]


def _antonyms(claim, passage, found: Detection) -> None:
    claim_words = _word_spans(claim)
    passage_words = _word_spans(passage)
    passage_stems = {w for w, _, _ in passage_words}
    claim_stems = {w for w, _, _ in claim_words}
    for w, s, e in claim_words:
        opposite = ANTONYMS.get(w, set()) - claim_stems
        hit = next(((pw, ps, pe) for pw, ps, pe in passage_words if pw in opposite), None)
        if hit and w not in passage_stems:
            found.mismatches.append(Mismatch(
                kind="antonym", claim=_span(claim, s, e), passage=_span(passage, hit[1], hit[2]),
                detail=f"claim says {claim[s:e]!r}, passage says {passage[hit[1]:hit[2]]!r}"))
            return


def _modality(claim, passage, found: Detection) -> None:
    """A plan, hope or allegation in the passage that governs what the claim states as fact."""
    if _MODAL_RE.search(fold(claim)) or _HEDGE_RE.search(fold(claim)):
        return
    claim_stems = set(content_stems(claim))
    for pm in _MODAL_RE.finditer(fold(passage)):
        governed = [w for w in words(canonical(passage[pm.end():pm.end() + 60])) if w not in STOPWORDS][:3]
        if claim_stems & {stem(w) for w in governed}:
            found.mismatches.append(Mismatch(
                kind="modality", claim=_span(claim, 0, len(claim)), passage=_span(passage, *pm.span()),
                detail=f"passage only says {passage[pm.start():pm.end()]!r} of what the claim states as fact"))
            return


def context_modality(claim: str, context: str) -> Mismatch | None:
    """The plan in a neighbouring sentence, when it is the neighbours that seem to support the
    claim ("Lavrov said he plans to visit Pyongyang" beside the passage, for "Lavrov visited
    Pyongyang"). Its span is the claim's; the passage span is None (it is not in the passage)."""
    probe = Detection()
    _modality(claim, context, probe)
    if not probe.mismatches:
        return None
    cue = probe.mismatches[0].passage.text
    return Mismatch(kind="modality", claim=_span(claim, 0, len(claim)), passage=None,
                    detail=f"the sentences around the passage only say {cue!r} of what the claim states as fact")


_FIRST_SAID = re.compile(r"\b(first|initially|originally|originated|originating|began|begun|earliest|"
                         r"inaugural|debut|debuted|pioneer|pioneered|never before)\b")


def _first_only(claim, passage_and_context, found: Detection) -> None:
    cm = _FIRST_ONLY_RE.search(claim)
    key = re.search(r"first|only|sole|never before|unprecedented", cm.group(1), re.IGNORECASE) if cm else None
    if not key:
        return
    said = passage_and_context.lower()
    if key.group(0).lower() == "first" and _FIRST_SAID.search(said):
        return  # "originated in Wuhan", "initially", "the earliest": a first, in other words
    if not re.search(r"\b" + re.escape(key.group(0).lower()) + r"\b", said):
        found.mismatches.append(Mismatch(kind="first_only", claim=_span(claim, *cm.span()), passage=None,
                                         detail=f"passage does not say {cm.group(0)!r}"))


def _entities(claim, passage, passage_and_context, found: Detection, names: frozenset[str] | None,
              unresolved: bool = False) -> bool:
    """Flag claim names the passage never mentions; True when it names someone else instead.

    "Kim Jong Il" in a passage checked for "Kim Jong Un" shares a token but is another
    person: the passage is then about something else, not a contradiction. With
    ``unresolved`` (the passage opens with "It" / "The film" and no neighbouring sentence
    is at hand to say what that is), the claim's first name may be what it refers to:
    that name is not flagged.
    """
    have = {stem(h) for h in words(canonical(passage_and_context))}
    passage_names = [name_tokens(n) for n, _, _ in claim_names(passage, names)]
    other_person = False
    if names is None:
        names = known_names([claim, passage_and_context])
    for n, (name, s, e) in enumerate(claim_names(claim, names)):
        if unresolved and n == 0:
            continue
        tokens = name_tokens(name)
        if not tokens or all(t.rstrip(".") in MONTHS or t in WEEKDAYS for t in tokens) or find_dates(name):
            continue  # months and weekdays are the date detector's business
        if len(tokens) >= 2 and not any(contains_run(p, tokens) for p in passage_names):
            rival = next((p for p in passage_names if is_rival(p, tokens)), None)
            if rival is not None:
                other_person = True
                found.mismatches.append(Mismatch(kind="entity", claim=_span(claim, s, e), passage=None,
                                                 detail=f"passage is about {' '.join(rival)!r}, not {name!r}"))
                continue
        if any(t in have or (len(t) >= 4 and any(h.startswith(t) for h in have)) for t in tokens):
            continue  # "Bulgarian" mentions Bulgaria
        found.mismatches.append(Mismatch(kind="entity", claim=_span(claim, s, e), passage=None,
                                         detail=f"passage does not mention {name!r}"))
    return other_person


def detect(claim: str, passage: str, context: str = "", anchor: date | None = None,
           names: frozenset[str] | None = None) -> Detection:
    """Run every detector on one pair.

    Args:
        claim: the statement being checked.
        passage: the corpus sentence; passage spans are offsets into it.
        context: neighbouring sentences, used for names and "first" (never for spans).
        anchor: the passage document's date, to resolve "last month".
        names: words known to be names (see :func:`known_names`; e.g. from the whole
            corpus); by default those of the claim, passage and context.

    Returns:
        The mismatches (hard only when the passage otherwise aligns with the claim),
        the alignment, and how many claim slots the passage confirmed.
    """
    found = Detection(in_context=bool(context))
    claim_dates, passage_dates = find_dates(claim), find_dates(passage, anchor, anniversaries=True)
    slot_spans = _dates(claim, passage, claim_dates, passage_dates, found)
    slot_spans += _numbers(claim, passage, claim_dates, passage_dates, found)
    _antonyms(claim, passage, found)
    # the words being compared are not what says two texts are about the same thing: dates,
    # numbers, an antonym pair ("disappointed" / "satisfied"), negation cues ("refused")
    antonym_spans = [(m.claim.start, m.claim.end) for m in found.mismatches if m.kind == "antonym"]
    ignore = _slot_stems(claim, slot_spans + antonym_spans) | NEGATION_STEMS
    claim_stems = [s for s in dict.fromkeys(content_stems(claim)) if s not in ignore]
    shared = set(claim_stems) & set(content_stems(passage))
    found.alignment = len(shared) / len(claim_stems) if claim_stems else 0.0
    found.topic_alignment = found.alignment
    if context and starts_dependent(passage) and context.find(passage) > 0:
        # "These letters marked the 75th anniversary": what they are is in the sentences before
        topic = set(claim_stems) & set(content_stems(context[: context.find(passage)] + passage))
        found.topic_alignment = len(topic) / len(claim_stems) if claim_stems else 0.0
    _negation(claim, passage, shared, found)
    full = f"{context} {passage}" if context else passage
    _modality(claim, passage, found)
    _first_only(claim, full, found)
    said, seen = passage, full
    reported = None if mentions_reporting(claim) else strip_attribution(passage)
    if reported:
        # "... had met in Vostochny, according to Moscow" does not place the meeting in Moscow:
        # for a claim about events, who reported them is not a mention
        said = reported
        seen = f"{context.replace(passage, reported)} {reported}" if context else reported
    other_person = _entities(claim, said, seen, found, names, unresolved=not context and starts_dependent(passage))
    if other_person:
        found.mismatches = [m for m in found.mismatches if m.kind not in HARD_KINDS]
    elif found.topic_alignment < MIN_ALIGNMENT:
        # another topic: no hard mismatch, but a figure of the same thing on a topic the claim
        # shares a third of ("under 8,000 coronavirus cases" / "8,030 confirmed cases")
        keep = {i for i in found.counted if found.topic_alignment >= COUNTED_ALIGNMENT}
        found.mismatches = [m for i, m in enumerate(found.mismatches) if m.kind not in HARD_KINDS or i in keep]
    elif any(m.kind in ("modality", "entity") for m in found.mismatches):
        # A different date or number only contradicts when the passage is about the same
        # event: not when it reports a plan, or never names the claim's place or person.
        found.mismatches = [m for m in found.mismatches if m.kind not in ("date", "number")]
    return found
