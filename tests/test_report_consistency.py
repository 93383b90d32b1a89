"""One shop, one truth: the text report, the JSON and the workbook tell the same figures.

On the demo data, on a crafted list (rows with address errors, a row without an id, a
duplicate row, sales for unlisted customers, refunds, amounts that are blank or NaN, customers
without sales, an empty send log) and on a list with no sale up to the day, every share is within 0–1,
the segments add up to every row of the list on every sheet, new and existing customers' sales
add up to the sales total month by month, and the lapsed count is the same everywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.models import Customer, Sale
from mailmerge.report.figures import SEGMENT_LABELS
from mailmerge.report.measures import Listed, measure
from mailmerge.selection.segments import SegmentRules
from mailmerge.sendlog.store import SendLog

DAY = "2026-11-23"
DEMO = Path(__file__).parent.parent / "mailmerge" / "data"
CRAFTED_CUSTOMERS = """顧客ID,姓,名,郵便番号,住所1,送付停止
B1,青木,一,160-0023,東京都新宿区西新宿2-8-1,
B2,石井,二,160-0023,大阪府大阪市北区梅田1-1-1,
B3,上田,三,,東京都新宿区西新宿2-8-3,
B4,江藤,四,160-0023,,
,無番,五,160-0023,東京都新宿区西新宿2-8-5,
B6,加藤,六,160-0023,東京都新宿区西新宿2-8-6,
B7,木村,七,160-0023,東京都新宿区西新宿2-8-7,1
B8,久保,八,160-0023,東京都新宿区西新宿2-8-8,
B1,青木,一,160-0023,東京都新宿区西新宿2-8-1,
"""
CRAFTED_SALES = """顧客ID,日付,商品,金額
B1,2024-03-01,湯呑み,20000
B1,2026-10-01,急須,3000
B1,2026-10-05,急須の返品,-4000
B1,2026-11-20,茶葉,
B1,2026-11-21,茶葉,NaN
B2,2026-11-01,箸,5000
B2,2026-11-10,箸の返品,-8000
B3,2025-01-10,皿,4000
B4,2026-03-01,椀,6000
B4,2026-11-30,明日より後,1000
B7,2025-02-01,盆,2000
B8,2025-06-01,返品,-10000
X1,2026-11-02,線香,500
,2026-11-03,花,700
"""
NO_SALES_YET = "顧客ID,日付,商品,金額\nB1,2026-12-01,明日より後,3000\n"  # totals of zero


def list_rows(path: Path) -> int:
    """The customer list's non-blank data rows, counted from the file itself."""
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))[1:]
    return sum(1 for row in rows if any(cell.strip() for cell in row))


def write_crafted(folder: Path, sales_text: str = CRAFTED_SALES) -> tuple[Path, Path, Path]:
    """The crafted list, its sales and an empty send log, in `folder`."""
    customers, sales, log = folder / "c.csv", folder / "s.csv", folder / "log.sqlite"
    customers.write_text(CRAFTED_CUSTOMERS, encoding="utf-8")
    sales.write_text(sales_text, encoding="utf-8")
    SendLog(log).close()  # a log with no card in it
    return customers, sales, log


def run_report(customers: Path, sales: Path, log: Path, folder: Path):
    """The text output, the parsed JSON and the workbook of one report (in Japanese: the
    module's fixtures run before the per-test `japanese` fixture sets the language)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAGAKI_LANG", "ja")
        return _run_report(customers, sales, log, folder)


def _run_report(customers: Path, sales: Path, log: Path, folder: Path):
    common = ["report", str(customers), "--sales", str(sales), "--date", DAY, "--log", str(log)]
    target = folder / "report.xlsx"
    text = CliRunner().invoke(main, common + ["--out", str(target)])
    assert text.exit_code == 0, text.output
    as_json = CliRunner().invoke(main, common + ["--format", "json"])
    assert as_json.exit_code == 0, as_json.output

    def refuse(constant: str):
        raise AssertionError(f"{constant} in the JSON")

    data = json.loads(as_json.stdout, parse_constant=refuse)
    return text.stdout, data, openpyxl.load_workbook(target)


@pytest.fixture(scope="module")
def crafted_report(tmp_path_factory):
    """(rows in the list, text, JSON, workbook) of the crafted list."""
    folder = tmp_path_factory.mktemp("crafted")
    files = write_crafted(folder)
    return (list_rows(files[0]), *run_report(*files, folder))


@pytest.fixture(scope="module", params=["demo", "crafted", "no-sales-yet"])
def report(request, tmp_path_factory):
    """(rows in the customer list, text, JSON, workbook) of each data set, made once."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "crafted":
        return request.getfixturevalue("crafted_report")
    if request.param == "demo":
        files = (DEMO / "sample_customers.csv", DEMO / "sample_sales.csv",
                 folder / "no-log.sqlite")
    else:
        files = write_crafted(folder, NO_SALES_YET)
    return (list_rows(files[0]), *run_report(*files, folder))


