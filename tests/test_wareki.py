"""和暦: era years, dates in kanji or arabic numerals, and the date line of each season's card."""

from __future__ import annotations

import datetime as dt

import pytest

from mailmerge.selection.wareki import era_year, season_date_line, wareki


@pytest.mark.parametrize(("day", "era"), [
    (dt.date(2026, 11, 23), ("令和", 8)),
    (dt.date(2019, 5, 1), ("令和", 1)),
    (dt.date(2019, 4, 30), ("平成", 31)),
    (dt.date(1989, 1, 8), ("平成", 1)),
    (dt.date(1989, 1, 7), ("昭和", 64)),
    (dt.date(1926, 12, 25), ("昭和", 1)),
    (dt.date(1926, 12, 24), ("大正", 15)),
    (dt.date(1912, 7, 30), ("大正", 1)),
    (dt.date(1912, 7, 29), ("明治", 45)),
    (dt.date(1868, 10, 23), ("明治", 1)),
])
def test_era_year_changes_on_each_eras_first_day(day, era):
    assert era_year(day) == era


def test_days_before_meiji_have_no_era():
    with pytest.raises(ValueError, match="before 明治"):
        era_year(dt.date(1868, 10, 22))


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 11, 23), "令和八年十一月二十三日"),
    (dt.date(2019, 5, 1), "令和元年五月一日"),
    (dt.date(2019, 4, 30), "平成三十一年四月三十日"),
    (dt.date(1989, 1, 7), "昭和六十四年一月七日"),
    (dt.date(2028, 12, 31), "令和十年十二月三十一日"),
    (dt.date(2026, 10, 10), "令和八年十月十日"),
    (dt.date(2026, 2, 20), "令和八年二月二十日"),
])
def test_wareki_in_kanji_numerals_with_ten(day, text):
    assert wareki(day) == text


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 11, 23), "令和8年11月23日"),
    (dt.date(2019, 5, 1), "令和元年5月1日"),
    (dt.date(2019, 4, 30), "平成31年4月30日"),
])
def test_wareki_in_arabic_numerals(day, text):
    assert wareki(day, "arabic") == text


@pytest.mark.parametrize(("on", "line"), [
    (dt.date(2026, 12, 20), "令和九年　元旦"),
    (dt.date(2026, 12, 1), "令和九年　元旦"),
    (dt.date(2027, 1, 1), "令和九年　元旦"),
    (dt.date(2018, 12, 20), "平成三十一年　元旦"),
    (dt.date(2019, 12, 20), "令和二年　元旦"),
])
def test_nenga_is_dated_new_years_day_of_the_coming_year(on, line):
    assert season_date_line("nenga", on) == line


@pytest.mark.parametrize(("situation", "on", "line"), [
    ("shochu", dt.date(2026, 7, 20), "令和八年　盛夏"),
    ("zansho", dt.date(2026, 8, 20), "令和八年　晩夏"),
    ("kanchu", dt.date(2027, 1, 20), "令和九年　厳寒"),
    ("yokan", dt.date(2027, 2, 10), "令和九年　余寒"),
    ("kanchu", dt.date(2019, 1, 20), "平成三十一年　厳寒"),
    ("shochu", dt.date(2019, 7, 20), "令和元年　盛夏"),
])
def test_seasonal_cards_carry_the_seasons_word(situation, on, line):
    assert season_date_line(situation, on) == line


@pytest.mark.parametrize("situation", ["thanks", "birthday", "dormant", "winback"])
def test_other_cards_carry_the_full_date(situation):
    assert season_date_line(situation, dt.date(2026, 11, 23)) == "令和八年十一月二十三日"
