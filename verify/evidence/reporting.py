"""Who says what: the verbs that report speech, and the reported content of "X said Y".

A sentence that reports ("KCNA reported that Kim ...", "..., Lavrov said") is judged on what it
reports (:func:`strip_attribution`); the speaker check, the event reading and check-worthiness read
the same verbs (:data:`SAYING`, :data:`VOICING`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from verify.evidence.text import fold

__all__ = ["PAST_VERBS", "SAYING", "SAYING_RE", "SPEECH_RE", "VOICING", "mentions_reporting", "reports_a_clause",
           "strip_attribution"]

SAYING = ("said", "says", "stated", "announced", "reported", "reports", "added", "noted", "notes", "wrote")
"""Verbs that pass on what was said: "X said Y" reports Y, so the attribution is cut off for the judge. With
:data:`VOICING`, the one copy of the verbs of saying (attribution, speakers, event kinds and check-worthiness read
them; "told" takes its hearer, so each pattern adds it where it reads one; "states" is left out: its stem is the
"state" of "state visit")."""
VOICING = ("warned", "warns", "insisted", "insists", "argued", "argues", "declared", "declares", "claimed", "claims",
           "alleged", "alleges")
"""Verbs of saying that give a view or an allegation: "Washington alleged that X" says who spoke, but does not
report X."""
PAST_VERBS = frozenset({"said", "wrote", "told", "sent", "gave", "made", "met", "held", "took", "spoke", "led", "paid",
                        "sought", "won", "saw", "set", "left", "began", "became", "brought", "bought", "felt", "found",
                        "got", "kept", "knew", "meant", "put", "ran", "read", "rose", "stood", "struck", "thought",
                        "went", "came", "chose", "drew", "flew", "forgot", "hid", "hit", "lost", "shook", "sold",
                        "spent", "swore", "taught", "tore", "understood", "wore", "withdrew", *SAYING, *VOICING})
"""Past-tense verbs that do not end in "-ed" ("Kim wrote", "Choe said"): with "-ed", what marks a doer's act (the
speaker check, the "no one before" reading)."""
SAYING_RE = "(?:" + "|".join(SAYING) + ")"
SPEECH_RE = "(?:" + "|".join(SAYING + VOICING) + ")"

_ATTRIBUTION_TAIL = re.compile(
    r",?\s*(?:according to|as reported by|as quoted by|citing)\s+[^,.;]{2,80}[.!]?\s*$"
    rf"|,\s*(?:the|a|an)?\s*(?:[\w'’.-]+\s+){{0,5}}?(?:{SAYING_RE}|told [\w'’. -]+)\s*(?:on \w+)?[.!]?\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_HEAD = re.compile(
    r"^(?:according to\s+[^,]{2,80},\s*"
    rf"|(?P<speaker>(?:[\w'’.,-]+\s+){{1,8}}?)(?:{SAYING_RE}|told [\w'’. -]+?)(?:,\s*|(?:\s+[\w'’]+){{0,3}}?\s+that\s+|\s+))",
    re.IGNORECASE,
)
_SPEAKER_FILLER = re.compile(r"\s+(?:earlier|also|later|then|previously|has|had|was|once|again)$", re.IGNORECASE)
_SUBJECT_PRONOUN = re.compile(r"^(he|she|they|it)\b\s*", re.IGNORECASE)


@lru_cache(maxsize=8192)
def strip_attribution(sentence: str) -> str | None:
    """The reported content of "X said Y" / "Y, according to KCNA" / "According to X, Y"
    (cached: a check reads a passage's for the judge and again for the detectors).

    The source reports Y, so Y is what a claim should be judged against. Returns None
    when the sentence carries no attribution (or nothing substantial is left).
    """
    text = sentence.strip()
    stripped = _ATTRIBUTION_TAIL.sub("", text)
    head = _ATTRIBUTION_HEAD.match(stripped)
    if head:
        stripped = stripped[head.end():]
        speaker = (head.group("speaker") or "").strip(" ,")
        speaker = _SPEAKER_FILLER.sub("", speaker).split(", ")[-1]
        if speaker and speaker[0].isupper() and _SUBJECT_PRONOUN.match(stripped):
            # "Lavrov earlier said he plans to ..." -> "Lavrov plans to ..."
            stripped = _SUBJECT_PRONOUN.sub(speaker + " ", stripped, count=1)
    stripped = stripped.strip(" ,;:\"“”'")
    if stripped == text or len(stripped.split()) < 4:
        return None
    return stripped[0].upper() + stripped[1:]


_REPORTING = re.compile(rf"\b(?:{SPEECH_RE}|say|report|according to|told|quoted|cited|citing|accused|accuses|accuse)\b",
                        re.IGNORECASE)


def mentions_reporting(text: str) -> bool:
    """True when ``text`` is about what someone said or reported (its speaker is content then)."""
    return bool(_REPORTING.search(fold(text)))


_REPORTS_A_CLAUSE = re.compile(
    rf"\b(?:{SAYING_RE}|told [\w' ]{{1,40}}?)\s+(?:that|he|she|they|it|we)\s"
    rf"|\baccording to\b|,\s*(?:[\w'’.-]+\s+){{0,5}}?{SAYING_RE}\W*$",
    re.IGNORECASE)


def reports_a_clause(text: str) -> bool:
    """True when ``text`` reports a whole statement ("KCNA reported that Kim ...", "..., Lavrov
    said"), not when it names a reported thing ("KCNA reported the exchange of messages")."""
    return bool(_REPORTS_A_CLAUSE.search(text))
