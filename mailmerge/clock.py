"""The shop's day and the log's timestamps: the one module that reads the system clock.

Every other module asks here: `today()` for the shop's day (plans, season windows, file names,
the report's months), `now()` and `timestamp()` for when something happened. A test sets the
day in one place with `on_day(day)`; a rehearsal of a whole process (a 年賀状 run tried in
July, a browser test) with HAGAKI_TODAY=2026-12-10. The time of day keeps running, so
timestamps taken on a set day still follow each other.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

from mailmerge.errors import ConfigError
from mailmerge.i18n import _

_set_day: dt.date | None = None


def _environment_day() -> dt.date | None:
    """HAGAKI_TODAY's day, or None when it is not set; ConfigError when it is not a day."""
    text = os.environ.get("HAGAKI_TODAY", "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(_("HAGAKI_TODAY={text!r}: 2026-12-10 のように日付を書いてください",
                            text=text)) from None


def now() -> dt.datetime:
    """The local date and time (on the set day, if one is set)."""
    moment = dt.datetime.now()
    day = _set_day or _environment_day()
    return moment if day is None else dt.datetime.combine(day, moment.time())


def today() -> dt.date:
    """The shop's day: the day set with `on_day`, else HAGAKI_TODAY's, else the local date."""
    return _set_day or _environment_day() or dt.date.today()


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
