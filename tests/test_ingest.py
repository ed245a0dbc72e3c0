"""Reading corpora: formats, cleaning of real news copies, and every kind of bad input."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from conftest import CORPUS

from index import EmptyDocumentError, IngestError, load_corpus, load_document_bytes, read_corpus
from index.ingest.clean import clean_text, html_to_text, markdown_to_text
from index.ingest.dates import parse_date

REAL_TITLES = {
    "000_0e7c1c881fb697f2": "N. Korea, Russia hold celebrations marking 75th anniversary of diplomatic ties",
    "001_d5340ec7e7a9bdb8": None,
    "002_6dff4dd19ee322e5": "DPRK-Russia ties progress",
    "003_477e74e8c1529673": "Kim, Putin exchange messages on 75th anniversary of bilateral ties",
    "004_b105797065ca642f": (
        "On 75th anniversary of North Korea-Russia bilateral relations, Kim and Putin vow to advance ties"
    ),
}


@pytest.fixture(scope="module")
def real_docs():
    return {d.source_id: d for d in load_corpus(CORPUS)}


# ---------------------------------------------------------------- the real corpus

def test_real_corpus_source_ids_and_titles(real_docs):
    assert {sid: d.title for sid, d in real_docs.items()} == REAL_TITLES
    assert real_docs["002_6dff4dd19ee322e5"].path == "002_6dff4dd19ee322e5.txt"


def test_real_corpus_metadata_from_datelines_and_bylines(real_docs):
    pyongyang_times = real_docs["002_6dff4dd19ee322e5"]
    assert (pyongyang_times.date, pyongyang_times.publisher) == ("2020-04-24", "Pyongyang Times")
    assert real_docs["000_0e7c1c881fb697f2"].publisher == "Yonhap News Agency"
    assert real_docs["003_477e74e8c1529673"].date is None  # "Seoul, Oct 12 (EFE)" has no year


def test_real_corpus_escaped_quotes_are_unescaped(real_docs):
    text = real_docs["004_b105797065ca642f"].text
    assert "\\" not in text
    assert "North Korea\u2019s leader, Kim Jong Un" in text


@pytest.mark.parametrize("furniture", ["scroll to top", "most popular", "post a comment", "previous post"])
def test_real_corpus_site_furniture_is_dropped(real_docs, furniture):
    assert all(furniture not in d.text.lower() for d in real_docs.values())


def test_real_corpus_attribution_lines_are_kept(real_docs):
    assert real_docs["000_0e7c1c881fb697f2"].text.endswith("Source: Yonhap News Agency")
    assert real_docs["002_6dff4dd19ee322e5"].text.endswith("(Pyongyang Times - April 24, 2020)")


# ---------------------------------------------------------------- cleaning

def test_clean_text_normalises_lines_spaces_and_escapes():
    raw = "Title\r\n\r\n  Kim\\\u2019s   visit\t ended.\\\"  \r\nScroll to Top\nMOST POPULAR:\n\n\nShare\n"
    assert clean_text(raw) == "Title\n\nKim\u2019s visit ended.\""


def test_clean_text_keeps_lines_that_only_look_like_furniture():
    text = "Share prices fell 3% on Monday.\nPrint media reported the visit."
    assert clean_text(text) == "Share prices fell 3% on Monday.\n\nPrint media reported the visit."


def test_markdown_headline_emphasis_links_and_front_matter():
    md = (
        "---\ndate: 2023-10-12\npublisher: Example News\n---\n"
        "# Kim and **Putin** meet\n\n"
        "Kim met [Putin](https://example.org/putin) on *Thursday*, officials said.\n\n"
        "- Talks lasted `four` hours.\n\n---\n"
    )
    extracted = markdown_to_text(md)
    assert extracted.title == "Kim and Putin meet"
    assert extracted.text == (
        "Kim and Putin meet\n\nKim met Putin on Thursday, officials said.\n\nTalks lasted four hours."
    )
    assert (extracted.date, extracted.publisher) == ("2023-10-12", "Example News")


HTML = """<!doctype html><html><head><title>Ties progress | Site</title>
<meta property="og:title" content="Ties progress (og)">
<meta property="article:published_time" content="2020-04-24T09:00:00+09:00">
<meta property="og:site_name" content="Pyongyang Times"><style>p {color: red}</style>
<script>var tracking = "Scroll to Top";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<header><h1>DPRK-Russia  ties progress</h1></header>
<article><p>Friendship has seen a <b>steady</b>
  growth in recent years.</p><p>The leaders met in 2019.<br>They agreed on measures.</p>
