"""Same-event gate: a date or figure differs meaningfully only for the claim's event and occasion.

Claims are written for these tests against sentences of the sample corpus (data/corpus).
"""

from datetime import date

import pytest

from verify.evidence.analysis import analyse
from verify.evidence.detectors import detect
from verify.evidence.events import event_at, same_event

# sentences of the sample corpus
TREATY = ("The DPRK-Russia Joint Declaration and the DPRK-Russia Moscow Declaration adopted by the leaders of the two "
          "countries and the treaty on friendship, good-neighbourliness and cooperation concluded between the two "
          "countries in February 2000 were important milestones in bolstering up relations of friendship and "
          "cooperation between the two countries.")
FIRST_MEETING = ("Chairman Kim Jong Il met President Putin on a visit to the DPRK for the first time in July 2000 and "
                 "visited the Russian Federation several times to further strengthen DPRK-Russia friendly and "
                 "cooperative relations.")
TIES = ("Russia, then the Soviet Union, forged diplomatic ties with North Korea on Oct. 12, 1948, recognizing the North "
        "as a state for the first time in the world.")


def dates(found):
    return [m for m in found.mismatches if m.kind == "date"]


@pytest.mark.parametrize("passage", [TREATY, FIRST_MEETING])
def test_a_date_of_another_event_does_not_contradict(passage):
    found = detect("North Korea and the Soviet Union established diplomatic relations in 1949.", passage)
    assert not dates(found) and found.same_event is False and found.other_event == 1


def test_a_date_of_the_same_event_in_other_words_contradicts_with_its_reason():
    found = detect("North Korea and the Soviet Union established diplomatic relations in 1949.", TIES)
    [m] = dates(found)
    assert found.same_event is True
    assert m.detail == "date differs for the same event: claim says '1949', passage says 'Oct. 12, 1948'"
    # and the right year agrees, for the same event
    found = detect("North Korea and the Soviet Union established diplomatic relations in 1948.", TIES)
    assert not found.mismatches and found.agreed["date"] == 1 and found.same_event


LAST_VISIT = "Putin last visited Pyongyang in July 2000, the Kremlin said."


@pytest.mark.parametrize("anchor, contradicts", [
    (date(2023, 10, 12), False),  # written before the claimed visit: that visit is simply later
    (None, False),                # when it was written is unknown: nothing can be said
    (date(2025, 1, 10), True),    # written after it: a visit in June 2024 would have been the last one
])
def test_last_occasion_contradicts_only_when_written_after_the_claimed_date(anchor, contradicts):
    found = detect("Putin visited Pyongyang in June 2024.", LAST_VISIT, anchor=anchor)
    assert bool(dates(found)) == contradicts
    assert found.same_event is True
    assert contradicts or found.other_occasion >= 1  # (with the text's date, the 2018 date is set aside too)


def test_first_and_last_in_the_claim_are_checked_against_other_occasions():
    # the claim's "first" is refuted by an earlier occasion, not by a later one
    assert dates(detect("Putin first visited Pyongyang in 2005.", "Putin visited Pyongyang in 2000."))
    assert not dates(detect("Putin first visited Pyongyang in 2000.", "Putin visited Pyongyang in 2005."))
    # the claim's "last" is refuted by a later occasion, not by an earlier one
    assert dates(detect("Putin last visited Pyongyang in 2000.", "Putin visited Pyongyang in June 2024."))
    assert not dates(detect("Putin last visited Pyongyang in 2024.", "Putin visited Pyongyang in 2000."))
    # "first" against "first" is one occasion
    assert dates(detect("Putin first visited the DPRK in 2001.", FIRST_MEETING))


def test_events_that_happen_once_have_one_date():
    # ties are established once: years apart is a contradiction, unlike two visits years apart
    assert dates(detect("North Korea and the Soviet Union established diplomatic relations in 1958.", TIES))
    assert not dates(detect("Kim Jong Il visited the DPRK in 2010.", "Kim Jong Il visited the DPRK in 2000."))


