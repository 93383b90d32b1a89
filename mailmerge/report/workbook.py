"""The report as an Excel workbook a shop owner understands at a glance.

In: Measures. Out: an .xlsx written atomically: 概要 (key figures, segments with a chart,
warnings), 顧客一覧 (every customer with segment and purchases), 連絡リスト (dormant customers
to contact first), 月次 (the monthly table with a trend chart), 送付実績 (cards sent).
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from mailmerge.atomic import atomic_write
from mailmerge.report.build import SEGMENT_LABELS
from mailmerge.report.measures import Measures
from mailmerge.sendlog.export import neutralise

HEADER_FILL = PatternFill("solid", fgColor="DDE8F0")
SITUATION_LABELS = {"thanks": "お礼状", "nenga": "年賀状", "kanchu": "寒中見舞い",
                    "yokan": "余寒見舞い", "shochu": "暑中見舞い", "zansho": "残暑見舞い",
                    "birthday": "誕生日", "dormant": "休眠フォロー", "winback": "再来店のお願い",
                    "greeting": "ご挨拶"}


def write_workbook(measures: Measures, target: Path) -> None:
    book = Workbook()
    _summary(book.active, measures)
    _customers(book.create_sheet("顧客一覧"), measures)
    _to_contact(book.create_sheet("連絡リスト"), measures)
    _monthly(book.create_sheet("月次"), measures)
    _cards(book.create_sheet("送付実績"), measures)
    buffer = io.BytesIO()
    book.save(buffer)
    with atomic_write(target) as stream:
        stream.write(buffer.getvalue())


def _table(sheet, headers: list[str], rows: list[list], widths: list[int]) -> None:
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary(sheet, measures: Measures) -> None:
    sheet.title = "概要"
    sheet["A1"] = f"顧客の棚卸し　{measures.date.isoformat()}"
    sheet["A1"].font = Font(bold=True, size=14)
    figures = [
        ["売上合計 (円)", measures.sales_total],
        ["購入件数", measures.sales_count],
        ["平均購入額 (円/件)", round(measures.average_per_sale)],
        ["平均購入額 (円/人)", round(measures.average_per_customer)],
        ["新規客の売上比率", measures.new_sales_share],
        ["最大顧客の売上比率", measures.top_customer_share],
        ["上位10%の売上比率", measures.top10_share],
        ["離反率 (12か月)", measures.loss_rate],
        ["送付枚数", measures.cards["total"]],
        ["郵送料 (円)", measures.cards["postage_total"]],
        ["再来店率 (90日以内)", measures.winback_response_rate],
        ["名簿にない顧客の売上 (円)", measures.unknown_sales_total],
    ]
    sheet.append([])
    _table(sheet, ["指標", "値"], figures, [28, 16])
    for row in sheet.iter_rows(min_row=4, max_row=3 + len(figures)):
        if "比率" in row[0].value or "率" in row[0].value:
            row[1].number_format = "0.0%"
        else:
            row[1].number_format = "#,##0"
    start = sheet.max_row + 2
    sheet.cell(row=start, column=1, value="区分").font = Font(bold=True)
    sheet.cell(row=start, column=2, value="人数").font = Font(bold=True)
    for offset, (name, count) in enumerate(measures.segments.items(), start=1):
        sheet.cell(row=start + offset, column=1, value=SEGMENT_LABELS[name])
        sheet.cell(row=start + offset, column=2, value=count)
    chart = PieChart()
    chart.title = "顧客の区分"
    end = start + len(measures.segments)
    chart.add_data(Reference(sheet, min_col=2, min_row=start, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=start + 1, max_row=end))
    sheet.add_chart(chart, "D3")
    if measures.warnings:
        row = end + 2
        sheet.cell(row=row, column=1, value="注意").font = Font(bold=True, color="C00000")
        for offset, warning in enumerate(measures.warnings, start=1):
            sheet.cell(row=row + offset, column=1, value=neutralise(warning))


def _customers(sheet, measures: Measures) -> None:
    rows = [[line.customer.customer_id,
             f"{line.customer.family_name} {line.customer.given_name}".strip()
             or line.customer.company,
             SEGMENT_LABELS[line.segment], line.first_purchase, line.last_purchase,
             line.purchases, line.total] for line in measures.customers]
    _table(sheet, ["顧客ID", "氏名", "区分", "初回購入", "最終購入", "購入回数", "購入合計 (円)"],
           rows, [12, 20, 18, 12, 12, 10, 14])
    sheet.freeze_panes = "A2"


def _to_contact(sheet, measures: Measures) -> None:
    dormant = sorted((line for line in measures.customers if line.segment == "dormant"),
                     key=lambda line: line.last_purchase)
    rows = [[line.customer.customer_id,
             f"{line.customer.family_name} {line.customer.given_name}".strip(),
             line.customer.postal_code, line.customer.address1 + line.customer.address2,
             line.last_purchase, (measures.date - line.last_purchase).days, line.total]
            for line in dormant]
    _table(sheet, ["顧客ID", "氏名", "郵便番号", "住所", "最終購入", "経過日数", "購入合計 (円)"],
           rows, [12, 20, 10, 40, 12, 10, 14])
    sheet.freeze_panes = "A2"


def _monthly(sheet, measures: Measures) -> None:
    rows = [[m["month"], m["new"], m["lost"], m["total"], m["loss_rate"], m["sales"],
             m["new_customer_sales"]] for m in measures.monthly]
    _table(sheet, ["月", "新規", "離反", "顧客数", "離反率", "売上 (円)", "新規客の売上 (円)"],
           rows, [10, 8, 8, 10, 10, 14, 16])
    sheet.freeze_panes = "A2"
    last = sheet.max_row
    if last < 2:
        return
    trend = LineChart()
    trend.title = "顧客数の推移"
    trend.add_data(Reference(sheet, min_col=2, max_col=4, min_row=1, max_row=last),
                   titles_from_data=True)
    trend.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    sheet.add_chart(trend, "I2")
    sales = BarChart()
    sales.title = "月別売上"
    sales.add_data(Reference(sheet, min_col=6, max_col=7, min_row=1, max_row=last),
                   titles_from_data=True)
    sales.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    sheet.add_chart(sales, "I20")


def _cards(sheet, measures: Measures) -> None:
    rows = [[SITUATION_LABELS.get(r["situation"], r["situation"]), r["month"], r["cards"],
             r["postage"]] for r in measures.cards["by_month"]]
    _table(sheet, ["種類", "月", "枚数", "郵送料 (円)"], rows, [16, 10, 8, 12])
    sheet.freeze_panes = "A2"
