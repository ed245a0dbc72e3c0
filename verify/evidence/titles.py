"""A named person's title or office, and when two titles of one person cannot both be right.

A title is read where the text attaches it to a name: before it ("North Korean Foreign Minister
Choe Son-hui", "Russian Ambassador to North Korea Alexander Matsegora"), after it ("Choe Son-hui,
North Korea's foreign minister") or in a copular clause ("Choe Son-hui is North Korea's defence
minister"). An office is an optional rank ("vice", "deputy"), an optional portfolio ("foreign",
"defence"), a head ("minister", "ambassador", "president") with, for an ambassador, where to, and
the country it serves. Two titles exclude each other only when they are the same office told
differently: another portfolio of the same head, another rank of the same office, an ambassador
to another country, president against prime minister. Anything else ("leader" and "president",
a part one side leaves out, a "former" title) says nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from verify.evidence.names import NAME_WORD, contains_run, name_tokens
from verify.evidence.places import government, lookup
from verify.evidence.text import STOPWORDS, canonical

Relation = Literal["agree", "differ", "unknown"]

# one copy of each word list: the written forms and the one each stands for
RANKS = {"vice": "vice", "deputy": "vice", "assistant": "assistant"}
"""Ranks below an office: "Vice Foreign Minister" is not the foreign minister."""
QUALIFIERS = ("former", "ex", "acting", "interim", "then", "late", "incoming", "outgoing", "designate", "future")
"""Words that make a title say nothing about the office held now ("former defence minister")."""
_MODIFIERS = ("first", "senior", "chief", "top")
"""Words read as part of a title but not compared ("First Vice Foreign Minister")."""
PORTFOLIOS = {
    "foreign affairs": "foreign", "foreign": "foreign", "defence": "defence", "defense": "defence",
    "finance": "finance", "interior": "interior", "home": "home", "justice": "justice", "health": "health",
    "education": "education", "trade": "trade", "economy": "economy", "energy": "energy",
    "agriculture": "agriculture", "culture": "culture", "labour": "labour", "labor": "labour",
    "transport": "transport", "environment": "environment", "industry": "industry", "commerce": "commerce",
    "treasury": "treasury"}
"""What a minister or secretary is in charge of."""
HEADS = {
    "prime minister": "prime minister", "premier": "prime minister", "minister": "minister",
    "ambassador": "ambassador", "envoy": "envoy", "president": "president", "secretary-general": "secretary-general",
    "secretary general": "secretary-general", "secretary": "secretary", "chairman": "chair", "chairwoman": "chair",
    "chairperson": "chair", "chair": "chair", "spokesperson": "spokesperson", "spokesman": "spokesperson",
    "spokeswoman": "spokesperson", "leader": "leader", "chancellor": "chancellor", "governor": "governor",
    "mayor": "mayor"}
"""The offices themselves."""
EXCLUSIVE_HEADS = frozenset({frozenset({"president", "prime minister"})})
"""Different offices one person does not hold at once in one country, of one rank (a vice president may be
prime minister)."""
POSTED_ABROAD = "ambassador"
HELD_AT_HOME = frozenset({"minister", "prime minister", "president", "chancellor", "governor", "mayor", "secretary"})
"""An ambassador serves abroad: no office held at home, of any rank ("Russia's deputy foreign minister" is not
"Russian Ambassador to North Korea" at once). An envoy, a leader, a chair or a spokesperson may be either."""


def _alternatives(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_OFFICE = (r"(?P<title>(?:(?:" + _alternatives(QUALIFIERS) + r")[-\s]+)?"
           r"(?:(?:" + _alternatives(_MODIFIERS) + r")\s+)?(?:(?P<rank>" + _alternatives(RANKS) + r")[-\s]+)?"
           r"(?:(?P<portfolio>" + _alternatives(PORTFOLIOS) + r")\s+)?(?P<head>" + _alternatives(HEADS) + r")\b(?!['’]s\b))"
           r"(?:\s+(?:of|for)\s+(?P<of>" + _alternatives(PORTFOLIOS) + r"))?")
_NOT_TITLE = r"(?=[A-Z])(?!(?i:" + _alternatives([*QUALIFIERS, *_MODIFIERS, *RANKS, *PORTFOLIOS, *HEADS, "affairs"]) + r")\b)"
"""A capitalised word that is not a title's word ("Vice" in "North Korean Vice Foreign Minister")."""
_PERSON = _NOT_TITLE + NAME_WORD + r"(?:\s+" + _NOT_TITLE + NAME_WORD + r"){0,3}"
_COUNTRY = r"(?:(?P<country>(?:" + _NOT_TITLE + r"[A-Z][\w-]*\s+){0,2}" + _NOT_TITLE + r"[A-Z][\w-]*?)(?:'s|’s)?\s+)?"
_COUNTRY_AFTER = (r"(?:(?P<country>" + _NOT_TITLE + r"[A-Z][\w-]*(?:\s+(?!(?i:" + _alternatives(HEADS) + r")\b)[\w-]+){0,2}?)"
                  r"(?:'s|’s)?\s+)?")