def test_figures_of_another_event_do_not_contradict():
    found = detect("Kim signed 3 agreements in Moscow.", "Kim visited 5 factories in Moscow.")
    assert not [m for m in found.mismatches if m.kind == "number"] and found.same_event is False and found.other_event == 1
    found = detect("Kim signed 3 agreements in Moscow.", "Kim signed 5 agreements in Moscow.")
    assert [m.kind for m in found.mismatches] == ["number"]
    assert found.mismatches[0].detail.startswith("number differs for the same event")


def test_event_words_paraphrased_are_one_event():
    visit = event_at("Kim traveled to Russia's Far East in September.", 34, 46)
    summit = event_at("The two leaders held a summit in Russia last month.", 33, 39)
    assert same_event(visit, summit) is True
    assert same_event(event_at("It rained in 2000.", 13, 17), visit) is None  # no event word: nothing to go by


def test_a_leaning_back_passage_is_never_another_event():
    # "These" may be the messages of the sentence before: its event is named there
    found = detect("The leaders exchanged messages in 2021.", "These were dispatched in commemoration in 2023.")
    assert found.same_event is not False


def test_a_meeting_elsewhere_on_another_date_is_another_meeting():
    found = detect("Putin visited Pyongyang in June 2024.", "Kim and Putin held a summit in Russia in September 2023.")
    assert not found.hard and found.other_occasion == 1
    # the same place: the dates disagree
    found = detect("Putin visited Pyongyang in June 2024.", "Putin visited Pyongyang in September 2023.")
    assert [m.kind for m in found.hard] == ["date"]


def test_a_date_on_the_reporting_verb_dates_the_report_not_the_event():
    found = detect("Putin visited Pyongyang in June 2024.",
                   "The Kremlin said in September 2023 that Putin had accepted an offer to visit Pyongyang.")
    assert not [m for m in found.mismatches if m.kind == "date"] and found.other_event >= 1


def test_who_acts_in_the_claim_must_take_part():
    # Putin's visit is not Kim's trip, though both are visits
    found = detect("Putin visited Vladivostok in 2021.", "Kim visited Vladivostok in 2019.")
    assert not found.hard and found.same_event is False


def test_an_adverb_of_the_report_singles_out_no_occasion():
    # "earlier said" dates the saying; "earlier visit" would single out an occasion
    passage = "Lavrov earlier said he plans to visit Pyongyang in October."
    found = detect("Lavrov plans to visit Pyongyang in December.", passage)
    assert [m.kind for m in found.mismatches] == ["date"] and found.other_occasion == 0
    found = detect("Lavrov visited Pyongyang in December 2023.", "Lavrov's earlier visit to Pyongyang was in October 2023.")
    assert not found.hard and found.other_occasion == 1


def test_a_date_alone_in_a_caption_credit_line_is_not_another_event_for_want_of_the_claims_names():
    from verify.evidence.detectors import detect

    caption = ("Russian President Vladimir Putin (2-R) greets North Korean leader Kim Jong Un (L) during a visit "
               "to the Vostochny cosmodrome outside of the town of Tsiolkovsky, some 180 km north of "
               "Blagoveschensk in Amur region, Russia, 13 September 2023. EFE-EPA FILE/MIKHAIL METZEL /SPUTNIK")
    found = detect("Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome in December.", caption)
    assert [m.kind for m in found.mismatches] == ["date"]


@pytest.mark.parametrize("claim, passage", [
    ("Putin visited Pyongyang in June 2024.", "Putin visited Pyongyang in July 2000, the Kremlin said."),
    ("Macron met Scholz in Berlin in 2023.", "Macron met Scholz in Berlin in 2019, officials said."),
    ("The two leaders exchanged letters in 2021.", "The two leaders exchanged letters in 2015, KCNA reported."),
])
def test_a_reporting_verb_beside_a_recurring_event_leaves_it_recurring(claim, passage):
    # who reported a visit years before the claimed one does not make them one visit
    found = detect(claim, passage)
    assert not dates(found) and found.other_occasion == 1


def test_a_reporting_verb_beside_a_one_off_event_keeps_its_date_compared():
    found = detect("The treaty was signed in 1999.", "The treaty was signed in 2001, the ministry said.")
    assert [m.kind for m in found.hard] == ["date"]


CAPTION = ("Russian President Vladimir Putin (2-R) greets North Korean leader Kim Jong Un (L) during a visit "
           "to the Vostochny cosmodrome outside of the town of Tsiolkovsky, some 180 km north of "
           "Blagoveschensk in Amur region, Russia, 13 September 2023. EFE-EPA FILE/MIKHAIL METZEL /SPUTNIK")


