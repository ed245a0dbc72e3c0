"""Whom a bare surname stands for: a passage's "Kim" in a text that writes out only "Kim Jong Un" is Kim Jong Un.

A claim about "Kim Jong Il" is not confirmed (or contradicted) by "Kim later visited a factory" when the
document introduced that Kim as Kim Jong Un a few sentences before: the detectors read the names the passage's
whole document writes (``verify.evidence.names.full_names``) and call such a passage about another person, as
they do when the passage writes him out itself. A document that writes out both, or the claim's own name, leaves
the bare name to the claim. Texts and claims written for these tests (none is from a dev claim).
"""

from __future__ import annotations

import numpy as np
from conftest import tiny_index

from verify import Settings, Verifier
from verify.evidence.detectors import detect
from verify.evidence.names import full_names

PARADE = ("Kim Jong Un opened the parade in Pyongyang on Monday. Thousands of soldiers marched past the stand. "
          "Tanks and rocket launchers followed them. Kim later visited a fertiliser factory in Wonsan.")
BOTH = ("Kim Jong Un unveiled a statue of his father Kim Jong Il in Pyongyang on Monday. Thousands of soldiers "
        "marched past the stand. Tanks and rocket launchers followed them. Kim later visited a fertiliser factory "
        "in Wonsan.")
VISITED = "Kim later visited a fertiliser factory in Wonsan."


def test_full_names_of_a_text():
    assert ("kim", "jong", "un") in full_names(PARADE) and not any("il" in n for n in full_names(PARADE))
    assert ("kim", "jong", "il") in full_names(BOTH) and ("kim", "jong", "un") in full_names(BOTH)


def test_a_bare_surname_is_the_person_its_document_names():
    found = detect("Kim Jong Il visited a fertiliser factory in Wonsan.", VISITED,
                   document_names=full_names(PARADE))
    assert "passage is about 'Kim Jong Un' (so named in its text), not 'Kim Jong Il'" in [m.detail for m in found.mismatches]
    # and is no support: another person of the claim's name (like "Kim Jong Un" written out), not a missing name
    assert [m.kind for m in found.mismatches] == ["namesake"]


def test_the_bare_surname_stays_the_claims_where_the_document_allows_it():
    claim = "Kim Jong Il visited a fertiliser factory in Wonsan."
    for document in (full_names(BOTH), full_names(PARADE.replace("Kim Jong Un", "Kim Jong Il")), ()):
        assert not any(m.kind in ("entity", "namesake")
                       for m in detect(claim, VISITED, document_names=document).mismatches)
    # the person the document does name is the claim's
    found = detect("Kim Jong Un visited a fertiliser factory in Wonsan.", VISITED, document_names=full_names(PARADE))
    assert not found.mismatches


class Agrees:
    def predict(self, pairs):
        return np.tile(np.array([0.9, 0.05, 0.05], dtype=np.float32), (len(pairs), 1))


def test_through_the_api_a_namesake_is_no_support(tmp_path, fake_embedder):
    index_dir = tiny_index(tmp_path, {"parade.txt": f"Parade\n\n{PARADE}\n", "both.txt": f"Statue\n\n{BOTH}\n"},
                           fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=Agrees())
    sources = {s.source_id: s for s in verifier.check("Kim Jong Il visited a fertiliser factory in Wonsan.",
                                                        all_sources=True).sources}
    assert sources["parade"].stance != "supports"
    factory = next(p for p in sources["parade"].passages if p.text == VISITED)
    assert "passage is about 'Kim Jong Un' (so named in its text), not 'Kim Jong Il'" in factory.reasons
    assert sources["both"].stance == "supports"  # there the bare "Kim" may be either


def test_two_names_joined_are_no_namesake():
    # "the Kim-Putin summit" names two people: "Kim Jong Un" is one of them, not another "Kim-Putin"
    for document in ((), full_names(PARADE)):
        found = detect("Diplomats praised the Kim-Putin summit in Wonsan.", VISITED, document_names=document)
        assert not any(m.kind == "namesake" for m in found.mismatches)
        found = detect("Diplomats praised the Kim-Putin summit.", "Kim Jong Un met Putin at a summit.",
                       document_names=document)
        assert not any(m.kind == "namesake" for m in found.mismatches)


def test_a_possessive_ends_the_name():
    """ "Kim's Wonsan visit" is Kim's visit to Wonsan, not a person named "Kim's Wonsan": read as one name, the
    claim's "Kim" became a rival of every "Kim Jong Un" in the corpus and each passage about him was set aside."""
    from verify.evidence.names import NameSet, claim_names

    names = NameSet(frozenset({"kim", "wonsan", "putin", "jong", "un"}))
    assert [n for n, *_ in claim_names("Kim's Wonsan visit ended on Monday.", names)] == ["Kim", "Wonsan", "Monday"]
    assert [n for n, *_ in claim_names("Kim Jong Un’s Wonsan visit ended.", names)] == ["Kim Jong Un", "Wonsan"]
    assert claim_names("O'Neill met Kim.", NameSet(frozenset({"o'neill"})))[0][0] == "O'Neill"
    found = detect("Kim's Wonsan visit included a fertiliser factory.", VISITED, document_names=full_names(PARADE))
    assert not found.mismatches
    # a plural's possessive is inside an institution's name, not the end of a person's
    assert [n for n, *_ in claim_names("A delegation of the Supreme People's Assembly went to Wonsan.", names)] == [
        "Supreme People's Assembly", "Wonsan"]
    # a rival written with a possessive is still a rival
    found = detect("Kim Jong Il's Wonsan visit included a fertiliser factory.", VISITED,
                   document_names=full_names(PARADE))
    assert [m.kind for m in found.mismatches] == ["namesake"]


