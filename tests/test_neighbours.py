"""A passage the judge supports only when read with its neighbours is held to what those neighbours say of the
claim's slots (verify/scoring/assemble.py, ``_neighbours_differ``). Texts written for these tests, none from an
evaluation set."""

from __future__ import annotations

import pytest
from conftest import RecordingJudge, tiny_index

from verify import Settings, Verifier

CLAIM = "Last month the presidents of Chile and Peru met in Lima."
LETTERS = "Afterwards the two presidents exchanged letters on the trade treaty."


def _window_supports(premise: str, hypothesis: str) -> list[float]:
    """Support only for a premise that holds both sentences: the letters' sentence read with its neighbour."""
    return [0.9, 0.05, 0.05] if "met in" in premise and "letters" in premise else [0.05, 0.05, 0.9]


def _letters(tmp_path, fake_embedder, where: str):
    text = f"Talks\n\nThe presidents of Chile and Peru met in {where} last month. {LETTERS}\n"
    index = tiny_index(tmp_path, {"talks.txt": text}, fake_embedder)
    verifier = Verifier.from_index(index, Settings(min_similarity=-1.0), embedder=fake_embedder,
                                   judge=RecordingJudge(_window_supports))
    report = verifier.check(CLAIM, all_sources=True)
    return next(p for s in report.sources for p in s.passages if p.text == LETTERS)


@pytest.mark.parametrize("where, label", [("Cusco", "neutral"), ("Peru", "neutral"), ("Lima", "supports")])
def test_a_neighbours_support_stands_only_where_the_neighbour_agrees(tmp_path, fake_embedder, where, label):
    letters = _letters(tmp_path, fake_embedder, where)
    assert letters.label == label
    beside = [m for m in letters.mismatches if m.kind == "neighbour"]
    assert bool(beside) == (label == "neutral")
    if beside:
        assert where in beside[0].detail and any("beside it" in r for r in letters.reasons)
