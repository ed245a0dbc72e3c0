"""The workbench page, headless (``AppTest``), with a fake embedder and a fake judge: fast, offline.

The verifier, the index store, the detectors, notes and exports are the real ones; only the two
models are fakes (``FakeEmbedder`` from conftest, ``WordJudge`` below). ``test_app.py`` runs the
page with the real models; ``test_browser.py`` drives it in Chromium.
"""

from __future__ import annotations

import html
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from conftest import FakeEmbedder
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

import app
from index.build.update import build_index
from index.store.claim_index import ClaimIndex
from verify.workbench.notes import NotesStore
from verify.workbench.palette import MIN_CONTRAST, contrast_ratio

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DECEMBER = "Lavrov plans to visit Pyongyang in December"
HARBOUR = b"Harbour news\n\nThe harbour at Busan handled 3 million containers in 2023, officials said.\n"
DRAFT = (
    "Russian diplomacy\n\n"
    "Lavrov plans to visit Pyongyang in December, the ministry said. Is that really so?\n"
    "I think this is wonderful news.\n"
    "North Korea and Russia marked the 75th anniversary of their diplomatic ties.\n"
)

pytestmark = pytest.mark.usefixtures("notes_path")  # never the user's var/notes.sqlite3


class WordJudge:
    """A judge that reads support from shared words: 70% of the hypothesis's words in the premise."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def predict(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        rows = []
        for premise, hypothesis in pairs:
            words, seen = set(hypothesis.lower().split()), set(premise.lower().split())
            rows.append([0.9, 0.05, 0.05] if len(words & seen) >= 0.7 * len(words) else [0.1, 0.1, 0.8])
        return np.array(rows)


@pytest.fixture
def fakes(monkeypatch):
    """The page's models replaced by fakes; the page's caches emptied before and after."""
    monkeypatch.setattr("index.embed.SentenceTransformerEmbedder", lambda model=None, **kwargs: FakeEmbedder())
    monkeypatch.setattr("verify.verifier.NLIJudge", WordJudge)
    st.cache_resource.clear()
    yield
    wait_for_updates()
    st.cache_resource.clear()


@pytest.fixture
def corpus(tmp_path, fakes, monkeypatch) -> Path:
    """A private copy of data/corpus, indexed with the fake embedder; the page points at it."""
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "data" / "corpus", folder)
    build_index(folder, tmp_path / "index", FakeEmbedder())
    monkeypatch.setenv("CROSSCHECK_CORPUS", str(folder))
    monkeypatch.setenv("CROSSCHECK_INDEX", str(tmp_path / "index"))
    return folder


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


def wait_for_updates() -> None:
    for thread in app.update_threads():
        thread.join(60)


def page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def check(at: AppTest, claim: str) -> AppTest:
    at.text_area(key="claim").input(claim)
    return at.button(key="check").click().run()


def goto(at: AppTest, view: str) -> AppTest:
    at.session_state["view"] = view
    return at.run()


def htmls(block) -> list[str]:
    return [e.proto.body for e in block if type(e).__name__ == "Html"]


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
        [w.value for w in at.warning] + [s.value for s in at.success]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


# -- statement -------------------------------------------------------------------------------

def test_a_check_shows_the_statement_once_reasons_in_words_and_probabilities_only_in_details(corpus, downloads):
    at = ok(check(page(), DECEMBER))
    view = at.get_by_key("statement_view")
    shown = htmls(view)
    assert sum(h.startswith('<div class="cc-statement">Statement: ') for h in shown) == 1
    assert '<mark class="cc-mark cc-conflict"' in shown[0] and "in December</mark>" in shown[0]
    quotes = [h for h in shown if h.startswith('<div class="cc-quote"')]
    assert any("in October</mark>" in q and "cc-conflict" in q for q in quotes)
    assert not any("Statement:" in q for q in quotes)
    why = [h for h in shown if h.startswith('<div class="cc-why">')]
    assert any("claim says &#x27;in December&#x27;, passage says &#x27;in October&#x27;" in w for w in why)
    assert not any(c.value.startswith("supports 0.") for c in view.caption)  # no raw probabilities by default
    assert any(c.value.startswith("Checked against the index of ") and "5 sources" in c.value
               for c in view.caption)
    at = ok(at.toggle(key="details_statement").set_value(True).run())
    assert any(c.value.startswith("supports 0.") and "similarity" in c.value
               for c in at.get_by_key("statement_view").caption)
    assert set(downloads) == {f"export_statement_{ext}" for ext in ("json", "csv", "md", "jsonld")}
    assert json.loads(downloads["export_statement_json"][2])[0]["claim"] == DECEMBER


def test_the_statement_box_is_a_form_so_ctrl_enter_checks(corpus):
    at = page()
    assert at.text_area(key="claim").form_id == "check_form"
    assert at.button(key="check").form_id == "check_form"


def test_highlight_colours_read_at_4_5_to_1_on_the_page(corpus):
    at = ok(check(page(), DECEMBER))
    marks = "".join(htmls(at.main))
    import re

    pairs = set(re.findall(r'class="cc-(?:mark|badge) cc-(\w+)"[^>]*style="color:(#\w{6});background-color:(#\w{6})',
                           marks))
    assert {kind for kind, _, _ in pairs} >= {"support", "conflict", "contradicts", "none"}
    assert all(contrast_ratio(fg, bg) >= MIN_CONTRAST for _, fg, bg in pairs)


# -- the document view -----------------------------------------------------------------------

def test_a_passage_opens_its_document_with_the_passage_marked(corpus):
    at = ok(check(page(), DECEMBER))
    opener = next(b for b in at.button if b.key.startswith("doc_statement_"))
    at = ok(opener.click().run())
    assert at.session_state["view"] == "Document"
    document = at.session_state["document"]
    view = at.get_by_key("document_view")
    body = next(h for h in htmls(view) if h.startswith('<div class="cc-document"'))
    assert '<mark class="cc-mark cc-passage" id="cc-passage"' in body
    assert "scrollIntoView" in body
    index = ClaimIndex.load(Path(at.session_state["report"] and corpus.parent / "index"))
    text = index.documents[document["source_id"]].text
    assert html.escape(text[document["start"]:document["end"]]) in body
    assert view.subheader[0].value == app.md(index.documents[document["source_id"]].title)
    at = ok(at.button(key="document_back").click().run())
    assert at.session_state["view"] == "Statement"


def test_an_untitled_document_shows_its_file_name_and_a_document_with_a_url_links_to_it(corpus):
    (corpus / "feed.jsonl").write_text(json.dumps({
        "id": "abc123", "text": "The ferry to Jeju carried 120 passengers on Friday.",
        "url": "https://example.org/ferry", "publisher": "Island Post", "date": "2024-05-03"}) + "\n")
    build_index(corpus, corpus.parent / "index", FakeEmbedder())
    at = ok(goto(page(), "Document"))
    at = ok(at.selectbox(key="document_pick").set_value("abc123").run())
    assert at.get_by_key("document_view").subheader[0].value == "feed\\.jsonl\\#abc123"
    assert "[https\\:\\/\\/example\\.org\\/ferry](https://example.org/ferry)" in texts(at)
    assert "Island Post · 2024\\-05\\-03 · file feed\\.jsonl" in texts(at)
    untitled = ClaimIndex.load(corpus.parent / "index").documents["001_d5340ec7e7a9bdb8"]
    assert untitled.title is None
    assert any(m.value.startswith("**001\\_d5340ec7e7a9bdb8\\.txt**") for m in at.sidebar.markdown)


# -- corpus changes keep you where you are ---------------------------------------------------

def add(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader = next(u for u in at.file_uploader if u.key.startswith("corpus_upload_"))
    at = uploader.set_value([(name, data, "text/plain") for name, data in files]).run()
    return at.button(key="corpus_add").click().run()


def test_adding_a_document_updates_in_the_background_while_checks_go_on(corpus, monkeypatch):
    from verify.workbench import live_index

    release, started = threading.Event(), threading.Event()
    real_build = live_index.build_index

    def slow_build(*args, **kwargs):
        started.set()
        assert release.wait(30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(live_index, "build_index", slow_build)
    at = ok(goto(page(), "Corpus"))
    at = ok(add(at, ("harbour.txt", HARBOUR)))
    assert started.wait(10)
    assert at.session_state["view"] == "Corpus"  # no bounce to another tab
    assert any(app.md("Added harbour.txt") in s for s in texts(at))
    assert any("Checks use the index as built" in w.value for w in at.sidebar.warning)
    assert not at.sidebar.button(key="update_index").proto.disabled is False  # one update at a time

    # checking goes on against the previous index meanwhile
    at = ok(check(goto(at, "Statement"), "The harbour at Busan handled 3 million containers in 2023."))
    report = at.session_state["report"]
    assert at.session_state["report_index"].sources == 5
    assert "harbour" not in [s.source_id for s in report.sources]

    release.set()
    wait_for_updates()
    at = ok(check(at.run(), "The harbour at Busan handled 3 million containers in 2023."))
    assert at.session_state["report_index"].sources == 6
    harbour = next(s for s in at.session_state["report"].sources if s.source_id == "harbour")
    assert harbour.stance == "supports"
    assert not at.sidebar.warning
    assert [b.key for b in at.button if "rebuild" in (b.key or "")] == []  # one update button, in the sidebar


def test_removing_a_document_stays_on_the_corpus_tab_and_the_index_drops_it(corpus):
    at = ok(goto(page(), "Corpus"))
    at = at.selectbox(key="corpus_remove_pick").set_value("003_477e74e8c1529673.txt").run()
    at = at.button(key="corpus_remove").click().run()
    at = ok(at.button(key="corpus_remove_yes").click().run())
    assert at.session_state["view"] == "Corpus"
    assert not (corpus / "003_477e74e8c1529673.txt").exists()
    wait_for_updates()
    at = ok(at.run())
    assert len(at.sidebar.markdown) == 4
    assert "003_477e74e8c1529673" not in ClaimIndex.load(corpus.parent / "index").documents


def test_a_missing_index_is_built_in_the_background(corpus):
    shutil.rmtree(corpus.parent / "index")
    at = page()
    assert not at.exception
    assert any("No index at" in i.value for i in at.info)
    wait_for_updates()
    at = ok(check(at.run(), DECEMBER))
    assert at.session_state["report"].verdict == "contradicted"


@pytest.mark.parametrize("damage", ["stale", "corrupt"])
def test_a_stale_index_is_used_as_built_and_a_corrupt_one_is_rebuilt_with_the_one_button(corpus, damage):
    index = corpus.parent / "index"
    if damage == "stale":
        (corpus / "harbour.txt").write_bytes(HARBOUR)
    else:
        (next(index.glob("seg-*")) / "vectors.npy").write_bytes(b"not a vector file")
    at = page()
    assert not at.exception
    if damage == "stale":
        assert not at.error and len(at.sidebar.markdown) == 5  # checks go on against the index as built
        assert any("1 added" in w.value for w in at.sidebar.warning)
    else:
        assert len(at.error) == 1 and "corrupt" in at.error[0].value
    at = at.sidebar.button(key="update_index").click().run()
    wait_for_updates()
    at = ok(at.run())
    assert len(at.sidebar.markdown) == (6 if damage == "stale" else 5)
    ClaimIndex.load(index)  # fresh and whole again


# -- history and permalinks ------------------------------------------------------------------

def test_a_past_check_reopens_from_the_history_as_it_was(corpus, notes_path):
    at = check(page(), DECEMBER)
    at = ok(check(at, "Kim Jong Un met Vladimir Putin at the Vostochny spaceport."))
    at = ok(goto(at, "History"))
    checks = NotesStore(notes_path).checks()
    assert [c.claim for c in checks] == ["Kim Jong Un met Vladimir Putin at the Vostochny spaceport.", DECEMBER]
    first = checks[1]
    at = ok(at.button(key=f"reopen_{first.id}").click().run())
    assert at.session_state["view"] == "Statement"
    assert at.session_state["report"].claim == DECEMBER and at.session_state["report_check"] == first.id
    assert at.text_area(key="claim").value == DECEMBER
    assert any(c.value.startswith("Reopened from the history: checked ") for c in at.caption)
    assert at.query_params["claim"] == DECEMBER and at.query_params["check"] == str(first.id)


def test_the_history_searches_and_deletes_with_a_tombstone_keeping_reviews(corpus, notes_path):
    at = check(page(), DECEMBER)
    notes = NotesStore(notes_path)
    notes.add_review(DECEMBER, "contradicted", "contradicted", "confirmed by phone")
    at = ok(check(at, "Kim Jong Un met Vladimir Putin at the Vostochny spaceport."))
    at = ok(goto(at, "History"))
    at = ok(at.text_input(key="history_search").input("pyongyang december").run())
    assert len([c for c in at.get_by_key("history_view").markdown if "Lavrov" in c.value]) == 1
    assert "Kim Jong Un" not in "".join(m.value for m in at.get_by_key("history_view").markdown)
    check_id = notes.checks(DECEMBER)[0].id
    at = ok(at.button(key=f"delete_{check_id}").click().run())
    assert any("Reviews of the statement stay" in w.value for w in at.warning)
    at = ok(at.button(key=f"delete_yes_{check_id}").click().run())
    assert any("Its reviews stay" in s.value for s in at.success)
    assert notes.checks(DECEMBER) == [] and notes.latest_review(DECEMBER).note == "confirmed by phone"


def test_a_permalink_reopens_its_check_and_a_bare_claim_link_checks_it(corpus, notes_path):
    check(page(), DECEMBER)
    check_id = NotesStore(notes_path).checks()[0].id
    at = ok(page(claim=DECEMBER, check=str(check_id)))  # a new session from the link
    assert at.session_state["report_check"] == check_id
    assert any(c.value.startswith("Reopened from the history") for c in at.caption)
    assert len(NotesStore(notes_path).checks()) == 1  # reopened, not checked again

    at = ok(page(claim="Kim Jong Un met Vladimir Putin at the Vostochny spaceport."))
    assert at.session_state["report"].claim == "Kim Jong Un met Vladimir Putin at the Vostochny spaceport."
    assert len(NotesStore(notes_path).checks()) == 2


def test_a_review_is_saved_and_shown_when_the_statement_is_checked_again(corpus, notes_path, downloads):
    at = check(page(), DECEMBER)
    key = app.widget_key(DECEMBER.casefold())
    at.selectbox(key=f"review_verdict_{key}").set_value("conflicting")
    at.text_area(key=f"review_note_{key}").input("Called the **ministry**: <b>no</b> date yet")
    at = ok(at.button(key=f"review_save_{key}").click().run())
    assert [s.value for s in at.success] == ["Overridden: Conflicting"]
    again = ok(check(page(), "  lavrov plans to visit PYONGYANG in december "))
    assert any(i.value.startswith("Reviewed ") and "**Conflicting** (overrode contradicted)" in i.value
               and "Called the \\*\\*ministry\\*\\*\\: \\<b\\>no\\<\\/b\\> date yet" in i.value for i in again.info)
    assert any(c.value.startswith("Checked before: ") for c in again.caption)
    rating = json.loads(downloads["export_statement_jsonld"][2])[0]["reviewRating"]
    assert rating["alternateName"] == "Conflicting" and rating["ratingValue"] == 3


def test_a_source_the_reviewer_rejects_leaves_the_claimreview_citations(corpus, notes_path, downloads):
    at = check(page(), DECEMBER)
    key = app.widget_key(DECEMBER.casefold())
    cited = json.loads(downloads["export_statement_jsonld"][2])[0]["citation"]
    sided = [s.source_id for s in at.session_state["report"].sources if s.stance != "none"]
    assert cited and sided
    at.multiselect(key=f"review_rejected_{key}").set_value(sided)
    at = ok(at.button(key=f"review_save_{key}").click().run())
    assert NotesStore(notes_path).latest_review(DECEMBER).rejected_sources == sided
    again = ok(check(page(), DECEMBER))
    assert again.multiselect(key=f"review_rejected_{key}").value == sided  # shown as saved
    assert json.loads(downloads["export_statement_jsonld"][2])[0].get("citation", []) == []


def test_a_damaged_notes_file_is_reported_never_overwritten_and_checking_still_works(corpus, notes_path):
    notes_path.parent.mkdir(parents=True, exist_ok=True)
    notes_path.write_bytes(b"these are my notes in a text file, not a database\n" * 10)
    before = notes_path.read_bytes()
    at = check(page(), DECEMBER)
    assert not at.exception
    assert len(at.error) == 1 and "left untouched" in at.error[0].value
    assert at.session_state["report"].verdict == "contradicted"
    assert any("Reviews are off" in i.value for i in at.info)
    assert notes_path.read_bytes() == before


# -- draft mode ------------------------------------------------------------------------------

def test_draft_mode_checks_per_sentence_annotates_inline_and_selects_the_first_problem(corpus, downloads):
    at = ok(goto(page(), "Draft"))
    at.text_area(key="draft_text").input(DRAFT)
    at = ok(at.button(key="check_draft").click().run())
    draft = at.session_state["draft"]
    checked = draft.by_number()
    assert list(checked) == [2, 5]
    assert checked[2].verdict == "contradicted"
    annotated = htmls(at.get_by_key("annotated_draft"))[0]
    assert "Lavrov plans to visit Pyongyang in December, the ministry said.</span>" in annotated
    assert "says: “in October”" in annotated  # the contradicting source's words, inline
    assert "2 · Contradicted</span>" in annotated
    assert "Is that really so?" in annotated  # a skipped sentence stays, greyed
    assert at.selectbox(key="draft_pick").value == 2  # the first problem
    at = ok(at.toggle(key="draft_problems").set_value(True).run())
    annotated = htmls(at.get_by_key("annotated_draft"))[0]
    assert "Is that really so?" not in annotated
    assert [json.loads(downloads["export_draft_json"][2])[i]["claim"] for i in range(2)] == [
        checked[2].claim, checked[5].claim]


# -- batch -----------------------------------------------------------------------------------

def test_a_csv_of_claims_is_checked_tabled_and_exported(corpus, downloads, notes_path):
    csv = f'id,claim\n1,"{DECEMBER}"\n2,Kim Jong Un met Vladimir Putin at the Vostochny spaceport.\n'.encode()
    at = ok(goto(page(), "Batch"))
    at = at.file_uploader(key="batch_file").set_value(("claims.csv", csv, "text/csv")).run()
    at = ok(at.button(key="check_batch").click().run())
    table = at.get_by_key("batch_view").dataframe[0].value
    assert list(table["claim"]) == [DECEMBER, "Kim Jong Un met Vladimir Putin at the Vostochny spaceport."]
    assert table["verdict"].iloc[0] == "Contradicted"
    assert {k for k in downloads if k.startswith("export_batch_")} == {
        f"export_batch_{ext}" for ext in ("json", "csv", "md", "jsonld")}
    assert len(json.loads(downloads["export_batch_json"][2])) == 2
    assert len(NotesStore(notes_path).checks()) == 2

    at = at.file_uploader(key="batch_file").set_value(("claims.csv", b"claim\n\n", "text/csv")).run()
    at = at.button(key="check_batch").click().run()
    assert not at.exception and len(at.error) == 1 and "holds no claims" in at.error[0].value


# -- find ------------------------------------------------------------------------------------

def test_find_searches_words_and_phrases_with_source_and_date_filters(corpus):
    import datetime as dt

    at = ok(goto(page(), "Find"))
    at = ok(at.text_input(key="find_query").input('"75th anniversary" Russia').run())
    view = at.get_by_key("find_view")
    found = [h for h in htmls(view) if h.startswith('<div class="cc-hit">')]
    assert found and all("75th anniversary</mark>" in h for h in found)
    total = int(view.caption[0].value.split()[0])
    assert total == len(found)
    at = ok(at.multiselect(key="find_sources").set_value(["000_0e7c1c881fb697f2"]).run())
    one = [h for h in htmls(at.get_by_key("find_view")) if h.startswith('<div class="cc-hit">')]
    assert 0 < len(one) < len(found)
    opened = ok(at.button(key="find_doc_0").click().run())
    assert opened.session_state["view"] == "Document"
    assert opened.session_state["document"]["source_id"] == "000_0e7c1c881fb697f2"
    assert 'id="cc-passage"' in "".join(htmls(opened.get_by_key("document_view")))
    at = goto(opened, "Find")
    at = at.multiselect(key="find_sources").set_value([]).run()
    at = at.text_input(key="find_query").input("Russia").run()
    at = ok(at.date_input(key="find_from").set_value(dt.date(2020, 1, 1)).run())  # one document is dated
    view = at.get_by_key("find_view")
    assert {c.value for c in view.caption if "Pyongyang Times" in c.value} == {
        "DPRK\\-Russia ties progress · Pyongyang Times · 2020\\-04\\-24"}
    assert not any("Yonhap" in c.value for c in view.caption)
    at = ok(at.date_input(key="find_to").set_value(dt.date(2019, 12, 31)).run())
    assert at.get_by_key("find_view").caption[0].value == "0 sentences found"


# -- escaping --------------------------------------------------------------------------------

def test_corpus_text_shows_as_text_not_markup(corpus):
    (corpus / "evil.txt").write_text(
        "<script>alert(1)</script> and **bold** plans\n\n"
        "Officials in Seoul said on Monday that a **bold** plan to build 40 bridges was approved in October. "
        "The <img src=x onerror=alert(1)> tag was found in a [link](http://x).\n", encoding="utf-8")
    build_index(corpus, corpus.parent / "index", FakeEmbedder())
    at = ok(check(page(), "A bold plan to build 40 bridges was approved in October."))
    shown = "".join(htmls(at.main))
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img" not in shown
    assert "**bold**" in shown or "<mark" in shown
    sidebar = [m.value for m in at.sidebar.markdown]
    assert any(v.startswith(r"**\<script\>alert\(1\)\<\/script\> and \*\*bold\*\* plans**") for v in sidebar)
    assert not any(m.allow_html for m in at.markdown)


def test_a_reopened_check_whose_document_was_removed_says_so(corpus, notes_path):
    at = check(page(), DECEMBER)
    (corpus / "000_0e7c1c881fb697f2.txt").unlink()
    build_index(corpus, corpus.parent / "index", FakeEmbedder())
    at = ok(page(claim=DECEMBER, check=str(NotesStore(notes_path).checks()[0].id)))
    opener = next(b for b in at.button if b.key.startswith("doc_statement_"))
    at = opener.click().run()
    assert not at.exception and at.session_state["view"] == "Document"
    assert any("no longer in the index" in w.value for w in at.warning)


def test_the_corpus_tab_lists_a_file_the_build_skipped_with_its_reason(corpus, tmp_path):
    (corpus / "broken.jsonl").write_text('{"id": "x", "text": "fine"}\n{"id": \n', encoding="utf-8")
    result = build_index(corpus, tmp_path / "index", FakeEmbedder())
    assert "broken.jsonl" in result.skipped
    at = ok(goto(page(), "Corpus"))
    [table] = [d.value for d in at.dataframe if "file" in d.value.columns]
    row = table[table["file"] == "broken.jsonl"].iloc[0]
    assert row["status"] == "skipped" and row["why skipped"] == result.skipped["broken.jsonl"]


def test_a_check_can_be_limited_to_the_sources_a_filter_keeps(corpus):
    at = page()
    at.multiselect(key="check_publishers").set_value(["Yonhap News Agency"])
    at = ok(check(at.run(), DECEMBER))
    report = at.session_state["report"]
    index = ClaimIndex.load(corpus.parent / "index")
    yonhap = {sid for sid, d in index.documents.items() if d.publisher == "Yonhap News Agency"}
    assert yonhap and {s.source_id for s in report.sources} == yonhap
    assert any("chosen by the filters" in c.value for c in at.caption)
    at.multiselect(key="check_publishers").set_value([])
    at = ok(check(at.run(), DECEMBER))
    report = at.session_state["report"]  # every source is listed with its passages, or counted without
    assert len([s for s in report.sources if s.passages]) + report.sources_without_evidence == len(index.documents)


def test_a_filter_that_keeps_more_sources_than_are_listed_counts_those_without_evidence(corpus, monkeypatch):
    import verify.verifier
    from verify import Settings

    real, settings = verify.verifier.select_candidates, Settings.from_env
    monkeypatch.setattr(Settings, "from_env", classmethod(  # more chosen sources than a report lists one by one
        lambda cls, **kwargs: settings(**kwargs).model_copy(update={"list_chosen": 1})))

    def one_source(index, claims, queries, settings, sources=None):  # one chosen source with a judged passage
        found = real(index, claims, queries, settings, sources)
        return [[h for h in hits if h.source_id == hits[0].source_id] for hits in found]

    monkeypatch.setattr(verify.verifier, "select_candidates", one_source)
    chosen = list(ClaimIndex.load(corpus.parent / "index").documents)[:3]
    at = page()
    at.multiselect(key="check_sources").set_value(chosen)
    at = ok(check(at.run(), DECEMBER))
    report = at.session_state["report"]
    assert len(report.sources) == 1 and report.sources[0].source_id in chosen
    assert report.sources_without_evidence == 2 and "2 other sources had no relevant passage." in texts(at)
    silent = [e.label for e in at.main.expander if "with nothing relevant" in e.label]  # no card for the counted
    assert silent == (["1 source with nothing relevant"] if report.sources[0].stance == "none" else [])


def test_sources_without_a_judged_passage_are_counted_under_the_cards(corpus, monkeypatch):
    import verify.verifier

    real = verify.verifier.select_candidates

    def one_source(index, claims, queries, settings, sources=None):  # as a bounded choice at scale would
        found = real(index, claims, queries, settings, sources)
        return [[h for h in hits if h.source_id == hits[0].source_id] for hits in found]

    monkeypatch.setattr(verify.verifier, "select_candidates", one_source)
    at = ok(check(page(), DECEMBER))
    report = at.session_state["report"]
    assert len(report.sources) == 1 and report.sources_without_evidence == 4
    assert "4 other sources had no relevant passage." in texts(at)
    silent = [e.label for e in at.main.expander if "with nothing relevant" in e.label]  # listed: judged, no side
    assert silent == (["1 source with nothing relevant"] if report.sources[0].stance == "none" else [])
