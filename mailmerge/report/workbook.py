"""The report as an Excel workbook a shop owner understands at a glance.

In: Measures (every value is read from it; nothing is computed here). Out: an .xlsx written
atomically: 概要 (key figures, segments with a chart, warnings), 顧客一覧 (every customer with
segment, purchases and any error in the row, in words and, in the last column, by code for
programs), 連絡リスト (the stock-take PDF's list, its errors shown the same way: dormant
customers, longest ago first, then lapsed ones, most recent first), 月次 (the monthly table
with charts), 送付実績 (cards sent) and, when there are any, 名簿外の売上 (sales for customers
not in the list) and はがきの効果 (mailed and held-out customers compared).
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from mailmerge.atomic import atomic_write
from mailmerge.i18n import _
from mailmerge.report import experiment_words
from mailmerge.report.figures import (
    SEGMENT_LABELS,
    SHARE,
    key_figures,
    unit_word,
)
from mailmerge.report.measures import CustomerLine, Measures
from mailmerge.selection.plan import LABELS as SITUATION_LABELS
from mailmerge.sendlog.export import neutralise

HEADER_FILL = PatternFill("solid", fgColor="DDE8F0")
YEN = "#,##0"
PERCENT = "0.0%"


def write_workbook(measures: Measures, target: Path) -> None:
    with atomic_write(target) as stream:
        stream.write(workbook_bytes(measures))


def workbook_bytes(measures: Measures) -> bytes:
    """The report's workbook as the bytes of an .xlsx file."""
    book = Workbook()
    _summary(book.active, measures)
    _customers(book.create_sheet(_("顧客一覧")), measures)
    _to_contact(book.create_sheet(_("連絡リスト")), measures)
    _monthly(book.create_sheet(_("月次")), measures)
    _cards(book.create_sheet(_("送付実績")), measures)
    if measures.unlisted:
        _unlisted(book.create_sheet(_("名簿外の売上")), measures)
    if measures.experiments:
        _experiments(book.create_sheet(_("はがきの効果")), measures)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(sheet, headers: list[str], rows: list[list], widths: list[int]) -> None:
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _formats(sheet, first_row: int, formats: dict[int, str]) -> None:
    """Number formats by column (1-based) for the rows from first_row on."""
    for row in sheet.iter_rows(min_row=first_row):
        for column, number_format in formats.items():
            row[column - 1].number_format = number_format


def _summary(sheet, measures: Measures) -> None:
    sheet.title = _("概要")
    sheet["A1"] = _("顧客の棚卸し　{day}", day=measures.date.isoformat())
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    figures = key_figures(measures)
    _table(sheet, [_("指標"), _("値"), _("単位")],
           [[_(f.label), f.value, unit_word(f.unit)] for f in figures], [28, 16, 8])
    for row, figure in zip(sheet.iter_rows(min_row=4), figures, strict=False):
        row[1].number_format = PERCENT if figure.unit == SHARE else YEN
    start = sheet.max_row + 2
    for column, title in enumerate((_("区分"), _("人数"), _("比率")), start=1):
        sheet.cell(row=start, column=column, value=title).font = Font(bold=True)
    for offset, (name, count) in enumerate(measures.segments.items(), start=1):
        sheet.cell(row=start + offset, column=1, value=_(SEGMENT_LABELS[name]))
        sheet.cell(row=start + offset, column=2, value=count)
        share = sheet.cell(row=start + offset, column=3, value=measures.segment_shares[name])
        share.number_format = PERCENT
    end = start + len(measures.segments)
    sheet.cell(row=end + 1, column=1, value=_("合計")).font = Font(bold=True)
    sheet.cell(row=end + 1, column=2, value=measures.customer_count).font = Font(bold=True)
    chart = PieChart()
    chart.title = _("顧客の区分")
    chart.add_data(Reference(sheet, min_col=2, min_row=start, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=start + 1, max_row=end))
    sheet.add_chart(chart, "E3")
    if measures.warnings:
        row = end + 3
        sheet.cell(row=row, column=1, value=_("注意")).font = Font(bold=True, color="C00000")
        for offset, warning in enumerate(measures.warnings, start=1):
            sheet.cell(row=row + offset, column=1, value=neutralise(warning))


def _money(measures: Measures, value: float) -> float | None:
    """A figure of money, or an empty cell when the sales list had no amounts."""
    return value if measures.has_amounts else None


def _flags(line: CustomerLine) -> list[str]:
    """The row's errors in words, and their codes (for programs) in the last column."""
    return [_("、").join(line.flags), ", ".join(line.flag_codes)]


def _customers(sheet, measures: Measures) -> None:
    rows = [[line.customer.customer_id, line.name, _(SEGMENT_LABELS[line.segment]),
             line.first_purchase, line.last_purchase, line.purchases, _money(measures, line.total),
             *_flags(line)] for line in measures.customers]
    _table(sheet, [_("顧客ID"), _("氏名"), _("区分"), _("初回購入"), _("最終購入"),
                   _("購入回数"), _("購入合計 (円)"), _("名簿の誤り"), _("誤りのコード")], rows,
           [12, 20, 18, 12, 12, 10, 14, 30, 20])
    _formats(sheet, 2, {7: YEN})
    sheet.freeze_panes = "A2"


