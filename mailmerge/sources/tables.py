"""Opening a spreadsheet-like file: CSV, TSV or XLSX, as a header row and data rows.

In: a path, optionally a forced encoding (CSV/TSV) or a sheet name (XLSX). Out: a Table whose
rows are TableRows: the row number as the user sees it, the cells as text, and the cells whose
value cannot be used (an Excel formula error). Encodings: UTF-8 with or without BOM, UTF-16
with BOM (Excel's "Unicode text"), Shift_JIS/CP932 (Excel's CSV in Japan). XLSX is streamed
by its real cells (mailmerge.sources.xlsx). Every file is read within the same limits
(columns, rows, characters in a cell), and a file that breaks one, or that cannot be trusted
(a quote that never closes swallows every later row), is an InputError naming the file and row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from mailmerge.errors import InputError
from mailmerge.sources.xlsx import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    Flaw,
    column_letter,
    read_sheet,
)

MAX_TEXT_BYTES = 128 * 1024 * 1024  # a CSV of 200,000 customers is far smaller
TEXT_ENCODINGS = ("utf-8", "cp932")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected workbook
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


class TableRow(NamedTuple):
    """One row: its number as the user sees it, its cells, and the unusable ones."""

    number: int
    cells: list[str]
    flaws: tuple[Flaw, ...] = ()  # Flaw.index is the cell's index in `cells`


@dataclass
class Table:
    """A header row and an iterator over its data rows."""

    path: Path
    headers: list[str]
    rows: Iterator[TableRow]
    encoding: str  # what was read: utf-8, utf-16, cp932 or xlsx


def open_table(path: Path, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Open a customer or sales file; raise InputError if it is not a readable table."""
    if not path.exists():
        raise InputError(f"ファイルがありません: {path}")
    if path.is_dir():
        raise InputError(f"{path} はフォルダです。ファイルを指定してください")
    try:
        with path.open("rb") as stream:
            start = stream.read(8)
    except OSError as exc:
        raise InputError(f"{path} を読めません（{exc.strerror}）") from None
    if start.startswith(_OLE2):
        raise InputError(_old_or_locked_excel(path))
    if start.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: not a valid Excel workbook (it is not a .xlsx zip file)")
    if sheet is not None:
        raise InputError(f"--sheet only applies to .xlsx files, not {path.name}")
    return _open_text(path, encoding)


def _old_or_locked_excel(path: Path) -> str:
    """The message for an OLE2 file: a password-protected workbook or an old .xls."""
    with path.open("rb") as stream:
        head = stream.read(MAX_TEXT_BYTES)
    if _ENCRYPTED in head:
        return (f"{path}: パスワード付きの Excel ファイルは読めません。Excel で開いてパスワードを"
                "外し（ファイル → 情報 → ブックの保護）、.xlsx か CSV（UTF-8）で保存し直して"
                "ください")
    return (f"{path}: 古い Excel 形式（.xls）のファイルは読めません。Excel で開き、「名前を付けて"
            "保存」で Excel ブック（.xlsx）か CSV UTF-8 を選んで保存し直してください")


def _open_text(path: Path, forced: str | None) -> Table:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(f"{path}: ファイルが大きすぎます（{size:,} バイト。上限 "
                         f"{MAX_TEXT_BYTES:,}）。ファイルを分けてください")
    data = path.read_bytes()
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:4096] and not utf16 and not forced:
        raise InputError(f"{path}: this is not a text (CSV) file")
    text, encoding = _decode(path, data, forced)
    del data
    if "\x00" in text:
        raise InputError(f"{path}: this is not a text (CSV) file")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = _counted(path, _text_rows(path, reader, delimiter))
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path}: the file is empty; expected a header row")
    return Table(path, [h.strip() for h in header.cells], rows, encoding)


