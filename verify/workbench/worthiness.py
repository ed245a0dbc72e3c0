"""Which sentences of a draft state a fact someone could check against sources, and what they claim.

Pure functions, no model: :mod:`verify.workbench.draft` splits a draft and asks
:func:`check_worthiness` and :func:`reported_claim` of each sentence.
"""

from __future__ import annotations

import re

from verify.evidence.quantities import NUMBER_WORDS, ORDINAL_WORDS, SCALES
from verify.evidence.reporting import SPEECH_RE, strip_attribution
from verify.evidence.slots import MONTHS, WEEKDAYS
from verify.inputs import MAX_CLAIM_CHARS

__all__ = ["MIN_WORDS", "SIGNALS", "check_worthiness", "reported_claim"]

MIN_WORDS = 5
"""Sentences with fewer words are headings, captions or fragments: not checked."""
_SCALE_WORDS = [w for w in SCALES if len(w) > 2]  # "thousand" ... "trillion", not "mn" / "bn"
_NUMBER_WORDS = [w + "s?" if w in ("hundred", "dozen", *_SCALE_WORDS) else w
                 for w in [*(w for w in NUMBER_WORDS if w not in ORDINAL_WORDS), *_SCALE_WORDS, "half", "percent"]]
"""Words that count (the detectors' lists, :mod:`verify.evidence.quantities`: one copy); ranks are no figure here."""
_MONTHS = [m for m in MONTHS if m != "may" and (len(m) > 4 or m in ("june", "july"))]
"""Months written out ("May" is matched in capitals only, below: the verb is not a month)."""
_DAYS = list(WEEKDAYS)
SIGNALS = {  # reason -> pattern (matched case-insensitively unless it says otherwise)
    "number": re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE),
    "date": re.compile(r"\b(?:" + "|".join(_MONTHS + _DAYS) + r"|(?-i:May)|yesterday|today|tomorrow|tonight"
                       r"|(?:last|next|this|earlier this|later this) (?:week|month|year|spring|summer|autumn|fall|"
                       r"winter|weekend))\b", re.IGNORECASE),
    "attribution": re.compile(rf"\b(?:{SPEECH_RE}|say|told|according to|confirmed|denied|quoted|cited)\b",
                              re.IGNORECASE),
    "plan": re.compile(r"\b(?:will|won't|plans?|planned|planning|intends?|intended|(?:is|are|was|were) to|"
                       r"expected|going to|scheduled|set to|aims?|aimed|to be held)\b", re.IGNORECASE),
    "comparison": re.compile(r"\b(?:first|only|largest|biggest|highest|lowest|most|least|record|more than|"
                             r"less than|fewer than|increased?|decreased?|rose|fell|doubled|tripled)\b", re.IGNORECASE),
}
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CLAUSE_START = re.compile(r"[.!?:;]\s*[\"“‘'(]?\s*$")
_OPINION = re.compile(r"\b(?:I|we) (?:think|believe|feel|guess|suppose|hope|wish)\b|\bin (?:my|our) (?:view|opinion)\b|"
                      r"\b(?:should|ought to|must|shouldn't)\b|\bit(?: is|'s) (?:clear|obvious|time|sad|great|"
                      r"a shame|a disgrace)\b|\b(?:wonderful|terrible|awful|disgraceful|shameful|brilliant|"
                      r"beautiful|ugly|stupid|amazing)\b", re.IGNORECASE)
_FACTUAL = ("number", "date")
"""What an opinion must also state to be checked ("I think the 40 bridges ..." is; "I think he is great" is not)."""
_WORDS = re.compile(r"[^\W_]+")

def _has_name(text: str) -> bool:
    """A capitalised word that is not the first of a sentence or clause, or an acronym ("UN", "DPRK")."""
    words = list(_NAME_WORD.finditer(text))
    for i, match in enumerate(words):
        word = match.group()
        if len(word) > 1 and word.isupper():
            return True
        if i == 0 or _CLAUSE_START.search(text[words[i - 1].end():match.start()]):
            continue
        if word[0].isupper() and word != "I" and not word.startswith(("I'", "I’")):
            return True
    return False


def check_worthiness(sentence: str) -> tuple[list[str], str | None]:
    """Whether a sentence states a fact someone could check against sources.

    Checked: sentences with numbers, dates, names (capitalised words after the first),
    attributions ("said", "according to"), plans ("will", "plans to") or comparisons
    ("first", "record"). Skipped: questions, sentences of fewer than :data:`MIN_WORDS`
    words, overlong ones, opinions that state no number or date, and sentences with none
    of the signals above.

    Args:
        sentence: One sentence.

    Returns:
        ``(reasons, skipped)``: the signals found, and why the sentence is skipped (None when
        it is checked).
    """
    text = sentence.strip()
    reasons = [reason for reason, pattern in SIGNALS.items() if pattern.search(text)]
    if _has_name(text):
        reasons.append("name")
    if text.endswith("?"):
        return reasons, "a question"
    if len(_WORDS.findall(text)) < MIN_WORDS:
        return reasons, "too short"
    if len(" ".join(text.split())) > MAX_CLAIM_CHARS:
        return reasons, f"longer than {MAX_CLAIM_CHARS} characters"
    if _OPINION.search(text) and not any(r in reasons for r in _FACTUAL):
        return reasons, "an opinion"
    if not reasons:
        return reasons, "no checkable fact"
    return reasons, None


def reported_claim(sentence: str) -> str:
    """What a sentence claims: "Y, the ministry said." claims Y (the sources report Y, not the saying).

    The attribution is what the writer adds; the sources are checked for the reported content
    (``verify.evidence.reporting.strip_attribution``). A sentence whose attribution cannot be cut off cleanly
    is checked as written.
    """
    reported = strip_attribution(sentence)
    if not reported or SIGNALS["attribution"].search(reported) or reported.count('"') % 2:
        return sentence.strip()
    return reported if reported.endswith((".", "!")) else reported + "."
