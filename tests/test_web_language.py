"""The web app's language: Japanese by default, English after the switch (a cookie), each
browser on its own, and the library's messages in the request's language too."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient
from web_shop import csrf_token, make_shop

from mailmerge.web.app import create_app

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CUSTOMER_WORDS = re.compile(r"髙橋|一郎|花子|山田|太郎|様")  # the customers' own names


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


def _switch(client: TestClient, lang: str, back: str = "/plan") -> None:
    response = client.post("/language", data={"csrf_token": csrf_token(client), "lang": lang,
                                              "back": back}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == back


def _chrome(page: str) -> str:
    """The page's own words: headings, navigation, table headers, buttons, labels (not the
    customers' names nor a card's words being edited)."""
    page = CUSTOMER_WORDS.sub("", re.sub(r"<textarea.*?</textarea>", "", page, flags=re.S))
    parts = re.findall(r"<(?:h1|h2|nav|th|button|label)[^>]*>(.*?)</(?:h1|h2|nav|th|button|label)>",
                       page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", part) for part in parts)


def test_japanese_by_default_english_after_the_switch(client):
    assert '<html lang="ja">' in client.get("/").text
    _switch(client, "en")
    page = client.get("/plan").text
    assert '<html lang="en">' in page
    assert "<h1>Today&#39;s cards</h1>" in page or "<h1>Today's cards</h1>" in page
    assert ">Home</a>" in page and ">Customers</a>" in page and ">日本語</button>" in page
    _switch(client, "ja")
    assert "<h1>今日のはがき</h1>" in client.get("/plan").text


@pytest.mark.parametrize("url", ["/", "/customers", "/plan", "/card/2"])
def test_english_pages_have_no_japanese_of_their_own(client, url):
    _switch(client, "en")
    chrome = _chrome(client.get(url).text)
    assert chrome.strip()
    assert JAPANESE.findall(chrome.replace("日本語", "")) == []


def test_each_browser_keeps_its_language(shop):
    app = create_app(shop, {"testserver"})
    with TestClient(app) as english, TestClient(app) as japanese:
        _switch(english, "en")
        assert "<h1>Home</h1>" in english.get("/").text
        assert "<h1>ホーム</h1>" in japanese.get("/").text
        assert "<h1>Home</h1>" in english.get("/").text


def test_a_library_message_speaks_the_browsers_language(client):
    _switch(client, "en")
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "customers"},
                           files={"file": ("list.pdf", b"%PDF", "application/pdf")})
    assert response.status_code == 400
    assert "please send a CSV, TSV or XLSX file (sent: list.pdf)" in response.text


def test_an_unknown_language_or_a_foreign_return_address_is_refused(client):
    token = csrf_token(client)
    assert client.post("/language", data={"csrf_token": token, "lang": "xx"}).status_code == 400
    response = client.post("/language", data={"csrf_token": token, "lang": "en",
                                              "back": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"
    assert client.post("/language", data={"lang": "en"}).status_code == 403
