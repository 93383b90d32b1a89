"""Season windows: solar terms computed from the Sun, posting windows that move with them,
refusals outside the print window."""

from __future__ import annotations

import datetime as dt
import re

import ephem
import pytest

from mailmerge.errors import HagakiError
from mailmerge.selection.seasons import (
    LABELS,
    RISSHU,
    RISSHUN,
    SHOSHO,
    SeasonWindowError,
    Window,
    posting_window,
    season_plan,
    solar_term_date,
)

SHOSHO_END = 150.0  # 処暑
ONE_DAY = dt.timedelta(days=1)


def jst_day(moment: ephem.Date) -> dt.date:
    return (ephem.Date(moment).datetime() + dt.timedelta(hours=9)).date()


@pytest.mark.parametrize(("year", "longitude", "day"), [
    (2025, RISSHUN, dt.date(2025, 2, 3)),
    (2026, RISSHUN, dt.date(2026, 2, 4)),
    (2026, SHOSHO, dt.date(2026, 7, 7)),
    (2028, SHOSHO, dt.date(2028, 7, 6)),
    (2026, RISSHU, dt.date(2026, 8, 7)),
    (2027, RISSHU, dt.date(2027, 8, 8)),
    (2026, SHOSHO_END, dt.date(2026, 8, 23)),
    (2028, SHOSHO_END, dt.date(2028, 8, 22)),
])
def test_solar_terms_fall_on_the_known_days(year, longitude, day):
    assert solar_term_date(year, longitude) == day


def test_the_named_longitudes_are_the_solar_terms():
    assert (RISSHUN, SHOSHO, RISSHU) == (315.0, 105.0, 135.0)


@pytest.mark.parametrize("year", range(2020, 2041))
def test_equinox_and_solstice_agree_with_ephem(year):
    start = f"{year}/1/1"
    assert solar_term_date(year, 0.0) == jst_day(ephem.next_vernal_equinox(start))
    assert solar_term_date(year, 90.0) == jst_day(ephem.next_summer_solstice(start))


def test_longitudes_near_the_360_to_0_wrap_stay_in_the_asked_year():
    assert solar_term_date(2026, 0.0) == dt.date(2026, 3, 20)  # 春分
    assert solar_term_date(2026, 345.0) == dt.date(2026, 3, 5)  # 啓蟄
    assert solar_term_date(2026, 359.9).month == 3
    assert solar_term_date(2026, 285.0) == dt.date(2026, 1, 5)  # 小寒


def test_autumn_and_winter_terms_fall_in_the_asked_year():
    assert solar_term_date(2026, 180.0) == jst_day(ephem.next_autumnal_equinox("2026/1/1"))
    assert solar_term_date(2026, 270.0) == jst_day(ephem.next_winter_solstice("2026/1/1"))


def test_solar_terms_are_cached():
    solar_term_date(2031, RISSHUN)
    hits = solar_term_date.cache_info().hits
    solar_term_date(2031, RISSHUN)
    assert solar_term_date.cache_info().hits == hits + 1


@pytest.mark.parametrize(("situation", "year", "first", "last"), [
    ("nenga", 2027, dt.date(2026, 12, 15), dt.date(2026, 12, 25)),
    ("kanchu", 2026, dt.date(2026, 1, 8), dt.date(2026, 2, 3)),
    ("kanchu", 2025, dt.date(2025, 1, 8), dt.date(2025, 2, 2)),
    ("yokan", 2026, dt.date(2026, 2, 4), dt.date(2026, 2, 28)),
    ("yokan", 2025, dt.date(2025, 2, 3), dt.date(2025, 2, 28)),
    ("yokan", 2028, dt.date(2028, 2, 4), dt.date(2028, 2, 29)),
    ("shochu", 2026, dt.date(2026, 7, 7), dt.date(2026, 8, 6)),
    ("shochu", 2027, dt.date(2027, 7, 7), dt.date(2027, 8, 7)),
    ("shochu", 2028, dt.date(2028, 7, 6), dt.date(2028, 8, 6)),
    ("zansho", 2026, dt.date(2026, 8, 7), dt.date(2026, 8, 31)),
    ("zansho", 2027, dt.date(2027, 8, 8), dt.date(2027, 8, 31)),
])
def test_posting_windows_follow_the_solar_terms(situation, year, first, last):
    found = posting_window(situation, year)
    assert found == Window(situation, first, last, found.rule)


def test_kanchu_starts_after_matsunouchi_ends_on_the_7th_or_the_15th():
    assert posting_window("kanchu", 2026).first == dt.date(2026, 1, 8)
    assert posting_window("kanchu", 2026, matsunouchi_end_day=15).first == dt.date(2026, 1, 16)
    assert posting_window("kanchu", 2026, matsunouchi_end_day=15).last == dt.date(2026, 2, 3)


@pytest.mark.parametrize("year", range(2020, 2041))
def test_winter_and_summer_windows_meet_without_gap_or_overlap(year):
    assert posting_window("kanchu", year).last + ONE_DAY == posting_window("yokan", year).first
    assert posting_window("shochu", year).last + ONE_DAY == posting_window("zansho", year).first


