"""The shop's day and the log's timestamps: the one module that reads the system clock.

Every other module asks here: `today()` for the shop's day (plans, season windows, file names,
the report's months), `now()` and `timestamp()` for when something happened. A test or a
rehearsal sets the day in one place with `on_day(day)`; the time of day keeps running, so
timestamps taken on a set day still follow each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_set_day: dt.date | None = None


def now() -> dt.datetime:
    """The local date and time (on the set day, if one is set)."""
    moment = dt.datetime.now()
    if _set_day is None:
        return moment
    return dt.datetime.combine(_set_day, moment.time())


def today() -> dt.date:
    """The shop's day: the local date, or the day set with `on_day`."""
    return _set_day if _set_day is not None else dt.date.today()


def timestamp() -> str:
    """`now()` as the log writes it: 2026-12-07T10:15:00."""
    return now().isoformat(timespec="seconds")


@contextmanager
def on_day(day: dt.date) -> Iterator[dt.date]:
    """Within the block, the shop's day is `day` for every module; afterwards, as before."""
    global _set_day
    before = _set_day
    _set_day = day
    try:
        yield day
    finally:
        _set_day = before
