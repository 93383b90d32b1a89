"""The customer report against a hand-computed fixture (day 2026-11-23, default rules)."""

from __future__ import annotations

import contextlib
import json

import openpyxl
import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.models import Customer
from mailmerge.sendlog.store import address_key

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


class FakeLog:
    """The two questions the report asks the send log, over rows kept in memory (the log's
    own writing is tested in test_sendlog.py)."""

    rows: list[dict] = []

    @classmethod
    @contextlib.contextmanager
    def settled(cls, path, say=None):
        """As SendLog.settled: the log when its file exists (nothing to settle here)."""
        yield cls() if path is not None and path.is_file() else None

    def cards(self) -> list[dict]:
        return FakeLog.rows

    def returned(self, customer: Customer) -> bool:
        return any(row["customer_id"] == customer.customer_id and row["status"] == "returned"
                   and row["address_key"] == address_key(customer) for row in FakeLog.rows)

    def assignments(self) -> list:
        return []

    def unrandomised(self) -> list:
        return []


def card(customer_id: str, situation: str, day: str, status: str = "printed",
         key: str = "x") -> dict:
    return {"customer_id": customer_id, "situation": situation, "card_date": day,
            "status": status, "address_key": key, "reprint_of": None}


@pytest.fixture
def fake_log(tmp_path, monkeypatch):
    """A send log file whose cards are FakeLog.rows."""
    monkeypatch.setattr("mailmerge.report.build.SendLog", FakeLog)
    monkeypatch.setattr(FakeLog, "rows", [])
    path = tmp_path / "log.sqlite"
    path.touch()
    return path


@pytest.fixture
def files(tmp_path, fake_log):
    customers, sales = tmp_path / "c.csv", tmp_path / "s.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    sales.write_text(SALES, encoding="utf-8")
    nine = Customer(row=10, customer_id="A9", postal_code="1600023",
                    address1="東京都新宿区西新宿2-8-9")
    FakeLog.rows = [card("A4", "dormant", "2026-06-01"), card("A6", "winback", "2026-10-01"),
                    card("A1", "winback", "2026-09-01"),
                    card("A9", "greeting", "2026-07-01", "returned", address_key(nine))]
    return customers, sales, fake_log


def report_json(customers, sales, log):
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales), "--log",
                                       str(log), "--date", DAY, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_measure_matches_the_hand_computed_figures(files):
    data = report_json(*files)
    assert data["customer_count"] == 9 and data["flagged_customers"] == 0
    assert data["segments"] == {"excluded": 2, "new": 1, "active": 2, "dormant": 2,
                                "lapsed": 1, "no_purchase": 1}
    assert data["segment_shares"]["excluded"] == pytest.approx(2 / 9, abs=1e-4)
    assert data["sales_total"] == 38000 and data["sales_count"] == 8
    assert data["new_customer_sales"] == 37000 and data["existing_customer_sales"] == 1000
    assert data["unknown_customer_sales"] == {
        "total": 500, "count": 1, "customers": [{"customer_id": "X99", "count": 1,
                                                 "total": 500}]}
    assert data["average_per_sale"] == 4750
    assert data["average_per_customer"] == pytest.approx(5428.57, abs=0.01)
    assert data["top_customer_share"] == pytest.approx(10000 / 38000, abs=1e-4)
    assert data["top10_share"] == pytest.approx(10000 / 38000, abs=1e-4)
    assert data["new_sales_share"] == pytest.approx(37000 / 38000, abs=1e-4)
    # A1 lost in 2026-01 and A6 in 2026-11, over the 3 customers of 2025-11 plus 3 new
    # (A2, A3, A4) and 1 back (A1); A8 (送付停止) and A9 (returned) are not in the base.
    assert data["loss_rate"] == pytest.approx(2 / 7, abs=1e-4)
    assert data["winback_response_rate"] == pytest.approx(1 / 3, abs=1e-4)
    months = {m["month"]: m for m in data["monthly"]}
    assert len(data["monthly"]) == 23
    assert (months["2025-01"]["new"], months["2025-11"]["new"], months["2026-05"]["new"]) == (
        1, 2, 2)
    assert months["2026-01"]["lost"] == 1 and months["2026-01"]["total"] == 2
    assert months["2026-11"] == {"month": "2026-11", "new": 0, "back": 1, "lost": 1,
                                 "total": 5, "lapsed": 1, "loss_rate": round(1 / 6, 4),
                                 "sales": 11000, "new_customer_sales": 10000,
                                 "existing_customer_sales": 1000}
    assert data["cards"] == {
        "total": 4, "mailed": 1, "returned": 1, "postage_total": 4 * 85,
        "by_situation": {"dormant": 1, "greeting": 1, "winback": 2},
        "by_month": [{"situation": "dormant", "month": "2026-06", "cards": 1, "postage": 85},
                     {"situation": "greeting", "month": "2026-07", "cards": 1, "postage": 85},
                     {"situation": "winback", "month": "2026-09", "cards": 1, "postage": 85},
                     {"situation": "winback", "month": "2026-10", "cards": 1, "postage": 85}]}
    assert data["by_gender"]["女"] == {"customers": 1, "sales": 3000}
    assert data["by_age_band"]["40代"]["customers"] == 1
    assert data["by_age_band"]["20代"] == {"customers": 1, "sales": 5000}
    assert any("A8 久保 八) が売上の26.3%" in w for w in data["warnings"])
    assert any("名簿にない顧客の売上が1件 (500円)" in w and "X99" in w
               for w in data["warnings"])


