"""Who invited whom: an invitation or an offer the passage tells the other way round.

"Putin had accepted Kim's offer to visit North Korea" says that Kim invited Putin; it does not say that Putin
invited Kim ("Kim accepted Putin's invitation to visit Russia"), which a judge reading the same words reads as
support. Two people may invite each other, so the passage does not contradict the claim: it cannot confirm it (a
soft ``direction`` mismatch), unless it also tells the claim's way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from verify.evidence.detection import Detection, span
from verify.models import Mismatch

_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_AUX = r"(?:(?:has|had|have|was|were)\s+)?"
_OFFER = r"(?:offer|invitation|proposal)s?"
_PATTERNS = (
    # "Putin had accepted Kim's offer", "Kim accepted an invitation from Putin", "Kim invited Putin"
    re.compile(rf"(?P<guest>{_NAME})\s+{_AUX}(?:accepted|accepts|accepting|took\s+up)\s+(?:the\s+)?"
               rf"(?P<host>{_NAME})['’]s?\s+{_OFFER}\b"),
    re.compile(rf"(?P<guest>{_NAME})\s+{_AUX}(?:accepted|accepts|accepting|received|receives)\s+(?:an?\s+|the\s+)?"
               rf"{_OFFER}\s+from\s+(?P<host>{_NAME})"),
    re.compile(rf"(?P<host>{_NAME})\s+{_AUX}(?:invited|invites|inviting)\s+(?P<guest>{_NAME})"),
)
NOT_NAMES = frozenset({"the", "a", "an", "that", "this", "then", "president", "leader", "chairman", "minister",
                        "prime", "foreign", "supreme", "premier", "chancellor", "king", "queen", "mr", "mrs", "ms"})
"""Words a run of capitals holds that do not say who: an article or a title before the name."""


@dataclass(frozen=True)
class Invitation:
    host: frozenset[str]
    guest: frozenset[str]
    """The name tokens of who invited and who was invited."""
    start: int
    end: int
    written: str
    guest_at: tuple[int, int] = (0, 0)
    """Where the guest is named."""


def _who(run: str) -> frozenset[str]:
    tokens = re.sub(r"['’]s?$", "", run).lower().replace(".", "").split()
    return frozenset(t for t in tokens if t not in NOT_NAMES)


@lru_cache(maxsize=8192)
def invitations(text: str) -> tuple[Invitation, ...]:
    """Who invited whom in ``text`` (cached: a passage is read for every claim)."""
    found = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            host, guest = _who(m["host"]), _who(m["guest"])
            if host and guest and not host & guest:
                found.append(Invitation(host, guest, m.start(), m.end(), m.group(0), m.span("guest")))
    return tuple(found)


def invited_the_other_way(claim: str, passage: str, found: Detection) -> None:
    """A soft ``direction`` mismatch where the passage has the claim's invitation only the other way round."""
    theirs = invitations(passage)
    for c in invitations(claim) if theirs else ():
        if any(p.host & c.host and p.guest & c.guest for p in theirs):
            continue  # told the claim's way (too)
        back = next((p for p in theirs if p.host & c.guest and p.guest & c.host), None)
        if back is not None:
            found.mismatches.append(Mismatch(
                kind="direction", claim=span(claim, c.start, c.end), passage=span(passage, back.start, back.end),
                detail=f"the passage has the invitation the other way round: claim says {c.written!r}, passage "
                       f"says {back.written!r}"))
