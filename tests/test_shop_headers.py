"""Lists as shops write them: Japanese headers in their usual variants, [columns] in the shop's
own words, and a sales list without amounts said so by every command instead of 0円."""

from __future__ import annotations

import datetime as dt
import json

import pdfplumber
import pytest
from click.testing import CliRunner

from mailmerge import clock
from mailmerge.cli import main
from mailmerge.errors import ConfigError
from mailmerge.shop.settings import load_settings
from mailmerge.sources.column_hints import kind_of
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.headers import ALIASES, CUSTOMER_LOOKUP, field_of, header_key
from mailmerge.sources.sales import SALES_ALIASES, SALES_LOOKUP, read_sales
from mailmerge.sources.sourceset import read_customers

DAY = "2026-11-23"
MISSING = "売上金額の列が見つかりません: 売上と返品は数えられません"
CUSTOMERS = ("会員番号,お名前,〒,ご住所\n"
             "M001,山田 太郎,160-0023,東京都新宿区西新宿2-8-1\n"
             "M002,佐藤 花子,160-0023,東京都新宿区西新宿3-7-1\n"
             "M003,鈴木 一郎,160-0023,東京都新宿区西新宿2-6-1\n")
SALES = ("日付,会員番号,品名,金額（税込）\n"
         "2026-10-01,M001,茶筒,\"￥2,000\"\n"
         "2026-11-20,M001,湯呑み,\"￥1,200\"\n"
         "2026-11-18,M002,急須,\"￥3,300\"\n"
         "2026-11-21,M002,急須 返品,\"￥3,300\"\n")
SALES_SUM = 2000 + 1200 + 3300 - 3300
NO_AMOUNTS = ("日付,会員番号,品名\n"
              "2026-11-20,M001,湯呑み\n"
              "2026-11-21,M003,急須（返品）\n")


@pytest.fixture
def shop(tmp_path):
    """A shop folder: hagaki.toml, customers.csv (UTF-8) and sales.csv (CP932, as Excel)."""
    (tmp_path / "hagaki.toml").write_text("", encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "sales.csv").write_bytes(SALES.encode("cp932"))
    (tmp_path / "no-amounts.csv").write_bytes(NO_AMOUNTS.encode("cp932"))
    return tmp_path


def run(shop, *args: str):
    result = CliRunner().invoke(main, [*args, "--config", str(shop / "hagaki.toml")])
    return result


@pytest.mark.parametrize(("header", "field"), [
    ("お名前", "name"), ("氏名", "name"), ("お客様名", "name"), ("ご住所", "address1"),
    ("住所１", "address1"), ("住所 2", "address2"), ("〒", "postal_code"),
    ("郵便番号", "postal_code"), ("電話", "phone"), ("ＴＥＬ", "phone"),
    ("会員番号", "customer_id"), ("お名前（漢字）", "name"), ("氏名（姓）", "family_name"),
    ("お名前(フリガナ)", "kana"),
])
def test_customer_headers_as_shops_write_them(header, field):
    assert field_of(header, CUSTOMER_LOOKUP) == field


@pytest.mark.parametrize(("header", "field"), [
    ("金額", "amount"), ("金額（税込）", "amount"), ("金額(税込)", "amount"),
    ("金額［税込］", "amount"), ("金額【税込み】", "amount"), ("税込金額", "amount"),
    ("売上金額", "amount"), ("お買上金額", "amount"), ("合計", "amount"),
    ("購入日", "date"), ("お買上日", "date"), ("来店日", "date"), ("日付", "date"),
    ("品名", "item"), ("商品名", "item"), ("数量", "quantity"), ("単価", "unit_price"),
    ("会員番号", "customer_id"), ("担当者", "staff"),
])
def test_sales_headers_as_shops_write_them(header, field):
    assert field_of(header, SALES_LOOKUP) == field


def test_bracket_shapes_and_spaces_fold_to_one_header():
    assert len({header_key(h) for h in ("金額（税込）", "金額(税込)", "金額［税込］",
                                         "金額 【税込】", "金額〔税込〕")}) == 1
    assert field_of("金額（税抜）", SALES_LOOKUP) == "amount"  # listed last: 税込 wins when both
    assert "name" in ALIASES and "amount" in SALES_ALIASES


