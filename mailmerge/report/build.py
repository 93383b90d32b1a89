"""`hagaki report`: read the files and the send log, measure, and say it in text or JSON.

In: the customer file, the sales file, the send log (optional), the day and the settings.
Out: Measures, and the lines of the text report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mailmerge.config import Settings
from mailmerge.japanese import pad
from mailmerge.report.measures import Measures, SentCard, measure
from mailmerge.sendlog.store import SENT, SendLog
from mailmerge.sources.customers import ReadOptions, read_customers
from mailmerge.sources.sales import read_sales

SEGMENT_LABELS = {"excluded": "送付対象外", "new": "新規", "active": "活動中 (生きた客)",
                  "dormant": "休眠 (眠った客)", "lapsed": "離反 (死んだ客)",
                  "no_purchase": "購入記録なし"}


def build_report(customers_path: Path, sales_path: Path, settings: Settings,
                 options: ReadOptions, log_path: Path | None, on: dt.date) -> Measures:
    customers = read_customers(customers_path, options)
    sales = read_sales(sales_path, customers.ids, options)
    cards: list[SentCard] = []
    returned: set[str] = set()
    if log_path is not None and log_path.is_file():
        log = SendLog(log_path)
        try:
            for row in log.cards():
                if row["status"] in SENT:
                    cards.append(SentCard(row["customer_id"], row["situation"],
                                          dt.date.fromisoformat(row["card_date"])))
            returned = {c.customer_id for c in customers.customers if log.returned(c)}
        finally:
            log.close()
    return measure(customers.customers, sales.sales, sales.unknown, cards, returned, on,
                   settings.rules.segments, settings.postage_yen)


def text_lines(measures: Measures) -> list[str]:
    """The key figures and warnings, for people."""
    lines = [f"customer report for {measures.date.isoformat()}", ""]
    total = sum(measures.segments.values())
    for name, count in measures.segments.items():
        share = f"{count / total:.0%}" if total else "-"
        lines.append(f"  {pad(SEGMENT_LABELS[name], 20)} {count:>6}  {share:>4}")
    lines += [
        "",
        f"  sales total          {measures.sales_total:>12,.0f} yen "
        f"in {measures.sales_count} sales",
        f"  average per sale     {measures.average_per_sale:>12,.0f} yen",
        f"  average per customer {measures.average_per_customer:>12,.0f} yen",
        f"  from new customers   {measures.new_sales_share:>12.1%}",
        f"  top customer's share {measures.top_customer_share:>12.1%}",
        f"  top 10% share        {measures.top10_share:>12.1%}",
        f"  loss rate (12 months){measures.loss_rate:>12.1%}",
        f"  cards sent           {measures.cards['total']:>12} "
        f"({measures.cards['postage_total']:,} yen postage)",
        f"  win-back response    {measures.winback_response_rate:>12.1%}",
    ]
    if measures.warnings:
        lines += ["", "warnings:"] + [f"  ! {w}" for w in measures.warnings]
    return lines
