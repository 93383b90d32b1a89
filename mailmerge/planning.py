"""`hagaki plan`: the day's plan read from the files, shown as text, JSON or CSV.

In: the customer file (and sales), settings, situation and date. Out: PlanView (the plan
plus each card's template) and its formatting. Nothing is printed or logged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mailmerge.config import Settings
from mailmerge.japanese import pad
from mailmerge.selection.plan import LABELS, Plan, make_plan
from mailmerge.sendlog.export import neutralise
from mailmerge.sendlog.store import SendLog
from mailmerge.sources.customers import ReadOptions, read_customers
from mailmerge.sources.sourceset import sales_for
from mailmerge.templates.engine import Templates


@dataclass
class PlanView:
    plan: Plan
    templates: list[str]  # per card, the template that would write it
    skipped_rows: int  # rows of the customer list with errors (see `hagaki check`)


def plan_cards(customers_path: Path, settings: Settings, options: ReadOptions,
               sales_path: Path | None, situation: str | None,
               on: dt.date | None, log_path: Path | None = None) -> PlanView:
    """Read the files and decide every customer's card for the day, with the send log the
    print run would use (settled the same way), so plan and print never disagree."""
    customers = read_customers(customers_path, options)
    sales_list = sales_for(customers.sources, customers.ids, sales_path, options)
    sales = sales_list.sales if sales_list is not None else None
    log = SendLog.existing(log_path) if log_path is not None else None
    try:
        if log is not None:
            log.settle_unfinished()
        plan = make_plan(customers.customers, sales, on or dt.date.today(), situation,
                         log, settings.rules, to_recipients=options.ship_to)
        plan.notes[:0] = customers.sources.notes
    finally:
        if log is not None:
            log.close()
    templates = Templates(settings.templates_folder)
    names = [templates.choose(entry.situation, entry.customer.customer_id)
             for entry in plan.cards]
    skipped = len({p.row for p in customers.problems if p.severity == "error"})
    return PlanView(plan, names, skipped)


def format_plan(view: PlanView, output_format: str, settings: Settings) -> str:
    """The plan as text (for people), json or csv (for programs)."""
    plan = view.plan
    if output_format == "json":
        data = {
            "date": plan.date.isoformat(),
            "cards": [{"customer_id": e.customer.customer_id, "situation": e.situation,
                       "template": name, "reason": e.reason}
                      for e, name in zip(plan.cards, view.templates, strict=True)],
            "not_sent": [{"customer_id": n.customer.customer_id, "code": n.code,
                          "reason": n.reason} for n in plan.not_sent],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["customer_id", "row", "card", "situation", "template_or_code",
                         "reason"])
        rows = [[entry.customer.customer_id, entry.customer.row, "yes", entry.situation, name,
                 entry.reason] for entry, name in zip(plan.cards, view.templates, strict=True)]
        rows += [[entry.customer.customer_id, entry.customer.row, "no", "", entry.code,
                  entry.reason] for entry in plan.not_sent]
        writer.writerows([[neutralise(value) for value in row] for row in rows])
        return stream.getvalue()
    return _text(view, settings.postage_yen)


def _text(view: PlanView, postage_yen: int) -> str:
    plan = view.plan
    lines = [f"{plan.date.isoformat()} の予定"
             + (f"（{LABELS.get(plan.situation, plan.situation)}）" if plan.situation not in
                (None, "auto") else "（全員にはがき）" if plan.situation is None else ""), ""]
    lines += [f"お知らせ: {note}" for note in plan.notes]
    counts = Counter(entry.situation for entry in plan.cards)
    lines.append(f"{pad('はがき', 26)}{'枚数':>6}{'切手代':>10}")
    for situation, count in sorted(counts.items(), key=lambda item: -item[1]):
        label = f"{LABELS.get(situation, situation)} ({situation})"
        lines.append(f"{pad(label, 26)}{count:>7}{count * postage_yen:>10,} 円")
    total = len(plan.cards)
    lines.append(f"{pad('合計', 26)}{total:>7}{total * postage_yen:>10,} 円")
    if plan.cards:
        lines += ["", "送るはがき:"]
        lines += [f"  行 {e.customer.row} {e.customer.label}: {LABELS.get(e.situation)} "
                  f"[{name}] {e.reason}" for e, name in zip(plan.cards, view.templates,
                                                             strict=True)]
    if plan.not_sent:
        lines += ["", f"送らない顧客（{len(plan.not_sent)} 人）:"]
        lines += [f"  行 {n.customer.row} {n.customer.label}: [{n.code}] {n.reason}"
                  for n in plan.not_sent]
    if view.skipped_rows:
        lines += ["", f"エラーのある {view.skipped_rows} 行は除いています"
                      "（hagaki check で確かめてください）"]
    return "\n".join(lines) + "\n"