@pytest.mark.parametrize("claim", [
    "Kim Jong Un visited the Russian Federation in April 2019.",
    "Kim Jong Un met Putin in 2019.",
    "Kim Jong Un and Putin exchanged letters in April 2021.",
])
def test_a_date_no_event_claims_years_from_a_recurring_events_date_is_another_occasion(claim):
    # a caption's closing date, years from a visit or a meeting claimed: another occasion, as the date
    # of that very visit would be ("visited in July 2000" / "in June 2024"), not a contradiction
    found = detect(claim, CAPTION)
    assert not dates(found) and found.other_occasion == 1


@pytest.mark.parametrize("claim", [
    "Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome in December.",  # the year unsaid: maybe this one
    "Kim Jong Un met Putin in September 2022.",  # a year apart: read as a slip, not another occasion
    "Putin and Kim Jong Un signed a treaty in 2019.",  # a one-off event
])
def test_a_date_no_event_claims_still_contradicts_one_off_events_and_near_dates(claim):
    assert [m.kind for m in dates(detect(claim, CAPTION))] == ["date"]


@pytest.mark.parametrize("anchor, occasions", [(date(2023, 10, 12), 1), (None, 0), (date(2020, 10, 1), 0)])
def test_a_date_written_without_its_year_takes_the_texts_year(anchor, occasions):
    # "on September 14" in a text of October 2023 is 2023: years from April 2019; in a text of 2020 it is
    # a year from it; in a text without a date its year is unknown
    caption = "This file photo, taken on September 14, shows Kim Jong Un and Vladimir Putin holding talks."
    found = detect("Kim Jong Un visited the Russian Federation in April 2019.", caption, anchor=anchor)
    assert found.other_occasion == occasions and (not dates(found) if occasions else True)


@pytest.mark.parametrize("claim, occasion", [
    ("Kim Jong Un held a summit with Putin during an April 2019 visit to Russia.", True),
    ("Kim Jong Un held his first-ever summit with Putin during an April 2019 visit to Russia.", True),  # a later one
    ("Kim Jong Un held a summit with Putin in Russia in September 2022.", False),  # a year apart: maybe this one
])
def test_a_passage_date_without_its_year_is_another_occasion_years_from_the_claims(claim, occasion):
    # the passage's own event is dated "in September" in a text of October 2023 (written for this test)
    passage = "Kim travelled to Russia's Far East in September for a rare summit with Putin."
    found = detect(claim, passage, anchor=date(2023, 10, 12))
    assert bool(found.other_occasion) == occasion and (not dates(found) if occasion else True)


@pytest.mark.parametrize("month, anchor, year", [(9, date(2023, 10, 12), 2023), (12, date(2024, 1, 5), 2023),
                                                 (None, date(2024, 1, 5), None), (9, None, None)])
def test_implied_year(month, anchor, year):
    from verify.evidence.slots import DateSlot, implied_year

    assert implied_year(DateSlot("", 0, 0, month=month), anchor) == year


CELEBRATIONS = ("North Korea and Russia have pledged to further develop their relations, as they held celebrations "
                "in Pyongyang earlier this week to mark the 75th anniversary of diplomatic ties, the North's state "
                "media reported Friday.")


@pytest.mark.parametrize("claim, anchor, contradicts", [
    # the 70th anniversary of 2018 is another occasion of the celebration, not a wrong 75th
    ("North Korea and Russia celebrated the 70th anniversary of diplomatic relations in 2018.", None, False),
    ("North Korea and Russia celebrated the 70th anniversary of diplomatic relations in 2018.", date(2023, 10, 13),
     False),
    # the same year as the passage's text: one occasion, two ranks
    ("North Korea and Russia celebrated the 70th anniversary of diplomatic relations in 2023.", date(2023, 10, 13),
     True),
    # no year: it may mean the passage's celebration
    ("North Korea and Russia celebrated the 70th anniversary of diplomatic relations.", None, True),
])
def test_an_anniversary_of_another_rank_and_year_is_another_occasion(claim, anchor, contradicts):
    found = detect(claim, CELEBRATIONS, anchor=anchor)
    assert [m.kind for m in found.mismatches if m.kind == "number"] == (["number"] if contradicts else [])
    assert contradicts or found.other_occasion >= 1  # (with the text's date, the 2018 date is set aside too)


