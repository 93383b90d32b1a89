"""What a print run did, in lines a shop owner reads: cards printed, rows skipped (file, row,
column and what is wrong), cards printed without their barcode (and why), customers not sent
a card (with the rule in words and, where it applies, the card), and what to do next.

In: a RunReport. Out: lines of text in the current language (mailmerge.i18n).
"""

from __future__ import annotations

from pathlib import Path

from mailmerge.i18n import N_, _, cards, ngettext, yen
from mailmerge.models import Problem
from mailmerge.runs.jobs import RunReport
from mailmerge.sendlog.labels import rule_word
from mailmerge.sources.customers import FIELD_LABELS

# Rules that leave many customers out on an ordinary day: listed in full by `hagaki plan`.
ROUTINE = ("already-sent", "already-thanked", "not-due", "no-purchase", "cooldown", "segment",
           "held-out")
SHOWN = 5
# A card's part that is no column of the customer list, by the words a person reads.
PARTS = {"template": N_("文面")}


def summary_lines(report: RunReport, strict: bool, postage_yen: int) -> list[str]:
    """Every row accounted for: printed, skipped with its problem, or not sent with its rule;
    what to do next names the command's options."""
    lines = [_("お知らせ: {note}", note=note) for note in report.notes]
    count = len(report.cards)
    files = ", ".join(str(path) for path in report.outputs)
    if report.written and report.proof:
        lines.append(_("見本を作りました: {cards} → {files}（記録には残りません。{next_step}）",
                       cards=cards(count), files=files,
                       next_step=_("確かめたら --proof を外して印刷してください")))
    elif report.written:
        lines.append(_("印刷しました: {cards} → {files}（印刷番号 {run}、"
                       "切手代 {count:,} × {postage} = {total}）",
                       cards=cards(count), files=files, run=report.run_id, count=count,
                       postage=yen(postage_yen), total=yen(count * postage_yen)))
    if report.written and report.paper is not None:
        lines.append(_("用紙: {paper}", paper=_(report.paper.label)))
    if report.skipped:
        rows = len({(problem.file, problem.row) for problem in report.skipped})
        lines.append(ngettext("エラーで刷れなかった行: {n:,}行", "エラーで刷れなかった行: {n:,}行",
                              rows))
        for problem in report.skipped:
            lines.append(f"  {_where(problem, report.source)}: {problem.message}")
    without = report.without_barcode if report.written else []
    if without:
        lines.append(ngettext("バーコードなしで刷ったはがき: {n:,}枚",
                              "バーコードなしで刷ったはがき: {n:,}枚", len(without)))
        lines += [f"  {_where(p, report.source)}: {p.message}" for p in without]
    for problem in report.warnings:
        if problem not in without:
            lines.append(_("  注意: {where}: {problem}", where=_where(problem, report.source),
                           problem=problem.message))
    if report.not_sent:
        lines.append(ngettext("送らない顧客: {n:,}人", "送らない顧客: {n:,}人",
                              len(report.not_sent)))
        lines += _not_sent_lines(report)
    if not report.written:
        if strict and report.skipped:
            lines.append(_("--strict: エラーのある行があるので何も書きませんでした"))
        elif report.skipped and not report.already_printed:
            lines.append(_("エラーのため印刷できるはがきがありませんでした"))
        else:
            lines.append(_("新しく印刷するはがきはありません"
                           "（今日の予定は hagaki plan で見られます）"))
    return lines


def _where(problem: Problem, source: str) -> str:
    """'customers.csv 行 5 (C004) 郵便番号' — the file, row, customer and column."""
    file_name = Path(problem.file or source).name
    who = f" ({problem.customer_id})" if problem.customer_id else ""
    column = f" {_column(problem.column)}" if problem.column else ""
    return _("{file} 行 {row}{who}{column}", file=file_name, row=problem.row, who=who,
             column=column)


def _column(column: str) -> str:
    """A problem's column as the list names it: 郵便番号 for postal_code, 文面 for the template."""
    if column in PARTS:
        return _(PARTS[column])
    return FIELD_LABELS.get(column, column)


def _not_sent_lines(report: RunReport) -> list[str]:
    """Each customer left out, by rule; long lists of a routine rule (already printed, not
    due …) are cut to their first lines and a count, the full list being `hagaki plan`'s."""
    by_code: dict[str, list] = {}
    for entry in report.not_sent:
        by_code.setdefault(entry.code, []).append(entry)
    lines = []
    for code, entries in by_code.items():
        shown = entries if code not in ROUTINE or len(entries) <= SHOWN else entries[:SHOWN]
        rule = rule_word(code)
        lines += [_("  行 {row}（{customer}）: 【{rule}】{reason}", row=e.customer.row,
                    customer=e.customer.label, rule=rule, reason=e.reason) for e in shown]
        if len(shown) < len(entries):
            lines.append(ngettext("  … ほか {n:,}人が【{rule}】（全員は hagaki plan で見られます）",
                                  "  … ほか {n:,}人が【{rule}】（全員は hagaki plan で見られます）",
                                  len(entries) - len(shown), rule=rule))
    return lines
