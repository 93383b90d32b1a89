"""Reading customer and sales lists in every format, with every problem code."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mailmerge.errors import InputError
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sales import read_sales
from mailmerge.sources.sourceset import read_customers

HEADER = "顧客ID,姓,名,敬称,郵便番号,住所1,住所2,誕生日\n"
GOOD = "C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,,1980-04-01\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def codes(result) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.customer_id, p.column, p.code) for p in result.problems]


def test_utf8_with_bom_and_without(tmp_path):
    for bom in ("", "\ufeff"):
        result = read_customers(write(tmp_path, "c.csv", bom + HEADER + GOOD))
        assert [c.family_name for c in result.customers] == ["髙橋"]
        assert result.customers[0].birthday == dt.date(1980, 4, 1)


def test_shift_jis_is_detected_and_rare_kanji_survive(tmp_path):
    text = HEADER + GOOD + "C002,山﨑,健太,,231-0023,神奈川県横浜市中区山下町10,ﾍﾞｲｻｲﾄﾞ305,\n"
    path = write(tmp_path, "sjis.csv", text, "cp932")
    result = read_customers(path)
    assert [(c.family_name, c.address2) for c in result.customers] == [
        ("髙橋", ""), ("山﨑", "ベイサイド305")]
    assert read_customers(path, ReadOptions(encoding="cp932")).customers[1].family_name == "山﨑"
    with pytest.raises(InputError, match="utf-8 のテキストとして読めません"):
        read_customers(path, ReadOptions(encoding="utf-8"))


def test_tsv_and_excel_unicode_text(tmp_path):
    tsv = (HEADER + GOOD).replace(",", "\t")
    for encoding in ("utf-8", "utf-16"):
        result = read_customers(write(tmp_path, "c.txt", tsv, encoding))
        assert [c.customer_id for c in result.customers] == ["C001"]


def test_hagaki_design_kit_export_needs_no_mapping(tmp_path):
    headers = ("氏名(姓),氏名(名),敬称,郵便番号(自宅欄),自宅住所(都道府県),自宅住所(市区町村),"
               "自宅住所(番地等),自宅住所(建物名),連名1(姓),連名1(名),連名2(姓),連名2(名),"
               "会社名(会社欄),部署名(会社欄),役職(会社欄),カテゴリ,送受履歴\n")
    row = ("渡邉,美咲,様,4600001,愛知県,名古屋市中区,三の丸3-1-1,三の丸ハイツ101,,健一,佐藤,翔太,"
           ",,,友人,2024送\n")
    result = read_customers(write(tmp_path, "kit.csv", headers + row, "cp932"))
    [customer] = result.customers
    assert customer.address1 == "愛知県名古屋市中区三の丸3-1-1"
    assert customer.address2 == "三の丸ハイツ101"
    assert customer.joint_names == ("健一", "佐藤 翔太")
    assert customer.postal_code == "4600001"


def test_xlsx_first_sheet_or_named_sheet_with_numeric_cells(tmp_path):
    path = tmp_path / "c.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "メモ"
    book.active.append(["ただのメモ"])
    sheet = book.create_sheet("顧客")
    sheet.append(["顧客ID", "姓", "名", "郵便番号", "住所1", "誕生日"])
    sheet.append(["C001", "德永", "由美", 600001, "北海道札幌市中央区北一条西2丁目", dt.datetime(1975, 3, 9)])
    sheet.append([1002, "𠮷田", "花子", "530-0001", "大阪府大阪市北区梅田3-1-1", None])
    book.save(path)
    result = read_customers(path, ReadOptions(sheet="顧客"))
    assert [(c.customer_id, c.family_name, c.postal_code) for c in result.customers] == [
        ("C001", "德永", "0600001"), ("1002", "𠮷田", "5300001")]
    assert result.customers[0].birthday == dt.date(1975, 3, 9)
    assert codes(result) == [(2, "C001", "郵便番号", "postal-format")]
    assert result.problems[0].severity == "warning"
    with pytest.raises(InputError, match="顧客リストの見出しが見つかりません"):
        read_customers(path)  # the first sheet is a memo
    with pytest.raises(InputError, match="シート '売上' はありません"):
        read_customers(path, ReadOptions(sheet="売上"))


def test_broken_workbooks_and_non_lists_are_one_clear_error(tmp_path):
    fake = write(tmp_path, "fake.xlsx", "顧客ID,姓\n")
    with pytest.raises(InputError, match="Excel のブックとして読めません"):
        read_customers(fake)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not xml")
    with pytest.raises(InputError, match="Excel のブックとして読めません"):
        read_customers(broken)
    with pytest.raises(InputError, match="empty"):
        read_customers(write(tmp_path, "empty.csv", ""))
    with pytest.raises(InputError, match="ファイルがありません"):
        read_customers(tmp_path / "nope.csv")


def test_a_columns_mapping_points_any_header_at_a_field(tmp_path):
    path = write(tmp_path, "own.csv", "番号,お名前,〒番号,ご住所\nA1,山田 太郎,160-0023,東京都新宿区西新宿2-8-1\n")
    mapping = {"番号": "customer_id", "お名前": "name", "〒番号": "postal_code",
               "ご住所": "address1"}
    [customer] = read_customers(path, ReadOptions(columns=mapping)).customers
    assert (customer.customer_id, customer.family_name, customer.given_name) == ("A1", "山田", "太郎")


def test_normalisation_cleans_codes_and_addresses_but_not_names(tmp_path):
    row = "C001,髙橋様, 一郎 ,,〒１６０－００２３,東京都新宿区西新宿２－８－１　 ,ｳｴｽﾄﾀﾜｰ  101号,\n"
    [customer] = read_customers(write(tmp_path, "c.csv", HEADER + row)).customers
    assert (customer.family_name, customer.given_name, customer.honorific) == ("髙橋", "一郎", "様")
    assert customer.postal_code == "1600023"
    assert customer.address1 == "東京都新宿区西新宿２－８－１"
    assert customer.address2 == "ウエストタワー 101号"


def test_a_missing_address_names_the_shops_own_address_columns(tmp_path):
    own = "顧客ID,姓,名,郵便番号,ご住所\nC001,山田,太郎,160-0023,\n"
    [problem] = read_customers(write(tmp_path, "c.csv", own)).problems
    assert (problem.column, problem.message) == (
        "ご住所", "住所がありません: 「ご住所」に住所を入れてください")
    split = "顧客ID,姓,郵便番号,都道府県,市区町村\nC001,山田,160-0023,,\n"
    [problem] = read_customers(write(tmp_path, "d.csv", split)).problems
    assert problem.message == "住所がありません: 「都道府県・市区町村」に住所を入れてください"


def test_every_problem_code_with_its_row(tmp_path):
    rows = [
        "C001,,,,160-0023,東京都新宿区西新宿2-8-1,,",                    # 2 missing-name
        "C002,佐藤,一,,160-0023,,,",                                     # 3 missing-address
        "C003,佐藤,二,,160-00234,東京都新宿区西新宿2-8-1,,",             # 4 postal-format
        "C004,佐藤,三,,123-4567,東京都新宿区西新宿2-8-1,,",              # 5 postal-unknown
        "C005,佐藤,四,,530-0001,東京都新宿区西新宿2-8-1,,",              # 6 postal-mismatch
        "C001,佐藤,五,,160-0023,東京都新宿区西新宿2-8-2,,",              # 7 duplicate id
        "C007,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,,",          # 8 duplicate person
        "C008,佐藤,六,,160-0023,東京都新宿区西新宿2-8-1,,昭和の頃",      # 9 bad-date
    ]
    first = GOOD.replace("C001", "C000")
    result = read_customers(write(tmp_path, "c.csv", HEADER + first + "\n".join(rows) + "\n"))
    assert codes(result) == [
        (3, "C001", "姓", "missing-name"),
        (4, "C002", "住所1", "missing-address"),
        (5, "C003", "郵便番号", "postal-format"),
        (6, "C004", "郵便番号", "postal-unknown"),
        (7, "C005", "郵便番号", "postal-mismatch"),
        (8, "C001", "顧客ID", "duplicate"),
        (9, "C007", "姓", "duplicate"),
        (10, "C008", "誕生日", "bad-date"),
    ]
    by_code = {p.code: p for p in result.problems}
    assert "160-0023" in by_code["postal-unknown"].message
    assert "。160-0023 (東京都新宿区西新宿) ではありませんか？" in by_code["postal-mismatch"].message
    duplicates = [p.message for p in result.problems if p.code == "duplicate"]
    assert "顧客ID C001 は 3 行目にもあります" in duplicates[0]
    assert "2 行目と同じ名前・住所です" in duplicates[1]
    assert by_code["bad-date"].severity == "warning"
    assert [c.customer_id for c in result.customers] == ["C000", "C008"]  # bad-date still prints


def test_sales_link_to_customers_and_report_their_own_rows(tmp_path):
    customers = read_customers(write(tmp_path, "c.csv", HEADER + GOOD))
    sales_path = write(tmp_path, "s.csv", "顧客ID,日付,商品,金額\nC001,2026/11/20,湯呑み,\"3,300\"\n"
                                          "C999,2026-11-21,急須,5000\nC001,先週,茶筒,1200\n"
                                          "C001,2026年11月22日,箸,abc\n")
    sales = read_sales(sales_path, customers.ids)
    assert [(s.row, s.customer_id, s.date, s.item, s.amount) for s in sales.sales] == [
        (2, "C001", dt.date(2026, 11, 20), "湯呑み", 3300.0),
        (5, "C001", dt.date(2026, 11, 22), "箸", None)]
    assert codes(sales) == [(3, "C999", "顧客ID", "unknown-customer"), (4, "C001", "日付", "bad-date"),
                            (5, "C001", "金額", "bad-amount")]


@pytest.mark.parametrize(("text", "day"), [
    ("昭和55年1月2日", dt.date(1980, 1, 2)), ("S55.1.2", dt.date(1980, 1, 2)),
    ("h2/3/4", dt.date(1990, 3, 4)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("平成31年4月30日", dt.date(2019, 4, 30)), ("１９８０年４月１日", dt.date(1980, 4, 1)),
    ("2026-11-23T10:00:00", dt.date(2026, 11, 23)), ("19800401", dt.date(1980, 4, 1)),
    ("平成31年5月1日", None), ("昭和64年1月8日", None), ("2026-02-30", None), ("先週", None),
])
def test_dates_western_and_japanese_era(text, day):
    from mailmerge.sources.normalise import parse_date

    assert parse_date(text) == day


def test_old_and_new_kanji_forms_of_one_person_are_a_duplicate(tmp_path):
    from mailmerge.sources.sourceset import read_customers

    path = tmp_path / "c.csv"
    path.write_text("顧客ID,姓,名,郵便番号,住所1\nC1,髙橋,一郎,125-0062,東京都葛󠄀飾区青戸1-1\n"
                    "C2,高橋,一郎,125-0062,東京都葛飾区青戸１－１\n", encoding="utf-8")
    result = read_customers(path)
    assert [(p.row, p.code) for p in result.problems] == [(3, "duplicate")]
    assert [c.customer_id for c in result.customers] == ["C1"]


def test_joint_names_on_a_company_row_naming_no_person_are_a_warning_when_read(tmp_path):
    """The card goes to the company: `check`, `plan` and `print` all say the 連名 are left
    off, naming the file's own column."""
    from mailmerge.sources.customers import JOINT_NAMES_LEFT_OFF, ReadOptions
    from mailmerge.sources.sourceset import read_customers

    source = tmp_path / "customers.csv"
    names = "、".join(f"社員{n}" for n in range(10))
    source.write_text("顧客ID,姓,名,敬称,会社名,郵便番号,住所1,連名1,連名2\n"
                      f"B1,,,御中,株式会社みどり,1600023,東京都新宿区西新宿2-8-1,{names},\n"
                      "B2,山田,太郎,,株式会社みどり,1600023,東京都新宿区西新宿2-8-2,花子,\n",
                      encoding="utf-8")
    found = read_customers(source, ReadOptions())
    assert [c.customer_id for c in found.customers] == ["B1", "B2"]
    (warning,) = [p for p in found.problems if p.code == JOINT_NAMES_LEFT_OFF]
    assert (warning.row, warning.column, warning.severity) == (2, "連名1", "warning")
    assert "社員0、社員1" in warning.message and "社員9" in warning.message
