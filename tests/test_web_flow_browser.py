"""The counts follow the send log in a real browser (Playwright driving Debian's chromium):
print, and the run's own page shows what was printed; 印刷 and ホーム count the cards left;
the run marked mailed from ホーム in one click, the page updated in place (no reload), and
the log shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_web_browser import ARGS, CHROMIUM, IN_CI, init_shop, serving
from web_shop import logged_statuses, make_shop

from mailmerge import clock

DAY = dt.date(2026, 12, 10)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI,
                                reason="/usr/bin/chromium is not installed (CI installs it)")


@pytest.fixture
def shop(tmp_path) -> Path:
    """A shop made with `hagaki init`, its lists in place: two thank-you cards due on DAY."""
    shop = init_shop(tmp_path / "shop")
    (tmp_path / "lists").mkdir()
    with clock.on_day(DAY):
        make_shop(tmp_path / "lists")
    for name in ("customers.csv", "sales.csv"):
        (shop / name).write_bytes((tmp_path / "lists" / name).read_bytes())
    return shop


def test_print_then_mark_the_run_mailed_from_home_in_one_click(shop):
    from playwright.sync_api import sync_playwright

    with serving(shop, DAY.isoformat()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + "/")
            assert "2枚" in page.inner_text("#today-cards")
            page.click("nav >> text=印刷")
            assert page.inner_text("#print-count").startswith("今日のはがき: 2枚")
            page.click("#real")
            page.wait_for_url("**/print/runs/1**")
            assert page.locator("h1").inner_text() == "印刷しました（印刷番号 1）"
            assert "お礼状" in page.inner_text("#run-cards")
            assert "170円" in page.inner_text("#run-postage")
            assert "通常はがき" in page.inner_text("#run-paper")
            assert page.locator("#run-sheet a[download]").count() == 1
            assert page.locator("#mark-mailed").is_visible()

            page.click("nav >> text=印刷")
            assert page.inner_text("#print-count").startswith("今日のはがき: 0枚")
            assert page.locator("#mail-run-1").is_visible()  # waiting to be posted
            page.click("nav >> text=ホーム")
            assert "今日送るはがきはありません" in page.inner_text("#today-cards")
            assert "印刷済み" in page.inner_text("#run-1")

            page.evaluate("window.notReloaded = true")
            page.click("#mail-run-1")  # one click
            page.wait_for_selector("#mailed-done")
            page.wait_for_selector("#run-1:has-text('投函済み')")
            assert page.locator("#mail-run-1").count() == 0
            assert page.evaluate("window.notReloaded === true")  # updated in place
            assert logged_statuses(shop) == [("C001", "mailed"), ("C002", "mailed")]

            page.click("nav >> text=送付履歴")
            assert page.locator("#log-rows td.state", has_text="投函済み").count() == 2
        finally:
            browser.close()


def test_a_tab_left_open_catches_up_when_the_owner_comes_back_to_it(shop):
    from playwright.sync_api import sync_playwright

    with serving(shop, DAY.isoformat()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        home = browser.new_page(viewport={"width": 1280, "height": 800})
        other = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            home.goto(url + "/")
            assert "2枚" in home.inner_text("#today-cards")
            other.goto(url + "/print")
            other.click("#real")  # printed in another tab
            other.wait_for_url("**/print/runs/1**")
            home.evaluate("window.notReloaded = true")
            home.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            home.wait_for_selector("#today-cards:has-text('今日送るはがきはありません')")
            home.wait_for_selector("#run-1")
            assert home.evaluate("window.notReloaded === true")
        finally:
            browser.close()
