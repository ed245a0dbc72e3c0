"""The order of two events (verify/evidence/order.py): a claim's "A (a month) before/after B" against a passage
that dates both events, or orders them in words. Claims and passages written for these tests (none is a dev claim
or a claim of the held-back batches)."""

from __future__ import annotations

import pytest

from verify.evidence.analysis import analyse
from verify.evidence.detectors import detect
from verify.evidence.order import sequences


def order(claim, passage):
    return [m.detail for m in detect(claim, passage).mismatches if m.kind == "order"]


DATED = ("The bridge opened to traffic on 3 May 1998, a year after the city council had approved its funding in "
         "May 1997.")
PRECEDED = "Its founder resigned from the board in January 2009, and the airline filed for bankruptcy in March 2009."
SAID = "The strike was called off after the union accepted the pay offer on Friday."


@pytest.mark.parametrize("claim, passage, start", [
    # the passage dates both events: the claim has them the other way round
    ("The city council approved the bridge's funding a year after the bridge opened to traffic.", DATED,
     "order differs"),
    ("The airline's founder resigned from the board two months after the airline filed for bankruptcy.", PRECEDED,
     "order differs"),
    # the right order, a gap far from the passage's ("a decade" against a year)
    ("The bridge opened to traffic a decade after the city council approved its funding.", DATED,
     "time between differs"),
    # the passage orders them in words
    ("The strike was called off before the union accepted the pay offer.", SAID, "order differs"),
    ("The union accepted the pay offer after the strike was called off.", SAID, "order differs"),
])
def test_events_told_in_another_order_contradict(claim, passage, start):
    found = order(claim, passage)
    assert found and found[0].startswith(start), found


@pytest.mark.parametrize("claim, passage", [
    ("The bridge opened to traffic a year after the city council approved its funding.", DATED),
    ("The city council approved the bridge's funding about a year before the bridge opened.", DATED),
    ("The airline's founder resigned from the board shortly before the airline filed for bankruptcy.", PRECEDED),
    ("The union accepted the pay offer before the strike was called off.", SAID),
    ("The strike was called off after the union accepted the pay offer.", SAID),
    # "roughly two months" is not refuted by dates a month apart at a month's precision
    ("The airline filed for bankruptcy roughly three months after its founder resigned from the board.", PRECEDED),
])
def test_the_same_order_is_no_mismatch(claim, passage):
    assert order(claim, passage) == []


@pytest.mark.parametrize("claim, passage", [
    # the passage dates only one of the events
    ("The city council approved the bridge's funding a year after the mayor was elected.", DATED),
    # one clause holds both events: which date is which is not sure
    ("The museum reopened after the roof was repaired.", "The roof was repaired and the museum reopened in June 2011."),
    # a bare date bound is the date detector's business, not a sequence
    ("The bridge opened to traffic after 1999.", DATED),
])
def test_nothing_decided_without_both_events_placed(claim, passage):
    assert order(claim, passage) == []


def test_a_date_bound_written_as_an_event_is_compared_and_its_words_not_required():
    passage = "Finland recognised the new republic on 4 March 1921, the foreign ministry said."
    claim = "Finland recognised the new republic before the end of the civil war in 1918."
    found = detect(claim, passage)
    assert [m.kind for m in found.mismatches] == ["order"]
    assert found.alignment == 1.0  # "the end of the civil war" is the claim's bound, not a topic word
    # the bound's date belongs to the war, not to the recognition: no date mismatch either way round
    assert detect("Finland recognised the new republic after the end of the civil war in 1918.", passage).mismatches == []


def test_a_sequence_reads_its_sides_and_gap():
    text = "The union accepted the pay offer roughly two weeks after the strike began."
    (seq,) = sequences(text, analyse(text, "claim").dates)
    assert text[seq.first.start:seq.first.end].strip() == "the strike began"
    assert text[seq.second.start:seq.second.end].strip() == "The union accepted the pay offer"
    assert seq.gap == pytest.approx(14)
    # "following" orders only where it takes an event ("following the vote"), not in "the following day"
    assert sequences("Officials met again the following day.") == ()
    # "after" with no event after it
    assert sequences("The bridge was named after a local poet.") == ()


