"""The plan, the send log, the report and the paperwork speak English when the language is
en, and Japanese as before when it is ja (the same call, each language in turn)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pdfplumber

from mailmerge.i18n import speaking
from mailmerge.models import CardRef, Customer, Sale
from mailmerge.paperwork.run_sheet import RunSheet, SheetLine, run_sheet_pdf
from mailmerge.report.build import build_report, text_lines
from mailmerge.report.workbook import workbook_bytes
from mailmerge.selection.plan import NoHistory, make_plan, sale_key
from mailmerge.sendlog.export import export
from mailmerge.sendlog.verify import VerifyResult
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions

DAY = dt.date(2026, 11, 23)
DEMO = Path(__file__).parent.parent / "mailmerge" / "data"


class Thanked(NoHistory):
    """A send log in which card 7 thanked every sale."""

    def thanked_sales(self, customer_id):
        return {sale_key(SALE): CardRef(7, DAY - dt.timedelta(days=1), "printed")}


CUSTOMER = Customer(row=2, customer_id="C1", family_name="山田", given_name="太郎",
                    postal_code="1600023", address1="東京都新宿区西新宿2-8-1")
SALE = Sale(row=2, customer_id="C1", date=DAY - dt.timedelta(days=3), item="湯呑み",
            amount=1000)


def reasons(lang: str) -> list[str]:
    with speaking(lang):
        thanked = make_plan([CUSTOMER], [SALE], DAY, "thanks", Thanked())
        active = make_plan([CUSTOMER], [SALE], DAY + dt.timedelta(days=100), "auto")
    return [thanked.not_sent[0].reason, active.not_sent[0].reason]


def test_a_plan_reason_names_the_card_in_either_language():
    assert reasons("ja") == ["2026-11-22 にお礼状を印刷済み（7 番）",
                             "活動中: 最後の購入 2026-11-20（103 日前）。今日送るはがきはありません"]
    assert reasons("en") == ["Thank-you card printed on 2026-11-22 (no. 7)",
                             "Active: last purchase 2026-11-20 (103 days ago). No card due today"]


def test_counters_read_naturally():
    with speaking("en"):
        assert VerifyResult(1, 1).lines() == ["All fine: 1 file and 1 card as logged"]
        assert VerifyResult(2, 5).lines() == ["All fine: 2 files and 5 cards as logged"]
    with speaking("ja"):
        assert VerifyResult(1, 1).lines() == ["問題ありません: 1 ファイル、1枚のはがきが記録どおりです"]


def demo_report(lang: str):
    with speaking(lang):
        measures = build_report(DEMO / "sample_customers.csv", DEMO / "sample_sales.csv",
                                Settings(), ReadOptions(), None, DAY)
        return measures, text_lines(measures), openpyxl.load_workbook(
            io.BytesIO(workbook_bytes(measures)))


def test_the_report_warns_and_labels_in_either_language():
    ja, ja_text, ja_book = demo_report("ja")
    en, en_text, en_book = demo_report("en")
    assert ja.top_customer_share == en.top_customer_share > 0.1
    assert ja.warnings[0].startswith("1人の顧客 (C010 ") and "が売上の20.6%を占めています" in \
        ja.warnings[0]
    assert en.warnings[0].startswith("One customer (C010 ") and "makes 20.6% of sales" in \
        en.warnings[0]
    assert ja_text[0] == "顧客の棚卸し　2026-11-23"
    assert en_text[0] == "Customer stock-take, 2026-11-23"
    assert any(line.split() == ["売上合計", "58,300円"] for line in ja_text)
    assert any(line.split() == ["Total", "sales", "¥58,300"] for line in en_text)
    assert ja_book.sheetnames[:5] == ["概要", "顧客一覧", "連絡リスト", "月次", "送付実績"]
    assert en_book.sheetnames[:5] == ["Summary", "Customers", "To contact", "Monthly",
                                      "Cards sent"]
    assert [c.value for c in ja_book["顧客一覧"][1]][:3] == ["顧客ID", "氏名", "区分"]
    assert [c.value for c in en_book["Customers"][1]][:3] == ["Customer ID", "Name", "Segment"]


def test_log_export_headers_in_either_language_values_as_logged(tmp_path):
    row = {"id": 3, "customer_id": "C1", "customer_name": "髙橋 一郎", "situation": "thanks",
           "campaign": "thanks-2026-11-23",
           "template": "thanks.j2", "card_date": "2026-11-23", "status": "mailed",
           "reprint_of": None, "output_file": "cards.pdf", "page": 1, "checksum": "abc",
           "updated_at": "2026-11-23"}
    tables = {}
    for lang in ("ja", "en"):
        with speaking(lang):
            assert export([row], tmp_path / f"{lang}.csv") == 1
        text = (tmp_path / f"{lang}.csv").read_text(encoding="utf-8-sig")
        tables[lang] = list(csv.reader(text.splitlines()))
    assert tables["ja"][0][:4] == ["番号", "顧客ID", "お客様の名前", "種類"] and tables["ja"][0][6] == "状態"
    assert tables["en"][0][:4] == ["No.", "Customer ID", "Customer name", "Kind"]
    assert tables["en"][0][6] == "Status"
    assert (tables["ja"][1][3], tables["ja"][1][6]) == ("お礼状", "投函済み")
    assert (tables["en"][1][3], tables["en"][1][6]) == ("Thank-you card", "mailed")
    assert tables["ja"][1][-5:-2] == tables["en"][1][-5:-2] == ["thanks", "thanks-2026-11-23",
                                                                "mailed"]


def run_sheet_text(lang: str) -> str:
    lines = [SheetLine(order, order, f"C{order}", "𠮷田 花子", "1000001", "nenga", None,
                       "cards.pdf", order) for order in (1, 2, 3)]
    with speaking(lang):
        data = run_sheet_pdf(RunSheet(7, "2026-12-10T10:00:00", lines, 85, "料金別納", 3, True),
                             Settings())
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def test_the_run_sheet_pdf_reads_back_in_either_language():
    ja, en = run_sheet_text("ja"), run_sheet_text("en")
    assert "発送明細 印刷 7 番 2026-12-10" in ja and "印刷順のはがき" in ja
    assert "255円（85円 × 3枚）" in ja and "年賀状" in ja
    assert "Run sheet: print run 7, 2026-12-10" in en and "Cards in print order" in en
    assert "¥255 (¥85 × 3 cards)" in en and "New Year card" in en
    assert "𠮷田 花子" in ja and "𠮷田 花子" in en  # names and the card's mark stay as written
    assert "Postage-paid mark (料金別納) 3 cards" in en