def test_anniversaries_of_one_year_with_different_ranks_contradict():
    passage = ("In 2019 the two countries celebrated in splendour the 70th anniversary of the agreement on economic "
               "and cultural cooperation.")
    found = detect("In 2019 the two countries celebrated the 60th anniversary of the agreement on economic and "
                   "cultural cooperation.", passage)
    assert [m.kind for m in found.hard] == ["number"]


def test_years_of_ties_dated_to_another_year_are_another_anniversary():
    # "marked 60 years of ties in 2012" is the 60th anniversary, ten years before the 70th of 2022: both
    # date the ties to 1952, neither contradicts the other; dated to the passage's own year it does
    passage = "Japan and India held celebrations in Tokyo this week to mark the 70th anniversary of diplomatic ties."
    found = detect("In 2012 Japan and India marked 60 years of diplomatic ties.", passage, anchor=date(2022, 4, 28))
    assert not found.hard and found.other_occasion  # nor does it confirm the claim's (a soft "occasion" finding)
    assert {m.kind for m in found.mismatches} == {"occasion"}
    found = detect("In 2022 Japan and India marked 60 years of diplomatic ties.", passage, anchor=date(2022, 4, 28))
    assert [m.kind for m in found.mismatches] == ["number"]
    # a count of years that is no anniversary ("a 20-year treaty") is still compared
    found = detect("In 2001 the two countries signed a 20-year treaty.",
                   "The two countries signed a 10-year treaty in 2021.", anchor=date(2022, 4, 28))
    assert "number" in [m.kind for m in found.mismatches]


def test_a_word_the_clause_window_cuts_is_no_event_word():
    """The clause around a date reaches 100 characters back; a word cut there ("xchanged" of "exchanged") was
    read as an event verb of its own ("verb:xchang") and set the claim's event apart from the passage's."""
    from verify.evidence.text import stem, words

    head = "The leaders have exchanged"
    rest = " warm messages marking the anniversary of their ties and the news agency reported it on Thursday."
    cut = 0
    for pad in range(120):  # move the date so that the window opens at each letter of "exchanged" in turn
        text = head + " " * pad + rest
        start = text.index("Thursday")
        if len("The leaders have ") < start - 100 < len(head):
            cut += 1
            event = event_at(text, start, start + len("Thursday"))
            assert event.words <= {stem(w) for w in words(text)}, event.words
    assert cut == len("exchanged") - 1


def test_a_state_is_one_party_however_it_is_named():
    """News names a state by its capital, its name or its people's adjective ("Tehran", "Iran", "Iranian"). Read
    as different words, "Iranian state television" took no part in what "Tehran's state television" reported,
    and the two dates of the report were never compared. Sentences written for this test."""
    found = detect("Iranian state television reported the attack on the port on a Tuesday.",
                   "Rebels attacked the port near the border, Tehran's state television reported Thursday.")
    assert [m.kind for m in found.mismatches] == ["date"] and found.same_event is True
    # another state is another party
    found = detect("Iraqi state television reported the attack on the port on a Tuesday.",
                   "Rebels attacked the port near the border, Tehran's state television reported Thursday.")
    assert not found.hard


def test_a_declarations_date_is_not_a_treatys():
    """One sentence lists a declaration and a treaty and dates only the treaty: a claim that dates the
    declaration is not contradicted by it (batch h's "Moscow Declaration ... adopted in August 2001" was
    contradicted at 0.95 by February 2000, the treaty's). Sentences written for this test."""
    passage = ("The Lima Declaration adopted by the ministers and the trade treaty concluded between the two states "
               "in May 2004 opened their markets.")
    found = detect("The Lima Declaration was adopted in June 2005.", passage)
    assert not [m for m in found.mismatches if m.kind == "date"] and found.other_event == 1
    found = detect("The trade treaty between the two states was concluded in June 2005.", passage)
    assert [m.kind for m in found.mismatches] == ["date"]


