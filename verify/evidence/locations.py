"""Where a text puts something ("held in Pyongyang", "a visit to Moscow", "at Russia's Vostochny spaceport") and how
two such places relate: the same place, one inside the other, or different. The gazetteer and the names of states are
:mod:`verify.evidence.places`'s.
"""

from __future__ import annotations

import re
from typing import Literal

from verify.evidence.doers import JOURNEY_WORDS
from verify.evidence.places import Place, _ascii, _capitals, _key, lookup
from verify.evidence.text import canonical, fold
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings

Relation = Literal["same", "inside", "contains", "different", "unknown"]

_NAME = r"(?:[A-Z][a-zA-Z.'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][a-zA-Z.'’-]*){0,3})"
_AT = re.compile(r"\b(?i:in|at|inside|near|outside|within)\s+(?i:the\s+)?(?P<name>" + _NAME + r")")
_GOING = ("went", "came", "headed", "heading")
"""Verbs that take a traveller somewhere without naming a journey of their own (with :data:`doers.JOURNEY_WORDS`)."""
_TO = re.compile(r"\b(?:" + "|".join(sorted({*JOURNEY_WORDS, *_GOING} - {"arrival"}, key=len, reverse=True)) +
                 r")\s+(?:(?:to|in|at)\s+)?(?:the\s+)?(?P<name>" + _NAME + r")", re.IGNORECASE)

_HEADS = r"(?:region|province|oblast|krai|state|county|district|prefecture|territory|river|valley|mountains?|sea|" \
         r"island|peninsula|spaceport|cosmodrome)\b"
_REGION_AFTER = re.compile(r"\s+" + _HEADS, re.IGNORECASE)
_COMPASS = frozenset({"far", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
                      "north-east", "north-west", "south-east", "south-west"})


def _region(name: str, text: str, start: int, settings: EvidenceSettings) -> tuple[str, str] | None:
    """The text of a region inside a country that ``name`` (at ``text[start:]``) writes as the country's and the
    gazetteer does not list, with that country's code: its points of the compass ("Russia's Far East") or a name
    with a region's word after it ("Russia's Vostochny spaceport", "China's Hainan province"). None for a city of
    the country ("Russia's Vladivostok" is Vladivostok) and for other names ("Russia's Defense Ministry": an
    office, no region)."""
    name = re.match(r"\S+(?:\s+[A-Z]\S*)*", name).group(0).rstrip(".,")  # its capitalised words ("to" reads any)
    m = re.match(r"(?P<owner>.+?)'s\s+(?P<rest>[A-Z].*)$", fold(name))
    owner = lookup(m["owner"], settings) if m else None
    if not owner or owner[0] != "country" or lookup(m["rest"], settings):
        return None
    if head := _REGION_AFTER.match(text, start + len(name)):
        return text[start: head.end()], owner[1]
    rest = m["rest"].split()
    return (name, owner[1]) if all(w.lower() in _COMPASS for w in rest) or re.fullmatch(_HEADS, rest[-1].lower()) \
        else None


_SITE = r"(?:space\s+cent(?:er|re)|spaceport|cosmodrome|launch\s+site|(?:air|naval|military)\s+base)"
"""What names a site after its own name ("the Vostochny space center"): part of the site's name."""
_LOCATING = r",?\s+(?:situated|located|which\s+(?:is|lies)|lying)"
_SITUATED = re.compile(rf"(?:(?P<site>\s+{_SITE})?{_LOCATING}\s+(?:in|near)|(?P<bare>\s+{_SITE})\s+in)\s+(?:the\s+)?"
                       r"(?P<where>" + _NAME + r")", re.IGNORECASE)
"""What locates a name right after it: a participle ("situated in", "which lies in"), or a site's word and a bare "in"
("the Vostochny space center in ...": a bare "in" after any other name places nothing)."""


