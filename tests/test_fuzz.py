"""Fuzzing the entry points with Hypothesis: hostile arguments, stdin, ``judge`` rows, corpus files and
uploads raise only Crosscheck's domain errors (one line for the user), never anything else.

Fast by design: fakes instead of models, small ``max_examples``, no example database on disk.
"""

from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index import build_index
from index.errors import CrosscheckError
from index.ingest.read import load_document_bytes
from index.split.document import split_document
from verify import cli as verify_cli
from verify.inputs import read_claims, read_pairs
from verify.workbench.corpus_admin import save_upload

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".jsonl")
NASTY = ["\ud800", "\udcff", "\x00", "\x1b[31m", "\u2028", "\ufeff", "\r", "\n", "\t", "<", ">", "[", "]",
         "(", "*", "_", "#", "&amp;", "<div>", "</p>", '"', "\\", "{", "}", "1,000", "2023", "October", "Kim",
         "not", " ", ".", "é", "𝔘", "\u202e"]
"""Pieces that broke parsers before: surrogates, NULs, escapes, markup, names, numbers, dates."""

text = st.lists(st.characters() | st.sampled_from(NASTY), max_size=40).map("".join)
raw = st.binary(max_size=300) | text.map(lambda t: t.encode("utf-8", "surrogatepass"))


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


class FakeJudge:
    """Probabilities from a hash of the pair: every label occurs, deterministically."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def predict(self, pairs):
        rows = np.array([[hash(p) % 7 + 1, hash(h) % 5 + 1, 3] for p, h in pairs], dtype=np.float32)
        return rows / rows.sum(axis=1, keepdims=True)


@pytest.fixture
def error_log(monkeypatch, tmp_path) -> Path:
    """The error log of this test: a fuzz case that writes to it found an unexpected failure."""
    path = tmp_path / "errors.log"
    monkeypatch.setenv("CROSSCHECK_ERROR_LOG", str(path))
    return path


def _assert_clean_exit(code: int, err: str, error_log: Path) -> None:
    assert code in (0, 1, 2, 130), err
    if code:
        assert err.count("\n") == 1 and err.startswith("error: "), err
    assert not error_log.exists(), error_log.read_text(encoding="utf-8")  # nothing unexpected was logged


# -- the CLIs' arguments and stdin ---------------------------------------------------------------

arguments = st.lists(st.sampled_from(["check", "judge", "--index", "--file", "-", "--format", "json", "jsonl",
                                      "text", "-k", "0", "3", "--model", "-v", "--", "-x"]) | text, max_size=8)


@FUZZ
@given(argv=arguments, stdin=raw)
def test_verify_cli_arguments(monkeypatch, capsys, error_log, argv, stdin):
    monkeypatch.setattr("verify.judge.backends.NLIJudge", FakeJudge)  # judge never loads a model
    _stdin(monkeypatch, stdin)
    try:
        code = verify_cli.main(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        code = exc.code
    _assert_clean_exit(code, capsys.readouterr().err, error_log)


@FUZZ
@given(argv=st.lists(st.sampled_from(["build", "info", "--corpus", "--out", "--index", "--model", "-v"]) | text,
                     max_size=6))
def test_index_cli_arguments(monkeypatch, capsys, error_log, tmp_path, argv):
    from index import cli as index_cli

    monkeypatch.chdir(tmp_path)  # relative paths in argv land in the test's folder
    monkeypatch.setattr(index_cli, "SentenceTransformerEmbedder", lambda model=None: pytest.fail("a model loaded"))
    try:
        code = index_cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    _assert_clean_exit(code, capsys.readouterr().err, error_log)


@FUZZ
@given(data=raw)
def test_claims_from_stdin(monkeypatch, data):
    _stdin(monkeypatch, data)
    try:
        claims = read_claims([], "-")
    except CrosscheckError:
        return
    assert claims and all(c.strip() and "\x00" not in c for c in claims)
    for claim in claims:
        claim.encode("utf-8")  # printable as UTF-8 later


pair = st.fixed_dictionaries({"claim": text, "passage": text}) | st.dictionaries(
    st.sampled_from(["claim", "passage", "x"]), text | st.integers() | st.none() | st.lists(st.integers()))


@FUZZ
@given(rows=st.lists(pair | text | st.integers(), min_size=1, max_size=4))
def test_judge_rows_then_the_detectors(monkeypatch, rows):
    from verify.verifier import judge_pairs

    lines = [json.dumps(r) if not isinstance(r, str) else r for r in rows]
    _stdin(monkeypatch, "\n".join(lines).encode("utf-8", "surrogatepass"))
    try:
        pairs = read_pairs("-")
    except CrosscheckError:
        return
    judgements = judge_pairs(FakeJudge(), pairs)  # the detectors read hostile claims and passages
    assert len(judgements) == len(pairs)


# -- ingest and the upload validator -------------------------------------------------------------

@FUZZ
@given(ext=st.sampled_from(EXTENSIONS), data=raw)
def test_ingest_of_random_bytes(ext, data):
    try:
        load_document_bytes("doc" + ext, data)
    except CrosscheckError:
        pass


jsonl_row = st.fixed_dictionaries({"id": text, "text": text}, optional={
    "title": text | st.none() | st.integers(), "date": text | st.integers(), "url": text, "publisher": text})


SURROGATE_ROW = {"id": "0", "text": "Kim met \ud800 Putin."}
@FUZZ
@example(rows=[SURROGATE_ROW])
@given(rows=st.lists(jsonl_row | st.dictionaries(text, text, max_size=2), min_size=1, max_size=3))
def test_ingest_of_jsonl_rows(rows):
    data = "\n".join(json.dumps(r) for r in rows).encode("utf-8")
    try:
        documents = load_document_bytes("doc.jsonl", data)
    except CrosscheckError:
        return
    for document in documents:
        split_document(document)  # what loads can be indexed


@FUZZ
@example(name="a.jsonl", data=json.dumps(SURROGATE_ROW).encode("utf-8"))
@given(name=text | st.sampled_from(["a.txt", "../x.md", "/etc/passwd.txt", "b.jsonl", ".html", "c.HTM"]),
       data=raw | st.lists(jsonl_row, min_size=1, max_size=2).map(
           lambda rows: "\n".join(json.dumps(r) for r in rows).encode("utf-8")))
def test_upload_validator(tmp_path_factory, fake_embedder, name, data):
    corpus = tmp_path_factory.mktemp("corpus")
    try:
        saved = save_upload(corpus, name, data)
    except CrosscheckError:
        assert not any(corpus.iterdir())  # a refused upload leaves nothing behind
        return
    assert (corpus / saved.file).is_file() and (corpus / saved.file).parent == corpus
    build_index(corpus, corpus.parent / (corpus.name + "-index"), fake_embedder)  # an accepted file indexes
