"""Solar terms, season windows, 和暦 and segments: computed, and checked against known days."""

from __future__ import annotations

import datetime as dt

import pytest

from mailmerge.selection.seasons import RISSHU, RISSHUN, SHOSHO, solar_term_date, window
from mailmerge.selection.segments import SegmentRules, segment_of
from mailmerge.selection.wareki import era_year, season_date_line, wareki


@pytest.mark.parametrize(("year", "longitude", "day"), [
    (2025, RISSHUN, dt.date(2025, 2, 3)), (2026, RISSHUN, dt.date(2026, 2, 4)),
    (2026, SHOSHO, dt.date(2026, 7, 7)), (2028, SHOSHO, dt.date(2028, 7, 6)),
    (2026, RISSHU, dt.date(2026, 8, 7)), (2027, RISSHU, dt.date(2027, 8, 8)),
])
def test_solar_terms_fall_on_the_known_days(year, longitude, day):
    assert solar_term_date(year, longitude) == day


def test_windows_follow_the_solar_terms():
    assert (window("shochu", 2026).first, window("shochu", 2026).last) == (
        dt.date(2026, 7, 7), dt.date(2026, 8, 6))
    assert window("shochu", 2027).last == dt.date(2027, 8, 7)
    assert window("zansho", 2027).first == dt.date(2027, 8, 8)
    assert window("kanchu", 2026, 15).first == dt.date(2026, 1, 16)
    assert window("yokan", 2028).last == dt.date(2028, 2, 29)


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 11, 23), "令和八年十一月二十三日"), (dt.date(2019, 5, 1), "令和元年五月一日"),
    (dt.date(2019, 4, 30), "平成三十一年四月三十日"), (dt.date(1989, 1, 7), "昭和六十四年一月七日"),
])
def test_wareki(day, text):
    assert wareki(day) == text


def test_era_years_and_season_date_lines():
    assert era_year(dt.date(2026, 11, 23)) == ("令和", 8)
    assert wareki(dt.date(2026, 11, 23), "arabic") == "令和8年11月23日"
    assert season_date_line("nenga", dt.date(2026, 12, 20)) == "令和九年　元旦"
    assert season_date_line("shochu", dt.date(2026, 7, 20)) == "令和八年　盛夏"
    assert season_date_line("zansho", dt.date(2026, 8, 20)) == "令和八年　晩夏"


@pytest.mark.parametrize(("first", "last", "segment"), [
    (400, 90, "active"), (90, 90, "new"), (91, 91, "active"), (400, 180, "active"),
    (400, 181, "dormant"), (400, 365, "dormant"), (400, 366, "lapsed"),
])
def test_segment_boundaries(first, last, segment):
    on = dt.date(2026, 11, 23)
    days = dt.timedelta
    assert segment_of(on - days(first), on - days(last), on) == segment


def test_no_purchase_and_thresholds_from_settings():
    on = dt.date(2026, 11, 23)
    assert segment_of(None, None, on) == "no_purchase"
    assert segment_of(None, None, on, registered=dt.date(2025, 1, 1)) == "lapsed"
    rules = SegmentRules(new_days=30, active_days=60, dormant_days=120)
    assert segment_of(dt.date(2025, 1, 1), on - dt.timedelta(days=61), on, rules) == "dormant"