def _to_contact(sheet, measures: Measures) -> None:
    rows = [[line.customer.customer_id, line.name, _(SEGMENT_LABELS[line.segment]),
             line.customer.postal_code, line.address, line.last_purchase,
             line.days_since_last, _money(measures, line.total), *_flags(line)]
            for line in measures.to_call]
    _table(sheet, [_("顧客ID"), _("氏名"), _("区分"), _("郵便番号"), _("住所"), _("最終購入"),
                   _("経過日数"), _("購入合計 (円)"), _("名簿の誤り"), _("誤りのコード")], rows,
           [12, 20, 18, 10, 40, 12, 10, 14, 30, 20])
    _formats(sheet, 2, {8: YEN})
    sheet.freeze_panes = "A2"


def _monthly(sheet, measures: Measures) -> None:
    rows = [[m.month, m.heads.new, m.heads.back, m.heads.lost, m.heads.customers,
             m.heads.lapsed, m.heads.loss_rate, _money(measures, m.sales),
             _money(measures, m.new_customer_sales), _money(measures, m.existing_customer_sales)]
            for m in measures.monthly]
    _table(sheet, [_("月"), _("新規"), _("復帰"), _("離反"), _("顧客数"), _("離反中"),
                   _("離反率"), _("売上 (円)"), _("新規客の売上 (円)"), _("既存客の売上 (円)")],
           rows,
           [10, 8, 8, 8, 10, 10, 10, 14, 16, 16])
    _formats(sheet, 2, {7: PERCENT, 8: YEN, 9: YEN, 10: YEN})
    sheet.freeze_panes = "A2"
    last = sheet.max_row
    if last < 2:
        return
    trend = LineChart()
    trend.title = _("顧客数の推移")
    trend.add_data(Reference(sheet, min_col=2, max_col=6, min_row=1, max_row=last),
                   titles_from_data=True)
    trend.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    sheet.add_chart(trend, "L2")
    if not measures.has_amounts:
        return  # no sales chart without amounts (the summary says why)
    sales = BarChart()
    sales.type = "col"
    sales.grouping = "stacked"
    sales.overlap = 100
    sales.title = _("月別売上 (新規客・既存客)")
    sales.add_data(Reference(sheet, min_col=9, max_col=10, min_row=1, max_row=last),
                   titles_from_data=True)
    sales.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    sheet.add_chart(sales, "L20")


def _cards(sheet, measures: Measures) -> None:
    rows = [[_situation(r["situation"]), r["month"], r["cards"],
             r["postage"]] for r in measures.cards.by_month]
    _table(sheet, [_("種類"), _("月"), _("枚数"), _("郵送料 (円)")], rows, [16, 10, 8, 12])
    _formats(sheet, 2, {4: YEN})
    sheet.freeze_panes = "A2"


def _situation(code: str) -> str:
    label = SITUATION_LABELS.get(code)
    return _(label) if label else code


def _unlisted(sheet, measures: Measures) -> None:
    rows = [[u.customer_id or _("(空欄)"), u.count, _money(measures, u.total)]
            for u in measures.unlisted]
    _table(sheet, [_("売上の顧客ID"), _("件数"), _("金額 (円)")], rows, [16, 8, 14])
    _formats(sheet, 2, {3: YEN})
    sheet.freeze_panes = "A2"


def _experiments(sheet, measures: Measures) -> None:
    """One row per kind of card (and template): the groups, the difference with its range,
    the money, and the verdict in words; the range's method in the last row."""
    def interval(found) -> list:
        return [found.difference, found.low, found.high] if found else [None] * 3

    rows = []
    for e in measures.experiments:
        spent = e.sales_uplift if measures.has_amounts else None
        rows.append([
            _situation(e.situation), e.template_title, e.window_days, e.mailed.customers,
            e.mailed.bought_share, e.held_out.customers, e.held_out.bought_share,
            *interval(e.bought_uplift),
            _money(measures, e.mailed.sales_per_customer),
            _money(measures, e.held_out.sales_per_customer), *interval(spent),
            e.cards, e.postage,
            e.extra_sales_per_yen if measures.has_amounts else None, e.running, e.needed,
            e.more_needed,
            experiment_words.verdict(e)])
    _table(sheet, [_("種類"), _("テンプレート"), _("期間 (日)"), _("送った人数"),
                   _("送った組の再来店"), _("送らなかった人数"), _("送らなかった組の再来店"),
                   _("再来店の差"), _("95% の範囲 (下)"), _("95% の範囲 (上)"),
                   _("1人あたり売上 送った (円)"), _("1人あたり売上 送らなかった (円)"),
                   _("売上の差 (円)"), _("95% の範囲 (下, 円)"), _("95% の範囲 (上, 円)"),
                   _("はがき (枚)"), _("郵送料 (円)"), _("郵送料1円あたりの売上の増分"),
                   _("まだ期間中 (人)"), _("分かるまでの人数 (全部で, 目安)"),
                   _("分かるまでの人数 (あと, 目安)"), _("結論")], rows,
           [14, 16, 8, 10, 12, 12, 12, 10, 10, 10, 14, 14, 12, 12, 12, 8, 10, 14, 10, 12, 12,
            60])
    _formats(sheet, 2, {5: PERCENT, 7: PERCENT, 8: PERCENT, 9: PERCENT, 10: PERCENT,
                        11: YEN, 12: YEN, 13: YEN, 14: YEN, 15: YEN, 17: YEN, 18: "0.00"})
    sheet.freeze_panes = "A2"
    sheet.append([])
    sheet.append([experiment_words.method_note()])
