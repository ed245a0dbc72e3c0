"""A state named by its capital in the claim and by its country in the passage (or the other way round) is one party:
the model reads the claim in the passage's names, and the passage mentions it. A city in a place's role is left
alone."""

import pytest

from verify.evidence.detectors import detect
from verify.evidence.harmonise import judged
from verify.evidence.places import state_runs


@pytest.mark.parametrize("claim, passage, expected", [
    ("Tokyo and Seoul agreed to resume the talks.", "Japan and South Korea agreed on Monday to resume talks.",
     "Japan and South Korea agreed to resume the talks."),
    ("Washington warned that the deal could bring sanctions.", "The US stressed that the deal could result in sanctions.",
     "The US warned that the deal could bring sanctions."),
    ("Officials said Washington objected.", "Officials said the US objected to the plan.",
     "Officials said the US objected."),
    ("Beijing's envoy attended the ceremony.", "China's ambassador attended the ceremony in Hanoi.",
     "China's envoy attended the ceremony."),
    ("Egypt and Turkey restored ties.", "Cairo and Ankara restored full diplomatic ties in July.",
     "Cairo and Ankara restored ties."),
])
def test_the_claim_is_read_in_the_passages_names_for_a_state(claim, passage, expected):
    assert judged(claim, passage) == expected


@pytest.mark.parametrize("claim, passage", [
    ("The summit was held in Tokyo.", "The summit was held in Japan last week."),  # a place, not the state
    ("Kim travelled to Moscow.", "Kim travelled to Russia's Far East."),
    ("The delegation arrived from Beijing.", "The delegation arrived from China on Monday."),
    ("Berlin criticised the decision.", "German officials criticised the decision."),  # no country name to take
    ("Washington and Seoul warned of sanctions.", "Washington and Seoul warned of sanctions."),  # nothing to rewrite
])
def test_a_place_or_a_state_the_passage_does_not_rename_is_left_alone(claim, passage):
    assert judged(claim, passage) == claim


def test_state_runs_skip_the_article_the_possessive_and_peoples_adjectives():
    text = "The US and Russia's envoy met Russian and Japanese officials in the North Korea-China border town."
    assert [(text[s:e], code) for s, e, code in state_runs(text)] == [
        ("US", "US"), ("Russia", "RU"), ("North Korea", "KP"), ("China", "CN")]


def test_a_city_the_passage_puts_something_in_is_not_the_state():
    claim = "Kenya reported 12 new cases on Monday."
    assert judged(claim, "Of the 12 new cases reported on Monday, 9 were in Nairobi.") == claim


def test_a_state_acting_under_another_of_its_names_is_mentioned():
    mentioned = [m.claim.text for m in detect("Tokyo and Seoul agreed to resume the talks.",
                                              "Japan and South Korea agreed on Monday to resume talks.").mismatches
                 if m.kind == "entity"]
    assert mentioned == []


def test_a_city_in_a_places_role_is_still_missing_from_a_passage_on_its_country():
    found = detect("The ministers met in Tokyo on Monday.", "The ministers met in Japan on Monday.")
    assert "broader_place" in [m.kind for m in found.mismatches]
    found = detect("Officials from Osaka signed the accord.", "Officials from Japan signed the accord.")
    assert [m.claim.text for m in found.mismatches if m.kind == "entity"] == ["Osaka"]  # a city, not a state
