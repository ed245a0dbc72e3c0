"""Who said it: a claim that gives words to one speaker, against a passage that gives them to another.

"Kim warned that military cooperation could lead to adverse consequences" is not confirmed by "... despite
warnings from foreign rivals that any cooperation in the realm of military weaponry could lead to adverse
consequences": the words are there, the speaker is not. The finding is a soft ``speaker`` mismatch (the
passage cannot confirm the claim; it does not contradict it either: the claim's speaker may have said it
elsewhere). It is raised only when the claim opens with a named speaker and a verb of saying, and the passage
gives most of the claim's reported words to a speaker it names (not "he" or "who") with none of the claim's
speaker's name words.
"""

from __future__ import annotations

import re

from verify.evidence.detection import Detection, span
from verify.evidence.text import SPEECH_RE, content_stems
from verify.models import Mismatch
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

_SAYING = rf"(?:{SPEECH_RE}|told\s+[\w'’.-]+(?:\s+[\w'’.-]+)?)"
_CLAIM = re.compile(rf"^\W*(?P<speaker>(?:[A-Z][\w'’.-]*\s+){{0,3}}[A-Z][\w'’.-]*)\s+(?:also\s+|earlier\s+)?{_SAYING}"
                    rf"\s+(?:that\s+)?(?P<said>\S.*)$")
_PASSAGE = [
    # "warnings from foreign rivals that ...", "claims by officials that ..."
    re.compile(r"\b(?:warnings?|claims?|statements?|allegations?|remarks?|comments?|assertions?|fears?)\s+"
               r"(?:from|by)\s+(?P<speaker>[^,;:]{2,60}?)\s+that\s+(?P<said>[^;]+)", re.IGNORECASE),
    # "..., Washington warned that ...", "The ministry said ..."
    re.compile(rf"(?:^|[,;:]\s+|\band\s+)(?P<speaker>(?:[\w'’.-]+\s+){{0,5}}?[\w'’.-]+)\s+(?:also\s+|earlier\s+)?"
               rf"{_SAYING}\s+(?:that\s+)?(?P<said>[^;]+)", re.IGNORECASE),
]
_UNNAMED = frozenset({"he", "she", "they", "it", "who", "which", "we", "i", "you", "this", "that"})


def _words(phrase: str) -> list[str]:
    return [w.removesuffix("'s").removesuffix("’s") for w in re.findall(r"[\w'’-]+", phrase)]


def _another(phrase: str, claimed: set[str]) -> bool:
    """Whether the passage's speaker ``phrase`` is surely not the claim's speaker (its name words ``claimed``):
    it shares none of them and is named ("Washington", "the Kremlin": a capitalised head word) or several
    ("foreign rivals", "officials"). "He", "the North's leader", "the president" may be the claim's speaker."""
    words = _words(phrase)
    if not words or {w.lower() for w in words} & claimed:
        return False
    head = words[-1]
    if head.lower() in _UNNAMED:
        return False
    plural = len(head) > 3 and head.endswith("s") and not head.endswith(("ss", "us", "is"))
    return head[0].isupper() or (plural and head.islower())


def speaker(claim: str, passage: str, found: Detection, settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> None:
    """Add a soft ``speaker`` mismatch when ``passage`` gives the claim's reported words (``settings.speaker_share``
    of them) to another named speaker (see the module's docstring)."""
    head = _CLAIM.match(claim)
    if not head:
        return
    theirs = {w.lower() for w in _words(head["speaker"])}
    said = set(content_stems(head["said"]))
    if not said:
        return
    for pattern in _PASSAGE:
        for m in pattern.finditer(passage):
            if len(said & set(content_stems(m["said"]))) < settings.speaker_share * len(said):
                continue
            if not _another(m["speaker"], theirs):
                return  # the claim's speaker says it, or the passage does not say who

            found.mismatches.append(Mismatch(
                kind="speaker", claim=span(claim, head.start("speaker"), head.end("speaker")),
                passage=span(passage, m.start("speaker"), m.end("speaker")),
                detail=f"passage gives these words to {m['speaker'].strip()!r}, not to {head['speaker']!r}"))
            return
