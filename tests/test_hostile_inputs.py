"""Hostile customer and sales files: each is read safely, and every row is accounted for.

Every file is built here, in tmp_path. XLSX files are written by hand (a zip of XML parts) so a
test can say exactly what a damaged or deceptive workbook holds.
"""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import pytest

from mailmerge.errors import InputError
from mailmerge.sources import xlsx
from mailmerge.sources.identity import clean_id
from mailmerge.sources.sales import parse_amount, read_sales
from mailmerge.sources.sourceset import read_customers

HEADER = "顧客ID,姓,名,郵便番号,住所1,住所2\n"
ROW = "{id},{family},{given},160-0023,東京都新宿区西新宿{n}-8-1,\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows_text(count: int, with_id: bool = True) -> str:
    names = ["山田", "佐藤", "鈴木", "髙橋", "田中", "伊藤", "渡邉", "中村", "小林", "加藤"]
    return "".join(ROW.format(id=f"C{n:03}" if with_id else "", family=names[n % 10],
                              given=f"太郎{n}", n=n) for n in range(1, count + 1))


def codes(result) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.code) for p in result.problems]


# --- 1. customers without an id -------------------------------------------------------------

def test_a_customer_without_an_id_gets_a_stable_id_of_their_own(tmp_path):
    no_id_column = "姓,名,郵便番号,住所1\n" + "".join(
        f"{family},花子,160-0023,東京都新宿区西新宿{n}-8-1\n"
        for n, family in enumerate(["山田", "佐藤", "鈴木"], start=1))
    first = read_customers(write(tmp_path, "a.csv", no_id_column))
    ids = [c.customer_id for c in first.customers]
    assert len(set(ids)) == 3 and all(i.startswith("auto-") and len(i) == 17 for i in ids)
    assert codes(first) == [(2, "顧客ID", "generated-id"), (3, "顧客ID", "generated-id"),
                            (4, "顧客ID", "generated-id")]
    assert all(p.severity == "warning" and ids[0] in first.problems[0].message
               for p in first.problems[:1])
    # A new customer added on top, rows reordered, spaces and widths changed: same ids.
    lines = no_id_column.splitlines()
    reordered = "\n".join([lines[0], "小林,一郎,160-0023,東京都新宿区西新宿9-8-1",
                           lines[3], lines[1].replace("2-8-1", "２－８－１　"), lines[2]]) + "\n"
    second = read_customers(write(tmp_path, "b.csv", reordered))
    by_name = {c.family_name: c.customer_id for c in second.customers}
    assert [by_name["山田"], by_name["佐藤"], by_name["鈴木"]] == ids
    assert by_name["小林"] not in ids


def test_blank_ids_in_an_id_column_are_generated_and_the_same_person_twice_is_caught(tmp_path):
    text = HEADER + "C001,山田,太郎,160-0023,東京都新宿区西新宿2-8-1,\n" \
        ",佐藤,花子,160-0023,東京都新宿区西新宿3-8-1,\n" \
        ",佐藤,花子,160-0023,東京都新宿区 西新宿3-8-1,\n"
    result = read_customers(write(tmp_path, "c.csv", text))
    assert codes(result) == [(3, "顧客ID", "generated-id"), (4, "顧客ID", "generated-id"),
                             (4, "姓", "duplicate")]
    assert "3 行目" in result.problems[2].message
    assert [c.row for c in result.customers] == [2, 3]


def test_invisible_characters_and_widths_do_not_split_an_id(tmp_path):
    assert clean_id("\ufeff Ｃ００１\u200b\u00ad\u200e ") == "C001"
    assert clean_id("C\u200d001\u2060") == "C001"
    customers = read_customers(write(tmp_path, "c.csv", "\ufeff" + HEADER.replace(
        "顧客ID", "\u200b顧客ID") + ROW.format(id="\u200bＣ００１ ", family="山田", given="太郎",
                                              n=2)))
    assert [c.customer_id for c in customers.customers] == ["C001"]
    sales = read_sales(write(tmp_path, "s.csv", "\ufeff顧客ID,日付\n\ufeffC001,2026-11-20\n"
                             "C001\u200b,2026-11-21\n"), customers.ids)
    assert [(s.customer_id, s.date.day) for s in sales.sales] == [("C001", 20), ("C001", 21)]
    assert sales.problems == []


