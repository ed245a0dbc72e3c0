"""Corpus management (verify/workbench/corpus_admin.py): safe names, size limits, no overwrites, no escapes."""

from __future__ import annotations

import os

import pytest
from conftest import tiny_index

from index import ClaimIndex, build_index
from verify.workbench.corpus_admin import (
    MAX_UPLOAD_BYTES,
    UploadError,
    corpus_listing,
    remove_file,
    safe_name,
    save_upload,
    taken_ids,
)

ARTICLE = b"Bridges approved\n\nOfficials said on Monday that 40 bridges were approved.\n"


@pytest.mark.parametrize("name, safe", [
    ("report.txt", "report.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.MD", "evil.md"),
    ("/abs/path/news.html", "news.html"),
    (".hidden.txt", "hidden.txt"),
    ("...txt.jsonl", "txt.jsonl"),
    ("a<b>c|d?.htm", "a_b_c_d_.htm"),
    ("Überblick 2024.txt", "Überblick 2024.txt"),
    ("caf\udce9.txt", "caf_.txt"),  # a name that was not UTF-8
])
def test_safe_name_keeps_a_plain_base_name(name, safe):
    assert safe_name(name) == safe


@pytest.mark.parametrize("name, message", [
    ("script.py", "unsupported file type .py"),
    ("archive.tar.gz", "unsupported file type .gz"),
    ("noext", "unsupported file type"),
    ("../..", "unsupported file type"),
    ("..txt", "unsupported file type"),
    ("!!!.txt", "no usable file name"),
])
def test_safe_name_refuses_other_types_and_empty_names(name, message):
    with pytest.raises(UploadError, match=message):
        safe_name(name)


def test_an_upload_is_validated_saved_and_never_overwritten_silently(tmp_path):
    corpus = tmp_path / "corpus"
    saved = save_upload(corpus, "../bridges.txt", ARTICLE)
    assert (saved.file, saved.source_ids, saved.replaced) == ("bridges.txt", ["bridges"], False)
    assert (corpus / "bridges.txt").read_bytes() == ARTICLE
    assert not (tmp_path / "bridges.txt").exists()
    with pytest.raises(UploadError, match="already in the corpus"):
        save_upload(corpus, "bridges.txt", b"Other text entirely.\n")
    assert (corpus / "bridges.txt").read_bytes() == ARTICLE
    again = save_upload(corpus, "bridges.txt", b"Other text entirely.\n", replace=True)
    assert again.replaced and (corpus / "bridges.txt").read_bytes() == b"Other text entirely.\n"
    assert sorted(p.name for p in corpus.iterdir()) == ["bridges.txt"]  # no staging file left behind


@pytest.mark.parametrize("name, data, message", [
    ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "at most 10.0 MB"),
    ("empty.txt", b"  \n", "empty"),
    ("binary.txt", b"\x00\x01\x02", "binary"),
    ("latin.txt", b"caf\xe9", "not UTF-8"),
    ("bad.jsonl", b'{"id": "a"}\n', "missing 'text'"),
    ("surrogate.jsonl", b'{"id": "a\\udc80", "text": "Forty bridges."}\n', "lone UTF-16 surrogate"),
    ("deep.jsonl", b"{\"id\": " * 50_000 + b"\n", "nested too deeply"),
    ("utf16.txt", "Forty bridges.".encode("utf-16-le"), "UTF-16 text"),
    ("deep.html", b"<div>" * 1000 + b"Forty bridges.", "deeper than 255 levels"),
])
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_is_written(tmp_path, name, data, message):
    with pytest.raises(UploadError, match=message):
        save_upload(tmp_path, name, data)
    assert list(tmp_path.iterdir()) == []


def test_an_upload_may_not_reuse_a_source_id(tmp_path):
    (tmp_path / "bridges.md").write_bytes(ARTICLE)
    with pytest.raises(UploadError, match="'bridges' is already used by bridges.md"):
        save_upload(tmp_path, "bridges.txt", ARTICLE, taken_ids(tmp_path, None))
    jsonl = b'{"id": "bridges", "text": "Forty bridges."}\n'
    with pytest.raises(UploadError, match="already used"):
        save_upload(tmp_path, "feed.jsonl", jsonl, taken_ids(tmp_path, None))


