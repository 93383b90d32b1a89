"""`hagaki plan`: the day's plan read from the files, shown as text, JSON or CSV.

In: the customer file (and sales), settings, situation and date. Out: PlanView (the plan
plus each card's template) and its formatting. The day's draw (held-out customers, A/B
templates) is made as the print run makes it, so the plan shows who would be held out and
which template each card draws. Nothing is printed or logged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

from msgspec import Struct

from mailmerge import clock
from mailmerge.i18n import _, ngettext, pgettext, yen
from mailmerge.japanese.text import pad
from mailmerge.layout.paper import Paper
from mailmerge.layout.profiles import load_profile
from mailmerge.runs.check import CardChecker
from mailmerge.runs.day import decide_day, read_lists
from mailmerge.runs.holdouts import check_templates, hold_out
from mailmerge.runs.jobs import Job, RunOptions
from mailmerge.selection.plan import NoHistory, Plan, campaign_of
from mailmerge.sendlog.export import neutralise
from mailmerge.sendlog.labels import kind_word, rule_word
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.templates.engine import Templates
from mailmerge.templates.titles import template_title


class PlanView(Struct):
    plan: Plan
    templates: list[str]  # per card, the template that would write it
    skipped_rows: int  # rows of the customer list with errors (see `hagaki check`)
    paper: Paper | None = None  # what the run would load (None: a layout file's card)


def plan_cards(customers_path: Path, settings: Settings, options: ReadOptions,
               sales_path: Path | None, situation: str | None,
               on: dt.date | None, log_path: Path | None = None,
               paper: Paper | None = None, holdout: float | None = None) -> PlanView:
    """Read the files and decide every customer's card for the day, with the send log the
    print run would use (settled the same way) and the draw it would make (`holdout`: the
    print's --holdout), so plan and print never disagree."""
    check_templates(settings)
    lists = read_lists(customers_path, sales_path, options)
    day = on or clock.today()
    with SendLog.settled(log_path) as log:
        plan = decide_day(lists, settings, situation, day, log)
        jobs, held_out, _draws = hold_out(
            [Job(entry, day, campaign_of(entry, day)) for entry in plan.cards], day, settings,
            RunOptions(holdout=holdout), log or NoHistory())
    plan.cards = [job.entry for job in jobs]
    plan.not_sent = plan.not_sent + held_out
    unprintable = _unprintable(plan, settings)
    plan.cards = [entry for entry in plan.cards if entry.customer.row not in unprintable]
    templates = Templates(settings.templates_folder)
    names = [entry.template or templates.choose(entry.situation, entry.customer.customer_id)
             for entry in plan.cards]
    skipped = {p.row for p in lists.customers.problems if p.severity == "error"} | unprintable
    return PlanView(plan, names, len(skipped), paper)


def _unprintable(plan: Plan, settings: Settings) -> set[int]:
    """The rows of planned cards whose address side cannot be printed (a character no font
    draws, an address too long): `check` counts them as errors and `print` skips them, so the
    plan leaves them out too."""
    checker = CardChecker(settings, load_profile(settings.layout))
    return {entry.customer.row for entry in plan.cards
            if any(problem.severity == "error" for problem in checker.problems(entry.customer))}


def format_plan(view: PlanView, output_format: str, settings: Settings) -> str:
    """The plan as text (for people), json or csv (for programs)."""
    plan = view.plan
    folder = settings.templates_folder
    if output_format == "json":
        data = {
            "date": plan.date.isoformat(),
            "paper": view.paper.name if view.paper else None,
            "cards": [{"customer_id": e.customer.customer_id, "situation": e.situation,
                       "kind": kind_word(e.situation), "template": name,
                       "template_title": template_title(name, e.situation, folder),
                       "reason": e.reason}
                      for e, name in zip(plan.cards, view.templates, strict=True)],
            "not_sent": [{"customer_id": n.customer.customer_id, "code": n.code,
                          "rule": rule_word(n.code), "reason": n.reason}
                         for n in plan.not_sent],
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
    return _text(view, settings.postage_yen, folder)


def _text(view: PlanView, postage_yen: int, folder: Path | None) -> str:
    plan = view.plan
    day = plan.date.isoformat()
    if plan.situation is None:
        title = _("{date} の予定（全員にはがき）", date=day)
    elif plan.situation == "auto":
        title = _("{date} の予定", date=day)
    else:
        title = _("{date} の予定（{card}）", date=day, card=kind_word(plan.situation))
    lines = [title, ""]
    if view.paper is not None:
        lines += [_("用紙: {paper}", paper=_(view.paper.label)), ""]
    lines += [_("お知らせ: {note}", note=note) for note in plan.notes]
    counts = Counter(entry.situation for entry in plan.cards)
    heading = (pgettext("plan table", "はがき"), pgettext("plan table", "枚数"),
               pgettext("plan table", "切手代"))
    lines.append(f"{pad(heading[0], 26)}{heading[1]:>6}{heading[2]:>12}")
    for situation, count in sorted(counts.items(), key=lambda item: -item[1]):
        lines.append(f"{pad(kind_word(situation), 26)}{count:>7}{yen(count * postage_yen):>12}")
    total = len(plan.cards)
    total_label = pgettext("plan table", "合計")
    lines.append(f"{pad(total_label, 26)}{total:>7}{yen(total * postage_yen):>12}")
    if plan.cards:
        lines += ["", _("送るはがき:")]
        lines += [_("  行 {row} {customer}: 【{card}・{template}】{reason}", row=e.customer.row,
                    customer=e.customer.label, card=kind_word(e.situation),
                    template=template_title(name, e.situation, folder), reason=e.reason)
                  for e, name in zip(plan.cards, view.templates, strict=True)]
    if plan.not_sent:
        lines += ["", ngettext("送らない顧客（{n:,}人）:", "送らない顧客（{n:,}人）:",
                               len(plan.not_sent))]
        lines += [_("  行 {row} {customer}: 【{rule}】{reason}", row=n.customer.row,
                    customer=n.customer.label, rule=rule_word(n.code), reason=n.reason)
                  for n in plan.not_sent]
    if view.skipped_rows:
        lines += ["", ngettext("エラーのある {n:,}行は除いています"
                               "（hagaki check で確かめてください）",
                               "エラーのある {n:,}行は除いています"
                               "（hagaki check で確かめてください）", view.skipped_rows)]
    return "\n".join(lines) + "\n"
