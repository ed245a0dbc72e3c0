"""A negated act with a time of reference ("had never met before their summit") denies the act, not the reference:
a passage that only states the reference event is no contradiction; one that states the act is."""

from verify.evidence.detectors import detect


def kinds(claim, passage):
    return [m.kind for m in detect(claim, passage).mismatches]


def test_the_reference_event_is_not_denied():
    claim = "The two foreign ministers had never spoken in person before their meeting in Geneva last month."
    assert "negation" not in kinds(claim, "The two foreign ministers held a meeting in Geneva last month.")


def test_the_act_itself_is_still_denied():
    claim = "The two foreign ministers had never spoken in person before their meeting in Geneva last month."
    assert "negation" in kinds(claim, "The two foreign ministers had spoken in person at a forum in 2019.")


def test_a_cue_straight_before_the_time_word_keeps_what_follows():
    assert "negation" in kinds("The company had never before launched a satellite.",
                               "The company launched a satellite in 2021.")
