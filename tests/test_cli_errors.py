"""The entry points' error boundary: hostile input gives one ``error:`` line and an exit code, never a
traceback; anything unexpected is logged to the error log the line names. Reports stream.

Subprocess runs cover what fails before a model loads; the streaming tests run ``verify.cli.main``
in-process with the fake embedder and a fake judge.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from pydantic import ValidationError

from index import build_index
from index.boundary import OneLineParser, describe, one_line
from index.errors import CrosscheckError, UsageError
from index.store.claim_index import ClaimIndex
from verify import cli as verify_cli
from verify.errors import failure
from verify.inputs import MAX_ITEMS, MAX_PASSAGE_CHARS, read_claims, read_pairs
from verify.settings import Settings
from verify.verifier import CHECK_BATCH, Verifier


@pytest.fixture(autouse=True)
def error_log(monkeypatch, tmp_path) -> Path:
    """Every test logs to its own file, never to the repository's var/log."""
    path = tmp_path / "log" / "errors.log"
    monkeypatch.setenv("CROSSCHECK_ERROR_LOG", str(path))
    return path


def run(*args: str | bytes, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    """``python -m ARGS`` with bytes in and out (arguments may be bytes that are not UTF-8)."""
    return subprocess.run([sys.executable, "-m", *args], input=stdin, capture_output=True, cwd=REPO,
                          env={**os.environ, **env}, timeout=120, check=False)


def one_error_line(proc: subprocess.CompletedProcess[bytes], code: int, needle: str) -> str:
    """The only line on stderr; checks it is ``error: ...`` holding ``needle`` and the exit code."""
    err = proc.stderr.decode("utf-8", "backslashreplace")
    assert proc.returncode == code, err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert needle in err, err
    assert proc.stdout == b""
    return err


# -- before any model loads: subprocess runs -----------------------------------------------------

def test_claims_that_are_not_utf8(tmp_path):
    one_error_line(run("verify", "check", "--index", str(tmp_path), b"Kim \xff\xfe met Putin"), 1,
                   "claim 1 is not valid UTF-8")
    one_error_line(run("verify", "check", "--index", str(tmp_path), "--file", "-", stdin=b"fine\nbad \xc3\x28\n"),
                   1, "stdin is not UTF-8 text")


def test_utf16_claims_without_a_byte_order_mark_are_refused(tmp_path):
    claims = tmp_path / "claims.txt"
    claims.write_bytes("Kim met Putin.\nSeoul is big.\n".encode("utf-16-le"))
    one_error_line(run("verify", "check", "--index", str(tmp_path), "--file", str(claims)), 1,
                   "claims.txt is UTF-16 text (without a byte-order mark); save it as UTF-8, or as UTF-16 with a "
                   "byte-order mark (accepted: UTF-8, or UTF-16 with a byte-order mark)")


def test_deeply_nested_json_to_judge():
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    one_error_line(run("verify", "judge", stdin=b'{"claim": "a", "passage": "b"}\n' + deep), 1,
                   "stdin line 2: JSON nested too deeply")


@pytest.mark.parametrize(("args", "env", "code", "needle"), [
    (("-k", "0"), {}, 2, "invalid setting -k=0: Input should be greater than or equal to 1"),
    (("-k", "x"), {}, 2, "argument -k: invalid int value: 'x' (see python -m verify check --help)"),
    ((), {"CROSSCHECK_BACKEND": "foo"}, 1, "invalid setting CROSSCHECK_BACKEND=foo: Input should be 'auto', 'torch' or"),
])
def test_bad_settings(tmp_path, args, env, code, needle):
    one_error_line(run("verify", "check", "--index", str(tmp_path), *args, "a claim", **env), code, needle)


@pytest.mark.parametrize("args", [(), ("bogus",), ("check",), ("judge", "--format", "xml")])
def test_usage_errors_are_one_line_exit_2(args):
    one_error_line(run("verify", *args), 2, "(see python -m verify")


@pytest.mark.parametrize("manifest", ["[]", "null", "[" * 50_000 + "]" * 50_000])
def test_a_mangled_manifest_is_one_line(corpus_dir, fake_embedder, tmp_path, error_log, manifest):
    index = tmp_path / "index"
    build_index(corpus_dir, index, fake_embedder)
    (index / "manifest.json").write_text(manifest, encoding="utf-8")
    for proc in (run("index", "info", "--index", str(index)), run("verify", "check", "--index", str(index), "x")):
        err = one_error_line(proc, 1, "")
        if "details in" in err:  # not a domain error: the traceback is in the log the line names
            assert str(error_log) in err and "Traceback (most recent call last)" in error_log.read_text()


def test_paths_over_the_os_limit(tmp_path, corpus_dir):
    deep = tmp_path.joinpath(*["d" * 200] * 25)  # 5,000 characters: over PATH_MAX
    one_error_line(run("index", "build", "--corpus", str(deep), "--out", str(tmp_path / "index")), 1,
                   "File name too long")
    one_error_line(run("index", "build", "--corpus", str(corpus_dir), "--out", str(deep)), 1, "File name too long")


def test_a_claims_file_over_the_limits(tmp_path):
    many = tmp_path / "many.txt"
    many.write_text("A claim.\n" * (MAX_ITEMS + 1), encoding="utf-8")
    one_error_line(run("verify", "check", "--index", str(tmp_path), "--file", str(many)), 1,
                   f"{MAX_ITEMS + 1:,} claims in one run; at most {MAX_ITEMS:,}")
    long = tmp_path / "long.txt"
    long.write_text("Short claim.\n" + "word " * 1000 + "\n", encoding="utf-8")
    one_error_line(run("verify", "check", "--index", str(tmp_path), "--file", str(long)), 1,
                   "long.txt line 2: the claim is 4999 characters long")


# -- the readers, in-process ------------------------------------------------------------------

def test_claims_in_utf8_and_utf16_with_a_byte_order_mark(tmp_path):
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{encoding}.txt"
        path.write_text("Kim met Putin.\n\n  Seoul   is big. \n", encoding=encoding)
        assert read_claims(["First."], str(path)) == ["First.", "Kim met Putin.", "Seoul is big."]


def test_input_over_the_byte_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("verify.inputs.MAX_INPUT_BYTES", 2**20)
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"claim": "a", "passage": "b" * 10}) * 50_000, encoding="utf-8")
    with pytest.raises(CrosscheckError, match="big.jsonl is over the 1 MiB limit"):
        read_pairs(str(big))


