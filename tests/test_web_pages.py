"""`hagaki serve`'s 送付履歴, 印刷 and レポート pages: filters, reprints, exports, the CLI's print
choices, two tabs printing at once, the monthly trend and the workbook, and the English pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
import threading
import time

import pdfplumber
import pytest
from openpyxl import load_workbook
from web_shop import csrf_token, logged_statuses, make_shop, print_form

from mailmerge import clock

MM = 72 / 25.4
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
CUSTOMER_DATA = ("髙橋", "一郎", "花子", "山田", "太郎")


@pytest.fixture
def shop(tmp_path):
    """The web shop, with a printer profile and sales in three earlier months too."""
    folder = make_shop(tmp_path)
    with (folder / "hagaki.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[printers."PX-049A"]\noffset_x = 2.0\noffset_y = -1.5\n')
    today = clock.today()
    with (folder / "sales.csv").open("a", encoding="utf-8") as stream:
        for months_back, amount in ((3, 1200), (2, 4400)):
            day = (today.replace(day=1) - dt.timedelta(days=31 * months_back - 20))
            stream.write(f"C003,{day},茶葉,{amount}\n")
    return folder


def print_real(client, **choices) -> str:
    data = {**print_form(client), "action": "real", "side": "both", **choices}
    return client.post("/print", data=data).text


def card_ids(page: str) -> list[int]:
    return [int(card) for card in re.findall(r'<tr id="card-(\d+)">', page)]


def downloads(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/files/([^"?]+\.pdf)', page)))


def page_texts(pdf_bytes: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return ["".join(char["text"] for char in page.chars) for page in pdf.pages]


def log_rows(shop) -> list[tuple]:
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        return db.execute("SELECT id, customer_id, status, reprint_of FROM cards "
                          "ORDER BY id").fetchall()


def test_the_log_filters_return_only_matching_rows(client):
    print_real(client, sort="id")  # card 1: C001 髙橋, card 2: C002
    today = clock.today()
    csrf = csrf_token(client)
    client.post("/log/status", data={"csrf_token": csrf, "card_id": "2", "status": "cancelled"})
    assert card_ids(client.get("/log").text) == [2, 1]
    assert card_ids(client.get("/log?status=printed").text) == [1]
    assert card_ids(client.get("/log?status=cancelled").text) == [2]
    assert card_ids(client.get("/log?situation=thanks").text) == [2, 1]
    assert card_ids(client.get("/log?situation=nenga").text) == []
    assert card_ids(client.get(f"/log?since={today}&until={today}").text) == [2, 1]
    assert card_ids(client.get(f"/log?since={today + dt.timedelta(days=1)}").text) == []
    assert card_ids(client.get(f"/log?until={today - dt.timedelta(days=1)}").text) == []
    assert card_ids(client.get("/log?q=高橋").text) == [1]  # 髙 and 高 are one name
    assert card_ids(client.get("/log?q=ｃ００２").text) == [2]  # full width, any case
    htmx = client.get("/log?q=C001", headers={"HX-Request": "true"}).text
    assert card_ids(htmx) == [1] and "<html" not in htmx
    assert client.get("/log?situation=bogus").status_code == 400
    assert client.get("/log?since=12/01").status_code == 400


def test_a_reprint_repeats_the_cards_words_and_is_logged_as_a_reprint(client, shop):
    first = print_real(client, sort="id")
    original = page_texts(client.get(f"/files/{downloads(first)[0]}").content)
    response = client.post("/log/reprint", data={"csrf_token": csrf_token(client),
                                                 "once": "token-1", "card_id": "1"})
    assert "はがき 1 番を刷り直しました" in response.text
    (name,) = downloads(response.text)
    reprinted = page_texts(client.get(f"/files/{name}").content)
    assert reprinted == original[:2]  # card 1's address and message sides, word for word
    assert len(reprinted[1]) > 20
    assert log_rows(shop) == [(1, "C001", "printed", None), (2, "C002", "printed", None),
                              (3, "C001", "printed", 1)]
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        assert db.execute("SELECT kind FROM runs ORDER BY id").fetchall() == [("print",),
                                                                             ("reprint",)]
    assert "1 番の刷り直し" in client.get("/log?q=C001").text


def test_a_reprint_sent_again_prints_nothing(client, shop):
    """A reloaded result page (or the browser's back and resend) brings the form's one-time
    token again: shown as done, not printed a second time."""
    print_real(client, sort="id")
    page = client.get("/log").text
    once = re.search(r'name="card_id" value="1">\s*<input type="hidden" name="once" '
                     r'value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf_token(client), "card_id": "1", "once": once}
    assert "はがき 1 番を刷り直しました" in client.post("/log/reprint", data=form).text
    again = client.post("/log/reprint", data=form)
    assert "この刷り直しはもう印刷しました" in again.text
    assert len(log_rows(shop)) == 3  # the two printed cards and one reprint, not two
    assert "もう印刷しました" in client.post("/log/reprint", data={
        "csrf_token": form["csrf_token"], "card_id": "1"}).text  # no token: never printed


def test_a_mailed_card_is_reprinted_only_once_confirmed(client, shop):
    print_real(client, sort="id")
    csrf = csrf_token(client)
    client.post("/print/mailed", data={"csrf_token": csrf, "run_id": "1"})
    asked = client.post("/log/reprint", data={"csrf_token": csrf, "once": "token-2", "card_id": "1"})
    assert 'id="confirm-reprint"' in asked.text and len(log_rows(shop)) == 2
    done = client.post("/log/reprint", data={"csrf_token": csrf, "once": "token-3", "card_id": "1",
                                             "confirm": "yes"})
    assert "刷り直しました" in done.text
    assert log_rows(shop)[-1] == (3, "C001", "printed", 1)


def test_a_returned_cards_reprint_is_refused(client, shop):
    print_real(client, sort="id")
    csrf = csrf_token(client)
    client.post("/log/status", data={"csrf_token": csrf, "card_id": "1", "status": "returned"})
    page = client.get("/log").text
    assert re.search(r'<tr id="card-1">(?:(?!</tr>).)*name="reprint"', page, re.S) is None
    refused = client.post("/log/reprint", data={"csrf_token": csrf, "once": "token-4", "card_id": "1"})
    assert 'class="error"' in refused.text and "宛所不明" in refused.text
    assert len(log_rows(shop)) == 2
    assert client.post("/log/reprint", data={"csrf_token": csrf,
                                              "once": "token-5", "card_id": "99"}).status_code == 404


@pytest.mark.parametrize("query", ["", "?q=C002"])
def test_the_csv_and_xlsx_exports_hold_the_shown_rows(client, query):
    print_real(client, sort="id")
    shown = sorted(card_ids(client.get(f"/log{query}").text))
    csv_response = client.get(f"/log/export.csv{query}")
    assert csv_response.headers["content-disposition"].startswith("attachment;")
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [int(line[0]) for line in table[1:]] == shown
    book = load_workbook(io.BytesIO(client.get(f"/log/export.xlsx{query}").content))
    cells = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert cells == shown and len(shown) == (1 if query else 2)
    assert client.get("/log/export.txt").status_code == 404


def test_the_print_choices_reach_the_pdf(client, shop):
    form = print_form(client)

    def proof(**choices) -> list[bytes]:
        page = client.post("/print", data={**form, "action": "proof", **choices}).text
        return [client.get(f"/files/{name}").content for name in downloads(page)]

    def first_char_x(pdf_bytes: bytes, text: str) -> tuple[float, float]:
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
            char = next(c for c in pdf.pages[0].chars if c["text"] == text)
            return char["x0"], char["top"]

    by_postal = proof(side="address", sort="postal")  # 160-0023 (髙橋) before 530-0001
    by_name = proof(side="address", sort="name")  # "<img …" sorts before 髙橋
    assert "髙" in page_texts(by_postal[0])[0] and "髙" not in page_texts(by_name[0])[0]
    separate = proof(side="both", duplex="separate")
    assert [len(page_texts(pdf)) for pdf in separate] == [2, 2]
    assert [len(page_texts(pdf)) for pdf in proof(side="both")] == [4]
    plain_x, plain_y = first_char_x(by_postal[0], "髙")
    shifted_x, shifted_y = first_char_x(proof(side="address", printer="PX-049A")[0], "髙")
    assert shifted_x - plain_x == pytest.approx(2.0 * MM, abs=0.01)
    assert shifted_y - plain_y == pytest.approx(-1.5 * MM, abs=0.01)
    page = client.post("/print", data={**form, "action": "proof",
                                       "printer": "nobody"}).text
    assert 'class="error"' in page and "nobody" in page
    assert client.post("/print", data={**form, "sort": "zip"}).status_code == 400
    assert logged_statuses(shop) == []
    options = client.get("/print").text
    assert '<option value="PX-049A">PX-049A</option>' in options


def test_two_tabs_printing_at_once_take_turns(client, shop, monkeypatch, capfd):
    import mailmerge.runs.run

    drawing = mailmerge.runs.run._draw
    spans = []

    def slow_draw(*args):
        started = time.monotonic()
        time.sleep(0.4)
        result = drawing(*args)
        spans.append((started, time.monotonic()))
        return result

    monkeypatch.setattr(mailmerge.runs.run, "_draw", slow_draw)
    form = print_form(client)
    pages: list[str] = []
    start = threading.Barrier(2)

    def tab() -> None:
        start.wait()
        pages.append(client.post("/print", data={**form, "action": "real",
                                                 "side": "address"}).text)

    tabs = [threading.Thread(target=tab) for _ in range(2)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(timeout=30)
    assert len(pages) == 2
    assert sorted(logged_statuses(shop)) == [("C001", "printed"), ("C002", "printed")]
    printed = [page for page in pages if "<h1>印刷しました（印刷番号" in page]  # the run's page
    assert len(printed) == 1  # never both "printed"
    other = next(page for page in pages if page not in printed)
    assert (("<h2>印刷するはがきはありませんでした</h2>" in other  # it found them printed …
             and "ほかの画面で先に印刷されたかもしれません" in other)
            or "ほかの画面で印刷や変更があったかもしれません" in other)  # … or its plan gone
    assert len(spans) == 1  # the second run found the cards printed and drew nothing
    assert "待ちます" not in capfd.readouterr().err  # tabs of one server wait without a word


def test_the_report_draws_the_monthly_trend_and_downloads_the_workbook(client):
    page = client.get("/report").text
    months = re.findall(r'<g class="sales-month" data-month="(\d{4}-\d{2})">', page)
    today = clock.today()
    assert len(months) >= 4 and months[-1] == f"{today.year:04d}-{today.month:02d}"
    assert months == sorted(set(months))
    for series in ("new", "back", "lost"):
        assert len(re.findall(rf'class="point point-{series}"', page)) == len(months)
    assert '<li class="warning">1人の顧客' in page  # one customer is over 10 % of sales
    response = client.get("/report/report.xlsx")
    assert response.headers["content-disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert {"顧客一覧", "月次"} <= set(book.sheetnames)
    assert book["月次"].max_row - 1 == len(months)


def test_the_pages_speak_english(client):
    client.cookies.set("hagaki_lang", "en")
    print_real(client, sort="id")
    csrf = csrf_token(client, "/log")
    pages = {url: client.get(url).text for url in ("/log", "/print", "/report")}
    pages["reprint"] = client.post("/log/reprint", data={"csrf_token": csrf, "once": "token-6", "card_id": "2"},
                                   headers={"HX-Request": "true"}).text
    for url, page in pages.items():
        main = re.search(r"<main>(.*)</main>", page, re.S)  # the header is not these pages'
        text = re.sub(r"<[^>]+>", " ", main.group(1) if main else page)
        for data in CUSTOMER_DATA:
            text = text.replace(data, "")
        left = [line.strip() for line in text.splitlines() if JAPANESE.search(line)]
        assert left == [], url
    assert "Customer stock-take" in pages["/report"] and "¥" in pages["/report"]
    assert "Export the cards shown" in pages["/log"]