def test_a_full_name_in_one_column_is_split(shop):
    result = read_customers(shop / "customers.csv")
    assert [(c.customer_id, c.family_name, c.given_name, c.postal_code) for c in
            result.customers][0] == ("M001", "山田", "太郎", "1600023")
    assert not result.problems


def test_amounts_as_typed_and_a_refund_row_made_negative(shop):
    path = shop / "s.csv"
    path.write_bytes(("日付,会員番号,品名,金額（税込）,区分\n"
                      "2026-11-01,M001,湯呑み,\"￥1,200\",\n"
                      "2026-11-02,M001,急須,１，５００円,\n"
                      "2026-11-03,M001,急須,\"¥1,500\",返品\n"
                      "2026-11-04,M001,箸,500,\n"
                      "2026-11-05,M001,箸,△500,\n"
                      "2026-11-06,M001,キャンセル料,300,\n"
                      "2026-11-07,M001,箸,\\700,\n").encode())
    sales = read_sales(path, {"M001"})
    assert [s.amount for s in sales.sales] == [1200, 1500, -1500, 500, -500, 300, 700]


def test_a_negative_quantity_is_a_refund_and_price_times_quantity_an_amount(shop):
    path = shop / "s.csv"
    path.write_text("日付,会員番号,品名,単価,数量\n2026-11-01,M001,湯呑み,\"1,200\",2\n"
                    "2026-11-02,M001,湯呑み,\"1,200\",-1\n", encoding="utf-8")
    assert [s.amount for s in read_sales(path, {"M001"}).sales] == [2400, -1200]


def test_a_refund_without_an_amount_is_no_sale_and_said(shop):
    sales = read_sales(shop / "no-amounts.csv", {"M001", "M003"})
    assert [(s.customer_id, s.amount, s.refund) for s in sales.sales] == [
        ("M001", None, False), ("M003", None, True)]  # kept to take back what it names
    assert [(p.row, p.code, p.severity) for p in sales.problems] == [(3, "refund-row", "info")]