"""The same after "is (the)": a claim in capitals, set in running text's case, may read "North korea's"."""
_BEFORE = re.compile(r"\b" + _COUNTRY + r"(?i:" + _OFFICE + r")(?P<to>\s+(?i:to)\s+(?:the\s+)?|,?\s+)(?P<run>" + _PERSON + r")")
"""A title before a name; ``run`` is the destination and the name when the title says "to"."""
_AFTER = re.compile(r"\b(?P<person>" + _PERSON + r")(?:,\s+|(?:,\s+(?:who|whom|whose)\s+[^,;()]{1,100},)?"
                    r"\s+(?:is|was|has\s+been|had\s+been|serves\s+as|served\s+as|"
                    r"became|remains|is\s+serving\s+as|(?:holds|held)\s+the\s+(?:post|office|position|rank)\s+of)\s+)"
                    r"(?:(?:the|a|an)\s+)?" + _COUNTRY_AFTER + r"(?i:" + _OFFICE + r")"
                    r"(?:\s+(?i:to)\s+(?:the\s+)?(?P<dest>" + _PERSON + r"))?"
                    r"(?:\s+(?i:of)\s+(?:the\s+)?(?P<country_of>" + _PERSON + r"))?")
"""A title after a name: an appositive ("Choe, North Korea's foreign minister") or a copula ("Choe is ...", also past
a relative clause: "Choe, who traded messages with Lavrov, is ...")."""

_QUALIFIED = re.compile(r"(?i)(?:" + _alternatives(QUALIFIERS) + r")\b")
_ANY_HEAD = re.compile(r"(?i)\b(?:" + _alternatives(HEADS) + r")")
_REACH = 160
"""Characters around a title's head within which its words and its person lie (four name words,
"has been the", a country of three words, a rank and a portfolio); only these are read."""


@dataclass(frozen=True)
class Title:
    """A title a text gives a named person: ``text[start:end]`` is the office ("Vice Foreign Minister")."""

    person: str
    start: int
    end: int
    rank: str
    """"vice", "assistant" or "" (the office itself)."""
    portfolio: str
    head: str
    country: str
    """Whose office it is, as written in lower case ("north korean"), or ""."""
    to: str
    """Where an ambassador is sent, in lower case, or ""."""
    qualified: bool
    """"former", "acting" and the like: not the office held now."""
    reach: tuple[int, int]
    """The office with whose it is ("North Korea's defence minister", "the minister of defence of
    Mongolia"): words that say what the title is, not what the text is about."""


def _place_prefix(run: str) -> tuple[str, str]:
    """``run`` split into the longest leading run of words the gazetteer knows and the rest."""
    parts = run.split()
    for n in range(len(parts), 0, -1):
        if lookup(" ".join(parts[:n])):
            return " ".join(parts[:n]), " ".join(parts[n:])
    return "", run


def _person(name: str) -> str:
    """``name`` without leading function words ("In Pyongyang" -> "Pyongyang"); "" when nothing is left."""
    parts = name.split()
    while parts and (parts[0].lower() in STOPWORDS or parts[0].lower() in {"in", "on", "at", "meanwhile"}):
        parts.pop(0)
    person = " ".join(parts).rstrip(".")
    return "" if lookup(person) else person  # "Russia, the president said": a place, not a person


