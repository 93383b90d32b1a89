"""The customer base month by month: who joined, came back and was lost.

In: each counted customer's purchase dates (sorted), the day and the segment rules.
Out: flow events per customer, and the monthly head counts built from them.

A customer joins the base at their first purchase ('new'), leaves it dormant_days + 1 after a
purchase with no purchase in between ('lost', the day segment_of starts calling them lapsed)
and rejoins at their next purchase ('back'). So at any month's end, the base holds exactly the
customers who have bought and are not lapsed, and `lapsed` holds those who are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from msgspec import Struct

from mailmerge.selection.segments import SegmentRules


class Heads(Struct, frozen=True):
    """One month's head counts."""

    new: int
    back: int
    lost: int
    customers: int  # bought and not lapsed at the month's end
    lapsed: int  # lapsed at the month's end
    loss_rate: float  # lost / everyone who was in the base during the month


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """Every month from start's to end's, as YYYY-MM."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def flow_events(dates: list[dt.date], on: dt.date, rules: SegmentRules
                ) -> list[tuple[dt.date, str]]:
    """A customer's moves in and out of the base up to `on`: (day, 'new' | 'lost' | 'back')."""
    events: list[tuple[dt.date, str]] = []
    lapsed = False
    for index, day in enumerate(dates):
        if index == 0:
            events.append((day, "new"))
        elif lapsed:
            events.append((day, "back"))
        lapsed = False
        lapse = day + dt.timedelta(days=rules.dormant_days + 1)
        following = dates[index + 1] if index + 1 < len(dates) else None
        if lapse <= on and (following is None or following >= lapse):
            events.append((lapse, "lost"))
            lapsed = True
    return events


def monthly_heads(months: list[str], events: list[tuple[dt.date, str]]) -> list[Heads]:
    """The head counts of each month in `months` from every counted customer's events."""
    counts = Counter((month_of(day), kind) for day, kind in events)
    rows = []
    customers = lapsed = 0
    for name in months:
        new, back, lost = (counts[(name, kind)] for kind in ("new", "back", "lost"))
        present = customers + new + back
        customers = present - lost
        lapsed += lost - back
        rows.append(Heads(new, back, lost, customers, lapsed,
                          lost / present if present else 0.0))
    return rows


class BaseFlow(Struct, frozen=True):
    """The base over the last months: start + new + back − lost = end (客数の増減)."""

    months: int
    start: int  # in the base at the end of the month before the window
    new: int
    back: int
    lost: int
    end: int  # in the base at the end of the last month

    def as_json(self) -> dict:
        return {"months": self.months, "start": self.start, "new": self.new,
                "back": self.back, "lost": self.lost, "end": self.end}


def base_flow(heads: list[Heads], window: int = 12) -> BaseFlow:
    """Who joined, came back and was lost over the last `window` months of `heads`."""
    recent = heads[-window:]
    start = heads[-window - 1].customers if len(heads) > window else 0
    return BaseFlow(len(recent), start, sum(h.new for h in recent),
                    sum(h.back for h in recent), sum(h.lost for h in recent),
                    recent[-1].customers if recent else 0)


def loss_rate(heads: list[Heads], window: int = 12) -> float:
    """Customers lost over the last `window` months, over everyone in the base during them
    (those there at the start, plus those who joined or came back)."""
    flow = base_flow(heads, window)
    present = flow.start + flow.new + flow.back
    return flow.lost / present if present else 0.0