def _situated(name: str, text: str, start: int, settings: EvidenceSettings) -> Place | None:
    """A place the gazetteer does not list that its text locates in a country it knows, right after the name ("in
    Vostochny, situated in Russia's Amur region", "at Alcantara, located in Brazil", "at the Vostochny space center in
    Russia's Far East"): a region of that country, named with its site's word when it has one."""
    name = re.match(r"[A-Z]\S*(?:\s+[A-Z]\S*)*", name).group(0).rstrip(".,")
    m = _SITUATED.match(text, start + len(name))
    if not m or lookup(name, settings):
        return None
    where = _region(m["where"], text, m.start("where"), settings)
    code = where[1] if where else next((lookup(h, settings)[1] for h, _ in _candidates(m["where"], settings)), None)
    end = m.end("site") if m["site"] else m.end("bare") if m["bare"] else start + len(name)
    return Place(text[start:end], start, end, "region", code) if code else None


def _core(name: str) -> str:
    """A region's own name, without its country's possessive and its kind ("Russia's Vostochny spaceport" ->
    "vostochny"), to tell one region written two ways."""
    own = re.sub(_SITE, " ", re.sub(r"^.+?['’]s\s+", "", fold(name)), flags=re.IGNORECASE)
    return " ".join(w for w in _ascii(own).split() if not re.fullmatch(_HEADS, w))


def _candidates(name: str, settings: EvidenceSettings) -> list[tuple[str, int]]:
    """The longest leading run of ``name`` the gazetteer knows, and a possessive's owner
    ("Russia's Far East" -> "Russia")."""
    name = fold(name)
    owner = re.match(r"(.+?)'s?\b", name)
    if owner and lookup(owner.group(1), settings):
        return [(owner.group(1), 0)]
    parts = name.split()
    for n in range(len(parts), 0, -1):
        head = " ".join(parts[:n]).rstrip(".,")
        if lookup(head, settings):
            return [(head, 0)]
    return []


def find_places(text: str, settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> list[Place]:
    """Places that ``text`` puts something at, in order, each once per position."""
    out: dict[int, Place] = {}
    for pattern in (_AT, _TO):
        for m in pattern.finditer(text):
            name = m.group("name")
            if not name or not name[0].isupper():
                continue
            if found := _region(name, text, m.start("name"), settings):
                region, country = found
                out.setdefault(m.start("name"), Place(region, m.start("name"), m.start("name") + len(region), "region",
                                                      country))
                continue
            if located := _situated(name, text, m.start("name"), settings):
                out.setdefault(located.start, located)
                continue
            for head, offset in _candidates(name, settings):
                start = m.start("name") + offset
                if _REGION_AFTER.match(text, start + len(head)):
                    continue  # "in Amur region": a region the gazetteer does not hold
                kind, code = lookup(head, settings)
                out.setdefault(start, Place(head, start, start + len(head), kind, code))
    return [out[k] for k in sorted(out)]


def relation(claim: Place, passage: Place) -> Relation:
    """How the passage's place stands to the claim's: the same place, inside it (a city or region of the
    claim's country), containing it (the country of the claim's city or region: says less), or different.

    A region the gazetteer does not list and a city of its country are "unknown" ("Russia's Far East" may hold
    Vladivostok), except the country's capital: news places an event in a region of a country ("Russia's Far
    East", "Russia's Vostochny spaceport") when it is away from the capital, not to say it was in the capital.
    Two such regions of one country are "unknown" too, unless they are one region written two ways ("Russia's
    Vostochny spaceport", "Vostochny")."""
    if _ascii(canonical(claim.name)) == _ascii(canonical(passage.name)):
        return "same"
    if claim.country != passage.country:
        return "different"
    if claim.kind == passage.kind:
        if claim.kind == "region":
            return "same" if _core(claim.name) and _core(claim.name) == _core(passage.name) else "unknown"
        return "different"  # two cities, or two countries
    if claim.kind == "country":
        return "inside"
    if passage.kind == "country":
        return "contains"
    city = claim if claim.kind == "city" else passage
    return "different" if _capitals().get(_key(city.name)) == city.country else "unknown"