def test_both_events_found_is_the_claims_topic_at_a_third_of_its_words():
    # the claim's detail ("in a stormy late-night session") leaves the passage under two thirds of its words; both
    # events found and told the other way round still contradict (as two counts of one thing do)
    claim = "The museum director resigned before the city council cut the arts budget in a stormy late-night session."
    found = detect(claim, "The museum director resigned after the council cut the arts budget.")
    assert found.alignment < 0.65  # (the topic's share leaves out the later event's detail: see below)
    assert [m.kind for m in found.hard] == ["order"]
    # a passage on another matter that happens to order two events of other words decides nothing
    other = detect(claim, "The library closed after the council cut the sports budget.")
    assert other.hard == []


def test_before_against_an_after_of_other_events_is_no_opposite():
    # "before" in the claim and "after" in the passage order different events here: no finding at all (a bare
    # before / after pair used to be read as opposite words)
    found = detect("The union accepted the pay offer before the strike vote.",
                   "The union accepted the pay offer on Friday, after talks resumed with the ministry.")
    assert [m.kind for m in found.mismatches] == []


def test_the_gap_tolerance_is_a_setting():
    from verify.settings import EvidenceSettings

    claim = "The bridge opened to traffic a decade after the city council approved its funding."
    assert order(claim, DATED)  # ten years against one: more than three times off
    wide = detect(claim, DATED, settings=EvidenceSettings(sequence_gap_factor=20))
    assert [m for m in wide.mismatches if m.kind == "order"] == []


RATIFIED = ("In May 2031 the Chilean senate ratified the treaty, which the two governments had signed just a month "
            "earlier.")
MET = "The ministers met in Lima in March, and the presidents signed the accord two weeks later."


@pytest.mark.parametrize("claim, passage, start", [
    # a clause's "a month earlier" counts from the clause before it
    ("The two governments signed the treaty a full year before the Chilean senate ratified it.", RATIFIED,
     "time between differs"),
    ("The Chilean senate ratified the treaty before the two governments signed it.", RATIFIED, "order differs"),
    ("The presidents signed the accord two years after the ministers met in Lima.", MET, "time between differs"),
    ("The presidents signed the accord before the ministers met in Lima.", MET, "order differs"),
])
def test_a_gap_that_ends_its_clause_counts_from_the_clause_before(claim, passage, start):
    found = order(claim, passage)
    assert len(found) == 1 and found[0].startswith(start)


@pytest.mark.parametrize("claim, passage", [
    ("The two governments signed the treaty a month before the Chilean senate ratified it.", RATIFIED),
    ("The presidents signed the accord two weeks after the ministers met in Lima.", MET),
])
def test_a_gap_that_ends_its_clause_agrees(claim, passage):
    assert order(claim, passage) == []


BUSES = "The city council approved 40 new buses shortly after Mayor Jane Okafor won her second term."


@pytest.mark.parametrize("passage, kind", [
    ("The city council approved 25 new buses for the network.", "number"),
    ("The city council approved 40 new buses for the network on 3 May.", None),
])
def test_the_event_a_claim_dates_its_own_by_is_no_topic_word(passage, kind):
    # the passage says only the claim's own event: the re-election the claim dates it by is compared as an order,
    # not missed as a topic word, and the differing count is a contradiction (own examples)
    found = detect(BUSES, passage)
    assert [m.kind for m in found.hard] == ([kind] if kind else [])
    assert found.topic_alignment == 1.0 > found.alignment  # it still confirms less than all of the claim


def test_a_passage_on_the_reference_event_alone_is_another_topic():
    found = detect(BUSES, "Mayor Jane Okafor won her second term with 25 percent more votes than in 2019.")
    assert not found.hard
