"""The days every date-sensitive test runs on: each season's print and posting window edges
(the first and last day, and the day either side), the turn of the year, a leap day, and the
day the suite runs. The edges are read from the windows of the 2027 seasons (年賀状 2027 is
printed from 2026-11-01), so they move with the solar terms, never with a table."""

from __future__ import annotations

import datetime as dt

from mailmerge import clock
from mailmerge.selection.seasons import LABELS, posting_window, printing_window

ONE_DAY = dt.timedelta(days=1)
SEASON_YEAR = 2027
FIXED_DAYS = (dt.date(2026, 12, 28), dt.date(2026, 12, 29),  # the last day of 年賀 handling
              dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2028, 2, 29),
              dt.date(2026, 12, 6), dt.date(2027, 1, 5), dt.date(2027, 7, 20))


def window_edges() -> set[dt.date]:
    """First and last day of every season's print and posting window, and the day either side."""
    days: set[dt.date] = set()
    for situation in LABELS:
        for window in (printing_window(situation, SEASON_YEAR),
                       posting_window(situation, SEASON_YEAR)):
            days |= {window.first - ONE_DAY, window.first, window.last, window.last + ONE_DAY}
    return days


SHOP_DAYS = sorted(window_edges() | set(FIXED_DAYS) | {clock.today()})