def test_a_word_of_another_persons_name_is_no_mention():
    # romanised given names share syllables: the "il" of "Im Chon-il" in a neighbouring sentence was read as a
    # mention of "Kim Jong Il", the "son" of "Choe Son-hui" as one of "Ri Son Gwon" (texts written for this test)
    pledged = "North Korea and Russia have pledged to further develop their relations."
    context = f"{pledged} North Korean Vice Foreign Minister Im Chon-il attended a banquet on Thursday."
    found = detect("Kim Jong Il made several trips to Russia.", pledged, context)
    assert "passage does not mention 'Kim Jong Il'" in [m.detail for m in found.mismatches]
    found = detect("Ri Son Gwon visited Moscow in March.", "Choe Son-hui visited Moscow in March.")
    assert "passage does not mention 'Ri Son Gwon'" in [m.detail for m in found.mismatches]
    # the same person spelled another way, or by the surname alone, is still named
    assert not detect("Sergei Shoigu visited Pyongyang in July.",
                      "Russian Defence Minister Sergey Shoigu visited Pyongyang in July.").mismatches
    assert not detect("Kim Jong Un visited Vladivostok.", "Kim visited Vladivostok, the agency said.").mismatches


def test_through_the_api_a_word_of_another_persons_name_weakens_support(tmp_path, fake_embedder):
    docs = {"envoy.txt": "Envoy\n\nChoe Son-hui visited Moscow in March for talks on trade.\n"}
    verifier = Verifier.from_index(tiny_index(tmp_path, docs, fake_embedder), Settings(min_similarity=-1.0),
                                   embedder=fake_embedder, judge=Agrees())
    source = verifier.check("Ri Son Gwon visited Moscow in March for talks on trade.", all_sources=True).sources[0]
    trip = source.passages[0]
    assert "passage does not mention 'Ri Son Gwon'" in [m.detail for m in trip.mismatches]
    assert trip.probabilities.supports < 0.9  # the judge's reading, lowered for the name it lacks



GAZETTE = ("---\npublisher: Harbour Gazette\n---\n# Ferry news\n\n"
           "Governor Ana Lopes opened the new ferry terminal in Vigo on Monday. Crowds lined the quay. A band played. "
           "Lopes promised a second route to Porto by June.\n")
HERALD = GAZETTE.replace("Harbour Gazette", "Vigo Herald")


def test_a_passage_need_not_name_its_own_publisher(tmp_path, fake_embedder):
    # written for this test: a claim that cites the passage's own publisher was shown, on that publisher's own
    # article, as "passage does not mention 'Harbour Gazette'"; another publisher's article still does not name it
    index_dir = tiny_index(tmp_path, {"gazette.md": GAZETTE, "herald.md": HERALD}, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=Agrees())
    report = verifier.check("According to the Harbour Gazette, Ana Lopes promised a second route to Porto by June.",
                            all_sources=True)
    promised = {s.source_id: next(p for p in s.passages if p.text.startswith("Lopes promised")) for s in report.sources}
    assert not promised["gazette"].mismatches
    assert [m.detail for m in promised["herald"].mismatches] == ["passage does not mention 'Harbour Gazette'"]



def test_a_publisher_named_in_lower_case_is_still_its_own(tmp_path, fake_embedder):
    # typed in lower case, "the vigo gazette" is recased from the corpus as "Vigo gazette" (the texts write "Vigo"
    # capitalised, "gazette" nowhere): the name read was "Vigo", which the passage does not mention
    index_dir = tiny_index(tmp_path, {"gazette.md": GAZETTE.replace("Harbour Gazette", "Vigo Gazette")}, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=Agrees())
    source = verifier.check("the vigo gazette says ana lopes promised a second route to porto by june",
                            all_sources=True).sources[0]
    promised = next(p for p in source.passages if p.text.startswith("Lopes promised"))
    assert not [m for m in promised.mismatches if "Vigo" in m.detail]


def test_the_claims_word_for_the_passages_own_publisher_is_no_shared_content():
    # written for this test: the byline "(Daily Herald - April 2, 2020)" of the Daily Herald's own article held a
    # third of "According to the Daily Herald, the council approved the new bridge in March." (its publisher's
    # two words), enough to pass the support gate; who says it is the passage's provenance, not shared content
    from verify.evidence.detectors import detect

    claim = "According to the Daily Herald, the council approved the new bridge in March."
    assert detect(claim, "(Daily Herald - April 2, 2020)", publisher="Daily Herald").alignment == 0
    assert detect(claim, "The council approved the new bridge in March.", publisher="Daily Herald").alignment == 1
    # another publisher's article: the words stay the claim's
    assert 0 < detect(claim, "(Daily Herald - April 2, 2020)", publisher="Harbour Gazette").alignment < 1


def test_a_common_word_of_a_name_is_no_mention_of_it():
    # "state media" names no State Duma; "Putin" (a name word written as a name) mentions Vladimir Putin
    claim = "Russia's State Duma held a session to mark the anniversary of ties with Norway."
    passage = "Russia's state media marked the anniversary of ties with Norway."
    assert "passage does not mention 'State Duma'" in [m.detail for m in detect(claim, passage).mismatches]
    found = detect("Vladimir Putin marked the anniversary of ties with Norway.",
                   "Putin marked the anniversary of ties with Norway.")
    assert not [m for m in found.mismatches if m.kind == "entity"]


def test_a_name_written_whole_in_lower_case_is_mentioned():
    # every word of the claim's name is there: the same phrase, whatever its letter case
    found = detect("The Coronavirus Disease spread to Norway in March.", "The coronavirus disease spread to Norway in March.")
    assert not [m for m in found.mismatches if m.kind == "entity"]
