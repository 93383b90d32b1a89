"""Decide the day: the one way `hagaki plan`, `hagaki print` and the web's pages read the
shop's lists and plan a day, so that what is shown is what is printed.

In: the customer list (and more files), the sales list, ReadOptions (with the shop's
corrections), the settings, the kind of card asked for, the day and the send log (opened and
settled by the caller, who holds it while it plans and prints). Out: Lists (customers and
sales as read, with their problems) and the day's Plan (the lists' notes first); or every
row of the customer list with its problems (customer_rows). The last lists and rows read are
kept while the files hold the same bytes and are read the same way (options, language): the
web's pages plan again after every print without reading the lists again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from mailmerge.i18n import language
from mailmerge.models import Customer, Problem, SalesList
from mailmerge.selection.plan import History, Plan, make_plan
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sourceset import (
    SourcedCustomers,
    read_customers,
    sales_for,
    scan_customers,
)


class Lists(Struct):
    customers: SourcedCustomers
    sales: SalesList | None  # None without a sales list
    ship_to: bool = False  # --ship-to: the customers are gift recipients


_last: dict[str, tuple[tuple, ReadOptions, object]] = {}  # the last of each kind read
_last_lock = threading.Lock()


def read_lists(customers_path: Path, sales_path: Path | None, options: ReadOptions) -> Lists:
    """The customers (every file merged, corrections applied) and the sales that follow them
    (the last ones read, when nothing they were read from changed: treat them as read-only)."""
    def read() -> Lists:
        customers = read_customers(customers_path, options)
        return Lists(customers, sales_for(customers.sources, customers.ids, sales_path,
                                          options), options.ship_to)

    return _kept("lists", (customers_path, *options.more, sales_path), options, read)


def customer_rows(customers_path: Path, options: ReadOptions
                  ) -> list[tuple[Customer, list[Problem]]]:
    """Every customer with its problems, the rows with errors included (kept like the lists:
    treat them as read-only)."""
    return _kept("rows", (customers_path, *options.more), options,
                 lambda: list(scan_customers(customers_path, options)))


def _kept(kind: str, paths: tuple[Path | None, ...], options: ReadOptions,
          read: Callable[[], object]):
    """The last `kind` read, when `paths` hold the same bytes and `options` and the language
    are the same; else `read()`, kept in its place."""
    key = (language(), *(_contents(path) for path in paths))
    with _last_lock:
        kept = _last.get(kind)
        if kept is not None and kept[0] == key and kept[1] == options:
            return kept[2]
    value = read()
    with _last_lock:
        _last[kind] = (key, options, value)
    return value


def _contents(path: Path | None) -> tuple[str, str] | None:
    """A file's path and a digest of its bytes (None for no file; an unreadable one is read,
    and refused, as before)."""
    if path is None:
        return None
    try:
        with path.open("rb") as stream:
            return str(path), hashlib.file_digest(stream, "blake2b").hexdigest()
    except OSError:
        return str(path), ""


def decide_day(lists: Lists, settings: Settings, situation: str | None, on: dt.date,
               log: History | None, force: bool = False) -> Plan:
    """Who gets which card on `on`, and who does not and why (the log: what was sent)."""
    sales = lists.sales.sales if lists.sales is not None else None
    history = (log.for_one_plan(lists.customers.customers) if isinstance(log, SendLog)
               else log)
    plan = make_plan(lists.customers.customers, sales, on, situation, history, settings.rules,
                     force=force, to_recipients=lists.ship_to)
    plan.notes[:0] = lists.customers.sources.notes
    return plan
