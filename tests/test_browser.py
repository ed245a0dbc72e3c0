"""The workbench in a real browser: Debian's Chromium, headless, driven by Playwright, against
``streamlit run app.py`` on a temporary copy of the bundled corpus, with the real models, offline.

It checks a statement and sees a card per source, switches to draft mode, checks a draft,
downloads an export, and saves screenshots: into a temporary folder, or, with
``CROSSCHECK_SCREENSHOTS=docs`` (``make screenshots``), the ones the README shows (``docs/screenshot.png``,
``docs/draft.png``), so a plain test run never changes tracked files. Chromium comes from the system (``make browser-deps`` installs it);
Playwright never downloads a browser. A missing Chromium fails the test: it is part of the suite.
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CROSSCHECK_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS_ENV = "CROSSCHECK_SCREENSHOTS"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP = 90  # seconds for streamlit to answer its health check
STEP = 180_000  # milliseconds for one step that runs the models on a shared CPU
STATEMENT = "Lavrov plans to visit Pyongyang in December"
DRAFT = (
    "Lavrov plans to visit Pyongyang in October, the Russian foreign ministry said.\n\n"
    "North Korea and Russia marked the 75th anniversary of their diplomatic ties with a reception. "
    "Is this the start of a new era?\n\n"
    "Kim Jong Un met Vladimir Putin at the Vostochny spaceport in 2019. I think the pictures were wonderful."
)


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
             "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
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

            # A statement: a verdict and one card per source.
            statement = page.locator(".st-key-statement_view")
            statement.get_by_label("Statement to check").fill(STATEMENT)
            statement.get_by_role("button", name="Check", exact=True).click()
            expect(statement.get_by_role("heading", name="Contradicted")).to_be_visible()
            expect(statement.get_by_text("1 source contradicts, 4 have nothing relevant.")).to_be_visible()
            expect(statement.get_by_text("in October", exact=True).first).to_be_visible()  # the conflicting words
            cards = statement.locator("[data-testid='stVerticalBlock']").filter(
                has=page.locator("[data-testid='stMarkdownContainer'] strong"))
            expect(statement.get_by_text("nothing relevant", exact=True)).to_have_count(4)
            assert cards.count() >= 5
            wait_until_idle(page)
            page.screenshot(path=str(shots / "screenshot.png"), full_page=True)

            # Draft mode: the check-worthy sentences are checked and annotated, one is inspected.
            page.get_by_role("tab", name="Draft").click()
            draft = page.locator(".st-key-draft_view")
            draft.get_by_label("…or paste it").fill(DRAFT)
            draft.get_by_role("button", name="Check draft").click()
            expect(draft.get_by_text("Pasted draft", exact=True)).to_be_visible()
            annotated = page.locator(".st-key-annotated_draft")
            expect(annotated).to_contain_text("Lavrov plans to visit Pyongyang in October")
            expect(annotated).to_contain_text("Is this the start of a new era?")
            expect(draft.get_by_text(": 5 sentences, 3 checked")).to_be_visible()
            expect(draft.get_by_role("heading", name="Supported")).to_be_visible()  # sentence 1's evidence
            wait_until_idle(page)
            annotated.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "draft.png"), full_page=True)

            # Exports: the memo and the JSON contract download as files.
            with page.expect_download() as memo_download:
                draft.get_by_role("button", name="Memo (Markdown)").click()
            memo = Path(memo_download.value.path()).read_text(encoding="utf-8")
            assert memo.startswith("# Fact-check memo")
            assert "## 1. Lavrov plans to visit Pyongyang in October, the Russian foreign ministry said." in memo
            assert memo_download.value.suggested_filename.endswith(".md")
            with page.expect_download() as json_download:
                draft.get_by_role("button", name="JSON").click()
            reports = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
            assert len(reports) == 3 and reports[0]["verdict"] == "supported"
        finally:
            browser.close()
