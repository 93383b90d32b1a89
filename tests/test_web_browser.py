"""`hagaki serve` in a real browser: Playwright driving Debian's chromium against the server
started as a person would start it. Screenshots of each page (1280×800) go to tmp_path.

Skipped only where /usr/bin/chromium is missing and we are not in CI (CI=true installs it)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pdfplumber
import pytest
from pdfread import MM
from web_shop import SCRIPT_NAME, logged_statuses, make_shop

from mailmerge import clock

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

WRONG_CODE_ROW = "C004,佐藤,次郎,様,160-0023,大阪府大阪市北区梅田3-1-1\n"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI,
                                reason="/usr/bin/chromium is not installed (CI installs it)")


def logged_message(shop: Path, customer_id: str) -> str:
    """The words of the customer's logged card, as one string."""
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        words = db.execute("SELECT message FROM cards WHERE customer_id = ?",
                           (customer_id,)).fetchone()[0]
    return " ".join(json.loads(words)["paragraphs"])


def wait_until(page, expression: str, seconds: float = 15) -> None:
    """Poll a JavaScript expression from outside the page (the page's content security
    policy forbids the string evaluation Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def init_shop(shop: Path) -> Path:
    subprocess.run([sys.executable, "-m", "mailmerge", "init", str(shop), "--name", "ささき雑貨店",
                    "--postal-code", "150-0001", "--address", "東京都渋谷区神宮前1-2-3"],
                   check=True, capture_output=True)
    return shop


@contextlib.contextmanager
def serving(shop: Path, day: str | None = None):
    """`hagaki serve --no-browser --port FREE` on `shop` (on HAGAKI_TODAY=`day` when given),
    its URL once it answers; stopped afterwards."""
    port = free_port()
    environment = {**os.environ, **({"HAGAKI_TODAY": day} if day else {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "mailmerge", "serve", str(shop), "--no-browser", "--port",
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
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
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def server(tmp_path):
    """A shop made with `hagaki init`, served as a person starts it; its lists wait in another
    folder for the browser to send them."""
    (tmp_path / "lists").mkdir()
    lists = make_shop(tmp_path / "lists")
    with (lists / "customers.csv").open("a", encoding="utf-8") as stream:
        stream.write(WRONG_CODE_ROW)  # row 5: the code is Shinjuku's, the address Umeda's
    with (lists / "sales.csv").open("a", encoding="utf-8") as stream:
        stream.write(f"C004,{clock.today() - dt.timedelta(days=3)},花瓶,8800\n")
    shop = init_shop(tmp_path / "shop")
    with serving(shop) as url:
        yield url, shop, lists


def test_a_nenga_run_in_the_browser_loads_the_paper_chosen_and_marks_it(tmp_path):
    """年賀状 chosen on 今日のはがき (on a December day): the 印刷 page offers 年賀はがき first;
    printed on 通常はがき instead, every card carries the red 年賀."""
    from playwright.sync_api import sync_playwright

    shop = init_shop(tmp_path / "shop")
    (tmp_path / "lists").mkdir()
    with clock.on_day(dt.date(2026, 12, 10)):  # the server's day: sales a few days before it
        make_shop(tmp_path / "lists")
    for name in ("customers.csv", "sales.csv"):
        (shop / name).write_bytes((tmp_path / "lists" / name).read_bytes())
    with serving(shop, "2026-12-10") as url, sync_playwright() as playwright:  # HAGAKI_TODAY
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + "/plan")
            page.select_option("#situation", "nenga")
            page.click("#choose-situation")
            page.wait_for_selector("text=用紙: 年賀はがき")
            page.click("nav >> text=印刷")
            assert page.input_value("select[name=paper]") == "nenga"
            page.select_option("select[name=paper]", "official")
            page.select_option("select[name=side]", "address")
            page.click("#real")
            page.wait_for_selector("#mark-mailed")
            page.screenshot(path=tmp_path / "nenga-print.png")
        finally:
            browser.close()
    [printed] = [p for p in shop.glob("cards-*.pdf") if not p.stem.endswith("-sheet")]
    with pdfplumber.open(printed) as pdf:
        marks = [[c["text"] for c in sheet.chars if c["text"] in "年賀" and c["x1"] < 20 * MM]
                 for sheet in pdf.pages]
    logged = logged_statuses(shop)
    assert len(marks) == len(logged) >= 2 and all(mark == ["年", "賀"] for mark in marks)


def test_a_shop_owner_proofs_prints_and_mails_in_the_browser(server, tmp_path):
    """Create a shop, drop the lists, fix a postal code, edit a thanks card and watch the
    preview change, proof (log unchanged), print (the edit logged), mark mailed, see the
    report's charts, the settings, and switch the language."""
    from playwright.sync_api import sync_playwright

    url, shop, lists = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        console_errors: list[str] = []
        page.on("console", lambda message: message.type == "error"
                and console_errors.append(message.text))
        try:
            page.goto(url + "/")
            assert page.locator("h1").inner_text() == "ホーム"
            for kind in ("customers", "sales"):  # drop the lists, as the owner would
                page.set_input_files(f"form:has(input[value={kind}]) input[type=file]",
                                     lists / f"{kind}.csv")
                page.click(f"form:has(input[value={kind}]) button[type=submit]")
                page.wait_for_selector("h1:has-text('ファイルを送りました')")
                page.click("nav >> text=ホーム")
            assert (shop / "customers.csv").read_bytes() == (lists / "customers.csv").read_bytes()
            assert page.locator("text=お礼状").first.is_visible()
            page.screenshot(path=shots / "home.png")

            page.click("nav >> text=顧客リスト")
            page.click("text=530-0001 にする")
            page.wait_for_selector("tr.correction")
            assert page.locator("tr.problem.error").count() == 0
            page.screenshot(path=shots / "customers.png")

            page.click("nav >> text=今日のはがき")
            assert page.locator("h1").inner_text() == "今日のはがき"
            assert page.locator("tr.planned").count() == 3  # C004 corrected
            assert page.locator("tr.planned a", has_text=SCRIPT_NAME).count() == 1  # shown as text
            assert page.locator("img[src=x]").count() == 0
            wait_until(page, "[...document.images].every(i => i.complete"
                             " && i.naturalWidth > 0)")
            assert page.evaluate("document.images[0].naturalWidth") == 426
            page.screenshot(path=shots / "plan.png")

            page.click("#card-2 >> a[href=\"/card/2\"] >> nth=0")
            assert page.locator("h1").inner_text().endswith("のはがき")
            before = page.locator("#draft-image").get_attribute("src")
            page.fill("input[name=personal_line]", "お茶の時間が楽しみになりますように")
            wait_until(page, "document.querySelector('#draft-image')"
                             ".src.startsWith('data:image/png')")
            assert page.locator("#draft-image").get_attribute("src") != before
            page.screenshot(path=shots / "card.png")
            page.click("#save")
            page.wait_for_selector("#edited")

            page.click("nav >> text=印刷")
            page.click("#proof")
            page.wait_for_selector("text=見本ができました")
            assert logged_statuses(shop) == []
            page.screenshot(path=shots / "proof.png")

            page.click("#real")
            page.wait_for_selector("#mark-mailed")
            assert logged_statuses(shop) == [("C001", "printed"), ("C002", "printed"),
                                             ("C004", "printed")]
            assert "お茶の時間が楽しみになりますように" in logged_message(shop, "C001")
            page.click("#mark-mailed")
            page.wait_for_selector("#mailed-done")
            assert logged_statuses(shop) == [("C001", "mailed"), ("C002", "mailed"),
                                             ("C004", "mailed")]
            page.screenshot(path=shots / "print.png")

            page.click("nav >> text=送付履歴")
            assert page.locator("h1").inner_text() == "送付履歴"
            page.select_option("select[name=status]", "mailed")
            page.wait_for_selector("#log-rows >> text=/3\\s*枚/")
            page.screenshot(path=shots / "log.png")

            page.click("nav >> text=レポート")
            assert page.locator("svg.chart rect").count() >= 3
            assert page.locator("svg.trend-sales").count() == 1  # the monthly trend
            page.screenshot(path=shots / "report.png")

            page.click("nav >> text=設定")
            assert page.locator("h1").inner_text() == "設定"
            page.screenshot(path=shots / "settings.png")

            page.click("header >> text=English")  # the language switch, back to this page
            assert page.locator("h1").inner_text() == "Settings"
            page.click("nav >> text=Report")
            assert page.locator("h1").inner_text() == "Report"
            assert page.locator("svg.trend-sales").count() == 1
            page.screenshot(path=shots / "report-en.png")
            page.click("header >> text=日本語")
            assert page.locator("h1").inner_text() == "レポート"
            assert console_errors == []  # nothing refused by the content security policy
        finally:
            browser.close()
    assert sorted(p.name for p in shots.iterdir()) == [
        "card.png", "customers.png", "home.png", "log.png", "plan.png", "print.png",
        "proof.png", "report-en.png", "report.png", "settings.png"]