def test_jsonl_ids_are_unique_across_all_files_of_the_corpus(tmp_path, fake_embedder):
    first = b'{"id": "bridges", "text": "Forty bridges."}\n'
    save_upload(tmp_path, "feed1.jsonl", first, taken_ids(tmp_path, None))
    with pytest.raises(UploadError, match="'bridges' is already used by feed1.jsonl"):
        save_upload(tmp_path, "feed2.jsonl", first.replace(b"Forty", b"Fifty"), taken_ids(tmp_path, None))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed1.jsonl"]
    build_index(tmp_path, tmp_path.parent / "index", fake_embedder, strict=True)  # the next build still works


def test_a_symlink_is_never_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    os.symlink(outside, corpus / "link.txt")
    with pytest.raises(UploadError, match="not a plain file"):
        save_upload(corpus, "link.txt", ARTICLE, replace=True)
    assert outside.read_bytes() == b"keep me"


def test_remove_deletes_only_files_of_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_bytes(ARTICLE)
    (corpus / "sub" / "b.txt").write_bytes(ARTICLE)
    (tmp_path / "secret.txt").write_bytes(b"secret")
    os.symlink(tmp_path / "secret.txt", corpus / "link.txt")
    for bad in ("../secret.txt", "/etc/passwd", "sub/../../secret.txt", ".hidden.txt", "missing.txt", "sub"):
        with pytest.raises(UploadError):
            remove_file(corpus, bad)
    assert remove_file(corpus, "sub/b.txt") == corpus / "sub" / "b.txt"
    remove_file(corpus, "link.txt")  # the link goes, its target stays
    assert (tmp_path / "secret.txt").read_bytes() == b"secret"
    assert sorted(p.name for p in corpus.rglob("*")) == ["a.txt", "sub"]


def test_listing_shows_what_the_index_holds_and_what_changed(tmp_path, fake_embedder):
    files = {"a.txt": ARTICLE, "b.txt": b"Second\n\nThe harbour handled 3 ships.\n",
             "c.txt": b"Third\n\nThe bakery sold 12 loaves.\n"}
    index = ClaimIndex.load(tiny_index(tmp_path, files, fake_embedder), corpus_check=False)
    corpus = tmp_path / "corpus"
    entries = corpus_listing(corpus, index)
    assert [(e.file, e.status, [s.source_id for s in e.sources]) for e in entries] == [
        ("a.txt", "indexed", ["a"]), ("b.txt", "indexed", ["b"]), ("c.txt", "indexed", ["c"])]
    assert entries[0].sources[0].sentences == 2 and entries[0].size == len(ARTICLE)
    save_upload(corpus, "d.txt", ARTICLE.replace(b"40", b"41"))
    (corpus / "b.txt").write_bytes(b"Second\n\nThe harbour handled 4 ships.\n")
    remove_file(corpus, "c.txt")
    assert [(e.file, e.status) for e in corpus_listing(corpus, index)] == [
        ("a.txt", "indexed"), ("b.txt", "changed"), ("d.txt", "new"), ("c.txt", "removed")]
    assert [e.status for e in corpus_listing(corpus, None)] == ["new", "new", "new"]


def test_listing_shows_the_files_the_build_skipped_and_why(tmp_path, fake_embedder):
    index = ClaimIndex.load(tiny_index(tmp_path, {"a.txt": ARTICLE, "photo.txt": b"\x89PNG\x00\x00"}, fake_embedder),
                            corpus_check=False)
    corpus = tmp_path / "corpus"
    entries = {e.file: e for e in corpus_listing(corpus, index)}
    assert entries["a.txt"].status == "indexed" and entries["a.txt"].reason is None
    assert entries["photo.txt"].status == "skipped" and "is a binary file" in entries["photo.txt"].reason
