"""Hostile input to the text stages: time stays linear in the input, and results stay bounded.

Each stage is fed 1x, 10x and 100x the same input; the CPU-time ratios must stay near 10 and
100 (a stage whose cost grows with the square of the input gives 100 and 10,000). These are
ratios within one run, never wall-clock limits.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable

import pytest

from bench.bench_split import synthetic_text
from index.errors import IngestError
from index.ingest.clean import clean_text, html_to_text, markdown_to_text
from index.ingest.read import load_document_bytes
from index.models import Document
from index.split.document import split_document
from index.split.segmenter import MAX_SENTENCE_CHARS, segment

SLACK = 3.0
"""How far above 10 and 100 a ratio may go (timer noise on a shared machine)."""


def _cpu_seconds(run: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` runs, with the garbage collector off while timing.

    Like ``timeit``: a full collection scans every live object of the test process (models,
    indexes of earlier tests), so in a long suite its pauses land at random in the bigger runs
    and read as growth the stage itself does not have (CI once saw a ratio of 362 for a stage
    that measures 100-120 alone).
    """
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def _assert_linear(stage: Callable[[str], object], make: Callable[[int], str]) -> None:
    """Each tenfold step of the input costs about ten times more, not a hundred.

    Steps are compared pairwise (10x against 1x, 100x against 10x) so that the noise of timing
    the small input is not multiplied into the big one.
    """
    stage(make(1))  # warm up (lazy imports, regex compilation)
    one, ten, hundred = make(1), make(10), make(100)

    def ten_ones():  # a fast machine splits the 1x input in under a millisecond: time ten runs of it
        for _ in range(10):
            stage(one)
    times = [_cpu_seconds(ten_ones, repeat=5) / 10, _cpu_seconds(lambda: stage(ten), repeat=3),
             _cpu_seconds(lambda: stage(hundred), repeat=2)]
    assert times[0] * 10 > 0.001, "the 1x input is too small to time"
    ratios = [times[1] / times[0], times[2] / times[1]]
    assert max(ratios) < 10 * SLACK, f"time ratios per tenfold step {ratios[0]:.0f}, {ratios[1]:.0f}"


def _split(text: str) -> list:
    return split_document(Document(source_id="x", path="x.txt", sha256="0", text=text))


_PROSE = " ".join(synthetic_text(400, seed=2).split("\n\n"))[:4000]

STAGES = {
    # one paragraph of news-like prose (abbreviations, numbers, quotes) with no line break
    "split one long paragraph": (_split, lambda k: " ".join([_PROSE] * k)),
    # nothing but punctuation pysbd must read: "a. a. a. ..."
    "split punctuation only": (_split, lambda k: "a. " * 200 * k),
    "split a run with no boundary": (_split, lambda k: "word " * 6000 * k),
    "split a hyphenated dateline-like run": (_split, lambda k: "A-" * 20_000 * k),
    "markdown brackets": (markdown_to_text, lambda k: "[" * 500 * k),
    "markdown emphasis": (markdown_to_text, lambda k: "*a _b " * 300 * k),
    "html nested blocks": (html_to_text, lambda k: ("<div>" * 50 + "<p>Kim met Putin.</p>" + "</div>" * 50) * 20 * k),
    "html unclosed paragraphs": (html_to_text, lambda k: "<p>Kim met <b>Putin</b>." * 500 * k),
    "clean escaped quotes": (clean_text, lambda k: "\\" * 50_000 * k + "x"),
    "jsonl lines": (lambda text: load_document_bytes("feed.jsonl", text.encode("utf-8")),
                    lambda k: "".join(json.dumps({"id": f"d{i}", "text": "Kim met Putin. They talked."}) + "\n"
                                      for i in range(100 * k))),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_time_stays_linear(stage):
    _assert_linear(*STAGES[stage])


@pytest.mark.parametrize("text", ["word " * 5000, "x" * 10_000, "a. " * 3000, "Mr. Kim " * 2000])
def test_no_sentence_is_longer_than_the_limit(text):
    sentences = _split(text)
    assert max(len(s.text) for s in sentences) <= MAX_SENTENCE_CHARS
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")


def test_the_fast_path_agrees_with_pysbd_on_news_like_text():
    from index.split.segmenter import _pysbd_spans

    for paragraph in synthetic_text(2000, seed=3).split("\n\n"):
        assert segment(paragraph) == _pysbd_spans(paragraph, 0), paragraph


_TOKENS = ("Kim", "met", "Putin", "the", "U.S.", "Mr.", "Dr.", "said", "3.5", "1950", "(1950)", "(Yonhap)", "\"We",
           "won,\"", "won.\"", "it.", "Then", "They", "no.", "No.", "a.m.", "Jan.", "etc.", "e.g.", "(a)", "(b)", "1)",
           "2)", "a.", "b.", "--", "'quoted'", "Korea's", "talks?", "Yes!", "St.", "Gen.", "Lee.", "...", "\u2026",
           "\u201cHi.\u201d", "(see", "above.)", "[1]", "I", "In", "The", "Oct.", "12,", "2023.", "N.", "Inc.", "iv.",
           "ii)", "$3.5", "billion.", "U.N.", "2.", "Fig.", "is.", "al.", "Wash.")


def test_the_fast_path_agrees_with_pysbd_on_abbreviation_heavy_text(monkeypatch):
    import random

    import index.split.segmenter as seg

    # with the hostile-input caps lifted, every piece the fast path keeps whole is one pysbd would keep
    monkeypatch.setattr(seg, "_PYSBD_MAX_STOPS", 10**6)
    rng = random.Random(7)
    for _ in range(500):
        paragraph = " ".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 40)))
        assert segment(paragraph) == seg._pysbd_spans(paragraph, 0), paragraph


def test_a_markdown_file_over_the_limit_is_refused_with_its_size_not_parsed():
    from index.ingest.read import MAX_MARKDOWN_BYTES, load_document_bytes

    with pytest.raises(IngestError, match="Markdown file of 1,048,577 bytes; at most 1,048,576"):
        load_document_bytes("brackets.md", b"[" * (MAX_MARKDOWN_BYTES + 1))
    assert load_document_bytes("ok.md", b"# Title\n\n" + b"Text. " * 1000)[0].title == "Title"
