"""Segments from purchase history: the boundary days, registration without purchase, settings."""

from __future__ import annotations

import datetime as dt

import pytest

from mailmerge.selection.segments import SEGMENTS, SegmentRules, days_since, segment_of

ON = dt.date(2026, 11, 23)


def ago(days: int) -> dt.date:
    return ON - dt.timedelta(days=days)


def test_days_since_counts_calendar_days():
    assert days_since(ON, ON) == 0
    assert days_since(dt.date(2026, 1, 1), ON) == 326
    assert days_since(dt.date(2025, 11, 23), ON) == 365
    assert days_since(dt.date(2026, 11, 24), ON) == -1


def test_default_thresholds():
    assert SegmentRules() == SegmentRules(new_days=90, active_days=180, dormant_days=365)


@pytest.mark.parametrize(("first", "last", "segment"), [
    (0, 0, "new"),
    (90, 90, "new"),
    (90, 0, "new"),
    (91, 91, "active"),
    (91, 0, "active"),
    (400, 180, "active"),
    (400, 181, "dormant"),
    (400, 365, "dormant"),
    (400, 366, "lapsed"),
    (2000, 1500, "lapsed"),
])
def test_segment_boundary_days(first, last, segment):
    assert segment_of(ago(first), ago(last), ON) == segment


def test_no_purchase_on_record():
    assert segment_of(None, None, ON) == "no_purchase"
    assert segment_of(None, None, ON, registered=ago(365)) == "no_purchase"


def test_registered_over_a_year_ago_without_buying_is_lapsed():
    assert segment_of(None, None, ON, registered=ago(366)) == "lapsed"


def test_registration_does_not_matter_once_the_customer_has_bought():
    assert segment_of(ago(10), ago(10), ON, registered=ago(3000)) == "new"


@pytest.mark.parametrize(("first", "last", "segment"), [
    (30, 30, "new"), (31, 31, "active"), (200, 60, "active"), (200, 61, "dormant"),
    (200, 120, "dormant"), (200, 121, "lapsed"),
])
def test_every_threshold_comes_from_the_rules(first, last, segment):
    rules = SegmentRules(new_days=30, active_days=60, dormant_days=120)
    assert segment_of(ago(first), ago(last), ON, rules) == segment


def test_registration_uses_the_dormant_threshold_from_the_rules():
    rules = SegmentRules(dormant_days=120)
    assert segment_of(None, None, ON, rules, registered=ago(120)) == "no_purchase"
    assert segment_of(None, None, ON, rules, registered=ago(121)) == "lapsed"


def test_every_answer_is_a_named_segment():
    answers = {segment_of(ago(f), ago(min(f, last)), ON) for f in (0, 100, 300, 500)
               for last in (0, 200, 400)} | {segment_of(None, None, ON)}
    assert answers == set(SEGMENTS)
