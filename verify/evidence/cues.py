"""The word lists the meaning detectors look for: negation cues, antonym pairs, plan and hedge
cues, record claims ("the first", "the only"). One copy each; :mod:`verify.evidence.meaning`
reads them.
"""

from __future__ import annotations

import re

from verify.evidence.text import stem

NEGATION_PARTICLES = ("not", "n't", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without")
NEGATION_CUES = (*NEGATION_PARTICLES,
                 "refused", "refuses", "refuse", "refusing", "denied", "denies", "deny", "denying", "failed to",
                 "fails to", "failing to", "declined to", "declines to", "declining to", "unable to", "cannot",
                 "lack", "lacked", "lacking", "other than", "rather than", "instead of")
NEGATION_STEMS = frozenset(stem(w) for c in NEGATION_CUES if "'" not in c for w in c.split())
"""The cues' words ("rather" and "than" of "rather than"): what the claim denies, not what it is about."""
NEG_RE = re.compile(r"\b(" + "|".join(re.escape(c) for c in NEGATION_CUES if c != "n't") + r")\b|n't\b", re.IGNORECASE)

_ANTONYM_WORDS = [
    ("welcome", "object oppose condemn criticize criticise denounce reject protest"),
    ("support", "oppose reject condemn"),
    ("satisfied", "disappointed dissatisfied unhappy frustrated displeased"),
    ("pleased", "disappointed dissatisfied unhappy frustrated displeased"),
    ("praise", "criticize criticise condemn denounce"),
    ("accept", "reject decline refuse"),
    ("approve", "reject veto disapprove"),
    ("agree", "disagree"),
    ("increase", "decrease reduce cut decline drop fall"),
    ("rise", "fall drop decline slump"),
    ("grow", "shrink fall drop decline"),
    ("gain", "lose loss"),
    ("win", "lose"),
    ("victorious", "lose defeated"),
    ("victory", "defeat"),
    ("strengthen", "weaken"),
    ("improve", "worsen deteriorate"),
    ("develop", "worsen deteriorate"),
    ("expand", "shrink reduce"),
    ("confirm", "deny"),
    ("admit", "deny"),
    ("acknowledge", "deny"),
    ("allow", "ban forbid prohibit"),
    ("open", "close"),
    ("succeed", "fail"),
    ("success", "failure"),
    ("ally", "enemy adversary"),
    ("friend", "enemy"),
    ("public", "secret undisclosed"),
    ("rare", "frequent routine"),
    ("higher", "lower"),
    ("more", "fewer less"),
    ("arrive", "depart leave"),
    ("begin", "end"),
    ("start", "end stop"),
    ("legal", "illegal"),
    ("alive", "dead"),
    # degree: "rose slightly" / "rose sharply", "a slight uptick" / "a substantial increase"
    ("slight", "substantial significant sharp dramatic considerable steep"),
    ("slightly", "substantially significantly sharply dramatically considerably steeply"),
    ("modest", "substantial significant sharp dramatic considerable steep"),
    ("minor", "major"),
]
ANTONYM_FORMS = {"contentment": "satisfied", "contented": "satisfied", "discontent": "dissatisfied",
                 "pleasure": "pleased", "displeasure": "displeased"}
"""Words read as another word of the list above: their stem is another word's ("content", mostly a noun) or one
the list's word does not share ("pleasur")."""
ANTONYMS: dict[str, set[str]] = {}
for _a, _bs in _ANTONYM_WORDS:
    for _b in _bs.split():
        ANTONYMS.setdefault(stem(_a), set()).add(stem(_b))
        ANTONYMS.setdefault(stem(_b), set()).add(stem(_a))

ALREADY_RE = re.compile(r"\balready\b", re.IGNORECASE)
"""What says the claim's act is done by now ("has already visited"): a passage that reports it as only planned then
contradicts the claim, as of the passage."""
HAPPENED_RE = re.compile(r"\b(?:tak(?:e|es|en|ing)|took)\s+place\b|\b(?:hold|holds|held|holding)\b", re.IGNORECASE)
"""Words that only say an event happened ("the summit took place", "was held", "held talks"): the event word
says what happened, so they are no topic a passage must repeat ("took place" / "was held" is one statement)."""
RECIPROCAL_RE = re.compile(r"\b(?:(?:and\s+)?not\s+)?(?:the\s+other\s+way\s+a?round|vice\s+versa|the\s+reverse)\b(?=\s*[.,;:)!?]|\s*$)",
                           re.IGNORECASE)
"""Words that only say which way round the claim's own relation goes ("..., not the other way round", "vice versa"):
no topic of their own, so no word a passage on the topic must hold."""

MODAL_RE = re.compile(
    r"\b(plans? to|planned to|planning to|intends? to|intended to|will|shall|expected to|"
    r"expects to|set to|scheduled to|aims? to|hopes? to|hoped to|"
    r"proposed|considering|seeks? to|wants? to|reportedly|allegedly|alleged)\b",
    re.IGNORECASE,
)
"""A plan, intention or allegation: the passage does not state the event as fact. Hedges
("may", "could", "would", "likely", "possible") are left out: measured on dev_3way and
HealthVer, they blocked true "supports" (habitual "would", "may vary", "could prevent")
far more often than they caught a claim that overstated its source."""
ALLEGATION_CUES = frozenset({"reportedly", "allegedly", "alleged"})
"""The cues of :data:`MODAL_RE` that say someone asserted it: a claim that itself reports an assertion or an
accusation ("Washington accused North Korea of ...") is not overstated by "Washington had alleged that ..."."""
ATTITUDE_RE = re.compile(r"\b(?:hope[ds]?|hoping|wish(?:e[ds])?|wishing|vow(?:ed|s)?|pledge[ds]?|promise[ds]?|"
                         r"urge[ds]?|warn(?:ed|s)?|call(?:ed|s)? for|expect(?:ed|s)?)\b")
"""A verb that reports what someone hopes, wishes, vows, urges or warns of: a claim with one states an attitude
to something not yet done ("Kim wished Russia victory"), so a plan or a "will" in the passage ("Kim hoped that
Russia will be victorious") does not overstate it, and the one who holds it is part of what it says."""
_MAYBE = "would|may|might|could"
"""Modal verbs of what may be, in lower case ("May" is a month): one list for hedged claims and guessed passages."""
HEDGE_RE = re.compile(rf"\b({_MAYBE}|likely to|possible|possibly|is to|are to)\b")
"""A claim with one of these (or a plan cue) is itself modal: a plan in the passage cannot overstate it."""
SPECULATION_RE = re.compile(rf"\b(?:speculat\w*|suspect(?:s|ed)?|likely|possibl[ey]|{_MAYBE}|"
                            rf"{'|'.join(sorted(ALLEGATION_CUES))}|rumou?red|believed to)\b")
"""A passage that only guesses at something ("experts speculated that they likely discussed arms transfers"; "may" in
lower case: "May" is a month): it does not state it, so it cannot be what a claim's denial is denied by."""
FIRST_ONLY_RE = re.compile(
    r"\b((?:the|its|his|her|their)\s+(?:very\s+)?(?:first|only|sole)\b(?!\s+(?:season|half|quarter|week|day|month|year|"
    r"round|part|episode|phase|stage|step|place|two|three|of)\b)|for the first time|first[- ]ever|"
    r"\bfirst\s+[a-z]+ed\b|never before|unprecedented)",
    re.IGNORECASE)
"""An exclusive or record claim ("the first nation to", "the only country", "for the first time").
Ordinal uses ("the first season", "the first half") and the adverb "only" ("exists only in")
are not such claims."""
FIRST_SAID = re.compile(r"\b(first|initially|originally|originated|originating|began|begun|earliest|"
                         r"inaugural|debut|debuted|pioneer|pioneered|never before)\b")
ONLY_SAID = re.compile(r"\b(only|sole|solely|lone)\b")
"""A passage (lower case) saying "the only" in any of its words: "the sole crossing" is "the only crossing"."""