def _text_rows(path: Path, reader, delimiter: str) -> Iterator[TableRow]:
    """The non-blank records of a CSV, the first being the header, within the limits."""
    number = 0
    width = 0
    while True:
        number += 1
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(_csv_failure(path, number, first_line, delimiter, exc)) from None
        while cells and not cells[-1]:
            cells.pop()
        if not any(cell.strip() for cell in cells):
            continue
        _check_limits(path, number, cells)
        if width:
            _check_swallowed_rows(path, number, reader.line_num, cells, delimiter, width)
        width = width or len(cells)
        yield TableRow(number, cells)


def _csv_failure(path: Path, row: int, line: int, delimiter: str, exc: csv.Error) -> str:
    reason = str(exc)
    where = f"{path}: {row} 行目（テキストの {line} 行目）"
    if "unexpected end of data" in reason:
        return (f"{where}で始まる引用符（\"）が最後まで閉じていません。このままでは後の行が"
                "すべて 1 つのセルになるため、読み込みを止めました。引用符を消すか閉じてください")
    if "expected after" in reason:
        shown = "タブ" if delimiter == "\t" else "「,」"
        return (f"{where}: 引用符（\"）で囲んだセルの後に{shown}以外の文字があります。"
                "引用符の位置を直してください")
    if "field larger than field limit" in reason:
        return (f"{where}: セルが長すぎます（{csv.field_size_limit():,} 文字を超えています）。"
                "閉じていない引用符（\"）がないか確かめてください")
    return f"{where}を CSV として読めません（{reason}）"


def _check_swallowed_rows(path: Path, row: int, last_line: int, cells: list[str],
                          delimiter: str, width: int) -> None:
    """A quoted cell holding whole rows (a stray quote closed by another one much later)."""
    for cell in cells:
        inner_lines = cell.splitlines()[1:]
        if any(line.count(delimiter) >= max(1, width - 1) for line in inner_lines):
            raise InputError(
                f"{path}: {row} 行目で始まる引用符（\"）がテキストの {last_line} 行目まで閉じて"
                "おらず、その間の行が 1 つのセルになっています。引用符を直してください")


def _check_limits(path: Path, row: int, cells: list[str]) -> None:
    """At most MAX_COLUMNS columns and MAX_CELL_CHARS characters in a cell."""
    if len(cells) > MAX_COLUMNS:
        column = len(cells)
        raise InputError(
            f"{path}: {row} 行目の {column_letter(column)} 列（{column} 列目）に値があります。"
            f"hagaki が読めるのは {MAX_COLUMNS} 列（{column_letter(MAX_COLUMNS)} 列）までです。"
            "不要な列を消してください")
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            raise InputError(
                f"{path}: {row} 行目の {column_letter(index + 1)} 列が長すぎます（{len(cell):,} "
                f"文字。1 つのセルは {MAX_CELL_CHARS:,} 文字まで）")


def _too_many_rows(path: Path, row: int) -> str:
    return (f"{path}: {row} 行目までに {MAX_DATA_ROWS:,} 行を超えました。hagaki が一度に読める"
            "のはこの行数までです。ファイルを分けてください")


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
    title, sheet_rows = read_sheet(path, sheet)
    rows = _counted(path, (TableRow(row.number, _cells(row.values), row.flaws)
                           for row in sheet_rows))
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path}: the sheet {title!r} is empty")
    return Table(path, [h.strip() for h in header.cells], rows, "xlsx")


def _counted(path: Path, rows: Iterator[TableRow]) -> Iterator[TableRow]:
    """The rows, stopping with an InputError past MAX_DATA_ROWS data rows."""
    for count, row in enumerate(rows):
        if count > MAX_DATA_ROWS:
            raise InputError(_too_many_rows(path, row.number))
        yield row


def _cells(values: dict[int, str]) -> list[str]:
    """{0: 'a', 2: 'c'} → ['a', '', 'c']."""
    cells = [""] * (max(values) + 1 if values else 0)
    for index, text in values.items():
        cells[index] = text
    return cells