# --- 2. quotes and line breaks --------------------------------------------------------------

def test_a_stray_quote_stops_the_read_naming_the_file_and_row(tmp_path):
    lines = rows_text(27).splitlines()
    lines[2] = lines[2].replace(",", ',"', 1)  # a quote before the family name on row 4
    path = write(tmp_path, "quote.csv", HEADER + "\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_customers(path)
    assert str(path) in str(caught.value) and "4 行目" in str(caught.value)
    assert "引用符" in str(caught.value)


def test_two_stray_quotes_that_swallow_rows_between_them_stop_the_read(tmp_path):
    lines = rows_text(10).splitlines()
    lines[2] = lines[2].replace(",", ',"', 1)  # opens on row 4
    lines[6] += '"'  # closes at the end of row 8, just before the line break
    path = write(tmp_path, "quotes.csv", HEADER + "\n".join(lines) + "\n")
    with pytest.raises(InputError, match="4 行目で始まる引用符.*8 行目まで"):
        read_customers(path)


def test_a_quoted_line_break_is_refused_in_its_row_and_column_only(tmp_path):
    text = HEADER + rows_text(2) + 'C003,森,一郎,160-0023,"東京都新宿区\n西新宿2-8-1",\n' \
        + ROW.format(id="C004", family="林", given="二郎", n=4)
    result = read_customers(write(tmp_path, "c.csv", text))
    assert codes(result) == [(4, "住所1", "newline-in-field")]
    assert result.problems[0].severity == "error"
    assert [c.customer_id for c in result.customers] == ["C001", "C002", "C004"]
    assert all("\n" not in c.address1 for c in result.customers)


def test_a_quote_followed_by_text_is_an_error_with_its_row(tmp_path):
    text = HEADER + rows_text(2) + 'C003,"森"林,一郎,160-0023,東京都新宿区西新宿2-8-1,\n'
    with pytest.raises(InputError, match="4 行目"):
        read_customers(write(tmp_path, "c.csv", text))


def test_control_characters_in_a_field_refuse_the_row(tmp_path):
    text = HEADER + "C001,山\x07田,太郎,160-0023,東京都新宿区西新宿2-8-1,\n"
    result = read_customers(write(tmp_path, "c.csv", text))
    assert codes(result) == [(2, "姓", "control-character")]
    assert "U+0007" in result.problems[0].message


# --- 3. duplicate and ambiguous headers -----------------------------------------------------

@pytest.mark.parametrize(("header", "named"), [
    ("顧客ID,姓,名,customer_id,郵便番号,住所1", ["「顧客ID」", "「customer_id」", "列 A", "列 D"]),
    ("顧客ID,姓,名,姓,郵便番号,住所1", ["「姓」", "列 B", "列 D"]),
    ("顧客ID,氏名,名前,郵便番号,住所1", ["「氏名」", "「名前」", "列 B", "列 C"]),
    ("顧客ID,姓,郵便番号,〒,住所1", ["「郵便番号」", "「〒」"]),
    ("顧客ID,姓,住所1,誕生日,生年月日", ["「誕生日」", "「生年月日」"]),
    ("顧客ID,姓,住所1,送付停止,DM不要", ["「送付停止」", "「DM不要」"]),
    ("顧客ID,姓,都道府県,市区町村,都道府県", ["「都道府県」", "列 C", "列 E"]),
    ("顧客ID,姓,住所1,連名1,連名 1", ["連名", "列 D", "列 E"]),
])
def test_repeated_or_ambiguous_headers_are_refused_naming_both_columns(tmp_path, header, named):
    path = write(tmp_path, "c.csv", header + "\nC1,山田,太郎,x,y\n")
    with pytest.raises(InputError) as caught:
        read_customers(path)
    assert str(path) in str(caught.value)
    for text in named:
        assert text in str(caught.value)


def test_multi_column_fields_still_join(tmp_path):
    text = ("顧客ID,姓,名,セイ,メイ,郵便番号,都道府県,市区町村,番地,建物名,連名1,連名2\n"
            "C1,山田,太郎,ヤマダ,タロウ,160-0023,東京都,新宿区,西新宿2-8-1,タワー101,花子,一郎\n")
    [customer] = read_customers(write(tmp_path, "c.csv", text)).customers
    assert (customer.kana, customer.address1, customer.address2, customer.joint_names) == (
        "ヤマダ タロウ", "東京都新宿区西新宿2-8-1", "タワー101", ("花子", "一郎"))


def test_a_sales_list_with_two_date_or_two_id_columns_is_refused(tmp_path):
    for header in ("顧客ID,日付,購入日", "顧客ID,customer_id,日付", "顧客ID,日付,日付"):
        path = write(tmp_path, "s.csv", header + "\nC1,2026-01-01,2026-01-02\n")
        with pytest.raises(InputError, match="どちら|2 回"):
            read_sales(path, {"C1"})


# --- 4. lists with no rows ------------------------------------------------------------------

def test_a_header_without_rows_is_an_error_not_an_empty_list(tmp_path):
    path = write(tmp_path, "c.csv", HEADER + ",,,,,\n\n")
    with pytest.raises(InputError, match="顧客が 1 人もいません"):
        read_customers(path)
    sales = write(tmp_path, "s.csv", "顧客ID,日付,商品\n")
    with pytest.raises(InputError, match="売上が 1 件もありません"):
        read_sales(sales, {"C1"})


def test_check_also_refuses_an_empty_list(tmp_path):
    from mailmerge.runs.check import check_files
    from mailmerge.shop.settings import Settings

    with pytest.raises(InputError, match="顧客が 1 人もいません"):
        check_files(write(tmp_path, "c.csv", HEADER), Settings())


# --- 5. postal codes ------------------------------------------------------------------------

def test_only_a_bare_six_digit_number_gets_its_leading_zero_back(tmp_path):
    text = HEADER + "".join([
        "C1,山田,一,600001,北海道札幌市中央区北一条西2丁目,\n",       # rescued
        "C2,山田,二,123-456,東京都新宿区西新宿2-8-1,\n",               # hyphenated: refused
        "C3,山田,三,〒160-0023,東京都新宿区西新宿2-8-1,\n",            # 〒 is fine
        "C4,山田,四,〒 １６０００２３,東京都新宿区西新宿2-8-1,\n",
        "C5,山田,五,〒600001,北海道札幌市中央区北一条西2丁目,\n",      # not bare: refused
        "C6,山田,六,160〒0023,東京都新宿区西新宿2-8-1,\n",             # 〒 inside: refused
    ])
    result = read_customers(write(tmp_path, "c.csv", text))
    assert [(p.customer_id, p.code, p.severity) for p in result.problems] == [
        ("C1", "postal-format", "warning"), ("C2", "postal-format", "error"),
        ("C5", "postal-format", "error"), ("C6", "postal-format", "error")]
    assert [(c.customer_id, c.postal_code) for c in result.customers] == [
        ("C1", "0600001"), ("C3", "1600023"), ("C4", "1600023")]


# --- 6. every problem names its file --------------------------------------------------------

def test_every_problem_names_its_file(tmp_path):
    text = HEADER + ",,,160-0023,,\n" + "C2,山田,二,530-0001,東京都新宿区西新宿2-8-1,\n" \
        + "C2,山田,三,1234,東京都新宿区西新宿2-8-1,\n"
    path = write(tmp_path, "c.csv", text)
    customers = read_customers(path)
    assert {p.code for p in customers.problems} >= {
        "generated-id", "missing-name", "missing-address", "postal-mismatch", "duplicate"}
    assert {p.file for p in customers.problems} == {str(path)}
    sales_path = write(tmp_path, "s.csv", "顧客ID,日付,金額\nC9,2026-01-01,1\nC2,いつか,1\n"
                                          "C2,2026-01-02,nan\n")
    sales = read_sales(sales_path, customers.ids)
    assert [p.code for p in sales.problems] == ["unknown-customer", "bad-date", "bad-amount"]
    assert {p.file for p in sales.problems} == {str(sales_path)}


# --- 7. amounts -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "amount"), [
    ("3,300", 3300.0), ("¥1,000円", 1000.0), ("１２００", 1200.0), ("12.5", 12.5),
    ("-500", -500.0), ("△500", -500.0), ("-0", 0.0), ("1000000000000", 1e12),
    ("nan", None), ("NaN", None), ("inf", None), ("-inf", None), ("Infinity", None),
    ("1e400", None), ("1e3", None), ("1" + "0" * 400, None), ("1000000000001", None),
    ("-1000000000001", None), ("1_000", None), ("٣٠٠", None), ("abc", None), ("", None),
])
def test_amounts_are_finite_plain_numbers_and_refunds_stay_negative(text, amount):
    assert parse_amount(text) == amount