def test_according_to_is_no_accord():
    # written for this test: "According to the ministry" attributes the claim; its "accord" is no agreement, so the
    # summit it dates stays an event that recurs (another year is another occasion)
    claim = analyse("According to the ministry, the summit was held in 2019.", "claim")
    assert claim.date_events[0].kinds == {"encounter"} and claim.date_events[0].repeatable
    assert "agreement" in analyse("The accord was signed in 2019, according to the ministry.", "claim").date_events[0].kinds


def test_an_opposite_said_of_another_occasion_says_nothing_of_the_claims():
    # written for this test: what the passage says of last month's summit neither confirms nor contradicts what the
    # claim says of the 2019 one; of the same summit, the opposite contradicts
    anchor = date(2023, 10, 12)
    for passage in ("Kim was disappointed with the summit last month.", "Kim was disappointed with the summit in 2023."):
        found = detect("Kim was satisfied with the 2019 summit.", passage, anchor=anchor)
        assert "antonym" not in [m.kind for m in found.mismatches] and found.other_occasion == 1, passage
        assert "antonym" in [m.kind for m in found.set_aside]
    found = detect("Kim was satisfied with the 2019 summit.", "Kim was disappointed with the 2019 summit.", anchor=anchor)
    assert [m.kind for m in found.mismatches] == ["antonym"]


def test_a_first_in_the_predicate_marks_the_dated_event():
    # written for this test: "the July 2000 visit was his first-ever trip": the marker lies past the date's window
    # but in its clause, so the visit is the first one, and a later visit (year unknown) is another occasion
    claim = "Putin's July 2000 visit to the North Korean capital was his first-ever trip to North Korea."
    assert analyse(claim, "claim").date_events[0].marker == "first"
    found = detect(claim, "Putin visited North Korea in September for a rare summit with Kim.")
    assert "date" not in [m.kind for m in found.mismatches] and found.other_occasion == 1
    # "first" against "first" is one occasion: the dates disagree
    found = detect(claim, "Putin's June 2003 visit to the North Korean capital was his first-ever trip to North Korea.")
    assert "date" in [m.kind for m in found.mismatches]


def test_an_adverb_is_no_event_word():
    # written for this test: "openly" stems to "open" (an opening); the place belongs to the meeting
    [event] = analyse("The two leaders met openly in Moscow.", "passage").place_events
    assert event.words == {"met"}
    found = detect("The two leaders met secretly in Vladivostok.", "The two leaders met openly in Moscow.")
    assert [(m.kind, m.passage.text) for m in found.hard] == [("place", "Moscow")]
    assert not detect("The two leaders met secretly in Moscow.", "The two leaders met openly in Moscow.").mismatches


@pytest.mark.parametrize("text, word, who", [
    ("Lula invited Sanchez to visit Brazil.", "visit", {"sanchez"}),
    ("Sanchez had accepted Lula's offer to visit Brazil during the summit.", "visit", {"sanchez"}),
    ("The film featured Lula's latest trip to Madrid for talks with Sanchez.", "trip", {"lula"}),
    ("Brazilian President Luiz Inacio Lula paid an official goodwill visit to Madrid.", "visit", {"luiz", "inacio", "lula"}),
    ("The crowd welcomed a visit by Prime Minister Sanchez to Recife.", "visit", {"sanchez"}),
    ("Lula said he travelled to Madrid.", "travelled", {"lula"}),    # "he" stands for who said it
    ("Costa earlier said he plans to visit Lima in May.", "visit", {"costa"}),
    ("Costa wrote that he flew to Lima.", "flew", {"costa"}),            # any verb of saying the judge's reader knows
    ("Costa reported he had returned to Lima.", "returned", {"costa"}),
    ("The talks ended and he travelled to Madrid.", "travelled", set()),  # a "he" no one says: not read
    ("The talks with Sanchez during the visit to Madrid went well.", "visit", set()),
    ("The Madrid visit went well.", "visit", set()),                  # a place, not a traveller
    ("Lula hosted Sanchez and the visit went well.", "visit", set()),  # "and" ends the look back
])
def test_the_traveller_is_the_name_right_before_the_journey(text, word, who):
    at = text.index(word)
    assert set(event_at(text, at + len(word) + 1, at + len(word) + 1, nearest=True).traveller) >= who
    if not who:
        assert not event_at(text, at + len(word) + 1, at + len(word) + 1, nearest=True).traveller


