"""Who said it: a claim that gives words to one speaker, against a passage that gives them to another.

"Kim warned that military cooperation could lead to adverse consequences" is not confirmed by "... despite
warnings from foreign rivals that any cooperation in the realm of military weaponry could lead to adverse
consequences": the words are there, the speaker is not. The finding is a soft ``speaker`` mismatch (the
passage cannot confirm the claim; it does not contradict it either: the claim's speaker may have said it
elsewhere). It is raised only when the claim opens with a named speaker and a verb of saying, and the passage
gives most of the claim's reported words to a speaker it names (not "he" or "who") with none of the claim's
speaker's name words.

A claim that makes its doer exclusive does say the others did not: "It was Lavrov, not Choe, who called for close
cooperation" (a cleft, or "Putin, not Kim, wrote ...") is contradicted by "Choe called for close cooperation ...":
a hard ``role`` mismatch (:func:`exclusive_doer`), for any act, not only words said.
"""

from __future__ import annotations

import re

from verify.evidence.detection import Detection, span
from verify.evidence.reporting import PAST_VERBS, SPEECH_RE
from verify.evidence.text import STOPWORDS, content_stems, stem
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


_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_ACT_END = re.compile(r",\s*(?:while|whereas|but|and\s+not|not)\b|;|\s+[-–—]\s+")
"""Where a claim's act ends: "..., while Putin pledged ..." starts another clause with its own doer."""
_EXCLUSIVE = [
    # "It was Lavrov, not Choe Son-hui, who called for ...", "In the exchange, it was Kim that ..."
    re.compile(rf"(?:^|[,;:]\s+)\W*[Ii]t\s+(?:was|is)\s+(?:only\s+)?(?P<doer>{_NAME})"
               rf"(?:\s*,\s*(?:and\s+)?not\s+(?P<other>[^,]{{2,60}}?)\s*,)?\s+(?:who|that)\s+(?P<act>[a-z].*)$"),
    # "Putin, not Kim, wrote ...", "Putin rather than Kim wrote ..."
    re.compile(rf"(?:^|[,;:]\s+)\W*(?P<doer>{_NAME})(?:\s*,\s*(?:and\s+)?not\s+|\s+rather\s+than\s+|\s+instead\s+of\s+)"
               rf"(?P<other>{_NAME})\s*,?\s+(?P<act>[a-z].*)$"),
]
_DOER = re.compile(rf"(?<![\w'’.-])(?P<doer>{_NAME})(?:['’]s\s+(?:letter|message|statement|speech|remarks))?"
                   rf"\s+(?:also\s+|earlier\s+|then\s+|later\s+|again\s+)?(?=(?P<act>(?P<verb>[a-z][\w'’-]*)\b[^;]{{0,240}}))")
_AND = re.compile(rf"(?P<doer>{_NAME})\s*,?\s+and\s+$")


def _named(phrase: str) -> bool:
    """Whether ``phrase`` (a run of capitalised words) names someone: not only "In", "The", "On"."""
    return any(w.lower() not in STOPWORDS for w in _words(phrase))


def exclusive_doer(claim: str, passage: str, found: Detection,
                   settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> tuple[tuple[int, int], bool] | None:
    """Compare the doer a claim makes exclusive with the one ``passage`` gives the act to.

    The claim must say its doer alone did it ("It was Lavrov, not Choe, who called for ...", "it was Kim who ...",
    "Putin, not Kim, wrote ..."); the passage must give most (``settings.speaker_share``) of the act's words to a
    doer it names right before a verb ("Choe called for close cooperation ..."; "Kim and Putin vowed ..." gives it
    to both). When that doer shares none of the claim doer's name words and is named (see :func:`_another`), a hard
    ``role`` mismatch is added.

    Returns:
        None when the claim has no exclusive doer or the passage gives its act to no one; else the claim doer's
        span and whether the passage gives the act to the claim's doer (True) or to another (False: the mismatch
        was added).
    """
    head = next((m for pattern in _EXCLUSIVE if (m := pattern.search(claim)) and _named(m["doer"])), None)
    if head is None:
        return None
    act = head["act"]
    cut = _ACT_END.search(act)
    act = act[:cut.start()] if cut else act
    wanted = set(content_stems(act))
    if not wanted:
        return None
    verb = stem(act.split()[0])
    theirs = {w.lower() for w in _words(head["doer"])}
    for m in _DOER.finditer(passage):
        word = m["verb"]
        if not (word.endswith("ed") or word in PAST_VERBS or stem(word) == verb) or not _named(m["doer"]):
            continue
        if len(wanted & set(content_stems(m["act"]))) < settings.speaker_share * len(wanted):
            continue
        both = _AND.search(passage, max(0, m.start() - 100), m.start())  # a bounded look back: linear in the passage
        doer = f"{both['doer']} and {m['doer']}" if both else m["doer"]
        start = both.start() if both else m.start()
        claimed = (head.start("doer"), head.end("doer"))
        # "Kim Jong Un and Russian President Vladimir Putin ... vowing" gives it to Putin too, whom "not Putin" rules out
        ruled_out = {w.lower() for w in _words(head["other"] or "") if w[0].isupper()} & {w.lower() for w in _words(doer)}
        if not ruled_out and not _another(doer, theirs):
            return claimed, True
        detail = (f"passage gives this to {doer.strip()!r}; the claim rules out {head['other'].strip()!r}" if ruled_out else
                  f"passage gives this to {doer.strip()!r}, not to {head['doer']!r}")
        found.attributed.add(len(found.mismatches))
        found.mismatches.append(Mismatch(kind="role", claim=span(claim, *claimed),
                                         passage=span(passage, start, m.end("doer")), detail=detail))
        return claimed, False
    return None
