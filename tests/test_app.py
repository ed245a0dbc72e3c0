"""The Streamlit page, headless (``streamlit.testing.v1.AppTest``), with the real models, offline.

The page reads ``CROSSCHECK_INDEX`` / ``CROSSCHECK_CORPUS`` / ``CROSSCHECK_VERIFIER``; each test
points them at the session's index of ``data/corpus`` (``real_index_dir`` in conftest) or at
an index it builds in a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app
from index.store.claim_index import ClaimIndex
from verify.models import Mismatch, Passage, Probabilities, SourceVerdict, Span
from verify.settings import DEFAULT_VERIFIER

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120  # the models are slow on a shared CPU

# -- fixtures ----------------------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("notes_path")  # never the user's var/notes.sqlite3


@pytest.fixture(scope="module")
def verifier_model() -> Path:
    """The shipped verifier (``models/verifier``), or ``CROSSCHECK_VERIFIER`` when set."""
    return Path(os.environ.get("CROSSCHECK_VERIFIER") or DEFAULT_VERIFIER)


@pytest.fixture
def bundled(real_index_dir) -> tuple[Path, Path]:
    """``(corpus, index)``: ``data/corpus`` and its index (shared by the session: read only)."""
    return ROOT / "data" / "corpus", real_index_dir


def page(monkeypatch, corpus: Path, index: Path, verifier: Path) -> AppTest:
    monkeypatch.setenv("CROSSCHECK_CORPUS", str(corpus))
    monkeypatch.setenv("CROSSCHECK_INDEX", str(index))
    monkeypatch.setenv("CROSSCHECK_VERIFIER", str(verifier))
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def check(at: AppTest, claim: str) -> AppTest:
    at.text_area(key="claim").input(claim)
    return at.button(key="check").click().run()


def cards(at: AppTest) -> list:
    return [block for block in at.main.container if block.proto.flex_container.border]


def all_markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


# -- the page ----------------------------------------------------------------------------------

def test_sidebar_lists_the_sources_of_the_corpus(monkeypatch, bundled, verifier_model):
    corpus, index = bundled
    at = page(monkeypatch, corpus, index, verifier_model)
    assert not at.exception and not at.error
    documents = ClaimIndex.load(index).documents.values()
    sources = [m.value for m in at.sidebar.markdown]
    assert len(sources) == 5
    for doc, entry in zip(documents, sources):  # untitled documents by file name, never a hash id alone
        assert entry.startswith(f"**{app.md(doc.title or Path(doc.path).name)}**")
        assert " sentence" in entry
    assert at.sidebar.caption[0].value.startswith("Checking against the index of ")
    assert "5 sources" in at.sidebar.caption[0].value
    assert app.md(str(verifier_model)) in at.sidebar.caption[-1].value


def test_check_shows_a_verdict_and_a_card_per_source(monkeypatch, bundled, verifier_model):
    corpus, index = bundled
    at = check(page(monkeypatch, corpus, index, verifier_model), "Lavrov plans to visit Pyongyang in October")
    assert not at.exception and not at.error
    verdict = at.markdown[0].value
    assert any(f":{colour}[{words}]" in verdict for colour, words in app.VERDICTS.values())
    assert verdict.endswith("% confidence")
    assert "source" in at.markdown[1].value
    assert len(cards(at)) == 5
    # The sources with nothing relevant are the cards inside the one collapsed expander.
    silent = [e for e in at.main.expander if "with nothing relevant" in e.label]
    stances = [next(e.proto.body for e in c if type(e).__name__ == "Html") for c in cards(at)]
    n_silent = sum("nothing relevant</span>" in s for s in stances)
    assert len(silent) == (1 if n_silent else 0)
    if silent:
        assert silent[0].label.startswith(f"{n_silent} source")
        assert len([b for b in silent[0].container if b.proto.flex_container.border]) == n_silent
    # The sentence that answers the claim is among the passages shown, in body colour with its marks.
    quotes = [e.proto.body for e in at.main if type(e).__name__ == "Html" and e.proto.body.startswith('<div class="cc-quote"')]
    assert any("earlier said he" in q and "in October</mark>" in q for q in quotes)


def test_an_empty_claim_shows_an_error_not_a_traceback(monkeypatch, bundled, verifier_model):
    corpus, index = bundled
    at = check(page(monkeypatch, corpus, index, verifier_model), "   \n ")
    assert not at.exception
    assert len(at.error) == 1 and "empty" in at.error[0].value
    assert not cards(at)


# -- the pure helpers --------------------------------------------------------------------------

def test_md_escapes_every_markup_character():
    assert app.md("<script>alert(1)</script>") == r"\<script\>alert\(1\)\<\/script\>"
    assert app.md("**bold** _it_ `code` [a](b) # $x$ :red[y] | ~z~ \\") == (
        r"\*\*bold\*\* \_it\_ \`code\` \[a\]\(b\) \# \$x\$ \:red\[y\] \| \~z\~ \\")
    assert app.md("one\n\n    two") == "one two"  # no paragraph breaks, no indented code block
    assert app.md("Kim Jong Un") == "Kim Jong Un"


@pytest.mark.parametrize("stances, line", [
    (["supports", "supports", "supports", "contradicts", "none"],
     "3 sources support, 1 contradicts, 1 has nothing relevant"),
    (["none", "contradicts"], "1 source contradicts, 1 has nothing relevant"),
    (["mixed", "mixed", "none", "none"], "2 sources are mixed, 2 have nothing relevant"),
    ([], "the index holds no sources"),
])
def test_summary_line_counts_the_stances(stances, line):
    sources = [SourceVerdict(source_id=f"s{i}", stance=s, confidence=0.9) for i, s in enumerate(stances)]
    assert app.summary_line(sources) == line


def test_highlighted_marks_the_mismatched_words_of_a_passage_as_escaped_html():
    text = "Lavrov will visit in *September*."
    start = text.index("*September*")
    mismatch = Mismatch(kind="date", claim=Span(text="October", start=0, end=7),
                        passage=Span(text="*September*", start=start, end=start + 11),
                        detail="claim says 'October', passage says 'September'")
    stray = mismatch.model_copy(update={"passage": Span(text="elsewhere", start=0, end=9)})  # offsets that do not fit
    passage = Passage(text=text, start=0, end=len(text), label="contradicts",
                      probabilities=Probabilities(supports=0.1, contradicts=0.8, neutral=0.1),
                      similarity=0.8, mismatches=[mismatch, stray])
    fg, bg = app.badge_html.__globals__["colours"]("conflict", "light")
    assert app.highlighted(passage) == (
        f'Lavrov will visit in <mark class="cc-mark cc-conflict" style="color:{fg};background-color:{bg};'
        'padding:0 .15em;border-radius:.2em">*September*</mark>.')
