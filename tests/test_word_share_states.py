"""A state named by its capital counts in the claim's word share where the passage names the state otherwise (the
passage's own sentence, or the sentences it leans on), so the date of the same event is compared; and a guess is no
statement that a claim's denial is denied by."""

from verify.evidence.detectors import detect


def kinds(claim, passage):
    return [m.kind for m in detect(claim, passage).mismatches]


def test_a_capital_standing_for_its_state_is_held_and_the_year_compared():
    passage = "Japan, then under a new cabinet, forged diplomatic ties with South Korea on June 22, 1965, for the first time."
    assert "date" in kinds("Tokyo and Seoul first established diplomatic relations in 1966.", passage)
    assert "date" not in kinds("Tokyo and Seoul first established diplomatic relations in 1965.", passage)


def test_a_capital_in_a_places_role_is_not_a_state_held():
    passage = "Japan hosted the first trade fair of the region in May 1970, a ministry said."
    found = detect("The first regional trade fair opened in Osaka in 1971.", passage)
    assert "date" not in [m.kind for m in found.mismatches]


def test_a_guess_does_not_contradict_a_denial():
    claim = "Both Cairo and Ankara deny that any arms sales took place between them."
    assert "negation" not in kinds(claim, "Analysts speculated that Egypt and Turkey likely discussed arms sales.")
    assert "negation" in kinds(claim, "Egypt and Turkey completed arms sales between them in March.")