def text_segments(text: str) -> dict[str, int]:
    counts = {}
    for line in text.splitlines():
        for name, label in SEGMENT_LABELS.items():
            if line.startswith(f"  {label} "):
                counts[name] = int(line[len(label) + 2:].split()[0])
    return counts


def text_figure(text: str, label: str) -> str:
    return next(line[len(label) + 2:].split()[0] for line in text.splitlines()
                if line.startswith(f"  {label} "))


def summary_segments(book) -> dict[str, int]:
    sheet = book["概要"]
    start = next(row[0].row for row in sheet.iter_rows() if row[0].value == "区分")
    by_label = {label: name for name, label in SEGMENT_LABELS.items()}
    return {by_label[sheet.cell(row=r, column=1).value]: sheet.cell(row=r, column=2).value
            for r in range(start + 1, start + 1 + len(SEGMENT_LABELS))}


def summary_figures(book) -> dict[str, object]:
    return {row[0].value: row[1].value for row in book["概要"].iter_rows(min_row=4)
            if row[0].value}


def test_every_share_is_between_0_and_1(report):
    _, text, data, book = report
    shares = [data["top_customer_share"], data["top10_share"], data["new_sales_share"],
              data["loss_rate"], data["winback_response_rate"],
              *data["segment_shares"].values(), *(m["loss_rate"] for m in data["monthly"])]
    assert all(0 <= share <= 1 for share in shares), shares
    in_text = [float(m) for line in text.split("注意:")[0].splitlines()
               for m in re.findall(r"(-?\d+(?:\.\d+)?)%$", line)]
    assert len(in_text) == 6 + 5 and all(0 <= share <= 100 for share in in_text), in_text
    in_book = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row
               if cell.number_format == "0.0%" and isinstance(cell.value, (int, float))]
    assert len(in_book) == 5 + 6 + len(data["monthly"])
    assert all(0 <= share <= 1 for share in in_book), in_book


def test_segments_add_up_to_every_row_of_the_list_on_every_sheet(report):
    rows, text, data, book = report
    segments = data["segments"]
    assert data["customer_count"] == rows == sum(segments.values())
    assert text_segments(text) == segments and text_figure(text, "合計") == str(rows)
    assert summary_segments(book) == segments
    assert summary_figures(book)["名簿の顧客数"] == rows
    listed = [row[2].value for row in book["顧客一覧"].iter_rows(min_row=2)]
    assert Counter(listed) == Counter({SEGMENT_LABELS[k]: n for k, n in segments.items() if n})
    contact = [row[2].value for row in book["連絡リスト"].iter_rows(min_row=2)]
    assert contact.count(SEGMENT_LABELS["dormant"]) == segments["dormant"]
    assert sum(g["customers"] for g in data["by_gender"].values()) == rows
    assert sum(g["customers"] for g in data["by_age_band"].values()) == rows


def test_new_and_existing_sales_add_up_to_the_total_every_month(report):
    _, text, data, book = report
    total = data["sales_total"]
    months = data["monthly"]
    for month in months:
        assert month["sales"] == pytest.approx(
            month["new_customer_sales"] + month["existing_customer_sales"], abs=1e-6)
    assert sum(m["sales"] for m in months) == pytest.approx(total, abs=1e-6)
    assert data["new_customer_sales"] + data["existing_customer_sales"] == pytest.approx(total)
    monthly_sheet = [[c.value for c in row] for row in book["月次"].iter_rows(min_row=2)]
    assert sum(row[7] for row in monthly_sheet) == pytest.approx(total, abs=1e-6)
    assert sum(row[8] + row[9] for row in monthly_sheet) == pytest.approx(total, abs=1e-6)
    assert summary_figures(book)["売上合計"] == pytest.approx(total)
    assert text_figure(text, "売上合計") == f"{total:,.0f}円"


