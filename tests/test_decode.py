"""One decoder for a user's text: corpus files, workbench uploads and the CLI's claims files read UTF-8
and UTF-16 with a byte-order mark alike, and refuse the rest in one line naming the file."""

from __future__ import annotations

import codecs

import pytest
from conftest import tiny_index
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import CrosscheckError, IngestError
from index.ingest.corpus import sha256
from index.ingest.decode import decode_text
from index.ingest.read import load_document_bytes, read_corpus
from index.store.claim_index import ClaimIndex
from verify.inputs import read_claims
from verify.workbench.batch import BatchError
from verify.workbench.batch import read_claims as read_claim_upload
from verify.workbench.draft import DraftError, read_draft

TEXT = "Kim met Putin in Vladivostok.\r\nCafé prices rose 😀 sharply."
ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8 with a byte-order mark": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16 le with a byte-order mark": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16 be with a byte-order mark": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
}
UTF16_BOM = {k: v for k, v in ENCODED.items() if "utf-16" in k}


@pytest.mark.parametrize("data", ENCODED.values(), ids=ENCODED.keys())
def test_utf8_and_utf16_with_a_byte_order_mark_read_as_the_same_text(data):
    assert decode_text("a.txt", data) == TEXT


REFUSED = [
    ("utf-16 le without a mark", TEXT.encode("utf-16-le"), ("a.txt is UTF-16 text (without a byte-order mark); "
                                                            "save it as UTF-8, or as UTF-16 with a byte-order mark "
                                                            "(accepted: UTF-8 or UTF-16 .txt")),
    ("utf-16 be without a mark", TEXT.encode("utf-16-be"), "a.txt is UTF-16 text (without a byte-order mark)"),
    ("utf-32", TEXT.encode("utf-32"), "a.txt is UTF-32 text; save it as UTF-8"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.txt is a binary file, not text; accepted: UTF-8 or UTF-16 .txt"),
    ("a NUL character in utf-16", codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"), "a.txt is a binary file"),
    ("latin-1", "Café".encode("latin-1"), "a.txt is not UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8"),
    ("latin-1 after a mark", codecs.BOM_UTF8 + "Café".encode("latin-1"), "(byte 0xe9 at offset 6)"),
    ("an odd byte count", codecs.BOM_UTF16_LE + b"K\x00i", "a.txt is not valid UTF-16 text (truncated data at offset 4)"),
    ("a lone surrogate", codecs.BOM_UTF16_BE + b"\x00K\xdc\x00", ("a.txt is not valid UTF-16 text (illegal "
                                                                  "encoding at offset 4)")),
]


@pytest.mark.parametrize(("data", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_what_is_refused_is_one_line_naming_the_file(data, message):
    with pytest.raises(IngestError) as caught:
        decode_text("a.txt", data)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@settings(max_examples=100, deadline=None, database=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), big_endian=st.booleans())
def test_any_text_round_trips_and_any_bytes_are_text_or_one_line(text, encoding, big_endian):
    data = text.encode(encoding)
    if encoding == "utf-16":  # "utf-16" writes the machine's order; cover both
        data = (codecs.BOM_UTF16_BE + text.encode("utf-16-be")) if big_endian else data
    assert decode_text("a.txt", data) == text
    try:
        decoded = decode_text("a.txt", data[1:])  # a mark cut in half, or a UTF-16 file shifted by a byte
    except IngestError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("a.txt ")
    else:
        assert "\x00" not in decoded


# -- the corpus --------------------------------------------------------------------------------------

def test_a_utf16_corpus_is_indexed_and_its_sentences_are_found(tmp_path, fake_embedder):
    le = "Harbour report\n\nThe harbour handled forty ships in October.\n"
    be = "# Bakery news\n\nThe bakery sold twelve loaves on Friday.\n"
    files = {"harbour.txt": codecs.BOM_UTF16_LE + le.encode("utf-16-le"),
             "bakery.md": codecs.BOM_UTF16_BE + be.encode("utf-16-be")}
    index = ClaimIndex.load(tiny_index(tmp_path, files, fake_embedder))
    assert index.manifest.skipped == {}
    for claim, source in [("The harbour handled forty ships in October.", "harbour"),
                          ("The bakery sold twelve loaves on Friday.", "bakery")]:
        top = index.search(fake_embedder.embed([claim])[0], k_per_source=1)[0]
        assert (top.source_id, index.sentences[top.sentence].text) == (source, claim)
    corpus = read_corpus(tmp_path / "corpus")  # the fingerprint is of the file's bytes, as for any file
    assert corpus.files == {name: sha256(data) for name, data in files.items()}


def test_utf16_html_and_jsonl_reach_their_parsers_as_decoded_text():
    page = ('<html><head><meta charset="utf-16"><title>Ports</title></head><body><article><h1>Ports</h1>'
            "<p>The harbour handled forty ships.</p></article></body></html>")
    (doc,) = load_document_bytes("ports.html", codecs.BOM_UTF16_LE + page.encode("utf-16-le"))
    assert (doc.title, doc.text) == ("Ports", "Ports\n\nThe harbour handled forty ships.")
    row = '{"id": "wire", "text": "Ships queued for a week."}\n'
    (wire,) = load_document_bytes("wire.jsonl", codecs.BOM_UTF16_BE + row.encode("utf-16-be"))
    (same,) = load_document_bytes("wire.jsonl", row.encode("utf-8"))
    assert wire == same  # a jsonl document is hashed by its line's text, whatever the file's encoding


def test_a_word_file_is_refused_by_its_type_not_read_as_text():
    with pytest.raises(IngestError, match=r"^report.docx: unsupported file type '.docx'"):
        load_document_bytes("report.docx", b"PK\x03\x04\x00\x00binary")


# -- the CLI's claims file and the workbench's uploads ----------------------------------------------

@pytest.mark.parametrize("data", UTF16_BOM.values(), ids=UTF16_BOM.keys())
def test_a_claims_file_a_draft_and_an_uploaded_claims_file_in_utf16(tmp_path, data):
    path = tmp_path / "claims.txt"
    path.write_bytes(data)
    claims = ["Kim met Putin in Vladivostok.", "Café prices rose 😀 sharply."]
    assert read_claims([], str(path)) == claims
    assert read_claim_upload("claims.txt", data) == claims
    assert read_draft("draft.txt", data) == TEXT.replace("\r\n", "\n")


def test_utf16_without_a_mark_is_refused_in_each_callers_error_and_words(tmp_path):
    data = TEXT.encode("utf-16-le")
    (tmp_path / "claims.txt").write_bytes(data)
    with pytest.raises(CrosscheckError) as cli:
        read_claims([], str(tmp_path / "claims.txt"))
    assert type(cli.value) is CrosscheckError  # the CLI's inputs are not corpus files
    assert str(cli.value).endswith("is UTF-16 text (without a byte-order mark); save it as UTF-8, or as UTF-16 "
                                   "with a byte-order mark (accepted: UTF-8, or UTF-16 with a byte-order mark)")
    with pytest.raises(DraftError, match=r"^draft.txt is UTF-16 text \(without a byte-order mark\).*"
                                         r"\(accepted: UTF-8 or UTF-16 .txt, .md, .docx\)$"):
        read_draft("draft.txt", data)
    with pytest.raises(BatchError, match=r"^claims.csv is UTF-16 text .*\(accepted: UTF-8 or UTF-16 .csv or .txt\)$"):
        read_claim_upload("claims.csv", data)
