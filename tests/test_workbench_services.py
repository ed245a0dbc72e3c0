"""The workbench's services without the page: colours, documents, find, batch files, the live index."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from conftest import FakeEmbedder, contradicted_in_october, tiny_index

import verify.workbench.live_index
from index.build.update import build_index
from index.store.claim_index import ClaimIndex
from verify.evidence.stored import PassageRecords
from verify.models import Report
from verify.settings import Settings
from verify.workbench.batch import MAX_BATCH_CLAIMS, BatchError, batch_rows, read_claims
from verify.workbench.document import PASSAGE_ID, display_name, document_view
from verify.workbench.find import find, parse_query
from verify.workbench.live_index import IndexStamp, LiveIndex, SerialEmbedder, local_time
from verify.workbench.palette import MIN_CONTRAST, PALETTES, colours, contrast_ratio, relative_luminance

ROOT = Path(__file__).resolve().parent.parent
YONHAP = "000_0e7c1c881fb697f2"


@pytest.fixture
def indexed(tmp_path) -> tuple[Path, ClaimIndex]:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "data" / "corpus", corpus)
    build_index(corpus, tmp_path / "index", FakeEmbedder())
    return corpus, ClaimIndex.load(tmp_path / "index")


# -- colours ---------------------------------------------------------------------------------

def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic "just fails"
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)
    with pytest.raises(ValueError):
        relative_luminance("green")


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_every_highlight_and_badge_reads_at_4_5_to_1_in_both_themes(theme):
    for kind, (text, background) in PALETTES[theme].items():
        assert contrast_ratio(text, background) >= MIN_CONTRAST, (theme, kind)


def test_shared_and_conflicting_words_differ_in_hue_not_only_in_lightness():
    for theme in PALETTES:
        support, conflict = colours("support", theme)[1], colours("conflict", theme)[1]
        green = int(support[3:5], 16) - int(support[1:3], 16)  # green over red
        orange = int(conflict[1:3], 16) - int(conflict[3:5], 16)  # red over green
        assert green > 40 and orange > 40, theme
    assert colours("contradicted") == colours("contradicts")  # verdicts take their stance's colour
    assert colours("support", None) == colours("support", "unknown theme") == colours("support", "light")


# -- documents -------------------------------------------------------------------------------

def test_a_document_view_marks_the_passage_and_finds_it_again_when_offsets_moved(indexed):
    _, index = indexed
    document = index.documents[YONHAP]
    sentence = next(s for s in index.sentences if s.source_id == YONHAP and "in October" in s.text)
    view = document_view(index, YONHAP, sentence.start, sentence.end)
    assert view.name == document.title and view.publisher == "Yonhap News Agency" and view.url is None
    assert view.passage == sentence.text and f'id="{PASSAGE_ID}"' in view.html
    moved = document_view(index, YONHAP, 0, 5, passage_text=sentence.text)  # the document changed since
    assert moved.passage == sentence.text
    gone = document_view(index, YONHAP, 0, 5, passage_text="A sentence that is not there.")
    assert gone.passage is None and "<mark" not in gone.html
    assert document_view(index, "no-such-source") is None


def test_untitled_documents_are_named_by_file_and_unsafe_urls_are_not_links(tmp_path):
    index = ClaimIndex.load(tiny_index(tmp_path, {
        "feed.jsonl":
            '{"id": "a1", "text": "The ferry carried <b>120</b> passengers on Friday.", "url": "javascript:alert(1)"}\n'
            '{"id": "a2", "text": "The bridge opened in 2024 after four years.", "url": "https://example.org/b"}\n',
        "note.txt": "the bridge cost 40 million won, officials said on monday.\n"}, FakeEmbedder()))
    assert display_name(index.documents["a1"]) == "feed.jsonl#a1"
    assert display_name(index.documents["note"]) == "note.txt"
    first = document_view(index, "a1")
    assert first.url is None and "&lt;b&gt;120&lt;/b&gt;" in first.html
    assert document_view(index, "a2").url == "https://example.org/b"


# -- find ------------------------------------------------------------------------------------

def test_parse_query_splits_phrases_and_words():
    query = parse_query('"75th  Anniversary" Putin talks')
    assert query.phrases == ["75th anniversary"] and query.words == ["putin", "talk"]
    assert parse_query('  ""  ').empty


def test_find_matches_every_word_and_phrase_and_agrees_with_a_brute_force_scan(indexed):
    _, index = indexed
    result = find(index, 'Putin "diplomatic ties"')
    expected = [row for row, s in enumerate(index.sentences)
                if "diplomatic ties" in " ".join(s.text.lower().split()) and "putin" in s.text.lower()]
    assert [h.row for h in result.hits] == expected and result.total == len(expected) > 0
    for hit in result.hits:
        marked = {hit.text[m.start:m.end].lower() for m in hit.marks}
        assert "diplomatic ties" in marked and "putin" in marked
    assert find(index, "Putin", limit=2).total > len(find(index, "Putin", limit=2).hits) == 2
    assert find(index, "").total == 0


@pytest.mark.parametrize("query", ["Putin", "talks", "Talk", '"75th anniversary" Kim', "the", "Kim's letter"])
def test_find_reads_the_keyword_index_and_gives_what_a_scan_of_every_sentence_gives(indexed, monkeypatch, query):
    _, index = indexed
    import verify.workbench.find as find_module

    proposed = find(index, query)
    monkeypatch.setattr(find_module, "KEYWORD_POOL", 1)  # every query fills the pool: scan all rows
    scanned = find(index, query)
    assert proposed == scanned
    calls = []
    monkeypatch.setattr(type(index), "keyword_search", lambda self, *a, **k: calls.append(a) or [])
    assert find(index, query).total == 0 and calls  # the rows come from the keyword index


def test_find_filters_by_source_publisher_and_date(indexed):
    _, index = indexed
    everywhere = {h.source_id for h in find(index, "Russia").hits}
    assert len(everywhere) == 5
    assert {h.source_id for h in find(index, "Russia", sources={YONHAP}).hits} == {YONHAP}
    assert {h.source_id for h in find(index, "Russia", publishers={"EFE"}).hits} == {"003_477e74e8c1529673"}
    dated = find(index, "Russia", date_from="2020-04-01", date_to="2020-04-30")
    assert {h.source_id for h in dated.hits} == {"002_6dff4dd19ee322e5"}  # undated documents are left out
    assert find(index, "Russia", date_to="2019-12-31").total == 0


# -- batch files -----------------------------------------------------------------------------

def test_read_claims_from_csv_by_header_or_first_column_and_from_text_lines():
    assert read_claims("c.csv", b'id,Claim\n1,"Kim met Putin, in 2019."\n2,  \n3,Lavrov visited.\n') == [
        "Kim met Putin, in 2019.", "Lavrov visited."]
    assert read_claims("c.csv", b"Kim met Putin.\nLavrov visited.\n") == ["Kim met Putin.", "Lavrov visited."]
    assert read_claims("c.txt", b"Kim met Putin.\n\n  Lavrov  visited. \n") == [
        "Kim met Putin.", "Lavrov visited."]


@pytest.mark.parametrize("name, data, message", [
    ("claims.xlsx", b"x", "not .xlsx"),
    ("claims.txt", "Kim met Putin.".encode("utf-16-le"), "UTF-16 text \\(without a byte-order mark\\); save it as UTF-8"),
    ("claims.txt", b"\n \n", "holds no claims"),
    ("claims.txt", b"claim\n" * (MAX_BATCH_CLAIMS + 1), "at most 500"),
])
def test_read_claims_refuses_with_a_clear_message(name, data, message):
    with pytest.raises(BatchError, match=message):
        read_claims(name, data)


def test_batch_rows_count_the_sides():
    from verify.models import SourceVerdict

    report = Report(claim="Kim met Putin.", verdict="conflicting", confidence=0.6, sources=[
        SourceVerdict(source_id="a", stance="contradicts", confidence=0.8),
        SourceVerdict(source_id="b", stance="supports", confidence=0.7),
        SourceVerdict(source_id="c", stance="mixed", confidence=0.5),
        SourceVerdict(source_id="d", stance="none", confidence=0.5)])
    [row] = batch_rows([report], {"a": "Yonhap"})
    assert (row.supporting, row.contradicting, row.best_source) == (2, 2, "Yonhap")


# -- the live index --------------------------------------------------------------------------

class FakeJudge:
    def predict(self, pairs):
        import numpy as np

        return np.tile([0.1, 0.1, 0.8], (len(pairs), 1))


def test_the_live_index_keeps_checking_the_old_index_until_the_update_swaps_it_in(indexed, tmp_path, monkeypatch):
    corpus, _ = indexed
    from verify.workbench import live_index

    gate = threading.Event()
    real = live_index.build_index
    monkeypatch.setattr(live_index, "build_index", lambda *a, **k: (gate.wait(30), real(*a, **k))[1])
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus)
    live = LiveIndex(settings, SerialEmbedder(FakeEmbedder()), judge=FakeJudge())
    before = live.verifier()
    assert live.changes() is not None and not live.changes().has_changes
    (corpus / "harbour.txt").write_text("Harbour news\n\nBusan handled 3 million containers in 2023.\n")
    assert live.changes().added == ["harbour.txt"]
    assert live.start_update() and not live.start_update()  # one update at a time
    assert live.state.running
    assert live.verifier() is before  # checks go on against the index as built
    report = before.check("Busan handled 3 million containers.", all_sources=True)
    assert len(report.sources) == 5 and "harbour" not in {s.source_id for s in report.sources}
    gate.set()
    state = live.wait(30)
    assert not state.running and state.error is None and "1 added" in state.finished
    after = live.verifier()
    assert after is not before and after.nli is before.nli  # the judge is shared, not loaded twice
    assert IndexStamp.of(after.index).sources == 6 and not live.changes().has_changes
    # the update stored the new passage's analysis too
    assert PassageRecords(tmp_path / "index", settings.evidence).load(
        [("Busan handled 3 million containers in 2023.", None)]) == 1


def test_a_failed_update_keeps_the_index_in_use_and_says_why(indexed, tmp_path):
    corpus, _ = indexed
    live = LiveIndex(Settings(index_dir=tmp_path / "index", corpus_dir=corpus), FakeEmbedder(), judge=FakeJudge())
    before = live.verifier()
    (corpus / "broken.jsonl").write_text("{not json\n")  # a bad file is skipped, not a failure
    live.start_update()
    state = live.wait(30)
    assert state.error is None and "broken.jsonl" in live.verifier().index.manifest.skipped
    shutil.rmtree(corpus)  # a build that cannot run at all
    before = live.verifier()
    live.start_update()
    state = live.wait(30)
    assert state.error and str(corpus) in state.error
    assert live.verifier() is before


def test_local_time_reads_utc_iso_times():
    assert local_time("not a time") == "not a time"
    assert len(local_time("2026-11-26T01:00:00+00:00")) == len("2026-11-26 01:00")
    stamp = IndexStamp(built_at="2026-11-26T01:00:00+00:00", sources=1, sentences=1200)
    assert stamp.describe().endswith("(1 source, 1,200 sentences)")


# -- the annotated draft ---------------------------------------------------------------------

def test_the_annotated_draft_escapes_text_shows_the_source_s_words_and_filters_problems():
    from verify.workbench.annotate import annotated_draft
    from verify.workbench.draft import CheckedDraft, split_draft

    sentences = split_draft("Kim met Putin in 2019 at <Vostochny>. Is it true?\n\n"
                            "Lavrov plans to visit Pyongyang in December.")
    draft = CheckedDraft(name="d", sentences=sentences, reports=[
        Report(claim=sentences[0].claim, verdict="supported", confidence=0.9),
        contradicted_in_october("Lavrov <b>said</b> he plans to visit Pyongyang in October.", sentences[2].claim)])
    full = annotated_draft(draft, {"y": "Yonhap <News>"})
    assert full.count("<p>") == 2 and "&lt;Vostochny&gt;" in full and "<Vostochny>" not in full
    assert '<span class="cc-skipped" style="opacity:.6">Is it true?</span>' in full
    assert "1 · Supported</span>" in full and "3 · Contradicted</span>" in full
    assert '<span class="cc-says">Yonhap &lt;News&gt; says: “in October”</span>' in full
    problems = annotated_draft(draft, {"y": "Yonhap"}, problems_only=True)
    assert problems.count("<p>") == 1 and "Kim met Putin" not in problems and "Is it true?" not in problems
    calm = draft.model_copy(update={"reports": [draft.reports[0], draft.reports[0]]})
    assert annotated_draft(calm, problems_only=True) == "<p>No problems found in this draft.</p>"


def test_a_no_op_build_looks_for_missing_analyses_once_an_index(indexed, tmp_path, monkeypatch):
    corpus, _ = indexed
    live = LiveIndex(Settings(index_dir=tmp_path / "index", corpus_dir=corpus), FakeEmbedder(), judge=FakeJudge())
    live.verifier()
    calls = []
    real_fill = verify.workbench.live_index.fill
    monkeypatch.setattr(verify.workbench.live_index, "fill", lambda *a, **k: calls.append(1) or real_fill(*a, **k))
    assert live.build() == "The index was already up to date."  # the index was built without its analyses
    assert live.build() == "The index was already up to date."
    assert len(calls) == 1 and (tmp_path / "index" / "analyses.sqlite").is_file()
