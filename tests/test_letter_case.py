"""A claim typed in lower case (or in capitals, or closed otherwise) gets the report of the claim written as
running text.

Letter case says which words are names ("Kim Jong Il", "North Korea"); typed in a hurry, "kim jong il visited
a factory in wonsan" says nothing of the kind, and the detectors missed every name in it (another person's
passages counted, places went uncompared). A check now writes such a claim once as the corpus writes its
words (``verify.evidence.surface.TrueCase``): a word the corpus capitalises inside a sentence and never writes
in lower case is a name ("Kim", not "leader" of "Supreme Leader"), as is a pair it writes as one name ("North
Korea", though "north of"); a gazetteer place the corpus writes in lower case ("independence") is a word. And
the models read every claim with one final full stop (the judge read "... in Moscow" as less support than
"... in Moscow."): ``verify.inputs.as_statement``.
Stories and claims written for these tests (none is from a dev claim).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FakeEmbedder, tiny_index

from verify import Settings, Verifier
from verify.evidence.surface import TrueCase, quiet, surface

PARADE = ("Kim Jong Un opened the parade in Pyongyang on Monday. Thousands of soldiers marched past the stand. "
          "Tanks and rocket launchers followed them. Kim later visited a fertiliser factory in Wonsan.")
SCHOOL = ("The school in Hamhung was opened on Tuesday by Supreme Leader Kim Jong Un, the state agency said. "
          "The leader of the province thanked him. North Korea marked its independence from Japan in 1945, "
          "and the new school lies north of the city centre.")
FLOOD = ("Floods hit the port of Nampo on Friday, officials in North Korea said. Hundreds of homes were lost. "
         "The regional leader ordered soldiers to the town.")


class Uncased(FakeEmbedder):
    """The fake embedder reading lower case, as the shipped MiniLM does (its vocabulary is uncased)."""

    def embed(self, texts: list[str]) -> np.ndarray:
        return super().embed([t.lower() for t in texts])


class Agrees:
    def predict(self, pairs):
        return np.tile(np.array([0.9, 0.05, 0.05], dtype=np.float32), (len(pairs), 1))


def report(verifier: Verifier, claim: str):
    return {s.source_id: (s.stance, round(s.confidence, 6),
                          sorted((p.text, p.label, tuple(p.reasons)) for p in s.passages))
            for s in verifier.check(claim, all_sources=True).sources}


@pytest.fixture(scope="module")
def verifier(tmp_path_factory):
    root = tmp_path_factory.mktemp("case")
    embedder = Uncased()
    index_dir = tiny_index(root, {"parade.txt": f"Parade\n\n{PARADE}\n", "school.txt": f"School\n\n{SCHOOL}\n",
                                  "flood.txt": f"Flood\n\n{FLOOD}\n"}, embedder)
    return Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=embedder, judge=Agrees())


@pytest.mark.parametrize("claim", [
    "Kim Jong Il visited a fertiliser factory in Wonsan.",
    "The leader of the province opened a school in Hamhung.",
    "North Korea marked its independence from Japan in 1950.",
    "Floods hit the port of Nampo in South Korea.",
])
@pytest.mark.parametrize("typed", [str.lower, str.upper, lambda c: c[0] + c[1:].lower().rstrip("."),
                                   lambda c: c.rstrip("."), lambda c: c.rstrip(".") + "!", lambda c: c.rstrip(".") + " !"])
def test_a_claim_in_lower_case_or_capitals_gets_the_same_report(verifier, claim, typed):
    assert report(verifier, typed(claim)) == report(verifier, claim)


def test_the_lower_case_claim_keeps_what_the_names_decide(verifier):
    # the namesake check needs "Kim Jong Il" read as a name: typed in lower case it was not, and the
    # parade's "Kim later visited a fertiliser factory in Wonsan" supported the claim about his father
    sources = {s.source_id: s for s in verifier.check("kim jong il visited a fertiliser factory in wonsan.",
                                                        all_sources=True).sources}
    assert sources["parade"].stance != "supports"


def mentions_of(texts):
    return lambda words: [t for t in texts if any(w in t.lower() for w in words.split())]


def test_true_case_reads_the_corpus():
    true_case = TrueCase(mentions_of([PARADE, SCHOOL, FLOOD, "Ties with the UN grew."]))
    names = frozenset({"kim", "jong", "un", "supreme", "leader", "north", "korea", "wonsan", "japan", "hamhung"})
    assert true_case("kim jong un met the leader in wonsan.", names) == "Kim Jong Un met the leader in Wonsan."
    assert true_case("north korea lies north of japan", names) == "North Korea lies north of Japan"
    # a gazetteer city whose name the corpus writes as a word stays a word; an acronym is in capitals
    assert true_case("the un marked the independence of the country", names) == \
        "The UN marked the independence of the country"
    # a claim that writes its names is left as it is
    assert true_case("Kim met the Leader.", names) == "Kim met the Leader."


def test_which_claims_say_nothing_by_their_case():
    assert quiet("kim jong il never visited russia.") and quiet("Kim jong il never visited russia")
    assert not quiet("Kim Jong Il never visited Russia.") and not quiet("no names")
    # without a corpus, a lower-case claim still gets its places, months and acronyms
    assert surface("celebrations were held in moscow in october by the dprk.") == \
        "Celebrations were held in Moscow in October by the DPRK"


def test_the_forms_bench_counts_what_differs(verifier):
    # bench/claim_forms.py measures the same thing on a claims file: the forms of a claim the corpus names
    from bench.claim_forms import compare_forms

    found = compare_forms(verifier, ["Kim Jong Il visited a fertiliser factory in Wonsan."])
    assert {name: counts[:2] for name, counts in found.items()} == {name: (0, 0) for name in found}
