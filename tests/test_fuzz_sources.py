"""Random bytes, random cells and damaged workbooks never crash the readers, and every row is
accounted for."""

from __future__ import annotations

import csv
import io
import math
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmerge.errors import InputError
from mailmerge.sources.sales import read_sales
from mailmerge.sources.sourceset import read_customers

HEADERS = ["顧客ID", "姓", "名", "敬称", "郵便番号", "住所1", "住所2", "連名", "誕生日", "送付停止"]
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12)


def read_bytes(data: bytes, suffix: str = ".csv"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return read_customers(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_give_a_list_or_one_clear_error(data, suffix):
    try:
        result = read_bytes(data, suffix)
    except InputError as error:
        assert str(error)
        return
    assert result.total_rows >= len(result.customers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=0, max_size=len(HEADERS) + 2), max_size=15),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_random_cells_every_row_printed_or_refused_with_a_reason(rows, encoding):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    data_rows = [r for r in csv.reader(io.StringIO(text.getvalue()))][1:]
    non_blank = sum(1 for r in data_rows if any(c.strip() for c in r))
    try:
        result = read_bytes(text.getvalue().encode(encoding))
    except InputError as error:
        # Only a list with no customer, or a cell holding whole rows (the sign of a stray
        # quote), is refused as a whole.
        swallowed = any(line.count(",") >= len(HEADERS) - 1
                        for r in rows for c in r for line in c.splitlines()[1:])
        assert non_blank == 0 or swallowed, str(error)
        return
    refused = {p.row for p in result.problems if p.severity == "error"}
    printable = {c.row for c in result.customers}
    assert not refused & printable
    assert len(refused) + len(printable) == result.total_rows
    assert result.total_rows == non_blank
    assert all(p.file for p in result.problems)
    assert not any(ch in c.address1 + c.family_name for c in result.customers for ch in "\r\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["C1", "\ufeffC1", "C1\u200b", "Ｃ１", "C2", ""]),
                          st.sampled_from(["2026-01-02", "昨日", ""]), cells), max_size=10))
def test_random_sales_are_used_or_reported_and_no_amount_is_infinite(rows):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["顧客ID", "日付", "金額"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sales.csv"
        path.write_text(text.getvalue(), encoding="utf-8")
        try:
            sales = read_sales(path, {"C1"})
        except InputError:
            assert not any(any(c.strip() for c in row) for row in rows)
            return
    assert all(s.amount is None or math.isfinite(s.amount) for s in sales.sales + sales.unknown)
    assert all(s.customer_id in ("C1", "C2", "") for s in sales.sales + sales.unknown)
    accounted = {s.row for s in sales.sales + sales.unknown} | {
        p.row for p in sales.problems if p.code in ("bad-date", "newline-in-field")}
    assert len(accounted) == sales.total_rows


SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<dimension ref="A1:XFD1048576"/><sheetData>'
         '<row r="1"><c r="A1" t="inlineStr"><is><t>姓</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>住所1</t></is></c></row>'
         '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>東京都</t></is>'
         '</c><c r="C2" s="1"><v>29312</v></c></row></sheetData></worksheet>')


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(SHEET) - 1), st.binary(min_size=1, max_size=8),
       st.booleans())
def test_a_damaged_sheet_gives_rows_or_one_clear_error(position, noise, replace):
    damaged = SHEET.encode()
    damaged = damaged[:position] + noise + damaged[position + (len(noise) if replace else 0):]
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{rels}"><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/s.xml"/>'
            f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main"><si><t>山田</t></si></sst>')
        archive.writestr("xl/worksheets/s.xml", damaged)
    try:
        result = read_bytes(buffer.getvalue(), ".xlsx")
    except InputError as error:
        assert str(error)
        return
    assert result.total_rows == len({p.row for p in result.problems if p.severity == "error"}
                                    | {c.row for c in result.customers})
