"""Near-duplicate sources count once (verify/scoring/independence.py), with fakes only."""

from __future__ import annotations

import numpy as np
import pytest

from verify.models import SourceVerdict
from verify.scoring.independence import group_sources, independent_stances, near_duplicate, summary_line

WIRE = "Russian Foreign Minister Sergey Lavrov will visit Pyongyang in October to discuss the summit, officials said."
COPY = "Russian Foreign Minister Sergey Lavrov will visit Pyongyang in October to discuss the summit, sources said."
OTHER = "The ministry denied that Lavrov had any plans to travel to North Korea this autumn."


def source(source_id: str, stance: str, confidence: float = 0.9) -> SourceVerdict:
    return SourceVerdict(source_id=source_id, stance=stance, confidence=confidence)


def test_wire_copies_are_grouped_and_independent_reports_are_not():
    groups = group_sources([("a", WIRE), ("b", OTHER), ("c", COPY), ("d", WIRE.upper())])
    assert groups == [["a", "c", "d"], ["b"]]


def test_grouping_is_transitive_and_keeps_every_source_once():
    a = "one two three four five six seven eight nine ten"
    b = "one two three four five six seven eight nine eleven"
    c = "one two three four five six seven eight twelve eleven"
    groups = group_sources([("a", a), ("b", b), ("c", c), ("x", "completely different words about cooking bread")])
    assert groups == [["a", "b", "c"], ["x"]]  # a~b, b~c, but a and c are further apart


def test_cosine_helps_only_with_some_word_overlap():
    a, b = "Lavrov will visit Pyongyang in October", "In October Lavrov travels to Pyongyang for talks"
    same = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert group_sources([("a", a), ("b", b)]) == [["a"], ["b"]]
    assert group_sources([("a", a), ("b", b)], same) == [["a", "b"]]
    unrelated = "Bake the bread for forty minutes at high heat"
    assert group_sources([("a", a), ("c", unrelated)], same) == [["a"], ["c"]]  # cosine alone is not enough
    with pytest.raises(ValueError, match="2 passages"):
        group_sources([("a", a), ("b", b)], same[:1])


def test_short_passages_never_group():
    assert not near_duplicate(frozenset({"kim", "met"}), frozenset({"kim", "met"}))


def test_a_group_counts_once_in_the_verdict_inputs_with_its_best_confidence():
    sources = [source("a", "supports", 0.9), source("b", "supports", 0.7), source("c", "supports", 0.6),
               source("d", "contradicts", 0.8), source("e", "none", 1.0)]
    stances = independent_stances(sources, [["a", "b", "c"], ["d"]])
    assert sorted(stances) == [("contradicts", 0.8), ("none", 1.0), ("supports", 0.9)]


def test_summary_line_counts_independent_origins():
    sources = [source("a", "supports"), source("b", "supports"), source("c", "supports"), source("f", "supports"),
               source("d", "contradicts"), source("e", "none")]
    assert summary_line(sources, [["a", "b", "c"], ["f"], ["d"]]) == (
        "2 independent sources support (4 in all), 1 contradicts, 1 has nothing relevant")
    assert summary_line(sources, [["a"], ["b"], ["c"], ["f"], ["d"]]) == (
        "4 sources support, 1 contradicts, 1 has nothing relevant")
    assert summary_line(sources[:3], [["a", "b", "c"]]) == "1 independent source supports (3 in all)"
