"""Choosing logged cards: by status, kind of card, card date and a customer search.

In: rows of the send log (SendLog.cards), a LogFilter and each customer's name by id. Out: the
rows that match, in the order given. The search matches part of a customer id or name the way
people write them (full/half width, spaces, 髙/高 … folded by textmatch.match_key).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping

from msgspec import Struct

from mailmerge.japanese.textmatch import match_key


class LogFilter(Struct, frozen=True):
    status: str | None = None  # printed, mailed, returned or cancelled
    situation: str | None = None  # the kind of card (thanks, nenga …)
    since: dt.date | None = None  # card date on or after
    until: dt.date | None = None  # card date on or before
    search: str = ""  # part of a customer id or name


def matching(rows: list[sqlite3.Row], wanted: LogFilter,
             names: Mapping[str, str]) -> list[sqlite3.Row]:
    """The rows `wanted` asks for; `names` gives the customer's name by id (for the search)."""
    needle = match_key(wanted.search)
    found = []
    for row in rows:
        day = dt.date.fromisoformat(row["card_date"])
        if ((wanted.status and row["status"] != wanted.status)
                or (wanted.situation and row["situation"] != wanted.situation)
                or (wanted.since and day < wanted.since)
                or (wanted.until and day > wanted.until)):
            continue
        customer_id = row["customer_id"]
        if needle and needle not in match_key(f"{customer_id} {names.get(customer_id, '')}"):
            continue
        found.append(row)
    return found