<figure><figcaption>Kim and Putin, 2019. (File Photo KCNA)</figcaption></figure></article>
<aside>MOST POPULAR: something else</aside><footer>Copyright 2020</footer>
<form><input value="Post a Comment"></form></body></html>"""


def test_html_drops_page_furniture_and_keeps_paragraphs():
    extracted = html_to_text(HTML)
    assert extracted.title == "DPRK-Russia ties progress"
    assert extracted.text.split("\n\n") == [
        "DPRK-Russia ties progress",
        "Friendship has seen a steady growth in recent years.",
        "The leaders met in 2019.",
        "They agreed on measures.",
        "Kim and Putin, 2019. (File Photo KCNA)",
    ]
    assert (extracted.date, extracted.publisher) == ("2020-04-24", "Pyongyang Times")


def test_html_title_falls_back_to_og_title_then_title_tag():
    assert html_to_text('<meta property="og:title" content="OG headline"><p>Body text here.</p>').title == "OG headline"
    assert html_to_text("<title>Tab title</title><p>Body text here.</p>").title == "Tab title"


@pytest.mark.parametrize(("text", "iso"), [
    ("April 24, 2020", "2020-04-24"), ("Oct. 12, 1948", "1948-10-12"), ("24 April 2020", "2020-04-24"),
    ("2023-10-12T09:00:00Z", "2023-10-12"), ("Oct 12", None), ("February 30, 2020", None), ("soon", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


# ---------------------------------------------------------------- formats

def test_each_format_in_a_recursive_folder(tmp_path, caplog):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Headline of A\n\nBody of a. Second sentence.\n", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("# Headline of B\n\nBody of *b*.\n", encoding="utf-8")
    (tmp_path / "sub" / "c.htm").write_text("<h1>Headline C</h1><p>Body of c.</p>", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"id": "d1", "text": "Body of d1.", "title": "D one", "date": "April 24, 2020",
                    "url": "https://example.org/d1", "publisher": "Example", "extra": 1}) + "\n\n"
        + json.dumps({"id": "d2", "text": "Body of d2."}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("ignored", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        corpus = read_corpus(tmp_path)
    docs = {d.source_id: d for d in corpus.documents}
    assert list(docs) == ["a", "d1", "d2", "b", "c"]
    assert docs["a"].title == "Headline of A"
    assert docs["b"].title == "Headline of B" and docs["b"].text == "Headline of B\n\nBody of b."
    assert docs["c"].title == "Headline C" and docs["c"].path == "sub/c.htm"
    assert docs["d1"].model_dump(include={"title", "date", "url", "publisher"}) == {
        "title": "D one", "date": "2020-04-24", "url": "https://example.org/d1", "publisher": "Example",
    }
    assert docs["d1"].sha256 != docs["d2"].sha256  # jsonl documents are hashed per line
    assert set(corpus.files) == {"a.txt", "d.jsonl", "sub/b.md", "sub/c.htm"}
    assert "notes.pdf" in caplog.text and ".hidden" not in caplog.text


def test_single_file_corpus_and_utf8_bom(tmp_path):
    path = tmp_path / "one.txt"
    path.write_bytes("\ufeffKim met Putin.".encode("utf-8"))
    (doc,) = load_corpus(path)
    assert (doc.source_id, doc.path, doc.text) == ("one", "one.txt", "Kim met Putin.")


def test_empty_file_in_a_folder_is_skipped_with_a_warning(tmp_path, caplog):
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "full.txt").write_text("Kim met Putin.", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        corpus = read_corpus(tmp_path)
    assert [d.source_id for d in corpus.documents] == ["full"]
    assert "empty.txt" in caplog.text
    assert "empty.txt" in corpus.files  # fingerprinted, so adding text to it later counts as a change


def test_load_document_bytes():
    (doc,) = load_document_bytes("uploads/report.md", b"# Title line\n\nKim met Putin.")
    assert (doc.source_id, doc.path, doc.title) == ("report", "report.md", "Title line")
    with pytest.raises(EmptyDocumentError, match="report.txt is empty"):
        load_document_bytes("report.txt", b" \n ")


# ---------------------------------------------------------------- bad input

def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_FILES = [
    ("empty.txt", b"", "empty.txt is empty"),
    ("blank.md", b"  \n\t\n", "blank.md is empty"),
    ("latin1.txt", "Pyongyang caf\u00e9".encode("latin-1"), "latin1.txt is not UTF-8 text"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt is a binary file"),
    ("utf32.txt", "Kim".encode("utf-32"), "utf32.txt is UTF-32 text"),
    ("badutf16.txt", b"\xff\xfeK\x00i", "badutf16.txt is not valid UTF-16 text (truncated data at offset 4)"),
    ("slides.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ("bad.jsonl", b'{"id": "a", "text": "ok"}\n\n{"id": "b", "text": \n', "bad.jsonl line 3: not valid JSON"),
    ("notext.jsonl", b'{"id": "a", "text": "ok"}\n{"id": "b"}\n', "notext.jsonl line 2: missing 'text'"),
    ("noid.jsonl", b'{"text": "ok"}\n', "noid.jsonl line 1: missing 'id'"),
    ("list.jsonl", b'["id", "text"]\n', "list.jsonl line 1: expected a JSON object"),
    ("dup.jsonl", b'{"id": "a", "text": "x."}\n{"id": "a", "text": "y."}\n', "line 2: duplicate id 'a'"),
    ("date.jsonl", b'{"id": "a", "text": "x.", "date": "someday"}\n', "line 1: 'date' must be a date"),
    ("surrogate.jsonl", b'{"id": "a\\ud800", "text": "x."}\n', "line 1: 'id' holds a lone UTF-16 surrogate"),
    ("surrogate2.jsonl", b'{"id": "a", "text": "x \\udfff."}\n', "line 1: 'text' holds a lone UTF-16 surrogate"),
    ("deep.jsonl", b"[" * 100_000 + b"\n", "line 1: JSON nested too deeply"),
    ("utf16le.txt", "Kim met Putin.".encode("utf-16-le"), "utf16le.txt is UTF-16 text (without a byte-order mark)"),
    ("utf16be.md", "Kim met Putin.".encode("utf-16-be"), "utf16be.md is UTF-16 text (without a byte-order mark)"),
    ("deep.html", b"<div>" * 1000 + b"x", "deeper than 255 levels"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_single_file_is_an_ingest_error_naming_it(tmp_path, name, data, message):
    with pytest.raises(IngestError) as caught:
        load_corpus(_write(tmp_path, name, data))
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize("name", [n for n, _, _ in BAD_FILES if n not in ("empty.txt", "blank.md", "slides.pdf")])
def test_a_bad_file_inside_a_folder_is_skipped_and_listed(tmp_path, caplog, name):
    data, message = next((d, m) for n, d, m in BAD_FILES if n == name)
    (tmp_path / "good.txt").write_text("Kim met Putin.", encoding="utf-8")
    _write(tmp_path, name, data)
    with caplog.at_level(logging.WARNING):
        corpus = read_corpus(tmp_path)
    assert [d.source_id for d in corpus.documents] == ["good"]
    assert list(corpus.skipped) == [name] and message in corpus.skipped[name]
    assert f"skipped {name}: " in caplog.text
    assert name in corpus.files  # fingerprinted: fixing the file later is a change
    with pytest.raises(IngestError, match=message.split(" ")[0]):
        read_corpus(tmp_path, strict=True)


def test_missing_path(tmp_path):
    with pytest.raises(IngestError, match=r"corpus path .*nowhere does not exist; pass a folder or a file"):
        load_corpus(tmp_path / "nowhere")


@pytest.mark.parametrize("contents", [{}, {"notes.pdf": b"%PDF"}, {"a.txt": b"", "b.md": b"\n \n"}])
def test_folder_without_readable_documents(tmp_path, contents):
    for name, data in contents.items():
        _write(tmp_path, name, data)
    with pytest.raises(IngestError, match=r"no readable documents in .*; accepted: UTF-8 or UTF-16 \.txt"):
        load_corpus(tmp_path)


def test_duplicate_source_ids_across_files_name_both(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "sub" / "a.md").write_text("Two.", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["a.txt"]
    assert "duplicate source id 'a' in a.txt and sub/a.md" in corpus.skipped["sub/a.md"]
    with pytest.raises(IngestError, match=r"duplicate source id 'a' in a\.txt and sub/a\.md"):
        read_corpus(tmp_path, strict=True)


def test_a_link_to_a_file_outside_the_corpus_is_not_read(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "secret.txt"
    corpus.mkdir()
    outside.write_text("Private notes.", encoding="utf-8")
    (corpus / "good.txt").write_text("Kim met Putin.", encoding="utf-8")
    (corpus / "inside.txt").symlink_to(corpus / "good.txt")  # a link within the folder is read
    (corpus / "leak.txt").symlink_to(outside)
    result = read_corpus(corpus)
    assert "Private" not in " ".join(d.text for d in result.documents)
    assert "outside the corpus folder" in result.skipped["leak.txt"]
    assert "leak.txt" not in result.files
    with pytest.raises(IngestError, match="leak.txt: a link to a file outside the corpus folder"):
        read_corpus(corpus, strict=True)


def test_a_file_name_that_is_not_utf8_is_skipped_with_a_printable_name(tmp_path):
    (tmp_path / "good.txt").write_text("Kim met Putin.", encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"Latin-1 name.")
    result = read_corpus(tmp_path)
    ((name, reason),) = result.skipped.items()
    assert name == "caf\\udce9.txt" and reason.startswith("its file name is not UTF-8")
    assert json.dumps(result.model_dump(), ensure_ascii=False).encode("utf-8")  # the manifest can be written
