"""Titles: read where a text attaches one to a named person, compared only when both name that person.

The sentences are written for these tests (none is a dev claim).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_index

from verify import Settings, Verifier
from verify.evidence.detectors import detect
from verify.evidence.titles import find_titles, relation

ENVOYS = ("South Korean Deputy Trade Minister Park Ji-won and Japanese Ambassador to Vietnam Kenji Sato opened "
          "the fair on Monday.")
TALKS = "Meanwhile, Mongolian Foreign Minister Bat Erdene and his Chilean counterpart discussed mining on Friday."


def titles(text):
    return [(t.person, text[t.start:t.end], t.rank, t.portfolio, t.head, t.country, t.to, t.qualified)
            for t in find_titles(text)]


@pytest.mark.parametrize("text, expected", [
    (ENVOYS, [("Park Ji-won", "Deputy Trade Minister", "vice", "trade", "minister", "south korean", "", False),
              ("Kenji Sato", "Ambassador to Vietnam", "", "", "ambassador", "japanese", "vietnam", False)]),
    ("Bat Erdene, Mongolia's foreign minister, arrived.",
     [("Bat Erdene", "foreign minister", "", "foreign", "minister", "mongolia", "", False)]),
    ("Bat Erdene is the Minister of Defence of Mongolia",
     [("Bat Erdene", "Minister of Defence", "", "defence", "minister", "mongolia", "", False)]),
    ("Former Finance Minister Ana Silva spoke.", [("Ana Silva", "Former Finance Minister", "", "finance", "minister",
                                                   "", "", True)]),
    ("In Lima, Premier Ana Silva spoke.", [("Ana Silva", "Premier", "", "", "prime minister", "", "", False)]),
    ("The Chilean Ambassador to Peru said so.", []),  # a title, no name
    ("Chile, the president said, will vote.", []),  # a place, not a person
    ("Ana Silva is the president's spokesperson.", []),  # whose spokesperson, not her office
    ("Ana Silva is the presidential candidate.", []),
    ("Ana Silva is not the finance minister.", []),  # the negation detector's
    # an office held, said in other words than "is"
    ("Bat Erdene holds the post of Mongolian foreign minister.",
     [("Bat Erdene", "foreign minister", "", "foreign", "minister", "mongolian", "", False)]),
    ("Bat Erdene is serving as defence minister.",
     [("Bat Erdene", "defence minister", "", "defence", "minister", "", "", False)]),
    # past a relative clause between the name and "is"
    ("Bat Erdene, who met the Chilean envoy on Monday, is Mongolia's foreign minister.",
     [("Bat Erdene", "foreign minister", "", "foreign", "minister", "mongolia", "", False)]),
])
def test_titles_are_read_where_a_text_attaches_them_to_a_name(text, expected):
    assert titles(text) == expected


def one(text):
    [t] = find_titles(text)
    return t


@pytest.mark.parametrize("claim, passage, expected", [
    ("Bat Erdene is the defence minister", "Foreign Minister Bat Erdene spoke", "differ"),  # portfolio
    ("Bat Erdene is the DEFENSE minister", "Defence Minister Bat Erdene spoke", "agree"),  # spelling and case
    ("Bat Erdene is the foreign minister", "Vice Foreign Minister Bat Erdene spoke", "differ"),  # rank
    ("Bat Erdene is the deputy foreign minister", "Vice Foreign Minister Bat Erdene spoke", "agree"),
    ("Kenji Sato is Japan's ambassador to Peru", "Japanese Ambassador to Vietnam Kenji Sato spoke", "differ"),
    ("Kenji Sato is Japan's ambassador", "Japanese Ambassador to Vietnam Kenji Sato spoke", "agree"),  # part left out
    ("Ana Silva is the prime minister of Chile", "Chilean President Ana Silva spoke", "differ"),
    ("Ana Silva is the president", "Chilean leader Ana Silva spoke", "unknown"),  # leader: says nothing
    ("Ana Silva is the minister", "Finance Minister Ana Silva spoke", "agree"),  # portfolio left out
    ("Ana Silva is the finance minister", "Former Defence Minister Ana Silva spoke", "unknown"),  # a former office
    ("Ana Silva is Peru's finance minister", "Chilean Defence Minister Ana Silva spoke", "unknown"),  # another country
    # an ambassador serves abroad: no office at home at once, of any rank
    ("Kenji Sato is Japan's ambassador to Peru", "Japanese Deputy Foreign Minister Kenji Sato spoke", "differ"),
    ("Kenji Sato is Japan's prime minister", "Japanese Ambassador Kenji Sato spoke", "differ"),
    ("Kenji Sato is Japan's envoy", "Japanese Ambassador Kenji Sato spoke", "unknown"),  # an envoy may be
    ("Kenji Sato is Japan's ambassador", "Japanese government spokesman Kenji Sato spoke", "unknown"),
    ("Kenji Sato is Japan's ambassador", "Former Foreign Minister Kenji Sato spoke", "unknown"),
    # a state named by its capital ("Tokyo's envoy"), as news writes it
    ("Kenji Sato is Tokyo's ambassador to Peru", "Japanese Ambassador to Vietnam Kenji Sato spoke", "differ"),
    ("Kenji Sato is Tokyo's ambassador to Peru", "Japanese Ambassador to Peru Kenji Sato spoke", "agree"),
    ("Ana Silva is Lima's finance minister", "Chilean Defence Minister Ana Silva spoke", "unknown"),  # another country
])
def test_titles_exclude_each_other_only_as_the_same_office_told_differently(claim, passage, expected):
    assert relation(one(claim), one(passage)) == expected


@pytest.mark.parametrize("claim", [
    "Bat Erdene is Mongolia's defence minister.",
    "BAT ERDENE IS MONGOLIA'S DEFENCE MINISTER.",
    "Bat Erdene Is Mongolia's Defence Minister",
    "Bat Erdene is Mongolia's DEFENCE MINISTER",
    "Bat Erdene holds the post of Mongolia's defence minister.",  # the office's words are not the topic's
])
def test_a_wrong_title_is_a_mismatch_whatever_the_letter_case(claim):
    [m] = detect(claim, TALKS).mismatches
    assert m.kind == "title"
    assert m.detail == ("title differs for the same person: claim says 'defence minister', passage says "
                        "'Foreign Minister' (Bat Erdene)")
    assert claim[m.claim.start:m.claim.end].lower() == "defence minister"


def test_any_agreeing_title_of_the_person_rules_out_a_mismatch():
    passage = "Defence Minister Bat Erdene, Mongolia's foreign minister until June, spoke."
    found = detect("Bat Erdene is Mongolia's foreign minister.", passage)
    assert not [m for m in found.mismatches if m.kind == "title"] and found.agreed["title"] == 1


def test_a_single_name_is_the_same_person_only_as_a_surname_at_the_end():
    assert relation(one("Sato is the prime minister"), one("President Kenji Sato spoke")) == "differ"
    found = detect("Kim is Mongolia's defence minister.", "Foreign Minister Kim Bat Erdene spoke on Friday.")
    assert not [m for m in found.mismatches if m.kind == "title"]  # "Kim" may be any Kim


def test_the_titles_own_words_are_neither_the_topic_nor_missing_names():
    # "Mongolia's" and "Peru" belong to the compared title: the passage need not repeat them
    found = detect("Kenji Sato is Japan's ambassador to Peru.", ENVOYS)
    assert [m.kind for m in found.mismatches] == ["title"] and found.alignment == 1.0
    assert "claim says 'ambassador to peru', passage says 'Ambassador to Vietnam' (Kenji Sato)" in found.mismatches[0].detail


def test_a_title_of_another_person_is_not_compared():
    found = detect("Oyun Bold is Mongolia's defence minister.", TALKS)
    assert not [m for m in found.mismatches if m.kind == "title"] and not found.agreed["title"]


class FixedJudge:
    """The same reading for every pair (an NLI model reading word overlap might agree with both claims)."""

    def predict(self, pairs):
        return np.tile(np.asarray([0.9, 0.05, 0.05], dtype=np.float32), (len(pairs), 1))


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    return tiny_index(tmp_path, {"talks.txt": f"Talks\n\n{TALKS}\n"}, fake_embedder)


def check(index_dir, fake_embedder, claim):
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder,
                                   judge=FixedJudge())
    return {s.source_id: s for s in verifier.check(claim, all_sources=True).sources}["talks"]


def test_a_wrong_title_contradicts_through_the_public_api(index_dir, fake_embedder):
    talks = check(index_dir, fake_embedder, "Bat Erdene is Mongolia's defence minister.")
    assert talks.stance == "contradicts"
    assert any(r.startswith("title differs for the same person: claim says 'defence minister'")
               for r in talks.passages[0].reasons)


def test_the_right_title_is_not_contradicted_through_the_public_api(index_dir, fake_embedder):
    talks = check(index_dir, fake_embedder, "Bat Erdene is Mongolia's foreign minister.")
    assert talks.stance == "supports"
    assert "titles agree" in talks.passages[0].reasons