@pytest.mark.parametrize(("row", "message"), [
    ({"claim": "a", "passage": "b" * (MAX_PASSAGE_CHARS + 1)}, "the passage is 4,001 characters long; at most"),
    ({"claim": "word " * 500, "passage": "b"}, "the claim is 2499 characters long"),
    ({"claim": " ", "passage": "b"}, "the claim is empty"),
    ({"claim": "a\ud800", "passage": "b"}, "the claim is not valid UTF-8"),
    ({"claim": "a", "passage": "b\udfff"}, "the passage is not valid UTF-8"),
    ({"claim": "a", "passage": 1}, 'expected {"claim": str, "passage": str}'),
    ([1] * 3, 'expected {"claim": str, "passage": str}'),
])
def test_judge_rows_over_their_limits(tmp_path, row, message):
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"claim": "fine", "passage": "fine"}) + "\n" + json.dumps(row) + "\n",
                    encoding="utf-8")
    with pytest.raises(CrosscheckError, match="line 2: ") as caught:
        read_pairs(str(path))
    assert message in str(caught.value)


def test_judge_reads_a_huge_integer_as_bad_json(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"claim": "a", "passage": "b", "n": ' + "9" * 5000 + "}\n", encoding="utf-8")
    with pytest.raises(CrosscheckError, match="line 1: not valid JSON"):
        read_pairs(str(path))


# -- the boundary itself -----------------------------------------------------------------------

def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - a raised exception carries its traceback
        return caught


@pytest.mark.parametrize(("exc", "needle"), [
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (MemoryError(), "out of memory"),
    (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), "not valid UTF-8"),
    (OSError(36, "File name too long", "/x" * 3000), "File name too long: /x/x"),
    (ValueError("boom\nsecond line\x1b[31m"), "unexpected ValueError: boom second line\\x1b[31m; this is a bug"),
])
def test_unexpected_failures_are_one_line_and_logged(error_log, exc, needle):
    got = describe(_raised(exc), "test")
    assert got.exit_code == 1 and needle in got.message and "\n" not in got.message
    assert got.message.endswith(f"(details in {error_log})") and len(got.message) < 500
    logged = error_log.read_text(encoding="utf-8")
    assert "--- " in logged and "Traceback (most recent call last)" in logged and type(exc).__name__ in logged


