"""`hagaki report`: read the files and the send log, measure, and say it in text.

In: the customer file, the sales file, the send log (optional), the day and the settings.
Out: Measures (see measures.py), and the lines of the text report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from mailmerge.i18n import _
from mailmerge.japanese.text import pad
from mailmerge.models import Customer
from mailmerge.report import experiment_words
from mailmerge.report.experiments import experiments
from mailmerge.report.figures import SEGMENT_LABELS, key_figures
from mailmerge.report.mailings import SentCard
from mailmerge.report.measures import Listed, Measures, measure
from mailmerge.sendlog.draws import Assignment
from mailmerge.sendlog.store import SendLog, person_key
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sales import missing_amounts
from mailmerge.sources.sourceset import sales_for, scan_customers
from mailmerge.templates.titles import template_title


def build_report(customers_path: Path, sales_path: Path, settings: Settings,
                 options: ReadOptions, log_path: Path | None, on: dt.date) -> Measures:
    """Every row of the customer list (errors included), the sales and the log, measured; a
    sales list without amounts gives no figure of money, and says so first."""
    sources = scan_customers(customers_path, options)
    rows = list(sources)
    known_ids = {customer.customer_id for customer, _ in rows if customer.customer_id}
    sales = sales_for(sources, known_ids, sales_path, options)
    customers = [customer for customer, _ in rows]
    cards, returned, assigned, unrandomised = _read_log(log_path, customers)
    listed = [Listed(customer, tuple(problems), index in returned)
              for index, (customer, problems) in enumerate(rows)]
    missing = missing_amounts(sales)
    counted = [sale for sale in sales.sales + sales.unknown  # a refund without an amount
               if not (sale.refund and sale.amount is None)]  # takes nothing to count
    measures = measure(listed, counted, cards, on, settings.rules.segments,
                       settings.postage_yen, amounts=missing is None)
    if missing is not None:
        measures.warnings.insert(0, missing)
    measures.experiments = experiments(assigned, counted, on, settings.window_days,
                                       settings.postage_yen, _same_customer(customers, known_ids),
                                       lambda name, situation: template_title(
                                           name, situation, settings.templates_folder),
                                       unrandomised)
    return measures


def _same_customer(customers: list[Customer], known: set[str]
                   ) -> Callable[[Assignment], str]:
    """The customer id an assignment's customer has in today's list: their id, or the id of
    the same person (name and address) under a new id, as the plan knows them again."""
    by_person = {person_key(c): c.customer_id for c in customers if c.customer_id}
    return lambda one: (one.customer_id if one.customer_id in known
                        else by_person.get(one.person, one.customer_id))


def _read_log(log_path: Path | None, customers: list[Customer]
              ) -> tuple[list[SentCard], set[int], list[Assignment], list[str]]:
    """Every logged card (a reprint replaces a jammed card: it is not a second card), the
    indexes of the customers a card came back from, every randomised customer and the kind
    of each card mailed in a draw's run without being drawn."""
    with SendLog.settled(log_path) as log:
        if log is None:
            return [], set(), [], []
        cards = [SentCard(row["customer_id"], row["situation"],
                          dt.date.fromisoformat(row["card_date"]), row["status"])
                 for row in log.cards() if row["reprint_of"] is None]
        returned = {index for index, customer in enumerate(customers)
                    if customer.customer_id and log.returned(customer)}
        assigned = log.assignments()
        unrandomised = log.unrandomised()
    return cards, returned, assigned, unrandomised


def text_lines(measures: Measures) -> list[str]:
    """The segments, the key figures and the warnings, for people."""
    lines = [_("顧客の棚卸し　{day}", day=measures.date.isoformat()), "",
             f"  {pad(_('区分'), 22)} {_right(_('人数'), 7)}  "
             f"{_right(_('比率'), 6)}"]
    for name, count in measures.segments.items():
        lines.append(f"  {pad(_(SEGMENT_LABELS[name]), 22)} {count:>7}  "
                     f"{measures.segment_shares[name]:>6.0%}")
    lines += [f"  {pad(_('合計'), 22)} {measures.customer_count:>7}", ""]
    for figure in key_figures(measures):
        lines.append(f"  {pad(_(figure.label), 26)}{_right(figure.text(), 18)}")
    lines += experiment_lines(measures)
    if measures.warnings:
        lines += ["", _("注意:")] + [f"  ! {warning}" for warning in measures.warnings]
    return lines


def experiment_lines(measures: Measures) -> list[str]:
    """はがきの効果（くじで比べた結果）: each experiment's title and lines; none without one."""
    if not measures.experiments:
        return []
    lines = ["", _("はがきの効果（くじで比べた結果）"), f"  {experiment_words.scope_note()}"]
    for experiment in measures.experiments:
        lines.append(f"  {experiment_words.title(experiment)}")
        lines += [f"    {line}" for line in experiment_words.lines(experiment,
                                                                   measures.has_amounts)]
    return lines + [f"  ({experiment_words.method_note()})"]


def _right(text: str, width: int) -> str:
    """`text` right-aligned in `width` terminal columns (full-width characters take two)."""
    return " " * (len(pad(text, width)) - len(text)) + text
