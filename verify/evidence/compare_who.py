"""Who: the office both texts give one person, and the states or places they list together.

The other slots (dates, figures, places of an event) are compared in :mod:`verify.evidence.compare`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from verify.evidence.analysis import Analysis
from verify.evidence.detection import Detection, span
from verify.evidence.places import government, lookup
from verify.evidence.text import fold
from verify.evidence.titles import relation as title_relation
from verify.evidence.titles import same_person
from verify.models import Mismatch

__all__ = ["compare_lists", "compare_titles"]


def compare_titles(claim: Analysis, passage: Analysis, found: Detection) -> list[tuple[int, int]]:
    """The title the claim gives a person against the titles the passage gives the same person.

    Compared only where both texts name the person with a title (see :mod:`verify.evidence.titles`):
    any passage title that agrees confirms it; a mismatch needs every one of them to exclude the
    claim's ("Foreign Minister Choe Son-hui" for "Choe Son-hui is North Korea's defence minister"),
    and none that says nothing ("leader" for "president", a "former" office). Returns the spans of
    the claim's titles the passage confirmed or contradicted, with whose office each is ("North
    Korea's defence minister"): what the title says, not what the claim is about.
    """
    compared = []
    for ct in claim.titles:
        candidates = [(pt, title_relation(ct, pt)) for pt in passage.titles if same_person(ct, pt)]
        if not candidates:
            continue
        found.claim_slots += 1
        if any(rel == "agree" for _, rel in candidates):
            found.agreed_on("title", [None])
            compared.append(ct.reach)
            continue
        if any(rel == "unknown" for _, rel in candidates):
            continue
        pt = candidates[0][0]
        compared.append(ct.reach)
        claim_title, passage_title = claim.text[ct.start:ct.end].lower(), passage.text[pt.start:pt.end]
        found.mismatches.append(Mismatch(
            kind="title", claim=span(claim.text, ct.start, ct.end), passage=span(passage.text, pt.start, pt.end),
            detail=f"title differs for the same person: claim says {claim_title!r}, passage says {passage_title!r} "
                   f"({pt.person})"))
    return compared


_MEMBER = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_LISTED = re.compile(r"\b(" + _MEMBER + r")((?:,\s+" + _MEMBER + r")*),?\s+(?:and|or)\s+(" + _MEMBER + r")")


@lru_cache(maxsize=8192)
def _lists(text: str) -> list[list[tuple[str, int, int]]]:
    """Names listed together ("Seoul, Washington and Tokyo"), each with its span. Cached: a passage is read
    once for all the claims checked against it (the caller does not change the lists)."""
    out = []
    for m in _LISTED.finditer(text):
        members = [(m.group(1), m.start(1), m.end(1))]
        for x in re.finditer(_MEMBER, m.group(2)):
            members.append((x.group(0), m.start(2) + x.start(), m.start(2) + x.end()))
        members.append((m.group(3), m.start(3), m.end(3)))
        out.append([(n.rstrip("."), s, e - (len(n) - len(n.rstrip(".")))) for n, s, e in members])
    return out


def compare_lists(claim: Analysis, passage: Analysis, found: Detection) -> list[tuple[int, int]]:
    """A list of states or places with one member swapped: "cooperation among Seoul, Washington and Beijing"
    against "... among Seoul, Washington and Tokyo" is a place mismatch, where the passage names the claim's
    member nowhere. The lists must share two members (the same list), each differ by one place or state the
    gazetteer knows, and the two must be different states. Returns the spans of the claim members compared."""
    compared = []
    claim_lists = _lists(claim.text)
    passage_lists = _lists(passage.text) if claim_lists else []
    if not passage_lists:
        return compared
    have = None  # the passage's words, read only for a list with a member swapped
    for claim_list in claim_lists:
        mine = {fold(n).lower(): (n, s, e) for n, s, e in claim_list}
        for passage_list in passage_lists:
            theirs = {fold(n).lower(): (n, s, e) for n, s, e in passage_list}
            if len(mine.keys() & theirs.keys()) < 2:
                continue
            extra, other = mine.keys() - theirs.keys(), theirs.keys() - mine.keys()
            if len(extra) != 1 or len(other) != 1:
                continue
            (name, s, e), (p_name, ps, pe) = mine[next(iter(extra))], theirs[next(iter(other))]
            a, b = government(name) or _place_code(name), government(p_name) or _place_code(p_name)
            if a is None or b is None or a == b:
                continue
            if have is None:
                have = {fold(w).lower() for w in re.findall(r"[\w'’.-]+", passage.text)}
            if any(w in have for w in fold(name).lower().split()):
                continue  # the passage names the claim's member elsewhere
            found.claim_slots += 1
            compared.append((s, e))
            found.mismatches.append(Mismatch(
                kind="place", claim=span(claim.text, s, e), passage=span(passage.text, ps, pe),
                detail=f"place differs in the same list: claim says {name!r}, passage says {p_name!r}"))
    return compared


def _place_code(name: str) -> str | None:
    """The gazetteer's country of a place name (for a city, its country and name: two cities differ)."""
    found = lookup(name)
    return None if found is None else f"{found[0]}:{found[1]}:{fold(name).lower()}"
