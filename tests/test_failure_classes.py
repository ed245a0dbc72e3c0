"""Issue 10's failure classes through the public API (``Verifier.check``), with a judge that
agrees with every pair (as an NLI model reading word overlap might) or contradicts every pair:
what keeps a passage from deciding a source, and the reason shown, is the pipeline's.

The claims and passages are written for these tests (none is a dev claim).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_index

from verify import Settings, Verifier


class FixedJudge:
    """The same reading for every pair."""

    def __init__(self, probs):
        self.probs = np.asarray(probs, dtype=np.float32)

    def predict(self, pairs):
        return np.tile(self.probs, (len(pairs), 1))


AGREES, CONTRADICTS = FixedJudge([0.9, 0.05, 0.05]), FixedJudge([0.05, 0.9, 0.05])

DOCS = {
    "measures.txt": "Ties\n\nKim initiated undisclosed measures to further enhance the relationship with Moscow.\n",
    "talks.txt": "Talks\n\nKim Jong Un said he was very satisfied with the talks with Putin in Vladivostok.\n",
    "ferry.txt": "Ferry\n\nThe ferry between Busan and Fukuoka resumed service in March 2023, the operator said.\n",
    "visit.txt": "Diary\n\nThe Japanese prime minister last visited Hanoi in May 2017, the ministry said.\n",
    "summit.txt": "Diplomacy\n\nThe two presidents held a summit in Brazil last year, while Lisbon and Brasilia kept "
                  "their trade talks going.\n",
    "invite.txt": "Visits\n\nScholz had accepted Macron's invitation to visit Paris in May, the chancellery said.\n",
    "trip.txt": "Trade\n\nLula visited Madrid for talks with Sanchez, who had invited him.\n",
    "jubilee.txt": "Jubilee\n\nChile and Peru held a gala marking the 40th anniversary of their fishing accord.\n\n"
                   "The accord was signed in Lima in 1983.\n",
}


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    return tiny_index(tmp_path, DOCS, fake_embedder)


def check(index_dir, fake_embedder, judge, claim):
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=judge)
    report = verifier.check(claim, all_sources=True)
    return {s.source_id: s for s in report.sources}, report


def test_a_sentence_with_none_of_the_claims_words_is_no_support(index_dir, fake_embedder):
    # class 3, the part the word-share gate covers: a passage sharing no content word of the claim
    sources, _ = check(index_dir, fake_embedder, AGREES, "Officials were disappointed with the negotiations.")
    measures = sources["measures"]
    assert measures.stance != "supports"
    assert any("of the claim's words" in r for r in measures.passages[0].reasons)


@pytest.mark.xfail(strict=True, reason="open (issue 10, class 3): a passage sharing only the claim's subject "
                   "('Kim') is still read as support when the judge says so; a gate on it lost on HealthVer dev as "
                   "a corpus (macro-F1 0.381 -> 0.356, wrong stances above 0.95 16 -> 47) and did not ship")
def test_an_off_topic_sentence_about_the_same_person_is_no_support(index_dir, fake_embedder):
    sources, _ = check(index_dir, fake_embedder, AGREES, "Kim said he was disappointed with the negotiations.")
    assert sources["measures"].stance != "supports"


def test_a_contradiction_of_meaning_says_why(index_dir, fake_embedder):
    # class 5: "disappointed" against "very satisfied" contradicts, and the passage says so in words
    sources, _ = check(index_dir, fake_embedder, AGREES, "Kim Jong Un said he was disappointed with the talks with Putin.")
    talks = sources["talks"]
    assert talks.stance == "contradicts"
    assert any("disappointed" in r and "satisfied" in r for r in talks.passages[0].reasons)


def test_a_contradiction_only_the_model_sees_is_named_as_the_models(index_dir, fake_embedder):
    sources, _ = check(index_dir, fake_embedder, CONTRADICTS,
                       "The ferry between Busan and Fukuoka stopped running in March 2023.")
    ferry = sources["ferry"].passages[0]
    assert ferry.label == "contradicts" and ferry.reasons[0].startswith("meaning contradicts (model")


def test_every_shown_passage_has_a_reason(index_dir, fake_embedder):
    for judge in (AGREES, CONTRADICTS):
        _, report = check(index_dir, fake_embedder, judge, "The ferry between Busan and Fukuoka resumed in 2023.")
        assert all(p.reasons for s in report.sources for p in s.passages)


def test_a_date_of_another_occasion_is_set_aside_with_its_reason(index_dir, fake_embedder):
    # class 1 through the report: a ferry's resumption in 2023 is no contradiction of one in 2019 ...
    # ... unless the event happens once; resuming recurs, so the reason says so
    sources, _ = check(index_dir, fake_embedder, AGREES, "The Busan-Fukuoka ferry resumed service in March 2023.")
    assert sources["ferry"].stance == "supports"
    assert "dates agree" in sources["ferry"].passages[0].reasons


@pytest.mark.parametrize("claim, source", [
    ("The Japanese prime minister visited Hanoi in May 2024.", "visit"),  # "last visited ... in May 2017"
    ("In 2019 Chile and Peru held a gala marking the 30th anniversary of their fishing accord.", "jubilee"),
])
def test_another_occasion_of_the_event_does_not_confirm_it(index_dir, fake_embedder, claim, source):
    # class 1's other side: a date or figure of another occasion is no contradiction, and no support either (the
    # judge, reading the same words, agrees): the passage says nothing of the claim's occasion
    sources, _ = check(index_dir, fake_embedder, AGREES, claim)
    assert sources[source].stance == "none"
    assert any("another occasion" in r for r in sources[source].passages[0].reasons)


def test_an_undated_documents_anniversary_is_placed_by_its_own_text(index_dir, fake_embedder):
    # the article has no date, but its 40th anniversary of an accord it says was signed in 1983 is of 2023: a 30th
    # anniversary in 2023 is the same celebration ranked otherwise (in 2019, above, it is another occasion)
    sources, _ = check(index_dir, fake_embedder, AGREES,
                       "In 2023 Chile and Peru held a gala marking the 30th anniversary of their fishing accord.")
    assert sources["jubilee"].stance == "contradicts"
    assert any(r.startswith("number differs") for r in sources["jubilee"].passages[0].reasons)


def test_no_off_topic_source_is_overconfident(index_dir, fake_embedder):
    # class 6: with a judge sure of every pair, a source whose passage is off topic shows no side at 0.95+
    sources, _ = check(index_dir, fake_embedder, AGREES, "Kim said he was disappointed with the negotiations.")
    measures = sources["measures"]
    assert measures.stance == "none" or measures.confidence <= 0.95


def test_the_same_occasion_still_decides(index_dir, fake_embedder):
    sources, _ = check(index_dir, fake_embedder, CONTRADICTS, "The Japanese prime minister visited Hanoi in May 2017.")
    assert sources["visit"].stance == "contradicts"  # the dates agree: the model's reading stands


def test_the_country_does_not_confirm_a_city_named_in_another_role(index_dir, fake_embedder):
    # class 2: "Brasilia" is named as a government, the summit only "in Brazil"
    sources, _ = check(index_dir, fake_embedder, AGREES, "The two presidents held a summit in Brasilia.")
    summit = sources["summit"]
    assert summit.stance != "supports"
    assert "passage places it only in 'Brazil', not in 'Brasilia'" in summit.passages[0].reasons


def test_an_invitation_told_the_other_way_round_is_no_support(index_dir, fake_embedder):
    # a judge reading the same words agrees; who invited whom is the other way round in the passage
    sources, _ = check(index_dir, fake_embedder, AGREES, "Macron accepted Scholz's invitation.")
    invite = sources["invite"]
    assert invite.stance != "supports"
    assert any(r.startswith("the passage has the invitation the other way round") for r in invite.passages[0].reasons)
    sources, _ = check(index_dir, fake_embedder, AGREES, "Scholz accepted Macron's invitation.")
    assert sources["invite"].stance == "supports"


def test_anothers_journey_is_no_place_for_the_claims_visit(index_dir, fake_embedder):
    # "Lula invited Sanchez to visit Brazil" is Sanchez's visit; Lula's trip to Madrid does not place it
    sources, _ = check(index_dir, fake_embedder, CONTRADICTS, "Lula invited Sanchez to visit Brazil.")
    assert sources["trip"].stance != "contradicts"
    assert not any(r.startswith("place differs") for p in sources["trip"].passages for r in p.reasons)
    sources, _ = check(index_dir, fake_embedder, CONTRADICTS, "Lula visited Brazil for talks with Sanchez.")
    trip = sources["trip"]
    assert trip.stance == "contradicts"
    assert any(r.startswith("place differs for the same event") for r in trip.passages[0].reasons)
