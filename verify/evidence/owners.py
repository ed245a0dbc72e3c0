"""Whose state a state-run outlet belongs to: "Russian state television" is not "North Korea's state-run Korea Central
Television", nor "Chinese state media" "the official Vietnam News Agency".

An outlet is read where a state's name, capital or people's adjective stands right before a word that makes it the
state's ("state", "state-run", "state-owned", "state-controlled", "official", "government") and a kind of outlet
(television, radio, a news agency, a newspaper, media in general), possibly with its own name between ("North
Korea's state-run Korea Central Television"). Two outlets of one kind (media in general being of every kind) owned
by different states cannot be the same outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from verify.evidence.detection import Detection, span
from verify.evidence.places import government, state_of_run
from verify.models import Mismatch

_KINDS = {"television": "broadcast", "tv": "broadcast", "broadcaster": "broadcast", "channel": "broadcast",
          "radio": "radio", "news agency": "agency", "agency": "agency", "newspaper": "newspaper",
          "daily": "newspaper", "media": "media", "press": "media", "outlet": "media", "outlets": "media"}
"""The kinds of outlet; "media" (and "press", "outlets") may be any of them."""
_OWNER = r"(?P<owner>[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,2}?)(?:['’]s)?"
_STATE_WORD = r"(?:(?:state|government)(?:[ -](?:run|owned|controlled|backed|affiliated))?|official)"
_OUTLET = re.compile(
    r"(?:" + _OWNER + r"\s+)?(?i:" + _STATE_WORD + r")\s+(?:(?i:" + _STATE_WORD + r")\s+)?"
    r"(?P<name>(?:[A-Z][\w'’-]*\s+){0,4})(?i:(?P<kind>"
    + "|".join(sorted((k.replace(" ", r"\s+") for k in _KINDS), key=len, reverse=True)) + r"))\b")
"""A state's outlet: its owner (capitalised, before the state word) or its own name (after it) says whose."""


@dataclass(frozen=True)
class Outlet:
    """A state's outlet as a text names it: ``text[start:end]``."""

    state: str
    kind: str
    start: int
    end: int


@lru_cache(maxsize=8192)
def outlets(text: str) -> tuple[Outlet, ...]:
    """The state-run outlets ``text`` names, each with its state's code and its kind."""
    out = []
    for m in _OUTLET.finditer(text):
        # the owner's last state ("Kim's North Korea's" -> North Korea), else a state the outlet's name opens with
        # ("the official Vietnam News Agency"; a country's own name, not a people's adjective, within the name)
        words = (m["owner"] or "").split()
        code = next((c for n in range(len(words)) if (c := state_of_run(" ".join(words[n:])))), None)
        named = m["name"].split()
        code = code or next((c for n in (2, 1) if len(named) >= n and (c := government(" ".join(named[:n])))), None)
        if code is None:
            continue
        kind = _KINDS[" ".join(m["kind"].lower().split())]
        out.append(Outlet(code, kind, m.start("owner") if m["owner"] else m.start(), m.end()))
    return tuple(out)


def _same_kind(a: str, b: str) -> bool:
    return a == b or "media" in (a, b)


def compare_owners(claim_text: str, passage_text: str, found: Detection) -> list[tuple[int, int]]:
    """A claim's state-run outlet against the passage's outlets of its kind: a hard ``title`` mismatch when they
    all belong to another state. Returns the spans of the claim's outlets the passage names one of its kind for
    (their words are the outlet's, compared here)."""
    compared = []
    theirs = outlets(passage_text)
    for mine in outlets(claim_text):
        same = [o for o in theirs if _same_kind(mine.kind, o.kind)]
        if not same:
            continue
        compared.append((mine.start, mine.end))
        if any(o.state == mine.state for o in same):
            continue
        other = same[0]
        found.mismatches.append(Mismatch(
            kind="title", claim=span(claim_text, mine.start, mine.end),
            passage=span(passage_text, other.start, other.end),
            detail=f"owner differs: claim says {claim_text[mine.start:mine.end]!r}, passage says "
                   f"{passage_text[other.start:other.end]!r}"))
    return compared