def test_a_window_contains_its_first_and_last_day_only():
    shochu = posting_window("shochu", 2026)
    assert dt.date(2026, 7, 7) in shochu
    assert dt.date(2026, 8, 6) in shochu
    assert dt.date(2026, 7, 6) not in shochu
    assert dt.date(2026, 8, 7) not in shochu


@pytest.mark.parametrize("situation", ["thanks", "birthday", "dormant", "winback", "moving"])
def test_non_seasonal_situations_have_no_window(situation):
    with pytest.raises(ValueError, match=f"'{situation}' is not a seasonal card"):
        posting_window(situation, 2026)
    with pytest.raises(ValueError):
        season_plan(situation, dt.date(2026, 8, 1))


@pytest.mark.parametrize(("situation", "on"), [
    ("nenga", dt.date(2026, 12, 15)), ("nenga", dt.date(2026, 12, 25)),
    ("kanchu", dt.date(2026, 1, 8)), ("kanchu", dt.date(2026, 2, 3)),
    ("yokan", dt.date(2026, 2, 4)), ("yokan", dt.date(2028, 2, 29)),
    ("shochu", dt.date(2026, 7, 7)), ("shochu", dt.date(2026, 8, 6)),
    ("shochu", dt.date(2027, 8, 7)),
    ("zansho", dt.date(2026, 8, 7)), ("zansho", dt.date(2026, 8, 31)),
])
def test_the_boundary_days_of_a_posting_window_may_be_printed(situation, on):
    assert on in season_plan(situation, on).posting


def test_the_day_after_shochu_is_refused_naming_this_and_next_years_windows():
    with pytest.raises(SeasonWindowError) as refusal:
        season_plan("shochu", dt.date(2026, 8, 7))
    assert str(refusal.value) == (
        "暑中見舞いの時期（印刷 2026-06-15 … 2026-08-06、投函 2026-07-07 … 2026-08-06）は"
        "終わりました（2026-08-07）。"
        "次は 2027-06-15 から印刷でき、投函は 2027-07-07 … 2027-08-07 です"
        "（小暑から立秋の前日まで）")
    assert isinstance(refusal.value, HagakiError)


def test_zansho_printed_before_a_late_risshu_is_posted_from_risshu():
    assert season_plan("zansho", dt.date(2027, 8, 7)).note == (
        "8月8日〜8月31日に投函してください（立秋から8月末まで）")


@pytest.mark.parametrize(("on", "matsunouchi", "note"), [
    (dt.date(2026, 1, 7), 7, "1月8日〜2月3日に投函してください"
                             "（松の内（1月7日まで）が明けてから立春の前日まで）"),
    (dt.date(2026, 1, 15), 15, "1月16日〜2月3日に投函してください"),
    (dt.date(2026, 1, 16), 15, "2月3日までに投函してください"),
])
def test_kanchu_printed_during_matsunouchi_is_posted_after_it(on, matsunouchi, note):
    assert season_plan("kanchu", on, matsunouchi).note.startswith(note)


def test_kanchu_from_risshun_is_refused_naming_next_winter():
    with pytest.raises(SeasonWindowError, match=re.escape(
            "寒中見舞いの時期（印刷 2025-12-01 … 2026-02-03、投函 2026-01-08 … 2026-02-03）は"
            "終わりました（2026-02-04）。"
            "次は 2026-12-01 から印刷でき、投函は 2027-01-08 … 2027-02-03 です")):
        season_plan("kanchu", dt.date(2026, 2, 4))


@pytest.mark.parametrize(("situation", "on", "message"), [
    ("nenga", dt.date(2026, 10, 31), "年賀状はまだ印刷できません（2026-10-31）。"
                                     "2026-11-01 から印刷でき、投函は 2026-12-15 … 2026-12-25"),
    ("nenga", dt.date(2027, 1, 8), "次は 2027-11-01 から印刷でき、投函は 2027-12-15 … 2027-12-25"),
    ("yokan", dt.date(2026, 1, 14), "余寒見舞いはまだ印刷できません（2026-01-14）。2026-01-15 から"
                                    "印刷でき、投函は 2026-02-04 … 2026-02-28 です（立春から2月末まで）"),
    ("yokan", dt.date(2026, 3, 1), "次は 2027-01-15 から印刷でき、投函は 2027-02-04 … 2027-02-28"),
    ("shochu", dt.date(2028, 6, 14), "2028-06-15 から印刷でき、投函は 2028-07-06 … 2028-08-06"),
    ("zansho", dt.date(2026, 9, 1), "残暑見舞いの時期（印刷 2026-07-15 … 2026-08-31、投函 "
                                    "2026-08-07 … 2026-08-31）は終わりました（2026-09-01）。次は 2027-07-15 から印刷でき、投函は "
                                    "2027-08-08 … 2027-08-31 です（立秋から8月末まで）"),
])
def test_days_outside_the_print_window_are_refused_naming_the_window(situation, on, message):
    with pytest.raises(SeasonWindowError, match=re.escape(message)):
        season_plan(situation, on)


def test_seasonal_cards_have_japanese_labels():
    assert LABELS == {"nenga": "年賀状", "kanchu": "寒中見舞い", "yokan": "余寒見舞い",
                      "shochu": "暑中見舞い", "zansho": "残暑見舞い"}
