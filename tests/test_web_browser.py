"""`hagaki serve` in a real browser: Playwright driving Debian's chromium against the server
started as a person would start it. Screenshots of each page (1280×800) go to tmp_path.

Skipped only where /usr/bin/chromium is missing and we are not in CI (CI=true installs it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from web_shop import SCRIPT_NAME, logged_statuses, make_shop

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI,
                                reason="/usr/bin/chromium is not installed (CI installs it)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`hagaki serve --no-browser --port FREE` on a fresh shop; stopped after the test."""
    shop = make_shop(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mailmerge", "serve", str(shop), "--no-browser", "--port",
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(url + "/static/style.css", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield url, shop
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def test_a_shop_owner_proofs_prints_and_mails_in_the_browser(server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, shop = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + "/")
            assert page.locator("h1").inner_text() == "ホーム"
            assert page.locator("text=お礼状").first.is_visible()
            page.screenshot(path=shots / "home.png")

            page.click("nav >> text=今日のはがき")
            assert page.locator("h1").inner_text() == "今日のはがき"
            assert page.locator("article.planned").count() == 2
            assert page.locator("h3", has_text=SCRIPT_NAME).count() == 1  # shown as text
            assert page.locator("img[src=x]").count() == 0
            page.wait_for_function("[...document.images].every(i => i.complete"
                                   " && i.naturalWidth > 0)")
            assert page.evaluate("document.images[0].naturalWidth") == 426
            page.screenshot(path=shots / "plan.png")

            page.click("nav >> text=印刷")
            page.click("#proof")
            page.wait_for_selector("text=見本ができました")
            assert logged_statuses(shop) == []
            page.screenshot(path=shots / "proof.png")

            page.click("#real")
            page.wait_for_selector("#mark-mailed")
            assert logged_statuses(shop) == [("C001", "printed"), ("C002", "printed")]
            page.click("#mark-mailed")
            page.wait_for_selector("#mailed-done")
            assert logged_statuses(shop) == [("C001", "mailed"), ("C002", "mailed")]
            page.screenshot(path=shots / "print.png")

            page.click("nav >> text=送付履歴")
            assert page.locator("h1").inner_text() == "送付履歴"
            page.select_option("select[name=status]", "mailed")
            page.wait_for_selector("#log-rows >> text=2 枚")
            page.screenshot(path=shots / "log.png")

            page.click("nav >> text=レポート")
            assert page.locator("svg.chart rect").count() >= 3
            page.screenshot(path=shots / "report.png")
        finally:
            browser.close()
    assert sorted(p.name for p in shots.iterdir()) == [
        "home.png", "log.png", "plan.png", "print.png", "proof.png", "report.png"]