def test_the_workbook_holds_the_figures_and_native_charts(files, tmp_path):
    customers, sales, log = files
    target = tmp_path / "report.xlsx"
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales), "--log",
                                       str(log), "--date", DAY, "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "離反客" in result.output and "! 1人の顧客 (A8 久保 八)" in result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["概要", "顧客一覧", "連絡リスト", "月次", "送付実績", "名簿外の売上"]
    summary = book["概要"]
    figures = {row[0].value: row[1].value for row in summary.iter_rows(min_row=4, max_row=22)}
    assert figures["売上合計"] == 38000 and figures["送付枚数"] == 4
    assert figures["うち投函済み"] == 1 and figures["郵送料"] == 340
    assert len(summary._charts) == 1 and len(book["月次"]._charts) == 2
    contact = book["連絡リスト"]
    assert [contact.cell(row=r, column=1).value for r in (2, 3)] == ["A5", "A4"]
    assert contact.cell(row=2, column=7).value == 365
    assert contact.freeze_panes == "A2"
    customers_sheet = book["顧客一覧"]
    segments = {r[0].value: r[2].value for r in customers_sheet.iter_rows(min_row=2)}
    assert segments["A6"] == "離反客" and segments["A9"] == "送付対象外"
    assert set(segments.values()) <= {"新規", "優良客", "休眠客", "離反客", "送付対象外",
                                      "購入記録なし"}
    monthly = book["月次"]
    assert [c.value for c in monthly[monthly.max_row]][:6] == ["2026-11", 0, 1, 1, 5, 1]
    assert [[c.value for c in row] for row in book["名簿外の売上"].iter_rows(min_row=2)] == [
        ["X99", 1, 500]]


def test_cards_sent_are_printed_mailed_and_returned_ones_only(files):
    customers, sales, log_path = files
    FakeLog.rows = [card("A1", "thanks", "2026-11-01", "mailed"),
                    card("A2", "thanks", "2026-11-01", "mailed"),
                    card("A3", "thanks", "2026-11-01", "returned"),
                    card("A4", "thanks", "2026-11-01", "printed"),
                    card("A5", "thanks", "2026-11-01", "cancelled"),
                    card("A6", "thanks", "2026-11-01", "failed"),
                    card("A7", "thanks", "2026-11-01", "pending"),
                    card("A8", "thanks", "2026-11-24", "printed")]  # after the report's day
    data = report_json(customers, sales, log_path)
    assert data["cards"]["total"] == 4 and data["cards"]["mailed"] == 3
    assert data["cards"]["returned"] == 1 and data["cards"]["postage_total"] == 4 * 85
    assert data["cards"]["by_situation"] == {"thanks": 4}
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales), "--log",
                                       str(log_path), "--date", DAY])
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()
             if line.strip()}
    assert lines["送付枚数"] == ["4枚"] and lines["うち投函済み"] == ["3枚"]
    assert lines["郵送料"] == ["340円"]


def test_no_mailed_line_when_no_card_was_marked_mailed(files):
    customers, sales, _ = files
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales),
                                       "--date", DAY])
    assert result.exit_code == 0, result.output
    assert "送付枚数" in result.output and "うち投函済み" not in result.output
