"""Opening a spreadsheet-like file: CSV, TSV or XLSX, as a header row and data rows.

In: a path, optionally a forced encoding (CSV/TSV) or a sheet name (XLSX). Out: a Table whose
rows are (row number as the user sees it, cells as text). Encodings: UTF-8 with or without
BOM, UTF-16 with BOM (Excel's "Unicode text"), Shift_JIS/CP932 (Excel's CSV in Japan).
XLSX is read with openpyxl in read-only mode, its XML parsed by defusedxml, and a file whose
contents would unpack to an absurd size is refused before it is opened.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mailmerge.errors import InputError

MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # bytes; a customer list is far smaller
TEXT_ENCODINGS = ("utf-8", "cp932")


@dataclass
class Table:
    """A header row and an iterator over (row number, cells)."""

    path: Path
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str  # what was read: utf-8, utf-16, cp932 or xlsx


def open_table(path: Path, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Open a customer or sales file; raise InputError if it is not a readable table."""
    if not path.exists():
        raise InputError(f"file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    try:
        with path.open("rb") as stream:
            start = stream.read(8)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if start.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: not a valid Excel workbook (it is not a .xlsx zip file)")
    if sheet is not None:
        raise InputError(f"--sheet only applies to .xlsx files, not {path.name}")
    return _open_text(path, encoding)


def _open_text(path: Path, forced: str | None) -> Table:
    data = path.read_bytes()
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:4096] and not utf16 and not forced:
        raise InputError(f"{path}: this is not a text (CSV) file")
    text, encoding = _decode(path, data, forced)
    if "\x00" in text:
        raise InputError(f"{path}: this is not a text (CSV) file")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file: {exc}") from None
    if headers is None:
        raise InputError(f"{path}: the file is empty; expected a header row")
    return Table(path, [h.strip() for h in headers], _text_rows(path, reader), encoding)


def _text_rows(path: Path, reader) -> Iterator[tuple[int, list[str]]]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path} row {number}: not readable as CSV: {exc}") from None
        yield number, cells


def _decode(path: Path, data: bytes, forced: str | None) -> tuple[str, str]:
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise InputError(f"unknown encoding {forced!r} (try utf-8 or cp932)") from None
        try:
            return data.decode(forced), forced
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not {forced} text (byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = TEXT_ENCODINGS
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{path}: neither UTF-8 nor Shift_JIS text; save it from Excel as 'CSV UTF-8' "
        "or pass --encoding"
    )


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    import zipfile

    import openpyxl  # only XLSX needs these

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: not a valid Excel workbook ({exc})") from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise InputError(f"{path}: the workbook would unpack to {unpacked:,} bytes; refused")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise InputError(f"{path}: not a valid Excel workbook ({exc.__class__.__name__})") from None
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise InputError(f"{path}: no sheet named {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    worksheet = book[sheet] if sheet is not None else book.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    try:
        first = next(rows, None)
    except Exception as exc:
        book.close()
        raise InputError(f"{path}: cannot read the sheet ({exc.__class__.__name__})") from None
    if first is None:
        book.close()
        raise InputError(f"{path}: the sheet {worksheet.title!r} is empty")
    headers = [cell_text(value) for value in first]
    return Table(path, headers, _xlsx_rows(path, book, rows), "xlsx")


def _xlsx_rows(path: Path, book, rows) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, values in enumerate(rows, start=2):
            yield number, [cell_text(value) for value in values]
    except Exception as exc:
        raise InputError(f"{path}: the workbook is damaged ({exc.__class__.__name__})") from None
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text the user sees: 1000001.0 → '1000001', dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