def test_check_passes_a_shops_own_lists_without_a_mapping(shop):
    result = run(shop, "check", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows"], report["printable"], report["sales_rows"]) == (3, 3, 4)
    assert report["problems"] == [] and report["notes"] == []


def test_the_report_total_is_the_files_sum_with_the_refund_taken_off(shop):
    result = run(shop, "report", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                 "--date", DAY, "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["sales_total"] == SALES_SUM
    assert figures["sales_count"] == 3  # four rows, one of them the refund: three purchases


def test_the_refund_is_not_thanked(shop):
    result = run(shop, "plan", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                 "--situation", "thanks", "--date", DAY, "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [card["customer_id"] for card in plan["cards"]] == ["M001"]
    assert {"customer_id": "M002", "code": "refunded"}.items() <= {
        **next(n for n in plan["not_sent"] if n["customer_id"] == "M002")}.items()


def test_columns_in_the_shops_own_words_on_both_sides(shop):
    (shop / "own.csv").write_text("番号,お客様のお名前,郵便,お届け先\n"
                                  "M001,山田 太郎,160-0023,東京都新宿区西新宿2-8-1\n",
                                  encoding="utf-8")
    (shop / "own-sales.csv").write_bytes(("お買い物の日,番号,お支払い\n"
                                          "2026-11-20,M001,\"￥1,200\"\n").encode("cp932"))
    (shop / "hagaki.toml").write_text(
        '[columns]\n"番号" = "会員番号"\n"お客様のお名前" = "氏名"\n"お届け先" = "ご住所"\n'
        '"お買い物の日" = "お買上日"\n"お支払い" = "金額（税込）"\n', encoding="utf-8")
    settings = load_settings(shop / "hagaki.toml")
    [customer] = read_customers(shop / "own.csv", ReadOptions(columns=settings.columns)).customers
    assert (customer.customer_id, customer.family_name, customer.address1) == (
        "M001", "山田", "東京都新宿区西新宿2-8-1")
    result = run(shop, "report", str(shop / "own.csv"), "--sales", str(shop / "own-sales.csv"),
                 "--date", DAY, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sales_total"] == 1200


def test_a_columns_value_that_names_nothing_is_refused(tmp_path):
    config = tmp_path / "hagaki.toml"
    config.write_text('[columns]\n"顧客名" = "好きな色"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="好きな色"):
        load_settings(config)


def test_every_command_says_a_sales_list_has_no_amounts(shop):
    customers, sales = str(shop / "customers.csv"), str(shop / "no-amounts.csv")
    check = run(shop, "check", customers, "--sales", sales)
    plan = run(shop, "plan", customers, "--sales", sales, "--date", DAY)
    printed = run(shop, "print", customers, "--sales", sales, "--date", DAY,
                  "--situation", "thanks", "--out", str(shop / "cards.pdf"), "--no-sender")
    report = run(shop, "report", customers, "--sales", sales, "--date", DAY)
    for result in (check, plan, printed, report):
        assert result.exit_code == 0, result.output
        assert result.output.count(MISSING) == 1, result.output
    assert "売上合計" not in report.output and "0円" not in report.output


def test_the_reports_json_has_no_sales_figure_without_amounts(shop):
    result = run(shop, "report", str(shop / "customers.csv"), "--sales",
                 str(shop / "no-amounts.csv"), "--date", DAY, "--format", "json")
    figures = json.loads(result.stdout)
    assert figures["sales_total"] is None and figures["average_per_sale"] is None
    assert figures["sales_count"] == 1
    assert all(month["sales"] is None for month in figures["monthly"])
    assert MISSING in figures["warnings"][0]


def test_a_refund_without_amounts_is_not_thanked(shop):
    result = run(shop, "plan", str(shop / "customers.csv"), "--sales",
                 str(shop / "no-amounts.csv"), "--situation", "thanks", "--date", DAY,
                 "--format", "json")
    assert [card["customer_id"] for card in json.loads(result.stdout)["cards"]] == ["M001"]


def test_unread_columns_that_look_like_amounts_dates_or_postal_codes_are_named(shop):
    (shop / "more.csv").write_text("会員番号,お名前,〒,ご住所,最終来店,会社〒,ポイント\n"
                                   "M001,山田 太郎,160-0023,東京都新宿区西新宿2-8-1,"
                                   "2026/10/01,〒100-0001,120\n", encoding="utf-8")
    (shop / "paid.csv").write_text("日付,会員番号,お支払い\n2026-11-20,M001,\"¥1,200\"\n",
                                   encoding="utf-8")
    result = run(shop, "check", str(shop / "more.csv"), "--sales", str(shop / "paid.csv"))
    assert "列「最終来店」は日付のようですが、使っていません" in result.output
    assert "列「会社〒」は郵便番号のようですが" in result.output
    assert "列「お支払い」は金額のようですが" in result.output
    assert "ポイント" not in result.output  # a bare number may be anything
    assert result.output.count(MISSING) == 1


@pytest.mark.parametrize(("text", "kind"), [
    ("〒160-0023", "postal_code"), ("160-0023", "postal_code"), ("2026/11/20", "date"),
    ("令和8年11月20日", "date"), ("￥1,200", "amount"), ("1,200円", "amount"),
    ("1600023", None), ("20261120", None), ("1200", None), ("山田", None),
])
def test_what_a_value_looks_like(text, kind):
    assert kind_of(text) == kind


def test_the_report_page_says_it_and_draws_no_sales_chart(shop, client):
    day = clock.today() - dt.timedelta(days=3)
    (shop / "sales.csv").write_bytes(f"日付,会員番号,品名\n{day},M001,湯呑み\n".encode("cp932"))
    page = client.get("/report").text
    assert MISSING in page and 'id="no-sales-chart"' in page
    assert 'class="sales-month"' not in page and "売上合計" not in page


def test_of_several_amount_columns_the_taxed_total_is_read(shop):
    path = shop / "s.csv"
    path.write_text("日付,会員番号,小計,金額（税抜）,金額（税込）\n"
                    "2026-11-01,M001,1000,1000,1100\n", encoding="utf-8")
    assert [s.amount for s in read_sales(path, {"M001"}).sales] == [1100]


def test_the_paper_report_without_amounts_draws_no_sales_and_writes_no_zero_yen(shop):
    out = shop / "report.pdf"
    result = run(shop, "report", str(shop / "customers.csv"), "--sales",
                 str(shop / "no-amounts.csv"), "--date", DAY, "--out", str(out))
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "売上金額の列がないため、売上のグラフはありません" in text
    assert "最大顧客の売上比率" not in text and "売上（直近" not in text
    sales_lines = [line for line in text.splitlines() if "売上" in line and "0円" in line]
    assert sales_lines == []  # (郵送料 0円 for no card sent is a real figure)
