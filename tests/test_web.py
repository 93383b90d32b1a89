"""`hagaki serve`'s pages and guards, through Starlette's TestClient (no browser)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from starlette.routing import Route
from web_shop import SCRIPT_NAME, csrf_token, logged_statuses, make_shop, print_form


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


@pytest.mark.parametrize(("url", "heading"), [
    ("/", "<h1>ホーム</h1>"), ("/customers", "<h1>顧客リスト</h1>"),
    ("/plan", "<h1>今日のはがき</h1>"), ("/print", "<h1>印刷</h1>"),
    ("/log", "<h1>送付履歴</h1>"), ("/report", "<h1>レポート</h1>")])
def test_every_page_renders_in_japanese(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert heading in response.text
    assert '<html lang="ja">' in response.text
    assert 'class="error"' not in response.text


def test_home_counts_todays_cards_with_postage(client):
    page = client.get("/").text
    assert re.search(r"<td>お礼状</td><td class=\"num\">2枚</td><td class=\"num\">170円</td>",
                     page)


def test_a_foreign_host_is_refused(client):
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1.evil.example"}).status_code == 400


def test_every_post_without_the_token_is_refused(client, shop):
    posts = [route.path for route in client.app.routes
             if isinstance(route, Route) and "POST" in (route.methods or ())]
    assert {"/card/{row:int}/edit", "/customers/correct", "/customers/undo", "/language",
            "/log/status", "/print", "/print/mailed", "/upload"} <= set(posts)
    good = csrf_token(client)
    for path in (path.replace("{row:int}", "2") for path in posts):
        assert client.post(path, data={"action": "real"}).status_code == 403
        assert client.post(path, data={"csrf_token": "0" * 64}).status_code == 403
    client.cookies.clear()  # the right field without the cookie is refused too
    assert client.post("/print", data={"csrf_token": good, "action": "real"}).status_code == 403
    assert logged_statuses(shop) == []


def test_a_script_like_name_is_shown_as_text(client):
    for url in ("/plan", "/print"):
        page = client.get(url).text
        assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/plan").text
    assert SCRIPT_NAME not in client.get("/plan").text


def test_an_upload_cannot_reach_the_settings(client, shop, tmp_path):
    settings = (shop / "hagaki.toml").read_bytes()
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "customers"},
                           files={"file": ("../../hagaki.toml", b"[sender]\nname='x'\n")})
    assert response.status_code == 400
    assert (shop / "hagaki.toml").read_bytes() == settings
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "../hagaki"},
                           files={"file": ("list.csv", b"a,b\n")})
    assert response.status_code == 400


def test_an_upload_named_with_a_path_is_stored_inside_the_shop(client, shop):
    content = "顧客ID,姓,名,郵便番号,住所1\nC009,佐藤,一,160-0023,東京都新宿区西新宿2-8-1\n"
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "customers"},
                           files={"file": ("../../evil.csv", content.encode())})
    assert response.status_code == 200
    assert (shop / "customers.csv").read_text(encoding="utf-8") == content
    assert (shop / "customers.csv").stat().st_mode & 0o777 == 0o644
    assert not (shop.parent / "evil.csv").exists()
    assert not (shop.parent.parent / "evil.csv").exists()


def test_a_file_that_is_not_a_list_never_replaces_the_list(client, shop):
    before = (shop / "customers.csv").read_bytes()
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "customers"},
                           files={"file": ("list.csv", b"MZ\x90\x00" + bytes(range(256)) * 4)})
    assert response.status_code == 400
    assert "テキスト（CSV）のファイルではありません" in response.text
    assert "list.csv" in response.text and ".part" not in response.text  # the file sent
    assert (shop / "customers.csv").read_bytes() == before
    assert sorted(path.name for path in shop.iterdir() if path.name.startswith(".")) == []


def test_a_replaced_list_is_kept(client, shop):
    before = (shop / "customers.csv").read_bytes()
    content = "顧客ID,姓,名,郵便番号,住所1\nC009,佐藤,一,160-0023,東京都新宿区西新宿2-8-1\n"
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "customers"},
                           files={"file": ("new.csv", content.encode())},
                           headers={"Referer": "http://testserver/customers"})
    assert response.status_code == 200
    kept = list((shop / "hagaki-uploads").iterdir())
    assert [path.read_bytes() for path in kept] == [before]
    assert re.match(r"customers-\d{8}-\d{6}\.csv$", kept[0].name)
    assert f"前のファイルは hagaki-uploads/{kept[0].name} に残しました" in response.text
    assert 'href="/customers"' in response.text  # back where the owner came from
    assert (shop / "customers.csv").read_text(encoding="utf-8") == content


def test_an_upload_of_the_wrong_type_is_refused(client, shop):
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "sales"},
                           files={"file": ("sales.exe", b"MZ")})
    assert response.status_code == 400
    assert "CSV・TSV・XLSX" in response.text


def test_plan_page_gives_each_card_its_reason_and_each_left_out_customer_its_rule(client):
    page = client.get("/plan").text
    assert page.count('class="planned"') == 2
    assert page.count('loading="lazy"') == 4
    assert '<span class="rule" title="no-purchase">購入なし</span>' in page


def test_a_cards_preview_is_a_png_of_the_side(client):
    response = client.get("/preview/2/message.png")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (426, 630)  # 100 × 148 mm at 1.5 px per point
    assert client.get("/preview/4/address.png").status_code == 404  # no card for row 4


def test_proof_logs_nothing_print_logs_and_mailed_marks_the_run(client, shop):
    form = print_form(client)
    csrf = form["csrf_token"]
    proof = client.post("/print", data={**form, "action": "proof", "side": "both"})
    assert proof.status_code == 200
    assert "見本ができました" in proof.text
    assert logged_statuses(shop) == []
    name = re.search(r'href="/files/([^"]+\.pdf)"', proof.text).group(1)
    assert client.get(f"/files/{name}").content.startswith(b"%PDF-")

    real = client.post("/print", data={**form, "action": "real", "side": "both"})
    assert "印刷しました" in real.text
    assert logged_statuses(shop) == [("C001", "printed"), ("C002", "printed")]
    run_id = re.search(r'name="run_id" value="(\d+)"', real.text).group(1)

    mailed = client.post("/print/mailed", data={"csrf_token": csrf, "run_id": run_id},
                         headers={"HX-Request": "true"})
    assert "2 枚を投函済みにしました" in mailed.text
    assert "<html" not in mailed.text  # htmx gets the fragment only
    assert logged_statuses(shop) == [("C001", "mailed"), ("C002", "mailed")]


def test_the_log_page_filters_and_cancels(client, shop):
    form = print_form(client)
    csrf = form["csrf_token"]
    client.post("/print", data={**form, "action": "real", "side": "address"})
    assert client.get("/log?status=printed").text.count("<td class=\"customer\">C00") == 2
    assert client.get("/log?status=mailed").text.count("<td class=\"customer\">C00") == 0
    response = client.post("/log/status", data={"csrf_token": csrf, "card_id": "1",
                                                "status": "cancelled"})
    assert response.status_code == 200  # after the redirect to /log
    assert logged_statuses(shop) == [("C001", "cancelled"), ("C002", "printed")]
    assert client.get("/log?status=bogus").status_code == 400


def test_a_download_never_leaves_the_shop_folder(client, shop):
    assert client.get("/files/..%2Fhagaki.toml").status_code == 404
    assert client.get("/files/hagaki.toml").status_code == 404


def test_the_report_draws_one_bar_per_segment(client):
    page = client.get("/report").text
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group(0)
    labels = re.findall(r'class="label">([^<]+)<', svg)
    assert len(re.findall(r"<rect ", svg)) == len(labels) >= 3
    assert "名簿の顧客数" in page


def test_the_pages_fonts_draw_every_name_as_typed(client):
    """BIZ UD Mincho for the page, IPAmj Mincho (which has 𠮷) for the rare characters."""
    from fontTools.ttLib import TTFont

    css = client.get("/static/style.css").text
    assert 'unicode-range: U+20000-3134F' in css
    for name, has_yoshi in (("ui.ttf", False), ("ui-rare.ttf", True)):
        response = client.get(f"/fonts/{name}")
        assert response.status_code == 200
        font = TTFont(io.BytesIO(response.content), lazy=True)
        assert (0x20BB7 in font.getBestCmap()) is has_yoshi
    assert client.get("/fonts/..%2Fhagaki.toml").status_code == 404
    assert client.get("/fonts/hagaki.toml").status_code == 404


def test_home_names_the_households_in_mourning(client, shop):
    customers = shop / "customers.csv"
    lines = customers.read_text(encoding="utf-8").splitlines()
    lines[0] += ",喪中"
    lines[3] += ",1"  # C003 山田 太郎
    customers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = client.get("/").text
    assert re.search(r'<p id="mourning">喪中のお客様: 1 人', page)
    assert "<li>C003 山田 太郎</li>" in page


def test_a_file_that_is_not_a_list_never_keeps_the_log_locked(client, shop, monkeypatch):
    """A refused customer file must not leave the server holding the send log: every later
    page (and every CLI run) would wait for it."""
    import fcntl
    import os

    monkeypatch.setattr("mailmerge.sendlog.store.LOCK_WAIT_SECONDS", 1.0)  # fail, not hang

    form = print_form(client)
    csrf = form["csrf_token"]
    assert client.post("/print", data={**form, "action": "real",
                                       "side": "address"}).status_code == 200
    client.post(f"/upload?csrf_token={csrf}", data={"kind": "customers"},
                files={"file": ("list.csv", b"MZ\x90\x00\x03" + bytes(range(256)) * 8,
                                "text/csv")})
    for page in ("/customers", "/customers", "/", "/plan", "/print", "/log"):
        response = client.get(page)
        assert response.status_code == 200 and "別の hagaki が使っています" not in response.text
    handle = os.open(shop / "hagaki-log.sqlite", os.O_RDWR)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the server kept it
    finally:
        os.close(handle)


def test_every_page_forbids_framing_and_foreign_content(client):
    for url in ("/", "/plan", "/static/style.css", "/preview/2/address.png"):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"


def test_pages_are_never_kept_by_the_browser_and_a_run_is_mailed_from_home(client, shop):
    """Back after printing asks the server again (no stale plan), and a run can be marked
    mailed from ホーム after its result box is gone."""
    form = print_form(client)
    csrf = form["csrf_token"]
    client.post("/print", data={**form, "action": "real", "side": "address"})
    home = client.get("/")
    assert home.headers["cache-control"] == "no-store"
    assert 'id="mail-run-1"' in home.text
    client.post("/print/mailed", data={"csrf_token": csrf, "run_id": "1"})
    assert logged_statuses(shop) == [("C001", "mailed"), ("C002", "mailed")]
    assert 'id="mail-run-1"' not in client.get("/").text


def test_an_unknown_page_is_said_in_the_pages_language(client):
    response = client.get("/nope")
    assert response.status_code == 404 and "そのページはありません" in response.text
    assert "Not Found" not in response.text
