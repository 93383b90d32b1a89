"""What a print run did, in lines a shop owner reads: cards printed, rows skipped (file, row,
column, code), customers not sent a card (with the rule and, where it applies, the card),
and what to do next.

In: a RunReport. Out: lines of text (Japanese).
"""

from __future__ import annotations

from pathlib import Path

from mailmerge.models import Problem
from mailmerge.run import RunReport

# Rules that leave many customers out on an ordinary day: listed in full by `hagaki plan`.
ROUTINE = ("already-sent", "already-thanked", "not-due", "no-purchase", "cooldown", "segment")
SHOWN = 5


def summary_lines(report: RunReport, strict: bool, postage_yen: int) -> list[str]:
    """Every row accounted for: printed, skipped with its problem, or not sent with its rule."""
    lines = [f"お知らせ: {note}" for note in report.notes]
    count = len(report.cards)
    files = ", ".join(str(path) for path in report.outputs)
    if report.written and report.proof:
        lines.append(f"見本を作りました: {count} 枚 → {files}（記録には残りません。"
                     "確かめたら --proof を外して印刷してください）")
    elif report.written:
        lines.append(f"印刷しました: {count} 枚 → {files}（印刷番号 {report.run_id}、"
                     f"切手代 {count} × {postage_yen} 円 = {count * postage_yen:,} 円）")
    if report.skipped:
        lines.append(f"エラーで刷れなかった行: {len(report.skipped)} 行")
        for problem in report.skipped:
            lines.append(f"  {_where(problem, report.source)}: [{problem.code}] {problem.message}")
    for problem in report.warnings:
        lines.append(f"  注意: {_where(problem, report.source)}: {problem.message}")
    if report.not_sent:
        lines.append(f"送らない顧客: {len(report.not_sent)} 人")
        lines += _not_sent_lines(report)
    if not report.written:
        if strict and report.skipped:
            lines.append("--strict: エラーのある行があるので何も書きませんでした")
        elif report.skipped and not report.already_printed:
            lines.append("エラーのため印刷できるはがきがありませんでした")
        else:
            lines.append("新しく印刷するはがきはありません"
                         "（今日の予定は hagaki plan で見られます）")
    return lines


def _where(problem: Problem, source: str) -> str:
    """'customers.csv 行 5 (C004) 郵便番号' — the file, row, customer and column."""
    file_name = Path(problem.file or source).name
    who = f" ({problem.customer_id})" if problem.customer_id else ""
    column = f" {problem.column}" if problem.column else ""
    return f"{file_name} 行 {problem.row}{who}{column}"


def _not_sent_lines(report: RunReport) -> list[str]:
    """Each customer left out, by rule; long lists of a routine rule (already printed, not
    due …) are cut to their first lines and a count, the full list being `hagaki plan`'s."""
    by_code: dict[str, list] = {}
    for entry in report.not_sent:
        by_code.setdefault(entry.code, []).append(entry)
    lines = []
    for code, entries in by_code.items():
        shown = entries if code not in ROUTINE or len(entries) <= SHOWN else entries[:SHOWN]
        lines += [f"  行 {e.customer.row}（{e.customer.label}）: [{code}] {e.reason}"
                  for e in shown]
        if len(shown) < len(entries):
            lines.append(f"  … ほか {len(entries) - len(shown)} 人が [{code}]"
                         "（全員は hagaki plan で見られます）")
    return lines
