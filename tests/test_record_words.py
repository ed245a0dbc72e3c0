"""A record claim in other words: "the sole crossing" is "the only crossing" (issue 10; two batches of 2026-11-28, t and
u, wrote "the sole border crossing" for the article's "the only border crossing")."""

import pytest

from verify.evidence.detectors import detect


@pytest.mark.parametrize("passage", [
    "Satellite images showed more trucks at the only border crossing between the two countries.",
    "Satellite images showed more trucks at the lone border crossing between the two countries.",
])
def test_the_sole_and_the_only_are_one_claim(passage):
    claim = "Satellite images showed more trucks at the sole border crossing between the two countries."
    assert "first_only" not in [m.kind for m in detect(claim, passage).mismatches]
    assert "first_only" in [m.kind for m in detect(claim, "Satellite images showed more trucks at a border crossing "
                                                          "between the two countries.").mismatches]
