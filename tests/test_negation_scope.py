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


# Admissions against denials (written for these tests): the passage's denial answers the sentence before it, in its
# own words ("such payments") for what was denied.
BEFORE = "Auditors had alleged that the agency paid the contractor twice for the same bridge repairs."
DENIAL = "Nevertheless, both the agency and the contractor denied such payments and promised a review."


def test_an_admission_is_contradicted_by_a_denial_of_what_the_sentence_before_says():
    found = detect("The agency and the contractor admitted that the agency paid the contractor twice.", DENIAL,
                   context=f"{BEFORE} {DENIAL}")
    assert [m.kind for m in found.hard] == ["antonym"]
    assert "antonym" in kinds("The minister acknowledged the ministry had lost the files.",
                              "The minister denied the ministry had lost the files.")


def test_a_denial_is_not_contradicted_by_a_denial_in_other_words():
    found = detect("The agency and the contractor denied that the agency paid the contractor twice.", DENIAL,
                   context=f"{BEFORE} {DENIAL}")
    assert not found.hard


def test_a_negated_act_is_not_stated_by_a_passage_that_shares_only_who():
    # the passage names the claim's people at the claim's reference event, and says nothing of an earlier meeting
    claim = "Ana Costa had never met Sergei Lavrov in person before their summit in Geneva last month."
    passage = ("The ministry said last month that Sergei Lavrov had accepted Ana Costa's offer to visit Lisbon during "
               "their summit in Geneva.")
    assert "negation" not in kinds(claim, passage)
    # a passage that holds the act does state it
    assert "negation" in kinds("Ana Costa never met Sergei Lavrov in person.", "Ana Costa met Sergei Lavrov in person.")