def _title(m: re.Match, person: str, to: str, country: str, end: int) -> Title:
    """The :class:`Title` of ``person`` read by ``m``; ``end`` is where the office's words end."""
    qualified = bool(_QUALIFIED.match(m.group("title")))
    portfolio = m.group("portfolio") or m.group("of") or ""
    after = "country_of" in m.re.groupindex and m.group("country_of")
    # after a name, the words that give the office ("is the", "holds the post of") are the title's too
    first = m.end("person") if "person" in m.re.groupindex else m.start("country") if m.group("country") else m.start("title")
    reach = (first, m.end("country_of") if after else end)
    return Title(person=person, start=m.start("title"), end=end,
                 rank=RANKS[m.group("rank").lower()] if m.group("rank") else "",
                 portfolio=PORTFOLIOS[" ".join(portfolio.lower().split())] if portfolio else "",
                 head=HEADS[" ".join(m.group("head").lower().split())], country=canonical(country).strip(" ."),
                 to=canonical(to).strip(" ."), qualified=qualified, reach=reach)


def find_titles(text: str) -> list[Title]:
    """Titles ``text`` gives named people, in order of the title's position."""
    heads = [h.span() for h in _ANY_HEAD.finditer(text)]
    if not heads:
        return []  # most sentences: one quick look
    # a title's words and its person lie within _REACH characters of its head
    pos = text.rfind(" ", 0, max(0, heads[0][0] - _REACH)) + 1
    stop = min(len(text), heads[-1][1] + _REACH)
    out: dict[int, Title] = {}
    for m in _BEFORE.finditer(text, pos, stop):
        run = m.group("run")
        to, person = _place_prefix(run) if m.group("to").strip() else ("", run)
        person = _person(person)
        if person:  # "Ambassador to North Korea said": a title, no name
            end = m.start("run") + len(to) if to else m.end("of") if m.group("of") else m.end("head")
            out[m.start("title")] = _title(m, person, to, m.group("country") or "", end)
    for m in _AFTER.finditer(text, pos, stop):
        person = _person(m.group("person"))
        if not person or m.start("title") in out:
            continue  # a title followed by a name belongs to that name ("In Pyongyang, Foreign Minister Choe")
        end = m.end("dest") if m.group("dest") else m.end("of") if m.group("of") else m.end("head")
        out[m.start("title")] = _title(m, person, m.group("dest") or "",
                                       m.group("country") or m.group("country_of") or "", end)
    return [out[k] for k in sorted(out)]


def same_person(a: Title, b: Title) -> bool:
    """Whether two titles name one person: one name's words run inside the other's ("Choe Son-hui",
    "North Korea's Choe Son-hui"); a single word only as the other's last ("Matsegora", "Alexander
    Matsegora"), never as its first ("Kim" may be any Kim)."""
    x, y = name_tokens(a.person), name_tokens(b.person)
    if not x or not y:
        return False
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) == 1:
        return short[0] == long_[-1]
    return contains_run(long_, short)


def _same_place(a: str, b: str) -> bool:
    """Two places (or countries' adjectives) as written: equal, one the other's start ("north korean",
    "north korea"), one state however news names it ("Moscow's ambassador" is the Russian ambassador, "Beijing's
    foreign minister" the Chinese one), or one gazetteer code."""
    if not a or not b or a.startswith(b) or b.startswith(a):
        return True
    state_a, state_b = government(a), government(b)
    if state_a and state_b:
        return state_a == state_b
    known_a, known_b = lookup(a), lookup(b)
    return bool(known_a and known_b and known_a == known_b)


def relation(claim: Title, passage: Title) -> Relation:
    """How the passage's title of a person stands to the claim's title of the same person."""
    if claim.qualified or passage.qualified or not _same_place(claim.country, passage.country):
        return "unknown"  # a former office, or another country's
    if claim.head != passage.head:
        heads = frozenset({claim.head, passage.head})
        exclusive = (heads in EXCLUSIVE_HEADS and claim.rank == passage.rank) or (
            POSTED_ABROAD in heads and heads - {POSTED_ABROAD} <= HELD_AT_HOME)
        return "differ" if exclusive else "unknown"
    if claim.portfolio and passage.portfolio and claim.portfolio != passage.portfolio:
        return "differ"
    if claim.rank != passage.rank:
        return "differ"
    if claim.to and passage.to and not _same_place(claim.to, passage.to):
        return "differ"
    return "agree"
