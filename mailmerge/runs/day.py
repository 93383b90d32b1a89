"""Decide the day: the one way `hagaki plan`, `hagaki print` and the web's pages read the
shop's lists and plan a day, so that what is shown is what is printed.

In: the customer list (and more files), the sales list, ReadOptions (with the shop's
corrections), the settings, the kind of card asked for, the day and the send log (opened and
settled by the caller, who holds it while it plans and prints). Out: Lists (customers and
sales as read, with their problems) and the day's Plan (the lists' notes first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from mailmerge.models import SalesList
from mailmerge.selection.plan import History, Plan, make_plan
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sourceset import SourcedCustomers, read_customers, sales_for


@dataclass
class Lists:
    customers: SourcedCustomers
    sales: SalesList | None  # None without a sales list
    ship_to: bool = False  # --ship-to: the customers are gift recipients


def read_lists(customers_path: Path, sales_path: Path | None, options: ReadOptions) -> Lists:
    """The customers (every file merged, corrections applied) and the sales that follow them."""
    customers = read_customers(customers_path, options)
    return Lists(customers, sales_for(customers.sources, customers.ids, sales_path, options),
                 options.ship_to)


def decide_day(lists: Lists, settings: Settings, situation: str | None, on: dt.date,
               log: History | None, force: bool = False) -> Plan:
    """Who gets which card on `on`, and who does not and why (the log: what was sent)."""
    sales = lists.sales.sales if lists.sales is not None else None
    plan = make_plan(lists.customers.customers, sales, on, situation, log, settings.rules,
                     force=force, to_recipients=lists.ship_to)
    plan.notes[:0] = lists.customers.sources.notes
    return plan
