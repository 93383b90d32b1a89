"""The customer report against a hand-computed fixture (day 2026-11-23, default rules)."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.models import Customer
from mailmerge.sendlog.store import LoggedCard, SendLog, address_key

DAY = "2026-11-23"
CUSTOMERS = """顧客ID,姓,名,郵便番号,住所1,性別,誕生日,送付停止
A1,青木,一,160-0023,東京都新宿区西新宿2-8-1,女,1980-01-01,
A2,石井,二,160-0023,東京都新宿区西新宿2-8-2,男,2000-11-24,
A3,上田,三,160-0023,東京都新宿区西新宿2-8-3,,,
A4,江藤,四,160-0023,東京都新宿区西新宿2-8-4,,,
A5,大野,五,160-0023,東京都新宿区西新宿2-8-5,,,
A6,加藤,六,160-0023,東京都新宿区西新宿2-8-6,,,
A7,木村,七,160-0023,東京都新宿区西新宿2-8-7,,,
A8,久保,八,160-0023,東京都新宿区西新宿2-8-8,,,1
A9,小林,九,160-0023,東京都新宿区西新宿2-8-9,,,
"""
SALES = """顧客ID,日付,商品,金額
A1,2025-01-10,湯呑み,2000
A1,2026-11-01,急須,1000
A2,2026-08-25,箸,5000
A3,2026-05-27,皿,3000
A4,2026-05-26,椀,4000
A5,2025-11-23,鉢,6000
A6,2025-11-22,盆,7000
A8,2026-11-20,壺,10000
X99,2026-11-01,線香,500
A2,2026-11-24,明日の売上,999
"""


@pytest.fixture
def files(tmp_path):
    customers, sales, log_path = tmp_path / "c.csv", tmp_path / "s.csv", tmp_path / "log.sqlite"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    sales.write_text(SALES, encoding="utf-8")
    log = SendLog(log_path)
    nine = Customer(row=10, customer_id="A9", postal_code="1600023",
                    address1="東京都新宿区西新宿2-8-9")
    cards = [LoggedCard("A4", "dormant", "dormant-2026-06-01", "dormant-1.j2",
                        dt.date(2026, 6, 1), 1, "x"),
             LoggedCard("A6", "winback", "winback-2026-10-01", "winback-1.j2",
                        dt.date(2026, 10, 1), 2, "x"),
             LoggedCard("A1", "winback", "winback-2026-09-01", "winback-1.j2",
                        dt.date(2026, 9, 1), 3, "x"),
             LoggedCard("A9", "greeting", "greeting-2026-07-01", "greeting-1.j2",
                        dt.date(2026, 7, 1), 4, address_key(nine))]
    run = log.begin_run(tmp_path / "cards.pdf", cards)
    log.finish_run(run, printed=True)
    log.set_status("returned", customer_ids=["A9"])
    log.close()
    return customers, sales, log_path


def report_json(customers, sales, log):
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales), "--log",
                                       str(log), "--date", DAY, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_measure_matches_the_hand_computed_figures(files):
    data = report_json(*files)
    assert data["segments"] == {"excluded": 2, "new": 1, "active": 2, "dormant": 2,
                                "lapsed": 1, "no_purchase": 1}
    assert data["sales_total"] == 38000 and data["sales_count"] == 8
    assert data["unknown_customer_sales"] == {"total": 500, "count": 1}
    assert data["average_per_sale"] == 4750
    assert data["average_per_customer"] == pytest.approx(5428.57, abs=0.01)
    assert data["top_customer_share"] == pytest.approx(10000 / 38000, abs=1e-4)
    assert data["top10_share"] == pytest.approx(10000 / 38000, abs=1e-4)
    assert data["new_sales_share"] == pytest.approx(37000 / 38000, abs=1e-4)
    assert data["loss_rate"] == pytest.approx(2 / 7, abs=1e-4)
    assert data["winback_response_rate"] == pytest.approx(1 / 3, abs=1e-4)
    months = {m["month"]: m for m in data["monthly"]}
    assert len(data["monthly"]) == 23
    assert (months["2025-01"]["new"], months["2025-11"]["new"], months["2026-05"]["new"]) == (
        1, 2, 2)
    assert months["2026-01"]["lost"] == 1 and months["2026-01"]["total"] == 2
    assert months["2026-11"] == {"month": "2026-11", "new": 1, "lost": 1, "total": 5,
                                 "loss_rate": 0.2, "sales": 11000,
                                 "new_customer_sales": 10000}
    assert data["cards"]["by_situation"] == {"dormant": 1, "greeting": 1, "winback": 2}
    assert data["cards"]["postage_total"] == 4 * 85
    assert data["by_gender"]["女"] == {"customers": 1, "sales": 3000}
    assert data["by_age_band"]["40代"]["customers"] == 1
    assert data["by_age_band"]["20代"] == {"customers": 1, "sales": 5000}
    assert any("26.3% of sales" in w for w in data["warnings"])
    assert any("not in the list" in w for w in data["warnings"])


def test_the_workbook_holds_the_figures_and_native_charts(files, tmp_path):
    customers, sales, log = files
    target = tmp_path / "report.xlsx"
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales), "--log",
                                       str(log), "--date", DAY, "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "離反 (死んだ客)" in result.output and "! one customer" in result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["概要", "顧客一覧", "連絡リスト", "月次", "送付実績"]
    summary = book["概要"]
    figures = {row[0].value: row[1].value for row in summary.iter_rows(min_row=4, max_row=15)}
    assert figures["売上合計 (円)"] == 38000 and figures["送付枚数"] == 4
    assert len(summary._charts) == 1 and len(book["月次"]._charts) == 2
    contact = book["連絡リスト"]
    assert [contact.cell(row=r, column=1).value for r in (2, 3)] == ["A5", "A4"]
    assert contact.freeze_panes == "A2"
    customers_sheet = book["顧客一覧"]
    segments = {r[0].value: r[2].value for r in customers_sheet.iter_rows(min_row=2)}
    assert segments["A6"] == "離反 (死んだ客)" and segments["A9"] == "送付対象外"
    monthly = book["月次"]
    assert monthly.cell(row=monthly.max_row, column=1).value == "2026-11"
    assert monthly.cell(row=monthly.max_row, column=4).value == 5
