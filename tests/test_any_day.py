"""The product on any day of the year: each test runs once on every day of SHOP_DAYS (the season
windows' edges, the turn of the year, a leap day and today), with the shop's day set in the one
clock, and checks that the plan, the season windows, the web's seasonal runs and the report's
months all speak for that day."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from web_shop import csrf_token, make_shop, print_form

from mailmerge.cli import main
from mailmerge.i18n import _, speaking
from mailmerge.selection.seasons import LABELS, SeasonWindowError, season_plan


def open_seasons(day: dt.date) -> dict[str, str]:
    """{situation: posting note} of the seasons whose cards may be printed on `day`."""
    notes = {}
    with speaking("ja"):
        for situation in LABELS:
            try:
                notes[situation] = season_plan(situation, day).note
            except SeasonWindowError:
                pass
    return notes


@pytest.fixture
def shop(shop_day, tmp_path):
    """The web shop, its sales three days before the shop's day."""
    return make_shop(tmp_path)


def test_the_days_own_plan_thanks_the_sales_of_three_days_before(shop_day, shop):
    result = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"), "--sales",
                                       str(shop / "sales.csv"), "--config",
                                       str(shop / "hagaki.toml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["date"] == shop_day.isoformat()
    thanked = {card["customer_id"] for card in plan["cards"] if card["situation"] == "thanks"}
    assert thanked == {"C001", "C002"}


def test_a_seasonal_plan_is_made_in_its_window_and_refused_outside(shop_day, shop):
    for situation in LABELS:
        result = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"),
                                           "--situation", situation, "--config",
                                           str(shop / "hagaki.toml"), "--format", "json"])
        if situation in open_seasons(shop_day):
            assert result.exit_code == 0, (situation, result.output)
            kinds = {card["situation"] for card in json.loads(result.stdout)["cards"]}
            assert kinds == {situation}
        else:
            assert result.exit_code == 1, (situation, result.output)
            assert f"（{shop_day}）" in result.output  # the refusal names the day asked about


def test_home_shows_which_seasons_may_be_printed_today(shop_day, client):
    home = client.get("/").text
    shown = re.findall(r'<li class="(open|closed)"><strong>([^<]+)</strong>', home)
    with speaking("ja"):
        expected = [("open" if situation in open_seasons(shop_day) else "closed",
                     _(label)) for situation, label in LABELS.items()]
    assert shown[:len(LABELS)] == expected


def test_a_seasonal_run_is_chosen_planned_and_printed(shop_day, client, shop):
    """A season chosen on 今日のはがき: the plan, the previews and the print are of that season
    (as `hagaki print --situation`), until the day's own cards are chosen again; outside every
    season's window the page says when the next one opens."""
    seasons = open_seasons(shop_day)
    situation = next(iter(seasons), "nenga")
    csrf = csrf_token(client)
    chosen = client.post("/plan/situation", data={"csrf_token": csrf, "situation": situation,
                                                  "back": "/print"}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/print"
    plan = client.get("/plan").text
    assert f'<option value="{situation}" selected>' in plan
    if not seasons:
        assert '<p class="error">' in plan and f"（{shop_day}）" in plan
    else:
        badges = re.findall(r'<span class="badge">([^<]+)</span>', plan)
        assert badges and set(badges) == {LABELS[situation]}
        assert seasons[situation] in plan
        assert client.get("/preview/2/message.png").status_code == 200
        client.post("/print", data={**print_form(client), "action": "real", "side": "address"})
        with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
            kinds = {row[0] for row in db.execute("SELECT situation FROM cards")}
        assert kinds == {situation}
    client.post("/plan/situation", data={"csrf_token": csrf, "situation": ""})
    assert "お礼状" in client.get("/plan").text
    assert client.post("/plan/situation", data={"csrf_token": csrf,
                                                "situation": "christmas"}).status_code == 400


def test_the_report_ends_with_the_days_month(shop_day, client):
    page = client.get("/report").text
    months = re.findall(r'<g class="sales-month" data-month="(\d{4}-\d{2})">', page)
    assert months and months[-1] == f"{shop_day.year:04d}-{shop_day.month:02d}"