def test_a_bad_amount_is_a_warning_and_the_sale_counts_without_it(tmp_path):
    path = write(tmp_path, "s.csv", "顧客ID,日付,金額\nC1,2026-01-01,inf\nC1,2026-01-02,-300\n")
    sales = read_sales(path, {"C1"})
    assert [(s.row, s.amount) for s in sales.sales] == [(2, None), (3, -300.0)]
    assert [(p.row, p.code, p.severity) for p in sales.problems] == [(2, "bad-amount", "warning")]


# --- 8. workbooks ---------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, sheet_data: str, shared: list[str] | None = None,
               dimension: str = "A1", styles: str | None = None) -> Path:
    """A minimal workbook: one sheet with the given <sheetData> content."""
    rels = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>']
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="顧客" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        if shared is not None:
            rels.append(f'<Relationship Id="rId2" Type="{REL}/sharedStrings" '
                        'Target="sharedStrings.xml"/>')
            items = "".join(f"<si><t>{text}</t></si>" for text in shared)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
        if styles is not None:
            rels.append(f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>')
            archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels) + "</Relationships>"))
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"))
    return path


def inline_row(number: int, values: list[str], first_column: int = 1) -> str:
    cells = "".join(
        f'<c r="{xlsx.column_letter(first_column + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values) if v)
    return f'<row r="{number}">{cells}</row>'


HEADERS = ["顧客ID", "姓", "名", "郵便番号", "住所1"]
CUSTOMER = ["C1", "山田", "太郎", "160-0023", "東京都新宿区西新宿2-8-1"]


def test_a_sparse_workbook_claiming_the_whole_sheet_reads_in_a_blink(tmp_path):
    path = write_xlsx(tmp_path / "sparse.xlsx",
                      inline_row(1, HEADERS) + inline_row(1048576, CUSTOMER),
                      dimension="A1:XFD1048576")
    assert path.stat().st_size < 2048
    started = time.perf_counter()
    result = read_customers(path)
    assert time.perf_counter() - started < 1.0
    assert [(c.row, c.customer_id) for c in result.customers] == [(1048576, "C1")]


def test_a_value_past_the_column_limit_is_refused_but_empty_cells_are_not(tmp_path):
    empty_cells = "".join(f'<c r="{xlsx.column_letter(n)}2" s="1"/>' for n in range(6, 16385))
    wide = inline_row(1, HEADERS) + inline_row(2, CUSTOMER)[:-6] + empty_cells + "</row>"
    [customer] = read_customers(write_xlsx(tmp_path / "wide.xlsx", wide)).customers
    assert customer.customer_id == "C1"
    too_wide = inline_row(1, HEADERS) + inline_row(2, CUSTOMER) + inline_row(3, ["x"], 201)
    with pytest.raises(InputError, match="3 行目の GS 列（201 列目）"):
        read_customers(write_xlsx(tmp_path / "too_wide.xlsx", too_wide))


def test_the_row_and_shared_string_limits_stop_early(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 10)
    path = write_xlsx(tmp_path / "strings.xlsx", inline_row(1, HEADERS),
                      shared=[f"s{n}" for n in range(11)])
    with pytest.raises(InputError, match="10 種類を超える文字列"):
        read_customers(path)
    from mailmerge.sources import tables

    monkeypatch.setattr(tables, "MAX_DATA_ROWS", 3)
    rows = inline_row(1, HEADERS) + "".join(
        inline_row(n, [f"C{n}", "山田", f"太{n}", "160-0023", "東京都新宿区西新宿2-8-1"])
        for n in range(2, 7))
    with pytest.raises(InputError, match="5 行目までに 3 行を超えました"):
        read_customers(write_xlsx(tmp_path / "rows.xlsx", rows))


def test_shared_strings_dates_and_formula_cells(tmp_path):
    shared = ["顧客ID", "姓", "名", "郵便番号", "住所1", "誕生日", "<r><t>山</t></r>"]
    sheet = (
        '<row r="1">' + "".join(f'<c r="{xlsx.column_letter(n + 1)}1" t="s"><v>{n}</v></c>'
                                for n in range(6)) + "</row>"
        '<row r="2"><c r="A2"><v>101</v></c><c r="B2" t="s"><v>1</v></c>'
        '<c r="C2" t="str"><f>"太"&amp;"郎"</f><v>太郎</v></c><c r="D2"><v>600001</v></c>'
        '<c r="E2" t="inlineStr"><is><t>北海道札幌市中央区北一条西2丁目</t></is></c>'
        '<c r="F2" s="1"><v>29312</v></c></row>'
        '<row r="3"><c r="A3"><v>102</v></c><c r="B3" t="e"><f>VLOOKUP(1,X,2)</f><v>#N/A</v></c>'
        '<c r="E3" t="inlineStr"><is><t>東京都新宿区西新宿2-8-1</t></is></c></row>'
        '<row r="4"><c r="A4"><v>103</v></c><c r="B4"><f>A1</f></c>'
        '<c r="E4" t="inlineStr"><is><t>東京都新宿区西新宿2-8-1</t></is></c></row>')
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    shared[6] = "山"
    result = read_customers(write_xlsx(tmp_path / "f.xlsx", sheet, shared, styles=styles))
    [customer] = result.customers
    assert (customer.customer_id, customer.family_name, customer.given_name,
            customer.postal_code, customer.birthday) == (
        "101", "姓", "太郎", "0600001", dt.date(1980, 4, 1))
    refused = [(p.row, p.column, p.code) for p in result.problems if "formula" in p.code]
    assert refused == [(3, "姓", "formula-error"), (4, "姓", "formula-not-computed")]
    assert "#N/A" in result.problems[1].message


def test_old_excel_and_password_protected_workbooks_say_what_to_do(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    old = tmp_path / "old.xls"
    old.write_bytes(ole + b"Workbook".decode().encode("utf-16-le"))
    with pytest.raises(InputError, match=r"古い Excel 形式（\.xls）.*\.xlsx.*CSV"):
        read_customers(old)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(ole + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(InputError, match="パスワード付き.*パスワードを外し"):
        read_customers(locked)


def test_damaged_workbook_parts_are_one_clear_error(tmp_path):
    for sheet in ('<row r="1"><c r="A1" t="s"><v>7</v></c></row>',   # no such text
                  '<row r="0"><c r="A1"><v>1</v></c></row>',            # no row 0
                  '<row r="1"><c r="1A"><v>1</v></c></row>',            # not a cell reference
                  '<row r="1"><c r="A1"><v>1</v></row>'):               # not XML
        with pytest.raises(InputError, match="Excel のブックとして読めません"):
            read_customers(write_xlsx(tmp_path / "d.xlsx", sheet, shared=[]))


# --- 9. garbage -----------------------------------------------------------------------------

def test_a_huge_cell_a_nul_byte_and_mixed_encodings_are_input_errors(tmp_path):
    huge = write(tmp_path, "huge.csv", HEADER + "C1,山田," + "x" * 10_000_000 + ",160-0023,a,\n")
    with pytest.raises(InputError, match="2 行目.*セルが長すぎます"):
        read_customers(huge)
    with pytest.raises(InputError, match="テキスト（CSV）のファイルではありません"):
        read_customers(write(tmp_path, "nul.csv", HEADER + "C1,山\x00田,太郎,1,2,\n"))
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(HEADER.encode() + "C1,山田,太郎,1,東京都,\n".encode("cp932")
                      + "C2,髙橋,一,1,東京都,\n".encode())
    with pytest.raises(InputError, match="テキストの 2 行目が UTF-8 として読めません"):
        read_customers(mixed)  # the one Shift_JIS row of a UTF-8 file is named
    sjis = write(tmp_path, "sjis.csv", HEADER + rows_text(1), "cp932")
    assert read_customers(sjis).customers[0].family_name == "佐藤"  # a whole Shift_JIS file


def test_too_many_columns_in_a_csv_is_refused_with_its_row(tmp_path):
    text = HEADER + "C1,山田,太郎,160-0023,東京都新宿区西新宿2-8-1," + "," * 300 + "x\n"
    with pytest.raises(InputError, match="2 行目の .* 列（306 列目）"):
        read_customers(write(tmp_path, "c.csv", text))


def test_formulas_in_a_csv_are_text_and_the_row_still_counts(tmp_path):
    text = HEADER + "C1,=HYPERLINK(\"x\"),太郎,160-0023,東京都新宿区西新宿2-8-1,\n"
    result = read_customers(write(tmp_path, "c.csv", text))
    assert [c.family_name for c in result.customers] == ['=HYPERLINK("x")']


def test_cells_without_references_take_the_next_column(tmp_path):
    row = ('<row r="2"><c t="inlineStr"><is><t>C1</t></is></c><c r="B2" t="inlineStr"><is><t>山田'
           '</t></is></c><c/><c t="inlineStr"><is><t>160-0023</t></is></c><c t="inlineStr"><is>'
           "<t>東京都新宿区西新宿2-8-1</t></is></c></row>")
    result = read_customers(write_xlsx(tmp_path / "r.xlsx", inline_row(1, HEADERS) + row))
    [customer] = result.customers
    assert (customer.customer_id, customer.family_name, customer.postal_code) == (
        "C1", "山田", "1600023")


def test_rows_cells_and_prologues_past_excels_own_size_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "_CHUNK", 1024)
    too_many = '<row r="2">' + "<c/>" * 16_385 + "</row>"
    with pytest.raises(InputError, match="Excel のブックとして読めません.*2 行目"):
        read_customers(write_xlsx(tmp_path / "cells.xlsx", inline_row(1, HEADERS) + too_many))
    runs = '<row r="2"><c r="A2" t="inlineStr"><is>' + "<r><t>x</t></r>" * 1_001 + "</is></c></row>"
    with pytest.raises(InputError, match="Excel のブックとして読めません.*2 行目"):
        read_customers(write_xlsx(tmp_path / "runs.xlsx", inline_row(1, HEADERS) + runs))
    monkeypatch.setattr(xlsx, "_MAX_BEFORE_DATA", 4096)
    path = write_xlsx(tmp_path / "prologue.xlsx", inline_row(1, HEADERS),
                      dimension='A1"/><cols>' + '<col min="1" max="1"/>' * 1000 + '</cols><x y="')
    with pytest.raises(InputError, match="データがありません"):
        read_customers(path)


def test_a_line_break_in_a_sold_item_drops_that_sale_with_a_reason(tmp_path):
    path = write(tmp_path, "s.csv", '顧客ID,日付,商品\nC1,2026-01-01,"湯呑み\n急須"\nC1,2026-01-02,箸\n')
    sales = read_sales(path, {"C1"})
    assert [s.item for s in sales.sales] == ["箸"]
    assert [(p.row, p.column, p.code, p.severity) for p in sales.problems] == [
        (2, "商品", "newline-in-field", "error")]
