"""Customer segments from purchase dates; every threshold is configuration.

In: first and last purchase dates, the day, the rules. Out: new, active, dormant, lapsed or
no_purchase. (Exclusions such as 送付停止 are rules of their own, in exclusions.py.)
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

SEGMENTS = ("new", "active", "dormant", "lapsed", "no_purchase")


class SegmentRules(Struct, frozen=True):
    new_days: int = 90  # first purchase within this many days
    active_days: int = 180  # last purchase within this many days
    dormant_days: int = 365  # last purchase active_days+1 … this many days ago


def days_since(day: dt.date, on: dt.date) -> int:
    return (on - day).days


def segment_of(first_purchase: dt.date | None, last_purchase: dt.date | None, on: dt.date,
               rules: SegmentRules | None = None, registered: dt.date | None = None) -> str:
    """The customer's segment on the day `on`."""
    rules = rules or SegmentRules()
    if last_purchase is None or first_purchase is None:
        if registered is not None and days_since(registered, on) > rules.dormant_days:
            return "lapsed"
        return "no_purchase"
    if days_since(first_purchase, on) <= rules.new_days:
        return "new"
    since_last = days_since(last_purchase, on)
    if since_last <= rules.active_days:
        return "active"
    if since_last <= rules.dormant_days:
        return "dormant"
    return "lapsed"
