"""The workbench views of the page, headless (``AppTest``) with the real models, offline.

Statement view (cards, highlights, paragraph), draft mode, corpus management, exports and
the reviewer's notes. The browser test (``test_browser.py``) drives the same page in Chromium.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

import app
from index.build import build_index
from index.store import ClaimIndex
from verify.models import Report
from verify.settings import DEFAULT_VERIFIER
from verify.workbench.draft import CheckedDraft
from verify.workbench.export import reports_csv, reports_json
from verify.workbench.notes import NotesStore, claim_key

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180  # the models are slow on a shared CPU
YONHAP = "000_0e7c1c881fb697f2"
DECEMBER = "Lavrov plans to visit Pyongyang in December"
BRIDGES = (
    "Bridges for Seoul\n\n"
    "Officials in Seoul said on Monday that a **bold** plan to build 40 bridges was approved in October. "
    "The <script>alert(1)</script> tag was found in a [link](http://x).\n\n"
    "The ministry added that the bridges would open in 2026.\n"
)
DRAFT = (
    "Russian diplomacy\n\n"
    "Lavrov plans to visit Pyongyang in December, the ministry said. Is that really so?\n"
    "I think this is wonderful news.\n"
    "North Korea and Russia marked the 75th anniversary of their diplomatic ties.\n"
)


pytestmark = pytest.mark.usefixtures("notes_path")  # never the user's var/notes.sqlite3


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """``key -> (file name, mime, data)`` of every download button the page offers."""
    offered: dict = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, mime=None, key=None, **kwargs):
        offered[key] = (file_name, mime, data)
        return original(self, label, data, file_name=file_name, mime=mime, key=key, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return offered


def page(monkeypatch, corpus: Path, index: Path) -> AppTest:
    monkeypatch.setenv("CROSSCHECK_CORPUS", str(corpus))
    monkeypatch.setenv("CROSSCHECK_INDEX", str(index))
    monkeypatch.setenv("CROSSCHECK_VERIFIER", os.environ.get("CROSSCHECK_VERIFIER") or str(DEFAULT_VERIFIER))
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def check(at: AppTest, claim: str) -> AppTest:
    at.text_area(key="claim").input(claim)
    return at.button(key="check").click().run()


def bridges_corpus(root: Path, embedder) -> tuple[Path, Path]:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "bridges.txt").write_text(BRIDGES, encoding="utf-8")
    build_index(corpus, root / "index", embedder)
    return corpus, root / "index"


def in_block(block, kind: str) -> list[str]:
    return [element.value for element in getattr(block, kind)]


def cards(block) -> list:
    return [b for b in block.container if b.proto.flex_container.border]


# -- statement view --------------------------------------------------------------------------

def test_statement_view_shows_highlights_source_details_paragraph_and_exports(
        monkeypatch, real_index_dir, downloads):
    at = check(page(monkeypatch, ROOT / "data" / "corpus", real_index_dir), DECEMBER)
    assert not at.exception and not at.error
    view = at.get_by_key("statement_view")
    yonhap = next(c for c in cards(view) if app.md(YONHAP) in c.markdown[0].value)
    assert "Yonhap News Agency" in yonhap.markdown[0].value and ":red-badge[contradicts]" in yonhap.markdown[0].value
    assert len(cards(view)) == 5
    dated = [c.markdown[0].value for c in cards(view) if "Pyongyang Times" in c.markdown[0].value]
    assert dated and "2020\\-04\\-24" in dated[0]
    # supporting words green and conflicting words orange, in the passage and in the statement
    best = yonhap.markdown[1].value
    assert best.startswith("> :green-background[Lavrov] earlier said he :green-background[plans to visit Pyongyang] "
                           ":orange-background[in October]")
    assert ("Statement: :green-background[Lavrov plans to visit Pyongyang] :orange-background[in December]"
            in in_block(yonhap, "caption"))
    # the surrounding paragraph, the passage marked in it
    paragraph = next(e for e in yonhap.expander if e.label == "Surrounding paragraph")
    assert ":blue-background[Lavrov earlier said he plans to visit Pyongyang in October" in paragraph.markdown[0].value
    assert "Choe called for close cooperation" in paragraph.markdown[0].value
    # exports of this statement: the JSON contract, CSV, memo and ClaimReview
    report = at.session_state["report"]
    assert set(downloads) == {f"export_statement_{ext}" for ext in ("json", "csv", "md", "jsonld")}
    name, mime, data = downloads["export_statement_json"]
    assert name.endswith(".json") and mime == "application/json" and data == reports_json([report])
    assert json.loads(data)[0]["claim"] == DECEMBER
    assert downloads["export_statement_csv"][2] == reports_csv([report], {})
    assert "## 1. Lavrov plans to visit Pyongyang in December" in downloads["export_statement_md"][2]
    review = json.loads(downloads["export_statement_jsonld"][2])[0]
    assert review["reviewRating"]["alternateName"] == "Unreviewed draft: contradicted (automatic)"
    assert "ratingValue" not in review["reviewRating"]


def test_editing_the_statement_hides_the_old_report(monkeypatch, tmp_path, real_embedder):
    corpus, index = bridges_corpus(tmp_path, real_embedder)
    at = check(page(monkeypatch, corpus, index), "A bold plan to build 40 bridges was approved.")
    assert cards(at.main)
    at.text_area(key="claim").input("Something else entirely.").run()
    assert not cards(at.main) and not at.download_button


# -- draft mode ------------------------------------------------------------------------------

def test_draft_mode_checks_the_check_worthy_sentences_and_annotates_the_draft(monkeypatch, real_index_dir, downloads):
    at = page(monkeypatch, ROOT / "data" / "corpus", real_index_dir)
    at.text_area(key="draft_text").input(DRAFT)
    at = at.button(key="check_draft").click().run()
    assert not at.exception and not at.error
    draft: CheckedDraft = at.session_state["draft"]
    checked = draft.by_number()
    assert [s.text for s in draft.sentences if s.worthy] == [
        "Lavrov plans to visit Pyongyang in December, the ministry said.",
        "North Korea and Russia marked the 75th anniversary of their diplomatic ties."]
    assert [s.skipped for s in draft.sentences] == ["too short", None, "a question", "an opinion", None]
    # the draft, annotated inline by verdict, escaped; skipped sentences in grey
    annotated = in_block(at.get_by_key("annotated_draft"), "markdown")
    assert len(annotated) == 4  # one line per paragraph
    text = "\n".join(annotated)
    for number, report in checked.items():
        colour = app.VERDICTS[report.verdict][0]
        sentence = next(s.text for s in draft.sentences if s.number == number)
        assert f":{colour}-background[{app.md(sentence)}] :{colour}-badge[{number}]" in text
    assert ":gray[Is that really so\\?]" in text
    # pick a sentence to see its evidence
    pick = at.selectbox(key="draft_pick")
    texts = {s.number: s.text for s in draft.sentences}
    assert pick.options == [f"{n}. {app.short(texts[n], 70)} — {app.VERDICTS[r.verdict][1]}" for n, r in checked.items()]
    # an attributed sentence is checked for what it reports, and the page says so
    assert checked[2].claim == "Lavrov plans to visit Pyongyang in December."
    assert "Checked as what it reports: Lavrov plans to visit Pyongyang in December\\." in [c.value for c in at.caption]
    at = pick.set_value(5).run()
    verdict_lines = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert verdict_lines[-1].startswith(f"### :{app.VERDICTS[checked[5].verdict][0]}[")
    assert len(cards(at.get_by_key("draft_view"))) == 5
    # the draft's exports hold every checked sentence
    data = json.loads(downloads["export_draft_json"][2])
    assert [r["claim"] for r in data] == [r.claim for r in checked.values()]
    appearance = json.loads(downloads["export_draft_jsonld"][2])[0]["itemReviewed"]["appearance"]
    assert appearance == [{"@type": "CreativeWork", "name": "Pasted draft"}]


def test_a_draft_can_be_uploaded_as_docx_and_a_broken_one_is_refused(monkeypatch, tmp_path, real_embedder):
    import docx

    corpus, index = bridges_corpus(tmp_path, real_embedder)
    document = docx.Document()
    document.add_paragraph("Budget notes")
    document.add_paragraph("Officials approved a plan to build 40 bridges in October.")
    buffer = io.BytesIO()
    document.save(buffer)
    at = page(monkeypatch, corpus, index)
    at.file_uploader(key="draft_file").set_value(("notes.docx", buffer.getvalue(), "application/octet-stream"))
    at = at.button(key="check_draft").click().run()
    assert not at.exception and not at.error
    assert at.session_state["draft"].name == "notes.docx"
    assert any(m.value.startswith("**notes\\.docx**: 2 sentences, 1 checked") for m in at.markdown)

    at.file_uploader(key="draft_file").set_value(("broken.docx", b"not a zip", "application/octet-stream"))
    at = at.button(key="check_draft").click().run()
    assert not at.exception
    assert len(at.error) == 1 and app.md("not a Word .docx file") in at.error[0].value
    assert "draft" not in at.session_state


# -- corpus management -----------------------------------------------------------------------

def corpus_table(at: AppTest) -> list[tuple[str, str]]:
    frame = at.get_by_key("corpus_view").dataframe[0].value
    return list(zip(frame["file"], frame["status"]))


def add(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader = next(u for u in at.file_uploader if u.key.startswith("corpus_upload_"))
    at = uploader.set_value([(name, data, "text/plain") for name, data in files]).run()  # as a browser upload does
    return at.button(key="corpus_add").click().run()


def test_corpus_management_adds_lists_rebuilds_and_removes(monkeypatch, tmp_path, real_embedder):
    corpus, index = bridges_corpus(tmp_path, real_embedder)
    (tmp_path / "outside.txt").write_text("Not part of the corpus.\n")
    at = page(monkeypatch, corpus, index)
    assert not at.exception and not at.error
    assert corpus_table(at) == [("bridges.txt", "indexed")]

    story = b"Harbour news\n\nThe harbour at Busan handled 3 million containers in 2023, officials said.\n"
    # (the uploader itself refuses other extensions: Streamlit checks its ``type`` list on the server too)
    at = add(at, ("../../harbour news.txt", story), ("feed.jsonl", b'{"id": "x"}\n'),
             ("bridges.txt", b"Replacement text that must not land.\n"))
    assert not at.exception
    assert (corpus / "harbour news.txt").read_bytes() == story
    assert (corpus / "bridges.txt").read_text(encoding="utf-8") == BRIDGES  # never overwritten silently
    assert sorted(p.name for p in corpus.iterdir()) == ["bridges.txt", "harbour news.txt"]
    assert [s.value for s in at.success] == [app.md("Added harbour news.txt (1 document)")]
    errors = [e.value for e in at.error]
    assert any(app.md("feed.jsonl line 1: missing 'text'") in e for e in errors)
    assert any(app.md("bridges.txt is already in the corpus") in e for e in errors)
    assert any("stale" in e for e in errors)  # the index no longer matches the corpus
    assert ("harbour news.txt", "new") in corpus_table(at)
    assert not at.sidebar.markdown  # nothing is checked against a stale index

    at = at.button(key="corpus_rebuild").click().run()
    assert not at.exception and not at.error
    assert corpus_table(at) == [("bridges.txt", "indexed"), ("harbour news.txt", "indexed")]
    assert len(at.sidebar.markdown) == 2
    assert {d.path for d in ClaimIndex.load(index).documents.values()} == {"bridges.txt", "harbour news.txt"}

    at = at.selectbox(key="corpus_remove_pick").set_value("harbour news.txt").run()
    at = at.button(key="corpus_remove").click().run()
    assert (corpus / "harbour news.txt").exists()  # not before the confirmation
    assert any("Delete **harbour news\\.txt**" in w.value for w in at.warning)
    at = at.button(key="corpus_remove_yes").click().run()
    assert not (corpus / "harbour news.txt").exists()
    assert (tmp_path / "outside.txt").exists()
    assert [s.value for s in at.success] == ["Removed harbour news\\.txt"]
    assert ("harbour news.txt", "removed") in corpus_table(at)


def test_an_oversized_upload_gets_a_clear_message(monkeypatch, tmp_path, real_embedder):
    from verify.workbench.corpus_admin import MAX_UPLOAD_BYTES

    corpus, index = bridges_corpus(tmp_path, real_embedder)
    at = add(page(monkeypatch, corpus, index), ("huge.txt", b"word " * (MAX_UPLOAD_BYTES // 5 + 1)))
    assert not at.exception
    assert len(at.error) == 1 and "a corpus file may be at most 10\\.0 MB" in at.error[0].value
    assert sorted(p.name for p in corpus.iterdir()) == ["bridges.txt"]


# -- notes -----------------------------------------------------------------------------------

def test_a_review_is_saved_and_shown_when_the_statement_is_checked_again(monkeypatch, tmp_path, real_embedder,
                                                                         notes_path, downloads):
    corpus, index = bridges_corpus(tmp_path, real_embedder)
    claim = "A bold plan to build 40 bridges was approved."
    at = check(page(monkeypatch, corpus, index), claim)
    report: Report = at.session_state["report"]
    key = app.widget_key(claim_key(report.claim))
    at.selectbox(key=f"review_verdict_{key}").set_value("contradicted")
    at.text_area(key=f"review_note_{key}").input("Called the **ministry**: <b>no</b> bridges yet")
    at = at.button(key=f"review_save_{key}").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Overridden: Contradicted"]

    # a restart: a new page over the same notes; the statement typed differently
    again = check(page(monkeypatch, corpus, index), "  a BOLD plan to build 40 bridges   was approved. ")
    assert not again.exception and not again.error
    shown = [i.value for i in again.info]
    assert any(s.startswith("Reviewed ") and "**Contradicted** (overrode " in s
               and "Called the \\*\\*ministry\\*\\*\\: \\<b\\>no\\<\\/b\\> bridges yet" in s for s in shown)
    assert any(c.value.startswith("Checked before: ") for c in again.caption)
    assert again.selectbox(key=f"review_verdict_{key}").value == "contradicted"
    rating = json.loads(downloads["export_statement_jsonld"][2])[0]["reviewRating"]
    assert rating["alternateName"] == "Contradicted" and rating["ratingValue"] == 1
    # the History tab lists the checks and the review
    tables = [d.value for d in again.get_by_key("history_view").dataframe]
    assert any(list(t.get("note", [])) == ["Called the **ministry**: <b>no</b> bridges yet"] for t in tables)
    assert any(len(t.get("checked_at", [])) == 2 for t in tables)
    assert len(NotesStore(notes_path).checks()) == 2


def test_a_damaged_notes_file_is_reported_and_never_overwritten(monkeypatch, tmp_path, real_embedder, notes_path):
    corpus, index = bridges_corpus(tmp_path, real_embedder)
    notes_path.parent.mkdir(parents=True, exist_ok=True)
    notes_path.write_bytes(b"these are my notes in a text file, not a database\n" * 10)
    before = notes_path.read_bytes()
    at = check(page(monkeypatch, corpus, index), "A bold plan to build 40 bridges was approved.")
    assert not at.exception
    assert len(at.error) == 1 and "left untouched" in at.error[0].value
    assert cards(at.main)  # checking still works
    assert any("Reviews are off" in i.value for i in at.info)
    assert notes_path.read_bytes() == before
