"""The evidence classes through the public API (``verify.judge_pairs``), with a judge that always
reads "supports": what turns a pair into a contradiction, or keeps it from being one, is the
detectors'. Claims are written for these tests against sentences of the sample corpus."""

from __future__ import annotations

import numpy as np

from verify import judge_pairs

CELEBRATIONS = ("North Korea and Russia have pledged to further develop their relations, as they held celebrations in "
                "Pyongyang earlier this week to mark the 75th anniversary of diplomatic ties, the North's state media "
                "reported Friday.")
TREATY = ("The DPRK-Russia Joint Declaration and the DPRK-Russia Moscow Declaration adopted by the leaders of the two "
          "countries and the treaty on friendship, good-neighbourliness and cooperation concluded between the two "
          "countries in February 2000 were important milestones in bolstering up relations of friendship and "
          "cooperation between the two countries.")


class AgreeingJudge:
    """Reads every pair as support, as an NLI model reading word overlap might."""

    def predict(self, pairs):
        return np.array([[0.8, 0.1, 0.1]] * len(pairs), dtype=np.float32)


def labels(pairs):
    return [j.label for j in judge_pairs(AgreeingJudge(), pairs)]


def test_a_place_of_the_same_event_elsewhere_contradicts():
    assert labels([("Celebrations were held in Moscow.", CELEBRATIONS),
                   ("Celebrations were held in Pyongyang.", CELEBRATIONS)]) == ["contradicts", "supports"]


def test_a_date_of_another_event_does_not_contradict():
    assert labels([("North Korea and Russia established diplomatic relations in 1948.", TREATY)]) != ["contradicts"]


def test_letter_case_and_a_final_full_stop_give_the_same_judgement():
    claims = ["Celebrations were held in Moscow", "Celebrations were held in Moscow.",
              "CELEBRATIONS WERE HELD IN MOSCOW", "Celebrations Were Held In Moscow!", "Celebrations were held in MOSCOW."]
    judged = judge_pairs(AgreeingJudge(), [(c, CELEBRATIONS) for c in claims])
    assert len({(j.label, tuple(j.probabilities.model_dump().values())) for j in judged}) == 1
