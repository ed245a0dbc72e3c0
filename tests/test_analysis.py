"""Each text analysed once; letter case and a final full stop change nothing; reasons read as reasons."""

import pytest

from verify.evidence import analysis
from verify.evidence.detectors import detect
from verify.evidence.names import known_names
from verify.evidence.surface import surface

# sentences of the sample corpus (000, 001) and names as the verifier knows them (the corpus's)
CELEBRATIONS = ("North Korea and Russia have pledged to further develop their relations, as they held celebrations in "
                "Pyongyang earlier this week to mark the 75th anniversary of diplomatic ties, the North's state media "
                "reported Friday.")
LETTER = ('In the letter, Kim said he was "very satisfied" with the fact that he had "candid and comprehensive" '
          'discussions with Putin for the "multiform development" of the bilateral ties during their latest summit '
          'in Russia, the KCNA said.')
CORPUS_NAMES = known_names([CELEBRATIONS, LETTER, "He met Vladimir Putin and Kim Jong Un in the DPRK."])


def outcome(claim, passage, names):
    found = detect(claim, passage, names=names)
    return ([(m.kind, m.claim.start, m.claim.end, m.passage and m.passage.text, m.detail) for m in found.mismatches],
            found.alignment, found.agreements, found.claim_slots, found.same_event)


@pytest.mark.parametrize("claim, passage", [
    ("Celebrations were held in Moscow", CELEBRATIONS),
    ("Kim said he was disappointed with the talks with Putin", LETTER),
    ("Putin did not exchange letters with Kim in 2019", LETTER),
])
@pytest.mark.parametrize("variant", [
    lambda c: c + ".",
    lambda c: c.upper(),
    lambda c: c.title() + "!",
    lambda c: c.replace("held", "HELD").replace("said", "SAID").replace("not", "NOT"),
])
def test_letter_case_and_final_punctuation_change_nothing(claim, passage, variant):
    written = variant(claim)
    # as the verifier calls it: the corpus's names and the claim's own capitals
    names = CORPUS_NAMES | known_names([written])
    plain = outcome(claim, passage, CORPUS_NAMES | known_names([claim]))
    assert outcome(written, passage, names)[1:] == plain[1:]
    assert [m[:3] + m[4:] for m in outcome(written, passage, names)[0]] == [m[:3] + m[4:] for m in plain[0]]


def test_surface_keeps_offsets_acronyms_and_names():
    assert surface("KIM MET PUTIN IN THE DPRK.", frozenset({"kim", "putin"})) == "Kim met Putin in the DPRK"
    assert surface("Kim was NOT satisfied with NATO") == "Kim was not satisfied with NATO"
    assert surface("Putin Visited Pyongyang In June 2024", frozenset({"putin"})) == "Putin visited Pyongyang in June 2024"


def test_spans_point_into_the_claim_as_written():
    claim = "CELEBRATIONS WERE HELD IN MOSCOW."
    [m] = detect(claim, CELEBRATIONS).mismatches
    assert m.kind == "place" and claim[m.claim.start:m.claim.end] == m.claim.text == "MOSCOW"


def test_a_contradiction_of_meaning_says_why():
    found = detect("Kim said he was disappointed with the talks with Putin.", LETTER)
    [m] = [m for m in found.mismatches if m.kind == "antonym"]
    assert m.detail == "meaning contradicts: claim says 'disappointed', passage says the opposite, 'satisfied'"
    assert m in found.hard


def test_off_topic_opposite_is_set_aside_not_lost():
    found = detect("The talks were a failure.", "The launch of the rocket was a success, officials said.")
    assert not found.hard and [m.kind for m in found.set_aside] == ["antonym"]


def test_each_text_is_parsed_once(monkeypatch):
    analysis.clear_cache()
    calls = []
    real = analysis.find_dates
    monkeypatch.setattr(analysis, "find_dates", lambda text, *a, **kw: calls.append(text) or real(text, *a, **kw))
    claims = ["Celebrations were held in Moscow.", "Celebrations were held in Pyongyang.", "Ties date from 1948."]
    for claim in claims:
        detect(claim, CELEBRATIONS, names=CORPUS_NAMES)
    assert calls.count(CELEBRATIONS) == 1  # the passage: once for three claims
    for claim in claims:
        detect(claim, LETTER, names=CORPUS_NAMES)
    assert calls.count("Celebrations were held in Moscow") == 1  # the claim: once for two passages