def test_domain_errors_are_shown_as_they_are_and_not_logged(error_log):
    assert describe(CrosscheckError("no index at x")).model_dump() == {
        "message": "no index at x", "exit_code": 1, "log": None}
    assert describe(UsageError("bad flag")).exit_code == 2
    assert describe(KeyboardInterrupt()).exit_code == 130
    assert not error_log.exists()


def test_invalid_settings_name_their_variable(monkeypatch, error_log):
    monkeypatch.setenv("CROSSCHECK_BACKEND", "foo")
    with pytest.raises(ValidationError) as caught:
        Settings.from_env()
    got = failure(caught.value, "app")
    assert got.message.startswith("invalid setting CROSSCHECK_BACKEND=foo: Input should be") and got.exit_code == 1
    assert not error_log.exists()  # a user's mistake, not a bug


def test_one_line_escapes_and_cuts():
    assert one_line("a\n\tb\x00c\ud800") == "a b\\x00c\\ud800"
    cut = one_line("x" * 1000, limit=100)
    assert len(cut) <= 100 and " ... " in cut


def test_the_parser_error_is_one_line(capsys):
    parser = OneLineParser(prog="prog")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["--n", "x"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == "error: argument --n: invalid int value: 'x' (see prog --help)\n"


# -- streaming, with fakes -----------------------------------------------------------------------

class NeutralJudge:
    """Every pair neutral; ``fail_after`` raises KeyboardInterrupt on that NLI call (a Ctrl-C)."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls, self.fail_after = 0, fail_after

    def predict(self, pairs):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt
        return np.tile(np.array([[0.1, 0.1, 0.8]], dtype=np.float32), (len(pairs), 1))


@pytest.fixture
def fake_check(monkeypatch, tmp_path, corpus_dir, fake_embedder):
    """``verify check`` on the sample corpus with the fake embedder; returns a judge setter."""
    build_index(corpus_dir, tmp_path / "index", fake_embedder)
    state = {"judge": NeutralJudge()}

    def from_index(cls, index_dir, settings=None, embedder=None, judge=None):
        settings = Settings(**{**settings.model_dump(), "recheck_contradictions": False, "judge_context": False})
        index = ClaimIndex.load(Path(index_dir), corpus_check=False, embedder_name=fake_embedder.name)
        return Verifier(index, settings, fake_embedder, state["judge"])

    monkeypatch.setattr(Verifier, "from_index", classmethod(from_index))
    return state


CLAIMS = [f"Claim number {i} about Pyongyang." for i in range(CHECK_BATCH + 2)]


def test_jsonl_prints_one_report_per_line_and_json_one_array(fake_check, tmp_path, capsys):
    assert verify_cli.main(["check", "--index", str(tmp_path / "index"), "--format", "jsonl", *CLAIMS]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [json.loads(line)["claim"] for line in lines] == CLAIMS and err == ""  # no progress: not a terminal
    assert verify_cli.main(["check", "--index", str(tmp_path / "index"), "--format", "json", *CLAIMS]) == 0
    assert json.loads(capsys.readouterr().out) == [json.loads(line) for line in lines]


def test_text_reports_are_separated_by_a_blank_line(fake_check, tmp_path, capsys):
    assert verify_cli.main(["check", "--index", str(tmp_path / "index"), *CLAIMS[:2]]) == 0
    out = capsys.readouterr().out
    assert out.count("CLAIM: ") == 2 and "\n\nCLAIM: Claim number 1" in out and not out.startswith("\n")


def test_an_interrupt_keeps_the_reports_already_printed(fake_check, tmp_path, capsys):
    fake_check["judge"] = NeutralJudge(fail_after=1)  # the first batch is judged, then Ctrl-C
    code = verify_cli.main(["check", "--index", str(tmp_path / "index"), "--format", "jsonl", *CLAIMS])
    out, err = capsys.readouterr()
    assert code == 130
    assert [json.loads(line)["claim"] for line in out.splitlines()] == CLAIMS[:CHECK_BATCH]
    assert err == f"error: interrupted after {CHECK_BATCH} of {len(CLAIMS)} claims (the reports printed are complete)\n"


def test_a_bad_claim_fails_before_any_model(fake_check, tmp_path, capsys):
    fake_check["judge"] = NeutralJudge(fail_after=0)
    path = tmp_path / "claims.txt"
    path.write_text("\n".join(CLAIMS) + "\n" + "x" * 3000 + "\n", encoding="utf-8")
    assert verify_cli.main(["check", "--index", str(tmp_path / "nowhere"), "--file", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: {path} line {len(CLAIMS) + 1}: the claim is 3000 characters")


@pytest.mark.parametrize("flags, verbose", [([], False), (["-v"], True)])
def test_the_libraries_are_quieted_before_the_arguments_and_logging_follows_verbose(
        fake_check, tmp_path, monkeypatch, capsys, flags, verbose):
    import index.boundary

    steps = []
    monkeypatch.setattr(index.boundary, "quiet_libraries", lambda: steps.append("quiet"))
    monkeypatch.setattr(index.boundary, "configure_logging", lambda v=False: steps.append(("logging", v)))
    real_parser = verify_cli.build_parser

    def build_parser():
        parser = real_parser()
        parse = parser.parse_args
        parser.parse_args = lambda argv=None: steps.append("parse") or parse(argv)
        return parser

    monkeypatch.setattr(verify_cli, "build_parser", build_parser)
    assert verify_cli.main([*flags, "check", "--index", str(tmp_path / "index"), CLAIMS[0]]) == 0
    assert steps == ["quiet", "parse", ("logging", verbose)] and "CLAIM: " in capsys.readouterr().out


# -- the app's boundary ---------------------------------------------------------------------------

@pytest.mark.usefixtures("notes_path")
def test_the_app_shows_bad_settings_as_one_message(monkeypatch, error_log):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CROSSCHECK_BACKEND", "foo")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # the page escapes Markdown
    assert shown == ["invalid setting CROSSCHECK_BACKEND=foo: Input should be 'auto', 'torch' or 'onnx'"]


@pytest.mark.usefixtures("notes_path")
def test_the_app_logs_an_unexpected_failure(monkeypatch, corpus_dir, fake_embedder, tmp_path, error_log):
    from streamlit.testing.v1 import AppTest

    build_index(corpus_dir, tmp_path / "index", fake_embedder)
    (tmp_path / "index" / "manifest.json").write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    monkeypatch.setenv("CROSSCHECK_CORPUS", str(corpus_dir))
    monkeypatch.setenv("CROSSCHECK_INDEX", str(tmp_path / "index"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value
    if "details in" in at.error[0].value:  # not (yet) a domain error of index.store.claim_index: logged
        assert "Traceback (most recent call last)" in error_log.read_text(encoding="utf-8")
