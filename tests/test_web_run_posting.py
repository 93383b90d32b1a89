"""A seasonal run's page and ホーム say when its cards are posted, and the mark-mailed button
says so when the day is before posting opens (marking stays allowed)."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient
from web_shop import csrf_token, logged_statuses, make_shop, print_form

from mailmerge import clock
from mailmerge.web.app import create_app


@pytest.fixture
def shop(tmp_path):
    with clock.on_day(dt.date(2026, 12, 7)):
        return make_shop(tmp_path)


def print_season(client: TestClient, situation: str) -> str:
    """Print the day's cards of `situation` for real; the run page's address."""
    client.post("/plan/situation", data={"csrf_token": csrf_token(client),
                                         "situation": situation, "back": "/print"})
    printed = client.post("/print", data={**print_form(client), "action": "real"},
                          follow_redirects=False)
    return printed.headers["location"]


@pytest.mark.parametrize(("situation", "window", "opens"), [
    ("kanchu", "寒中見舞い: 1月8日〜2月3日に投函してください", "投函は 1月8日から。"),
    ("nenga", "年賀状: 12月15日〜12月25日に投函すると1月1日に届きます", "投函は 12月15日から。")])
def test_a_run_printed_before_posting_opens_says_when_to_post(shop, situation, window, opens):
    with clock.on_day(dt.date(2026, 12, 7)), TestClient(create_app(shop, {"testserver"})) as client:
        run_page = client.get(print_season(client, situation)).text
        assert window in run_page
        assert f'id="mark-early">{opens}投函したら押してください' in run_page
        assert 'id="mark-mailed"' in run_page  # not blocked
        home = client.get("/").text
        assert f'id="mail-early-1">{opens}投函したら押してください' in home
        client.post("/print/mailed", data={"csrf_token": csrf_token(client), "run_id": "1"})
    assert {status for _customer, status in logged_statuses(shop)} == {"mailed"}


def test_no_warning_once_posting_is_open_nor_for_a_card_of_any_day(shop):
    with TestClient(create_app(shop, {"testserver"})) as client:
        with clock.on_day(dt.date(2026, 12, 7)):
            kanchu_run = print_season(client, "kanchu")
            thanks_run = print_season(client, "")
            thanks_page = client.get(thanks_run).text
            assert 'class="posting"' not in thanks_page and "mark-early" not in thanks_page
        with clock.on_day(dt.date(2027, 1, 10)):
            page = client.get(kanchu_run).text
            assert "寒中見舞い: 2月3日までに投函してください" in page
            assert "mark-early" not in page and "mail-early" not in client.get("/").text
