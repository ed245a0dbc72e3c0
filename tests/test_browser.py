"""The workbench in a real browser: Debian's Chromium, headless, driven by Playwright, against
``streamlit run app.py`` on a temporary copy of the bundled corpus, with the real models, offline.

One session of daily use: check a statement (and measure the highlight colours' contrast), open
a passage's document, add documents and keep checking while the index updates, find the new
document, reopen a check from the History tab and from its permalink, search the corpus, check
a CSV of claims and download and parse every export, and check a draft. Screenshots go into a
temporary folder, or, with ``CROSSCHECK_SCREENSHOTS=docs`` (``make screenshots``), into
``docs/`` (the README's), so a plain test run never changes tracked files. Chromium comes from
the system (``make browser-deps`` installs it); Playwright never downloads a browser. A missing
Chromium fails the test: it is part of the suite.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index import build_index
from verify.workbench.palette import MIN_CONTRAST

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CROSSCHECK_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS_ENV = "CROSSCHECK_SCREENSHOTS"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP = 90  # seconds for streamlit to answer its health check
STEP = 240_000  # milliseconds for one step that runs the models on a shared CPU
STATEMENT = "Lavrov plans to visit Pyongyang in December"
HARBOUR = "The harbour at Busan handled 3 million containers in 2023, port officials said."
FILLER = "\n\n".join(f"Routine notice {i}: the committee met on day {i} and adjourned without a vote."
                     for i in range(1, 301))  # enough sentences that the update takes a while
DRAFT = (
    "Lavrov plans to visit Pyongyang in October, the Russian foreign ministry said.\n\n"
    "North Korea and Russia marked the 75th anniversary of their diplomatic ties with a reception. "
    "Is this the start of a new era?\n\n"
    "Kim Jong Un met Vladimir Putin at the Vostochny spaceport in December. I think the pictures were wonderful."
)
CLAIMS_CSV = f'id,claim\n1,"{STATEMENT}"\n2,Kim Jong Un and Vladimir Putin met at the Vostochny cosmodrome.\n'

# The contrast of an element's text on its own background, as the browser computed both colours.
CONTRAST_JS = """elements => elements.map(e => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const style = getComputedStyle(e);
    const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
    return [e.className, style.color, style.backgroundColor, (a + 0.05) / (b + 0.05)];
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with code {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not answer on {url} within {STARTUP} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser test needs it. Install it with "
                    "`make browser-deps` (apt-get install -y chromium), or set CROSSCHECK_CHROMIUM to its path.")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_embedder, chromium):
    """``streamlit run app.py`` on a private corpus, index and notes database; yields its URL."""
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(ROOT / "data" / "corpus", corpus)
    build_index(corpus, root / "index", real_embedder)
    port = free_port()
    env = {**os.environ, "CROSSCHECK_CORPUS": str(corpus), "CROSSCHECK_INDEX": str(root / "index"),
           "CROSSCHECK_NOTES": str(root / "notes.sqlite3"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PYTHONPATH": str(ROOT)}
    log = root / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until_idle(page) -> None:
    """Until the page's script run is over (Streamlit shows its running indicator meanwhile)."""
    from playwright.sync_api import expect

    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def download(page, scope, label: str) -> tuple[str, str]:
    """``(file name, text)`` of what a download button of ``scope`` saves."""
    with page.expect_download() as info:
        scope.get_by_role("button", name=label, exact=True).click()
    return info.value.suggested_filename, Path(info.value.path()).read_text(encoding="utf-8")


def tab(page, name: str):
    """Open a tab of the page; its content is a container keyed ``<name>_view``."""
    page.get_by_role("tab", name=name, exact=True).click()
    return page.locator(f".st-key-{name.lower()}_view")


def check(page, claim: str):
    view = tab(page, "Statement")
    view.get_by_label("Statement to check").fill(claim)
    view.get_by_label("Statement to check").press("Control+Enter")  # the form submits on Ctrl+Enter
    return view


def test_the_workbench_in_a_real_browser(server, chromium, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=STEP)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1500}, accept_downloads=True)
            page.set_default_timeout(STEP)
            page.goto(server)
            expect(page.get_by_text("Checking against the index of")).to_be_visible()
            expect(page.get_by_role("button", name="Deploy")).to_have_count(0)

            # A statement: the verdict, the statement once, quotes with readable highlights.
            statement = check(page, STATEMENT)
            expect(statement.get_by_role("heading", name="Contradicted")).to_be_visible()
            expect(statement.get_by_text("1 source contradicts, 4 have nothing relevant.")).to_be_visible()
            expect(statement.locator(".cc-statement")).to_have_count(1)
            expect(statement.locator(".cc-quote mark.cc-conflict", has_text="in October").first).to_be_visible()
            expect(statement.get_by_text("Checked against the index of")).to_be_visible()
            measured = statement.locator("mark.cc-mark, span.cc-badge").evaluate_all(CONTRAST_JS)
            kinds = {name.split()[-1] for name, *_ in measured}
            assert {"cc-support", "cc-conflict", "cc-contradicts", "cc-none"} <= kinds, kinds
            low = [m for m in measured if m[3] < MIN_CONTRAST]
            assert not low, f"text on highlight below {MIN_CONTRAST}:1: {low}"
            quote = statement.locator(".cc-quote").first.evaluate(
                "e => [getComputedStyle(e).color, getComputedStyle(e.closest('[data-testid=stMain]') || "
                "document.body).color]")
            assert quote[0] == quote[1], f"quotes are not in the body colour: {quote}"
            expect(statement.get_by_text("supports 0.")).to_have_count(0)  # probabilities only behind Details
            wait_until_idle(page)
            page.screenshot(path=str(shots / "screenshot.png"), full_page=True)

            # The contradicting passage's document, scrolled to the passage.
            statement.get_by_role("button", name="Open document").first.click()
            document = page.locator(".st-key-document_view")
            expect(document.get_by_role("heading", name="N. Korea, Russia hold celebrations")).to_be_visible()
            expect(document.get_by_text("Yonhap News Agency · file 000_0e7c1c881fb697f2.txt")).to_be_visible()
            passage = document.locator("#cc-passage")
            expect(passage).to_contain_text("in October")
            page.wait_for_timeout(500)
            box, frame = passage.bounding_box(), document.locator(".cc-document").bounding_box()
            assert frame["y"] <= box["y"] <= frame["y"] + frame["height"], (box, frame)  # scrolled into view
            page.screenshot(path=str(shots / "document.png"))
            document.get_by_role("button", name="← Back to Statement").click()
            expect(page.locator(".st-key-statement_view .cc-statement")).to_be_visible()

            # Add documents: the page stays on the Corpus tab, checks go on during the update.
            corpus = tab(page, "Corpus")
            corpus.locator("input[type=file]").set_input_files([
                {"name": "harbour.txt", "mimeType": "text/plain",
                 "buffer": f"Busan harbour news\n\n{HARBOUR}\n".encode()},
                {"name": "notices.txt", "mimeType": "text/plain", "buffer": f"Notices\n\n{FILLER}\n".encode()}])
            corpus.get_by_role("button", name="Add to the corpus").click()
            expect(corpus.get_by_text("Added harbour.txt (1 document)")).to_be_visible()
            expect(page.get_by_role("tab", name="Corpus", exact=True)).to_have_attribute("aria-selected", "true")
            expect(page.get_by_text("Updating the index").first).to_be_visible()
            during = check(page, "Busan harbour handled 3 million containers in 2023.")
            expect(during.get_by_text("Checked against the index of")).to_contain_text("5 sources")
            expect(page.get_by_text("Updating the index")).to_have_count(0)  # swapped in, the page reran
            expect(page.get_by_text("Checking against the index of")).to_contain_text("7 sources")
            after = check(page, "Busan harbour handled 3 million containers in 2023.")
            expect(after.get_by_text("Checked against the index of")).to_contain_text("7 sources")
            expect(after.locator(".cc-source", has_text="Busan harbour news")).to_contain_text("supports")

            # History: reopen the first check as it was; then its permalink in a new tab.
            history = tab(page, "History")
            history.get_by_label("Search the history").fill("pyongyang december")
            history.get_by_label("Search the history").press("Enter")
            expect(history.get_by_text("Busan")).to_have_count(0)
            history.get_by_role("button", name="Reopen").first.click()
            statement = page.locator(".st-key-statement_view")
            expect(statement.get_by_text("Reopened from the history")).to_be_visible()
            expect(statement.get_by_role("heading", name="Contradicted")).to_be_visible()
            link = page.url
            assert "claim=Lavrov+plans+to+visit+Pyongyang+in+December" in link and "check=" in link
            again = browser.new_page(viewport={"width": 1280, "height": 1200})
            again.goto(link)
            expect(again.get_by_text("Reopened from the history")).to_be_visible()
            expect(again.locator(".st-key-statement_view").get_by_role("heading", name="Contradicted")).to_be_visible()
            again.close()

            # Find: a phrase, the hits marked.
            find = tab(page, "Find")
            find.get_by_label("Find in the corpus").fill('"75th anniversary"')
            find.get_by_label("Find in the corpus").press("Enter")
            expect(find.locator(".cc-hit mark").first).to_contain_text("75th anniversary")
            expect(find.get_by_text("sentences found")).to_be_visible()

            # Batch: a CSV of claims, a table, every export downloaded and parsed.
            batch = tab(page, "Batch")
            batch.locator("input[type=file]").set_input_files(
                {"name": "claims.csv", "mimeType": "text/csv", "buffer": CLAIMS_CSV.encode()})
            batch.get_by_role("button", name="Check the claims").click()
            expect(batch.get_by_text("claims.csv: 2 claims checked")).to_be_visible()
            name, data = download(page, batch, "JSON")
            reports = json.loads(data)
            assert name.endswith(".json") and reports[0]["claim"] == STATEMENT
            assert reports[0]["verdict"] == "contradicted"
            name, data = download(page, batch, "CSV")
            rows = list(csv.DictReader(io.StringIO(data)))
            assert name.endswith(".csv") and {r["claim"] for r in rows} == {r["claim"] for r in reports}
            name, data = download(page, batch, "Memo (Markdown)")
            assert name.endswith(".md") and data.startswith("# Fact-check memo") and f"## 1. {STATEMENT}" in data
            name, data = download(page, batch, "ClaimReview")
            review = json.loads(data)
            assert name.endswith(".jsonld") and [r["@type"] for r in review] == ["ClaimReview"] * 2
            assert review[0]["claimReviewed"] == STATEMENT

            # A draft: every checked sentence annotated inline, the first problem selected.
            draft = tab(page, "Draft")
            draft.get_by_label("…or paste it").fill(DRAFT)
            draft.get_by_role("button", name="Check draft").click()
            expect(draft.get_by_text(": 5 sentences, 3 checked")).to_be_visible()
            annotated = page.locator(".st-key-annotated_draft")
            expect(annotated).to_contain_text("Lavrov plans to visit Pyongyang in October")
            expect(annotated).to_contain_text("Is this the start of a new era?")
            expect(annotated.locator(".cc-says").first).to_contain_text("says:")
            wait_until_idle(page)
            annotated.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "draft.png"), full_page=True)
        finally:
            browser.close()