def _places(claim, passage):  # place mismatches found, whether or not a gate then sets them aside
    found = detect(claim, passage)
    return [m.kind for m in found.mismatches + found.set_aside if m.kind == "place"]


def test_a_third_persons_journey_is_another_event():
    # Sanchez takes part in Costa's trip, but it is Costa's
    assert _places("Sanchez travelled to Brazil for talks.",
                   "Costa's trip to Madrid for talks with Sanchez was a success.") == []
    assert _places("Sanchez travelled to Brazil for talks.",
                   "Sanchez's trip to Madrid for talks with Costa was a success.") == ["place"]
    # the counterpart's journey to the claim's meeting is the meeting's place: Lula came to Madrid, so Sanchez did not
    # travel to Brazil for that summit
    assert _places("Last month Sanchez travelled to Brazil for a summit with Lula.",
                   "Lula's visit to Madrid last month for a summit with Sanchez was his first.") == ["place"]


def test_a_journey_offered_is_not_one_made():
    claim = analyse("Lula invited Sanchez to visit Brazil.", role="claim")
    made = analyse("The film featured Lula's latest trip to Madrid for talks with Sanchez.")
    offered = analyse("Sanchez had accepted Lula's offer to visit Spain during the summit.")
    assert claim.place_events[0].proposed and offered.place_events[0].proposed
    assert not made.place_events[0].proposed
    assert same_event(claim.place_events[0], made.place_events[0]) is False
    assert _places(claim.text, made.text) == []  # Lula's trip says nothing of where Sanchez is asked to go
    assert _places(claim.text, offered.text) == ["place"]


def test_an_anniversary_of_another_rank_in_the_claims_year_contradicts():
    claim = "In October 2031 Chile and Peru marked the 50th anniversary of their diplomatic relations."
    found = detect(claim, "Chile, Peru hold celebrations marking 55th anniversary of diplomatic ties",
                   anchor=date(2031, 10, 4))
    assert [m.kind for m in found.mismatches if m.kind == "number"] == ["number"]
    # the year the passage's anniversary implies (1976) dates the ties, not the claim's celebration
    assert found.other_occasion == 0


def test_an_anniversary_dated_to_another_year_is_still_another_occasion():
    claim = "In October 2026 Chile and Peru marked the 50th anniversary of their diplomatic relations."
    found = detect(claim, "Chile, Peru hold celebrations marking 55th anniversary of diplomatic ties",
                   anchor=date(2031, 10, 4))
    assert not [m for m in found.mismatches if m.kind == "number"]


def test_the_first_time_he_had_ever_visited_is_the_first_visit():
    claim = "Macron's trip to Chile in March 2031 was the first time he had ever visited the country."
    earlier = detect(claim, "President Emmanuel Macron made a trip to Chile in May 2027 and visited the country's "
                            "north.")
    assert [m.kind for m in earlier.hard] == ["date"]  # an earlier visit: the 2031 one was not the first
    later = detect(claim, "President Emmanuel Macron made a trip to Chile in May 2033 and visited the country's "
                          "north.")
    assert not later.hard and later.other_occasion == 1  # a later visit is another occasion


def test_a_meeting_planned_is_not_one_held():
    held = "Lula and Sanchez held their summit in Madrid."
    # the trip being prepared is a planned journey: its place says nothing of where the summit was held
    assert _places(held, "Costa said the talks on the Lula-Sanchez summit were part of preparations for Sanchez's "
                         "trip to Lisbon.") == []
    assert _places(held, "Sanchez's trip to Lisbon for the summit with Lula was a success.") == ["place"]
    # two plans are compared
    assert _places("Lula will meet Sanchez in Madrid.", "Lula plans to visit Lisbon to meet Sanchez.") == ["place"]


def test_who_said_he_would_travel_is_the_traveller():
    passage = "Costa earlier said he plans to visit Lima in May to discuss the trade accord with Silva."
    other = detect("Silva plans to visit Lima in May.", passage)
    assert not other.agreed["place"] and not other.agreed["date"]  # Costa's visit confirms nothing of Silva's
    same = detect("Costa plans to visit Lima in May.", passage)
    assert same.agreed["place"] and same.agreed["date"]
