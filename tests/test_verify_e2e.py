"""End to end on the bundled corpus with the real models, through the CLI contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
YONHAP = "000_0e7c1c881fb697f2"


def run_cli(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=600, check=False)


def assert_one_line_error(proc: subprocess.CompletedProcess, needle: str) -> None:
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("error: ") and needle in lines[-1], proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def reports(real_index_dir):
    claims = ["Lavrov plans to visit Pyongyang in October",
              "Lavrov plans to visit Pyongyang in December",
              "The pound sterling rose against the dollar last week."]
    proc = run_cli("verify", "check", "--index", str(real_index_dir), "--format", "json", *claims)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no library progress bar ("Loading weights") or warning on stderr
    out = json.loads(proc.stdout)
    assert [r["claim"] for r in out] == claims
    return {r["claim"]: r for r in out}


def source(report, source_id):
    return next(s for s in report["sources"] if s["source_id"] == source_id)


def test_contract_fields(reports):
    for report in reports.values():
        # the base contract, plus the additions the README lists (never a rename or a removal)
        assert {"claim", "verdict", "confidence", "sources"} <= set(report) <= {
            "claim", "verdict", "confidence", "sources", "groups", "sources_without_evidence"}
        # every source of the corpus is listed with a judged passage, or counted without one
        assert len([s for s in report["sources"] if s["passages"]]) + report["sources_without_evidence"] == 5
        assert 0 <= report["confidence"] <= 1
        for s in report["sources"]:
            assert {"source_id", "title", "stance", "confidence", "passages"} <= set(s)
            for p in s["passages"]:
                assert {"text", "start", "end", "label", "probabilities", "similarity"} <= set(p)
                assert abs(sum(p["probabilities"].values()) - 1) < 0.01


def test_october_is_supported_by_the_yonhap_article(reports):
    report = reports["Lavrov plans to visit Pyongyang in October"]
    yonhap = source(report, YONHAP)
    assert yonhap["stance"] == "supports"
    assert "Lavrov" in yonhap["passages"][0]["text"] and "October" in yonhap["passages"][0]["text"]
    assert report["verdict"] == "supported"


def test_december_is_contradicted_with_the_date_span(reports):
    report = reports["Lavrov plans to visit Pyongyang in December"]
    yonhap = source(report, YONHAP)
    assert yonhap["stance"] == "contradicts"
    best = yonhap["passages"][0]
    assert best["label"] == "contradicts"
    spans = [(m["claim"]["text"], m["passage"]["text"]) for m in best["mismatches"] if m["kind"] == "date"]
    assert ("in December", "in October") in spans
    assert report["verdict"] == "contradicted"


def test_unrelated_statement_has_not_enough_evidence(reports, real_index_dir):
    claim = "The pound sterling rose against the dollar last week."
    report = reports[claim]
    assert report["verdict"] == "not_enough_evidence"
    assert all(s["stance"] == "none" for s in report["sources"])
    proc = run_cli("verify", "check", "--index", str(real_index_dir), "--format", "jsonl", "--all-sources", claim)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert len(listed["sources"]) == 5 and listed["verdict"] == report["verdict"]
    assert listed["sources_without_evidence"] == report["sources_without_evidence"]


def test_text_format_and_file_input(real_index_dir, tmp_path):
    claims = tmp_path / "claims.txt"
    claims.write_text("Lavrov plans to visit Pyongyang in October\n\n")
    proc = run_cli("verify", "check", "--index", str(real_index_dir), "--file", str(claims))
    assert proc.returncode == 0, proc.stderr
    assert "VERDICT: supported" in proc.stdout and YONHAP in proc.stdout


def test_judge_command(tmp_path):
    rows = [{"claim": "Kim met Putin in 2019.", "passage": "Kim met Putin in 2019 in Vladivostok."},
            {"claim": "Kim met Putin in 2015.", "passage": "Kim met Putin in 2019 in Vladivostok."}]
    proc = run_cli("verify", "judge", "--format", "json", stdin="\n".join(json.dumps(r) for r in rows))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out) == 2 and all(set(j) == {"label", "probabilities", "reasons"} for j in out)
    assert out[1]["label"] == "contradicts"


# -- bad input: one line, non-zero exit, nothing touched -----------------------------------
@pytest.mark.parametrize("claim", ["", "   "])
def test_empty_claim(real_index_dir, claim):
    assert_one_line_error(run_cli("verify", "check", "--index", str(real_index_dir), claim), "empty")


def test_no_claim_at_all(real_index_dir):
    assert_one_line_error(run_cli("verify", "check", "--index", str(real_index_dir)), "no claim")


def test_missing_index(tmp_path):
    assert_one_line_error(run_cli("verify", "check", "--index", str(tmp_path / "nope"), "x"), "no index")


def test_corrupt_index(real_index_dir, tmp_path):
    broken = tmp_path / "index"
    shutil.copytree(real_index_dir, broken)
    (next(broken.glob("seg-*")) / "vectors.npy").write_bytes(b"garbage")
    assert_one_line_error(run_cli("verify", "check", "--index", str(broken), "x"), "corrupt")


def test_stale_index(tmp_path, real_embedder):
    from index import build_index

    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "data" / "corpus", corpus)
    build_index(corpus, tmp_path / "index", real_embedder)
    with (corpus / f"{YONHAP}.txt").open("a") as fh:
        fh.write("\nA new paragraph.\n")
    assert_one_line_error(run_cli("verify", "check", "--index", str(tmp_path / "index"), "x"), "stale")


def test_missing_claims_file(real_index_dir, tmp_path):
    assert_one_line_error(run_cli("verify", "check", "--index", str(real_index_dir), "--file",
                                  str(tmp_path / "none.txt")), "no such file")


def test_malformed_judge_line():
    proc = run_cli("verify", "judge", stdin='{"claim": "a", "passage": "b"}\nnot json\n')
    assert_one_line_error(proc, "line 2")
