"""The HTTP API (verify/api): routes, one-line errors, limits, exports, offline docs; with the fakes, and once
with the real models on the bundled corpus."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import KeywordJudge
from fastapi.testclient import TestClient

from index import build_index
from verify import Report, Settings, Verifier
from verify.api import MAX_CLAIMS, MAX_PASSAGE_CHARS, create_app
from verify.api import server as api_server
from verify.cli import build_parser, main
from verify.inputs import MAX_CLAIM_CHARS
from verify.models import Judgement
from verify.workbench.checked import CheckedStatement
from verify.workbench.export import CSV_COLUMNS, claim_review, reports_csv, reports_markdown

HARBOUR = "Officials confirmed the harbour trade grew."


class BrokenJudge:
    def predict(self, pairs):
        raise RuntimeError("GPU on fire\nTraceback (most recent call last): secret")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "short.txt").write_text(f"Short note\n\n{HARBOUR}\n")
    (folder / "other.txt").write_text("Other\n\nOfficials denied the harbour trade grew.\n")
    (folder / "wire.jsonl").write_text(json.dumps({
        "id": "wire", "title": "Ports report", "url": "https://ports.example/report", "publisher": "Ports Daily",
        "date": "2024-03-01", "text": "The harbour trade grew, officials confirmed on Friday. Ships queued."}) + "\n")
    return folder


@pytest.fixture
def settings(tmp_path, corpus, fake_embedder):
    build_index(corpus, tmp_path / "index", fake_embedder)
    return Settings(index_dir=tmp_path / "index", min_similarity=-1.0)


@pytest.fixture
def judge():
    return KeywordJudge()


@pytest.fixture
def client(settings, fake_embedder, judge):
    return TestClient(create_app(settings, embedder=fake_embedder, judge=judge))


def assert_one_line(response, status: int, needle: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and needle in detail, detail
    assert "Traceback" not in response.text


def test_check_answers_the_cli_contract_for_one_claim_or_a_list(client, settings, fake_embedder):
    direct = Verifier.from_index(settings.index_dir, settings, embedder=fake_embedder, judge=KeywordJudge())
    one = client.post("/check", json={"claim": "The harbour  trade grew."})
    assert one.status_code == 200
    assert [Report.model_validate(r) for r in one.json()] == [direct.check("The harbour trade grew.")]
    claims = ["The harbour trade grew.", "Bread bakes at a high heat."]
    many = client.post("/check", json={"claims": claims}).json()
    assert [r["claim"] for r in many] == claims
    assert many == [r.model_dump() for r in direct.check_many(claims)]
    wire = next(s for s in many[0]["sources"] if s["source_id"] == "wire")
    assert wire["url"] == "https://ports.example/report" and wire["stance"] == "supports"


def test_check_takes_the_python_apis_source_filter_and_lists_every_source_on_request(tmp_path, corpus,
                                                                                      fake_embedder):
    (corpus / "bread.txt").write_text("Recipes\n\nBake the bread for forty minutes at a high heat.\n")
    build_index(corpus, tmp_path / "strict", fake_embedder)
    settings = Settings(index_dir=tmp_path / "strict", min_similarity=0.6)  # the recipe is not similar enough
    client = TestClient(create_app(settings, embedder=fake_embedder, judge=KeywordJudge()))
    plain = client.post("/check", json={"claim": HARBOUR}).json()[0]
    assert "bread" not in {s["source_id"] for s in plain["sources"]} and plain["sources_without_evidence"] == 1
    full = client.post("/check", json={"claim": HARBOUR, "all_sources": True}).json()[0]
    bread = next(s for s in full["sources"] if s["source_id"] == "bread")
    assert bread["stance"] == "none" and not bread["passages"] and full["sources_without_evidence"] == 1
    assert len(full["sources"]) == 4 and full["verdict"] == plain["verdict"]
    chosen = client.post("/check", json={"claim": HARBOUR, "sources": ["other", "bread"]}).json()[0]
    assert [s["source_id"] for s in chosen["sources"]] == ["other", "bread"]  # each chosen source is listed
    assert chosen["verdict"] == "contradicted"
    assert_one_line(client.post("/check", json={"claim": HARBOUR, "sources": ["other", "nope"]}), 422,
                    "unknown source id 'nope'")
    assert_one_line(client.post("/check", json={"claim": HARBOUR, "sources": []}), 422,
                    "sources: List should have at least 1 item")


@pytest.mark.parametrize(("body", "needle"), [
    ({"claim": "   "}, "claim: the claim is empty"),
    ({"claim": "word " * MAX_CLAIM_CHARS}, f"at most {MAX_CLAIM_CHARS} characters"),
    ({"claims": ["The harbour trade grew.", ""]}, "claims: claim 2: the claim is empty"),
    ({"claims": ["x y z"] * (MAX_CLAIMS + 1)}, f"claims: List should have at most {MAX_CLAIMS} items"),
    ({"claims": []}, "claims: List should have at least 1 item"),
    ({"claim": "a b", "claims": ["c d"]}, 'give either "claim" (one statement) or "claims" (a list)'),
    ({}, 'give either "claim"'),
    ({"claim": "a b", "index": "/etc"}, "index: Extra inputs are not permitted"),
    ({"claim": 42}, "claim: Input should be a valid string"),
])
def test_bad_check_requests_get_one_line_before_any_model_runs(client, judge, body, needle):
    assert_one_line(client.post("/check", json=body), 422, needle)
    assert judge.seen == []


def test_a_body_that_is_not_json_gets_one_line(client):
    response = client.post("/check", content=b"{claim: nope", headers={"Content-Type": "application/json"})
    assert_one_line(response, 422, "JSON decode error")


def test_judge_reads_a_claim_against_each_passage(client, judge):
    response = client.post("/judge", json={"claim": "The harbour trade grew.",
                                           "passages": [HARBOUR, "Officials denied the harbour trade grew."]})
    assert response.status_code == 200
    judgements = [Judgement.model_validate(j) for j in response.json()]
    assert [j.label for j in judgements] == ["supports", "contradicts"]
    assert {premise for premise, _ in judge.seen} >= {HARBOUR}


@pytest.mark.parametrize(("body", "needle"), [
    ({"claim": "The trade grew.", "passages": []}, "passages: List should have at least 1 item"),
    ({"claim": "The trade grew.", "passages": ["ok", " "]}, "passages: passage 2 is empty"),
    ({"claim": "The trade grew.", "passages": ["x" * (MAX_PASSAGE_CHARS + 1)]}, f"at most {MAX_PASSAGE_CHARS}"),
    ({"claim": "", "passages": ["ok"]}, "claim: the claim is empty"),
    ({"passages": ["ok"]}, "claim: Field required"),
])
def test_bad_judge_requests_get_one_line(client, judge, body, needle):
    assert_one_line(client.post("/judge", json=body), 422, needle)
    assert judge.seen == []


def test_sources_and_health_describe_the_index(client, settings, fake_embedder):
    sources = {s["source_id"]: s for s in client.get("/sources").json()}
    assert set(sources) == {"short", "other", "wire"}
    assert sources["wire"] == {"source_id": "wire", "title": "Ports report", "publisher": "Ports Daily",
                               "date": "2024-03-01", "url": "https://ports.example/report", "sentences": 2}
    assert sources["short"]["title"] == "Short note" and sources["short"]["url"] is None
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["index"] == str(settings.index_dir)
    assert (health["sources"], health["sentences"]) == (3, sum(s["sentences"] for s in sources.values()))
    assert health["embedding_model"] == fake_embedder.name
    assert health["verifier_model"] == str(settings.verifier_path)


def test_a_missing_index_is_reported_and_picked_up_once_built(tmp_path, corpus, fake_embedder, judge):
    settings = Settings(index_dir=tmp_path / "later", min_similarity=-1.0)
    client = TestClient(create_app(settings, embedder=fake_embedder, judge=judge))
    assert_one_line(client.get("/health"), 503, f"no index at {settings.index_dir}")
    assert_one_line(client.post("/check", json={"claim": "The harbour trade grew."}), 503, "no index at")
    build_index(corpus, settings.index_dir, fake_embedder)
    assert client.get("/health").json()["sources"] == 3


def test_a_missing_verifier_model_is_a_503_but_sources_still_work(settings, fake_embedder, tmp_path):
    missing = settings.model_copy(update={"verifier_path": tmp_path / "no-model"})
    client = TestClient(create_app(missing, embedder=fake_embedder))
    assert len(client.get("/sources").json()) == 3
    assert client.get("/health").json()["verifier_found"] is False
    assert_one_line(client.post("/judge", json={"claim": "A b c.", "passages": ["d"]}), 503, "no verifier model at")
    assert_one_line(client.post("/check", json={"claim": "The harbour trade grew."}), 503, "no verifier model at")


def test_an_unexpected_failure_is_a_500_without_a_traceback(settings, fake_embedder, caplog):
    client = TestClient(create_app(settings, embedder=fake_embedder, judge=BrokenJudge()),
                        raise_server_exceptions=False)
    response = client.post("/check", json={"claim": "The harbour trade grew."})
    assert_one_line(response, 500, "internal error (RuntimeError); see the server's log")
    assert "GPU on fire" not in response.text
    assert "POST /check failed" in caplog.text  # the details go to the server's log


def test_request_bodies_are_limited(settings, fake_embedder, judge, monkeypatch):
    monkeypatch.setattr(api_server, "MAX_BODY_BYTES", 2**20)
    client = TestClient(create_app(settings, embedder=fake_embedder, judge=judge))
    big = json.dumps({"claims": ["The harbour trade grew."] * 50_000})
    assert_one_line(client.post("/check", content=big, headers={"Content-Type": "application/json"}), 413,
                    "the request body is over 1 MiB")

    def chunks():
        yield b'{"claim": "The harbour trade grew."}'

    assert_one_line(client.post("/check", content=chunks(), headers={"Content-Type": "application/json"}), 411,
                    "Content-Length")
    assert judge.seen == []


def test_export_serves_every_format_from_checked_statements(client):
    reports = client.post("/check", json={"claims": ["The harbour trade grew.", "Bread bakes at a high heat."]}).json()
    statements = [dict(reports[0], sentence="The harbour trade grew, officials said.", position=4, review={
        "claim": reports[0]["claim"], "automatic": reports[0]["verdict"], "verdict": "supported", "accepted": False,
        "note": "Two ministries", "reviewed_at": "2024-01-02T03:04:05+00:00", "rejected_sources": ["wire"]}),
        reports[1]]
    body = {"statements": statements, "appearance": "https://news.example/d", "url": "https://desk.example/1"}
    checked = [CheckedStatement.model_validate(s) for s in statements]

    as_json = client.post("/export?format=json", json=body)
    assert as_json.headers["content-type"] == "application/json"
    assert [CheckedStatement.model_validate(s) for s in as_json.json()] == checked
    assert as_json.json()[0]["review"]["rejected_sources"] == ["wire"]

    as_csv = client.post("/export?format=csv", json=body)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="crosscheck.csv"' in as_csv.headers["content-disposition"]
    assert as_csv.text == reports_csv(checked)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert list(rows[0]) == CSV_COLUMNS
    assert {(r["position"], r["sentence"]) for r in rows if r["claim"] == reports[0]["claim"]} == {
        ("4", "The harbour trade grew, officials said.")}
    assert {(r["position"], r["rejected_by_reviewer"]) for r in rows if r["source_id"] == "wire"} == {
        ("4", "yes"), ("", "")}

    memo = client.post("/export?format=md", json=dict(body, title="Harbour desk")).text
    assert memo.startswith("# Harbour desk\n") and "## 1. The harbour trade grew, officials said." in memo
    first_section = memo.split("## 2.")[0]
    assert "Ports report" not in first_section and "**Short note**" in first_section  # the rejected source left
    assert memo.split("\n", 4)[4] == reports_markdown(checked, title="Harbour desk").split("\n", 4)[4]

    ld = client.post("/export?format=claimreview", json=body)
    assert ld.headers["content-type"] == "application/ld+json"
    first = ld.json()[0]
    assert first["url"] == "https://desk.example/1" and first["itemReviewed"]["position"] == 4
    assert first["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "url": "https://news.example/d"}]
    assert "wire" not in [c["identifier"] for c in first["citation"]] and first["reviewRating"]["ratingValue"] == 5
    assert json.loads(ld.text)[1]["citation"] == json.loads(claim_review(checked))[1]["citation"]


@pytest.mark.parametrize(("query", "body", "needle"), [
    ("format=pdf", None, "format: Input should be 'json', 'csv', 'md' or 'claimreview'"),
    ("format=json", {"statements": []}, "statements: List should have at least 1 item"),
    ("format=json", {"statements": [{"claim": "x", "verdict": "maybe", "confidence": 1}]}, "statements.0.verdict"),
])
def test_bad_export_requests_get_one_line(client, query, body, needle):
    body = body or {"statements": [{"claim": "x", "verdict": "supported", "confidence": 1}]}
    assert_one_line(client.post(f"/export?{query}", json=body), 422, needle)


def test_the_docs_are_served_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    script = next(part.split('"')[0] for part in page.text.split('src="')[1:] if "swagger-ui-bundle" in part)
    assert client.get(script).status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/check", "/judge", "/export", "/sources", "/health"} <= set(schema["paths"])


def test_serve_listens_on_this_machine_by_default_and_refuses_a_bad_port(capsys):
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert main(["serve", "--port", "70000"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --port 70000 is not a port number (1 to 65535)"]


@pytest.mark.slow
def test_the_real_models_answer_through_the_api(real_index_dir, real_embedder):
    client = TestClient(create_app(Settings(index_dir=real_index_dir), embedder=real_embedder))
    reports = client.post("/check", json={"claims": ["Lavrov plans to visit Pyongyang in October",
                                                     "Lavrov plans to visit Pyongyang in December"]}).json()
    yonhap = [next(s for s in r["sources"] if s["source_id"] == "000_0e7c1c881fb697f2") for r in reports]
    assert [s["stance"] for s in yonhap] == ["supports", "contradicts"]
    judged = client.post("/judge", json={"claim": "Kim met Putin.",
                                         "passages": ["Kim Jong Un met Vladimir Putin in Vostochny."]}).json()
    assert judged[0]["label"] == "supports"