def test_a_name_set_joined_with_a_claims_names_is_the_union_and_shares_the_corpus_set():
    from verify.evidence.names import NameSet

    corpus = frozenset({"putin", "pyongyang", "kim"})
    names = NameSet(corpus)
    joined = names | known_names(["Lavrov met Kim in Moscow."])
    union = corpus | known_names(["Lavrov met Kim in Moscow."])
    assert joined == union and len(joined) == len(union) and set(joined) == union
    assert joined._base is corpus  # the corpus's set is not copied
    assert all((w in joined) == (w in union) for w in ("kim", "moscow", "lavrov", "seoul"))
    assert frozenset({"seoul"}) | joined == union | {"seoul"}
    assert joined - {"kim"} == union - {"kim"} and (joined - {"kim"})._base is corpus
    # the detectors read a NameSet as they read the frozenset
    claim = "Kim met Lavrov in Moscow."
    passage = "Kim and Lavrov met in Pyongyang on Monday."
    assert detect(claim, passage, names=joined) == detect(claim, passage, names=union)
    shouted = "KIM MET LAVROV IN SEOUL."  # the detectors take the claim's own capitals out of the names
    assert detect(shouted, passage, names=joined) == detect(shouted, passage, names=union)


def test_a_name_set_with_words_taken_out_and_put_back_is_the_frozensets_difference_and_union():
    """``(names - claim's) | passage's``, as a claim in capitals reads each passage: the same set as
    with frozensets, without copying the corpus's names."""
    import random

    from verify.evidence.names import NameSet

    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    for _ in range(500):
        corpus = frozenset(rng.sample(vocabulary, rng.randint(0, 30)))
        named, plain = NameSet(corpus), corpus
        for _ in range(rng.randint(1, 4)):
            words = frozenset(rng.sample(vocabulary, rng.randint(0, 8)))
            if rng.random() < 0.5:
                named, plain = named - words, plain - words
            else:
                named, plain = named | words, plain | words
            assert named == plain and len(named) == len(plain) and sorted(named) == sorted(plain)
            assert all((w in named) == (w in plain) for w in vocabulary + ["other"])
            assert named._base is corpus


def test_bounds_and_ranges_are_found_where_the_whole_text_search_found_them():
    """The bound and range patterns end in ``\\s*$``; they are tried only where they can match
    (``quantities._ends_with``), not at every character before each number: same findings."""
    import itertools

    from tests.test_quantities_range import RANGE_BEFORE
    from verify.evidence import quantities as q

    def oracle(text: str, found: q.Quantity) -> tuple:  # the whole-prefix search the module used before
        bm = q._BOUND.search(text[:found.start])
        bound_start = bm.start(1) if bm else found.start
        in_range = bool(RANGE_BEFORE.search(text[:found.start]) or q._RANGE_AFTER.match(text, found.end)
                        or q._BETWEEN.search(text[:bound_start]))
        bound = q._BOUND_KIND.get(" ".join(bm.group(1).lower().split()), "approx") if bm else None
        return bound, bound_start, in_range

    heads = ["", "handsome ", "between  5  and\t", "more than\n ", "Up To ", "roughly    ", "7 -", "9 to", "2016-",
             "BETWEEN 3 AND ", "at least\u00a0", "It rose by over ", ". The ", "between\n", "between about "]
    tails = ["12 deaths", "40% of them", "1,000.5 units", "17 season", "3 million dollars"]
    seen = set()
    for head, tail, joiner in itertools.product(heads, tails, ["", " ", "; about "]):
        text = q.fold(head + joiner + tail)
        for found in q.find_quantities(text):
            expected = oracle(text, found)
            assert (found.bound, found.bound_start, found.in_range) == expected, text
            seen.add((expected[0], expected[2]))
    assert {(None, False), (None, True), ("min", False), ("max", False), ("approx", False), ("approx", True)} <= seen


def test_a_capitalised_event_word_after_a_full_stop_and_spaces_opens_a_sentence():
    from verify.evidence.events import event_at

    text = "Talks ended.   Visited Moscow in 2019."
    at = text.index("2019")
    assert "visit" in event_at(text, at, at + 4).words  # an event word, not a name
    assert "visit" not in event_at("Talks ended,   Visited Moscow in 2019.", at, at + 4).words
