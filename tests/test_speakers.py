"""Who said it (verify/evidence/speakers.py): the claim's words given to another speaker in the passage
cannot confirm the claim. Claims written for these tests (none is a dev claim); passages from the sample
corpus or written alike."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_index

from verify import Settings, Verifier
from verify.evidence.detectors import detect

RIVALS = ("In the previous month, Kim initiated undisclosed measures to further enhance the relationship with Russia "
          "after his recent visit, despite warnings from foreign rivals that any cooperation in the realm of military "
          "weaponry could lead to adverse consequences.")
PUTIN = ("In his message to Kim, Putin said the summit proved that the bilateral relations are continuing to "
         "positively develop in all aspects.")


def speakers(claim, passage):
    return [m.detail for m in detect(claim, passage).mismatches if m.kind == "speaker"]


@pytest.mark.parametrize("claim, passage, who", [
    ("Kim warned that military cooperation could lead to adverse consequences.", RIVALS, "foreign rivals"),
    ("Kim said the summit proved that relations continue to develop positively.", PUTIN, "Putin"),
    ("Choe said Lavrov plans to visit Pyongyang in October.",
     "The Kremlin said Lavrov plans to visit Pyongyang in October.", "The Kremlin"),
])
def test_the_claims_words_from_another_speaker_are_named(claim, passage, who):
    [detail] = speakers(claim, passage)
    assert detail.startswith(f"passage gives these words to {who!r}, not to")


@pytest.mark.parametrize("claim, passage", [
    # the claim's speaker says them (in other words, with a first name, after "earlier")
    ("Putin said the summit proved that relations continue to develop positively.", PUTIN),
    ("Vladimir Putin said the summit proved that relations continue to develop positively.", PUTIN),
    ("Lavrov said he plans to visit Pyongyang in October.",
     "Lavrov earlier said he plans to visit Pyongyang in October to discuss follow-up measures."),
    # who says it may be the claim's speaker: a role, a pronoun
    ("Kim said the summit proved that relations continue to develop positively.",
     "The North's leader said the summit proved that the bilateral relations continue to positively develop."),
    ("Kim said the summit proved that relations continue to develop positively.",
     "He said the summit proved that the bilateral relations continue to positively develop."),
    # the claim names no speaker, or the passage does not give these words to anyone
    ("Foreign rivals warned that military cooperation could lead to adverse consequences.", RIVALS),
    ("Military cooperation could lead to adverse consequences.", RIVALS),
    ("Kim said the summit was a success.", PUTIN),
])
def test_no_speaker_finding_when_it_may_be_the_claims_speaker(claim, passage):
    assert speakers(claim, passage) == []


class Agrees:
    def predict(self, pairs):
        return np.tile(np.array([0.9, 0.05, 0.05], dtype=np.float32), (len(pairs), 1))


def test_a_misattributed_warning_is_no_support_and_says_why(tmp_path, fake_embedder):
    index_dir = tiny_index(tmp_path, {"ties.txt": f"Ties\n\n{RIVALS}\n"}, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=Agrees())
    report = verifier.check("Kim warned that military cooperation could lead to adverse consequences.",
                            all_sources=True)
    [source] = report.sources
    assert source.stance != "supports"
    rivals = next(p for p in source.passages if "foreign rivals" in p.text)
    assert "passage gives these words to 'foreign rivals', not to 'Kim'" in rivals.reasons


def roles(claim, passage):
    found = detect(claim, passage)
    return [m.detail for m in found.mismatches if m.kind == "role"], [m.kind for m in found.mismatches]


@pytest.mark.parametrize("claim, passage, detail", [
    # a cleft or "X, not Y," says the others did not: the passage that gives the act to another contradicts it
    ("It was Sweden, not Norway, that proposed the fisheries accord.",
     "At the Oslo meeting, Norway proposed the fisheries accord to its neighbours.",
     "passage gives this to 'Norway'; the claim rules out 'Norway'"),
    ("Merkel, not Macron, opened the summit in Brussels.", "Macron opened the summit in Brussels on Monday.",
     "passage gives this to 'Macron'; the claim rules out 'Macron'"),
    ("At the Brussels summit, it was Macron who called for a common defence budget.",
     "Chancellor Merkel called for a common defence budget in her opening speech.",
     "passage gives this to 'Chancellor Merkel', not to 'Macron'"),
    # done by both is done by the one the claim rules out
    ("It was Merkel, not Macron, who signed the declaration on energy prices.",
     "Merkel and Macron signed the declaration on energy prices on Tuesday.",
     "passage gives this to 'Merkel and Macron'; the claim rules out 'Macron'"),
])
def test_an_exclusive_doers_act_given_to_another_is_a_role_mismatch(claim, passage, detail):
    details, _ = roles(claim, passage)
    assert details == [detail]


@pytest.mark.parametrize("claim, passage", [
    # the claim's doer did it: the one it rules out may be named in another role, not as a negation
    ("It was Norway, not Sweden, that proposed the fisheries accord.",
     "At the Oslo meeting, Norway proposed the fisheries accord to Sweden."),
    ("It was Merkel, not Macron, who opened the summit in Brussels.",
     "Merkel opened the summit in Brussels with a tribute to Macron."),
    # a pronoun or a role may be the claim's doer; the passage's act is another; the claim is not exclusive
    ("It was Macron who opened the summit in Brussels.", "He opened the summit in Brussels on Monday."),
    ("It was Macron who opened the summit in Brussels.", "Merkel spoke at a dinner in Brussels on Monday."),
    ("Macron opened the summit in Brussels.", "Merkel opened the summit in Brussels on Monday."),
    ("It was in 2019 that Macron opened the summit in Brussels.", "Merkel opened the summit in Brussels in 2019."),
])
def test_no_role_mismatch_when_the_passage_may_give_the_act_to_the_claims_doer(claim, passage):
    details, kinds = roles(claim, passage)
    assert details == [] and "negation" not in kinds


def test_an_act_given_to_the_ruled_out_doer_contradicts_the_claim_and_says_why(tmp_path, fake_embedder):
    text = "Summit\n\nAt the Oslo meeting, Norway proposed the fisheries accord to its neighbours.\n"
    index_dir = tiny_index(tmp_path, {"oslo.txt": text}, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=Agrees())
    report = verifier.check("It was Sweden, not Norway, that proposed the fisheries accord.", all_sources=True)
    [source] = report.sources
    assert source.stance == "contradicts"
    assert "passage gives this to 'Norway'; the claim rules out 'Norway'" in source.passages[0].reasons