def test_a_list_with_the_shops_own_headers_is_mapped_in_the_browser(tmp_path):
    """Upload a list whose headers hagaki does not know, choose its columns on the page the
    upload leads to, read three customers back, save, and see the day's plan."""
    from playwright.sync_api import sync_playwright

    shop = init_shop(tmp_path / "shop")
    own = tmp_path / "お客様.csv"
    own.write_text("お客様コード,ご芳名,お届け先〒,お届け先\n"
                   "K1,森田 和子,604-0925,京都府京都市中京区寺町通御池上る上本能寺前町488\n"
                   "K2,木下 茂,530-0001,大阪府大阪市北区梅田3-1-1\n"
                   "K3,川村 優,160-0023,東京都新宿区西新宿2-8-1\n", encoding="utf-8")
    with serving(shop, "2026-12-10") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + "/customers")
            form = "form:has(input[name=kind][value=customers])"
            page.set_input_files(f"{form} input[type=file]", str(own))
            page.click(f"{form} button[type=submit]")
            page.wait_for_url("**/customers/map")
            for name, header in (("customer_id", "お客様コード"), ("name", "ご芳名"),
                                 ("postal_code", "お届け先〒"), ("address1", "お届け先")):
                page.select_option(f"#field-{name}", header)
            page.click("#preview-mapping")
            page.wait_for_selector("#mapping-preview")
            assert page.locator(".read-customer").count() == 3
            assert "森田 和子" in page.inner_text("#mapping-preview")
            page.screenshot(path=tmp_path / "mapping.png", full_page=True)
            page.click("#save-mapping")
            page.wait_for_url("**/plan")
        finally:
            browser.close()
    columns = (shop / "hagaki.toml").read_text("utf-8")
    assert '"ご芳名" = "name"' in columns and '"お届け先" = "address1"' in columns
    assert (shop / "customers.csv").read_bytes() == own.read_bytes()