def test_the_lapsed_count_is_the_same_everywhere(report):
    _, text, data, book = report
    lapsed = data["segments"]["lapsed"]
    assert text_segments(text)["lapsed"] == lapsed
    assert summary_segments(book)["lapsed"] == lapsed
    listed = [row[2].value for row in book["顧客一覧"].iter_rows(min_row=2)]
    assert listed.count(SEGMENT_LABELS["lapsed"]) == lapsed
    months = data["monthly"]
    if months:
        assert months[-1]["lapsed"] == lapsed
        assert sum(m["lost"] - m["back"] for m in months) == lapsed
        monthly = book["月次"]
        assert monthly.cell(row=monthly.max_row, column=6).value == lapsed
    else:
        assert lapsed == 0


def test_no_number_is_nan_or_infinite(report):
    _, text, data, book = report
    assert not re.search(r"\b(nan|inf)\b", text.lower())
    numbers = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row
               if isinstance(cell.value, float)]
    assert all(math.isfinite(n) for n in numbers)


def test_the_crafted_list_gives_the_hand_computed_figures(crafted_report):
    _, text, data, book = crafted_report
    # B8's only row is a refund: no purchase, never a visit (so not lapsed)
    assert data["segments"] == {"excluded": 1, "new": 1, "active": 1, "dormant": 1,
                                "lapsed": 1, "no_purchase": 4}
    assert data["flagged_customers"] == 4
    # B1 19000, B2 -3000, B3 4000, B4 6000, B7 2000, B8 -10000; blank and NaN amounts skipped;
    # the three refunds (B1's, B2's, B8's) are netted in the total and are no purchases
    assert data["sales_total"] == 18000 and data["sales_count"] == 8
    assert data["average_per_sale"] == 18000 / 6
    assert (data["new_customer_sales"], data["existing_customer_sales"]) == (19000, -1000)
    assert data["new_sales_share"] == 1.0
    assert data["top_customer_share"] == pytest.approx(19000 / 31000, abs=1e-4)
    assert data["unknown_customer_sales"] == {
        "total": 1200, "count": 2, "customers": [{"customer_id": "", "count": 1, "total": 700},
                                                 {"customer_id": "X1", "count": 1,
                                                  "total": 500}]}
    assert data["cards"]["total"] == 0 and data["cards"]["postage_total"] == 0
    contact = [[c.value for c in row] for row in book["連絡リスト"].iter_rows(min_row=2)]
    # the same list as the PDF's 連絡リスト: dormant, then lapsed, each with its row's errors
    assert [(row[0], row[2], row[8]) for row in contact] == [
        ("B4", "休眠客", "住所エラー: 住所がない"),
        ("B3", "離反客", "住所エラー: 郵便番号の書き方")]
    assert [row[9] for row in contact] == ["missing-address", "postal-format"]  # programs
    names = [row[1].value for row in book["顧客一覧"].iter_rows(min_row=2)]
    assert "無番 五" in names
    assert [[c.value for c in row] for row in book["名簿外の売上"].iter_rows(min_row=2)] == [
        ["(空欄)", 1, 700], ["X1", 1, 500]]
    assert "顧客ID: (空欄)、X1" in text and "名簿の4人に住所などの誤り" in text


def test_a_customer_lost_and_won_back_many_times_keeps_rates_within_bounds():
    """Short thresholds: one customer lapses and comes back several times a year."""
    rules = SegmentRules(new_days=5, active_days=10, dormant_days=20)
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in (0, 25, 50, 52, 80, 130, 200)]
    sales = [Sale(row, "A", day, amount=1000.0) for row, day in enumerate(days, start=2)]
    measures = measure([Listed(Customer(row=2, customer_id="A"))], sales, [],
                       dt.date(2026, 11, 23), rules)
    heads = [month.heads for month in measures.monthly]
    assert sum(h.lost for h in heads) == 6 and sum(h.back for h in heads) == 5
    assert heads[-1].lapsed == measures.segments["lapsed"] == 1
    assert all(0 <= h.loss_rate <= 1 for h in heads)
    assert 0 <= measures.loss_rate <= 1
