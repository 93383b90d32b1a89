"""Print windows and posting windows of seasonal cards: the season's year, the posting note,
refusals naming the coming window, [seasons] overrides and the 喪中 offer of 寒中見舞い."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mailmerge.errors import ConfigError
from mailmerge.models import Customer
from mailmerge.selection.plan import PlanEntry, Rules, campaign_of, make_plan
from mailmerge.selection.seasons import (
    RISSHU,
    RISSHUN,
    SHOSHO,
    Override,
    SeasonWindowError,
    season_overrides,
    season_plan,
    solar_term_date,
)
from mailmerge.selection.wareki import season_date_line

D = dt.date
NENGA_NOTE = "12月15日〜12月25日に投函すると1月1日に届きます（12月28日までは年賀郵便として受け付けられます）"


def person(customer_id: str, **fields) -> Customer:
    return Customer(row=2, customer_id=customer_id, family_name="山田", given_name="花子",
                    postal_code="1000001", address1="東京都千代田区千代田1-1", **fields)


@pytest.mark.parametrize(("on", "note"), [
    (D(2026, 11, 1), NENGA_NOTE),
    (D(2026, 12, 1), NENGA_NOTE),
    (D(2027, 1, 5), "元日以降の配達になります"),
])
def test_nenga_is_printable_from_november_to_matsunouchi_for_the_coming_new_year(on, note):
    run = season_plan("nenga", on)
    assert (run.year, run.campaign, run.note) == (2027, "nenga-2027", note)
    assert (run.printing.first, run.printing.last) == (D(2026, 11, 1), D(2027, 1, 7))
    assert (run.posting.first, run.posting.last) == (D(2026, 12, 15), D(2026, 12, 25))
    assert campaign_of(PlanEntry(person("C1"), "nenga", ""), on) == "nenga-2027"
    assert season_date_line("nenga", on) == "令和九年　元旦"


@pytest.mark.parametrize(("on", "note"), [
    (D(2026, 12, 14), NENGA_NOTE),
    (D(2026, 12, 15), "12月25日までに投函すると1月1日に届きます"
                      "（12月28日までは年賀郵便として受け付けられます）"),
    (D(2026, 12, 25), "12月25日までに投函すると1月1日に届きます"
                      "（12月28日までは年賀郵便として受け付けられます）"),
    (D(2026, 12, 26), "今から投函すると元日には届きません（12月28日までは年賀郵便の扱い）"),
    (D(2026, 12, 28), "今から投函すると元日には届きません（12月28日までは年賀郵便の扱い）"),
    (D(2026, 12, 29), "元日以降の配達になります"),
    (D(2027, 1, 7), "元日以降の配達になります"),
])
def test_the_nenga_posting_note_follows_japan_posts_new_year_handling(on, note):
    assert season_plan("nenga", on).note == note


def test_make_plan_prints_nenga_in_december_and_gives_the_posting_note():
    plan = make_plan([person("C1")], None, D(2026, 12, 1), "nenga")
    assert [entry.situation for entry in plan.cards] == ["nenga"]
    assert plan.notes == [NENGA_NOTE]
    assert make_plan([person("C1")], None, D(2026, 12, 1), None).notes == []


def test_nenga_before_november_names_the_coming_windows():
    with pytest.raises(SeasonWindowError) as refusal:
        season_plan("nenga", D(2026, 10, 31))
    assert str(refusal.value) == (
        "年賀状はまだ印刷できません（2026-10-31）。2026-11-01 から印刷でき、投函は "
        "2026-12-15 … 2026-12-25 です（元日に届くのは12月25日までの投函、"
        "年賀郵便の受付は12月28日まで）")


def test_nenga_after_matsunouchi_names_this_season_and_the_next():
    with pytest.raises(SeasonWindowError) as refusal:
        make_plan([person("C1")], None, D(2027, 1, 8), "nenga")
    assert str(refusal.value).startswith(
        "年賀状の時期（印刷 2026-11-01 … 2027-01-07、投函 2026-12-15 … 2026-12-25）は"
        "終わりました（2027-01-08）。次は 2027-11-01 から印刷でき、投函は "
        "2027-12-15 … 2027-12-25 です")


def test_matsunouchi_to_the_15th_keeps_nenga_printable_and_moves_kanchu():
    assert season_plan("nenga", D(2027, 1, 15), matsunouchi_end_day=15).campaign == "nenga-2027"
    with pytest.raises(SeasonWindowError, match=re.escape("印刷 2026-11-01 … 2027-01-15")):
        season_plan("nenga", D(2027, 1, 16), matsunouchi_end_day=15)
    kanchu = season_plan("kanchu", D(2027, 1, 10), matsunouchi_end_day=15)
    assert (kanchu.posting.first, kanchu.posting.last) == (D(2027, 1, 16), D(2027, 2, 3))
    assert kanchu.note.startswith("1月16日〜2月3日に投函してください（松の内（1月15日まで）")


def test_kanchu_in_december_belongs_to_the_coming_winter():
    risshun_2027 = solar_term_date(2027, RISSHUN)
    assert risshun_2027 == D(2027, 2, 4)
    run = season_plan("kanchu", D(2026, 12, 20))
    assert (run.campaign, run.posting.first, run.posting.last) == (
        "kanchu-2027", D(2027, 1, 8), risshun_2027 - dt.timedelta(days=1))
    assert run.note == ("1月8日〜2月3日に投函してください"
                        "（松の内（1月7日まで）が明けてから立春の前日まで）")
    assert campaign_of(PlanEntry(person("C1"), "kanchu", ""), D(2026, 12, 20)) == "kanchu-2027"
    assert season_date_line("kanchu", D(2026, 12, 20)) == "令和九年　厳寒"


def test_kanchu_before_december_says_when_printing_opens_and_names_the_coming_window():
    with pytest.raises(SeasonWindowError) as refusal:
        season_plan("kanchu", D(2026, 11, 30))
    assert str(refusal.value).startswith(
        "寒中見舞いはまだ印刷できません（2026-11-30）。2026-12-01 から印刷でき、投函は "
        "2027-01-08 … 2027-02-03 です")


@pytest.mark.parametrize("on", [D(2026, 12, 1), D(2027, 1, 5)])
def test_a_household_in_mourning_is_offered_the_coming_kanchu_posting_window(on):
    plan = make_plan([person("C1", mourning=True), person("C2")], None, on, "nenga")
    assert [entry.customer.customer_id for entry in plan.cards] == ["C2"]
    (mourning,) = plan.not_sent
    assert (mourning.code, mourning.reason) == (
        "mourning", "喪中のため年賀状は送りません。代わりに寒中見舞いを "
                    "2027-01-08 … 2027-02-03 に投函してください")
    late = make_plan([person("C1", mourning=True)], None, on, "nenga",
                     rules=Rules(matsunouchi_end_day=15))
    assert "2027-01-16 … 2027-02-03" in late.not_sent[0].reason


@pytest.mark.parametrize(("year", "shosho", "risshu"), [
    (2026, D(2026, 7, 7), D(2026, 8, 7)),
    (2027, D(2027, 7, 7), D(2027, 8, 8)),
    (2028, D(2028, 7, 6), D(2028, 8, 7)),
])
def test_summer_windows_follow_shosho_and_risshu(year, shosho, risshu):
    assert (solar_term_date(year, SHOSHO), solar_term_date(year, RISSHU)) == (shosho, risshu)
    shochu = season_plan("shochu", D(year, 6, 15))
    assert (shochu.campaign, shochu.printing.first) == (f"shochu-{year}", D(year, 6, 15))
    assert (shochu.posting.first, shochu.posting.last) == (shosho, risshu - dt.timedelta(days=1))
    assert shochu.note == (f"7月{shosho.day}日〜8月{risshu.day - 1}日に投函してください"
                           "（小暑から立秋の前日まで）")
    assert season_plan("shochu", risshu - dt.timedelta(days=1)).note == (
        f"8月{risshu.day - 1}日までに投函してください（小暑から立秋の前日まで）")
    with pytest.raises(SeasonWindowError, match=f"次は {year + 1}-06-15 から印刷でき"):
        season_plan("shochu", risshu)
    with pytest.raises(SeasonWindowError, match=f"{year}-06-15 から印刷でき、投函は {shosho}"):
        season_plan("shochu", D(year, 6, 14))
    zansho = season_plan("zansho", risshu - dt.timedelta(days=1))
    assert (zansho.posting.first, zansho.posting.last) == (risshu, D(year, 8, 31))
    assert zansho.note.startswith(f"8月{risshu.day}日〜8月31日に投函してください")
    assert season_plan("zansho", risshu).note == "8月31日までに投函してください（立秋から8月末まで）"
    with pytest.raises(SeasonWindowError, match=f"印刷 {year}-07-15 … {year}-08-31"):
        season_plan("zansho", D(year, 9, 1))


def test_overrides_widen_the_print_window():
    overrides = season_overrides({"nenga": {"print_from": "10-15", "print_until": "01-20"},
                                  "shochu": {"print_from": "06-01"},
                                  "zansho": {"print_until": "09-10"}}, "hagaki.toml")
    assert overrides == {"nenga": Override((10, 15), (1, 20)), "shochu": Override((6, 1), None),
                         "zansho": Override(None, (9, 10))}
    early = season_plan("nenga", D(2026, 10, 15), overrides=overrides)
    assert (early.campaign, early.printing.first, early.printing.last) == (
        "nenga-2027", D(2026, 10, 15), D(2027, 1, 20))
    assert early.note == NENGA_NOTE
    assert season_plan("nenga", D(2027, 1, 20), overrides=overrides).campaign == "nenga-2027"
    with pytest.raises(SeasonWindowError, match="次は 2027-10-15 から印刷でき"):
        season_plan("nenga", D(2027, 1, 21), overrides=overrides)
    assert season_plan("shochu", D(2026, 6, 1), overrides=overrides).year == 2026
    assert season_plan("zansho", D(2026, 9, 10), overrides=overrides).note == (
        "残暑見舞いの投函期間（8月7日〜8月31日）は過ぎています")
    rules = Rules(seasons=overrides)
    assert make_plan([person("C1")], None, D(2026, 10, 20), "nenga", rules=rules).notes == [
        NENGA_NOTE]


def test_an_override_never_narrows_where_the_default_reaches_further():
    overrides = season_overrides({"nenga": {"print_until": "01-10"}}, "hagaki.toml")
    usual = season_plan("nenga", D(2027, 1, 10), overrides=overrides)
    assert usual.printing.last == D(2027, 1, 10)
    late = season_plan("nenga", D(2027, 1, 15), matsunouchi_end_day=15, overrides=overrides)
    assert late.printing.last == D(2027, 1, 15)
    assert season_overrides({"shochu": {"print_until": "08-05"}}, "t")["shochu"] == Override(
        None, (8, 5))


@pytest.mark.parametrize(("table", "message"), [
    ({"nenga": {"print_from": "11-15"}},
     "hagaki.toml: [seasons.nenga] print_from は既定の印刷開始 11-01 より後で"),
    ({"nenga": {"print_from": "01-02"}}, "[seasons.nenga] print_from は既定の印刷開始 11-01"),
    ({"nenga": {"print_until": "01-05"}},
     "hagaki.toml: [seasons.nenga] print_until は既定の印刷終了 01-07 より前で"),
    ({"nenga": {"print_until": "12-31"}}, "[seasons.nenga] print_until は既定の印刷終了 01-07"),
    ({"kanchu": {"print_until": "02-01"}}, "[seasons.kanchu] print_until は既定の印刷終了 02-02"),
    ({"shochu": {"print_until": "08-04"}}, "[seasons.shochu] print_until は既定の印刷終了 08-05"),
    ({"shochu": {"print_from": "06-16"}}, "[seasons.shochu] print_from は既定の印刷開始 06-15"),
    ({"nenga": {"print_from": "10/15"}}, "[seasons.nenga] print_from は \"10-15\" のように"),
    ({"nenga": {"print_from": 1015}}, "[seasons.nenga] print_from は \"10-15\" のように"),
    ({"nenga": {"print_from": "13-01"}}, "[seasons.nenga] print_from: 13-01 という日付はありません"),
    ({"yokan": {"print_until": "02-30"}}, "[seasons.yokan] print_until: 02-30 という日付"),
    ({"yokan": {"print_until": "02-29"}}, "[seasons.yokan] print_until: 02-29 はうるう年"),
    ({"nenga": {"print_to": "01-15"}}, "[seasons.nenga] print_to は使えません"),
    ({"birthday": {"print_from": "01-01"}}, "[seasons.birthday] は季節の便ではありません"),
    ({"nenga": "10-15"}, "[seasons.nenga] は print_from = \"10-15\" のような表に"),
])
def test_a_narrowing_or_malformed_override_is_a_config_error_naming_the_key(table, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        season_overrides(table, "hagaki.toml")
