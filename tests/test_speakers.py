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
