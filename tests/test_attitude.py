"""A claim that reports a stance: what someone hoped, wished, vowed or warned of, or what they accused others of.

Such a claim does not state the event as fact, so the passage's "will" inside the reported hope, or its
"alleged" for the accusation, does not overstate it; and the one who holds the stance is part of what the
claim says, so a passage that names them as the speaker mentions them. Claims written for these tests (none
is a dev claim), in several domains; the controls keep the plan and allegation findings where the claim
states the event itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_index

from verify import Settings, Verifier
from verify.evidence.analysis import analyse
from verify.evidence.detectors import detect


def kinds(claim, passage):
    return [m.kind for m in detect(claim, passage).mismatches]


@pytest.mark.parametrize("claim, passage", [
    # an accusation reported by the claim and alleged in the passage
    ("The regulator accused the bank of hiding its losses.",
     "The regulator alleged that the bank had hidden its losses from investors."),
    ("Washington accused Tehran of supplying drones to Moscow.",
     "Washington has alleged that Tehran supplied drones to Moscow for the war."),
    ("The union said the company had broken the agreement.",
     "The union alleged that the company had broken the agreement twice."),
    # a hope, wish, vow or warning whose content the passage puts in the future
    ("The coach wished the team success in the final.",
     "The coach said he hoped the team will have success in the final."),
    ("The mayor vowed to rebuild the bridge.",
     "The mayor said the city will rebuild the bridge by spring."),
    ("Scientists warned that the glacier would collapse.",
     "Scientists say the glacier will collapse within decades."),
    ("The minister expected inflation to fall next year.",
     "The minister said inflation will fall next year."),
])
def test_a_reported_stance_is_not_overstated(claim, passage):
    assert "modality" not in kinds(claim, passage)


@pytest.mark.parametrize("claim, passage", [
    # the claim states the event as fact: the allegation and the plan still say less
    ("The bank hid its losses.", "The regulator alleged that the bank had hidden its losses from investors."),
    ("Tehran supplied drones to Moscow.", "Washington has alleged that Tehran supplied drones to Moscow."),
    ("The city rebuilt the bridge.", "The mayor said the city plans to rebuild the bridge by spring."),
    # a report of a past event does not cover a plan ("said he visited" / "said he plans to visit")
    ("The envoy said he visited Havana in May.", "The envoy said he plans to visit Havana in May."),
])
def test_a_stated_event_still_needs_more_than_a_plan_or_an_allegation(claim, passage):
    assert "modality" in kinds(claim, passage)


def test_the_stance_holder_named_as_speaker_is_mentioned():
    # "Kim said he hoped ..." gives the hope to Kim: for a claim about Kim's wish, Kim is in the passage
    passage = ("Referring to the war, Kim said he hoped that the Russian people would emerge victorious in "
               "their struggle against imperialist hegemony.")
    assert "entity" not in kinds("Kim wished Russia victory in its struggle against imperialist hegemony.", passage)
    # a claim about the event itself is still read against what was said, not who reported it
    assert "entity" in kinds("Kim and Putin met in Moscow.", "Kim and Putin had met in Vostochny, according to Moscow.")


@pytest.mark.parametrize("text, modal, reporting", [
    ("The coach wished the team success.", True, True),
    ("She hoped that prices would fall.", True, True),
    ("Protesters urged the council to resign.", True, True),
    ("The ministry accused the firm of fraud.", False, True),
    ("The firm committed fraud.", False, False),
    ("The team won the final.", False, False),
])
def test_the_claims_analysis_says_which_claims_report_a_stance(text, modal, reporting):
    a = analyse(text, "claim")
    assert (a.modal, a.reporting) == (modal, reporting)


class Agrees:
    def predict(self, pairs):
        return np.tile(np.array([0.9, 0.05, 0.05], dtype=np.float32), (len(pairs), 1))


def test_an_alleged_accusation_supports_the_claim_of_it(tmp_path, fake_embedder):
    text = "Sanctions\n\nThe regulator alleged that the bank had hidden its losses from investors for years.\n"
    index_dir = tiny_index(tmp_path, {"bank.txt": text}, fake_embedder)
    verifier = Verifier.from_index(index_dir, Settings(min_similarity=-1.0), embedder=fake_embedder, judge=Agrees())
    [source] = verifier.check("The regulator accused the bank of hiding its losses.", all_sources=True).sources
    assert source.stance == "supports"
    [source] = verifier.check("The bank hid its losses from investors.", all_sources=True).sources
    assert source.stance != "supports"
    passage = next(p for p in source.passages if "alleged" in p.text)
    assert "passage only says 'alleged' of what the claim states as fact" in passage.reasons
