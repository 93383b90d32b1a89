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
from pathlib import Path
from typing import NamedTuple

from msgspec import Struct

from mailmerge.errors import InputError
from mailmerge.i18n import _
from mailmerge.sources.xlsx import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    Flaw,
    cell_too_long,
    read_sheet,
    too_many_columns,
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


class Table(Struct):
    """A header row and an iterator over its data rows."""

    path: Path
    headers: list[str]
    rows: Iterator[TableRow]
    encoding: str  # what was read: utf-8, utf-16, cp932 or xlsx


def open_table(path: Path, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Open a customer or sales file; raise InputError if it is not a readable table."""
    if not path.exists():
        raise InputError(_("ファイルがありません: {file}", file=path))
    if path.is_dir():
        raise InputError(_("{file} はフォルダです。ファイルを指定してください", file=path))
    if not path.is_file():  # /dev/zero never ends, a named pipe waits for a writer
        raise InputError(_("{file} は普通のファイルではありません（装置や名前付きパイプは"
                           "読めません）。CSV か .xlsx のファイルを指定してください", file=path))
    try:
        with path.open("rb") as stream:
            start = stream.read(8)
    except OSError as exc:
        raise InputError(_("{file} を読めません（{reason}）", file=path,
                           reason=exc.strerror)) from None
    if start.startswith(_OLE2):
        raise InputError(_old_or_locked_excel(path))
    if start.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError(_("{file}: Excel のブックとして読めません（.xlsx の zip ファイルでは"
                           "ありません）。Excel で開き、.xlsx として保存し直してください",
                           file=path))
    if sheet is not None:
        raise InputError(_("--sheet は .xlsx のファイルにだけ使えます（{name} には使えません）",
                           name=path.name))
    return _open_text(path, encoding)


def _old_or_locked_excel(path: Path) -> str:
    """The message for an OLE2 file: a password-protected workbook or an old .xls."""
    with path.open("rb") as stream:
        head = stream.read(MAX_TEXT_BYTES)
    if _ENCRYPTED in head:
        return _("{file}: パスワード付きの Excel ファイルは読めません。Excel で開いてパスワードを"
                 "外し（ファイル → 情報 → ブックの保護）、.xlsx か CSV（UTF-8）で保存し直して"
                 "ください", file=path)
    return _("{file}: 古い Excel 形式（.xls）のファイルは読めません。Excel で開き、「名前を付けて"
             "保存」で Excel ブック（.xlsx）か CSV UTF-8 を選んで保存し直してください", file=path)


def _open_text(path: Path, forced: str | None) -> Table:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(_("{file}: ファイルが大きすぎます（{size:,} バイト。上限 "
                           "{limit:,}）。ファイルを分けてください", file=path, size=size,
                           limit=MAX_TEXT_BYTES))
    data = path.read_bytes()
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:4096] and not utf16 and not forced:
        raise InputError(_not_text(path))
    text, encoding = _decode(path, data, forced)
    del data
    if "\x00" in text:
        raise InputError(_not_text(path))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = _counted(path, _text_rows(path, reader, delimiter))
    header = next(rows, None)
    if header is None:
        raise InputError(_("{file}: ファイルが空です。1 行目に見出しの行を入れてください",
                           file=path))
    return Table(path, [h.strip() for h in header.cells], rows, encoding)


def _not_text(path: Path) -> str:
    return _("{file}: テキスト（CSV）のファイルではありません。CSV か .xlsx を指定してください",
             file=path)


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
        if not "".join(cells).strip():
            continue
        _check_limits(path, number, cells)
        if width and reader.line_num > first_line:  # (only a record of several lines can)
            _check_swallowed_rows(path, number, reader.line_num, cells, delimiter, width)
        width = width or len(cells)
        yield TableRow(number, cells)


def _csv_failure(path: Path, row: int, line: int, delimiter: str, exc: csv.Error) -> str:
    reason = str(exc)
    where = {"file": path, "row": row, "line": line}
    if "unexpected end of data" in reason:
        return _("{file}: {row} 行目（テキストの {line} 行目）で始まる引用符（\"）が最後まで"
                 "閉じていません。このままでは後の行がすべて 1 つのセルになるため、読み込みを"
                 "止めました。引用符を消すか閉じてください", **where)
    if "expected after" in reason:
        shown = _("タブ") if delimiter == "\t" else _("「,」")
        return _("{file}: {row} 行目（テキストの {line} 行目）: 引用符（\"）で囲んだセルの後に"
                 "{separator}以外の文字があります。引用符の位置を直してください",
                 separator=shown, **where)
    if "field larger than field limit" in reason:
        return _("{file}: {row} 行目（テキストの {line} 行目）: セルが長すぎます（{limit:,} 文字を"
                 "超えています）。閉じていない引用符（\"）がないか確かめてください",
                 limit=csv.field_size_limit(), **where)
    return _("{file}: {row} 行目（テキストの {line} 行目）を CSV として読めません（{reason}）",
             reason=reason, **where)


def _check_swallowed_rows(path: Path, row: int, last_line: int, cells: list[str],
                          delimiter: str, width: int) -> None:
    """A quoted cell holding whole rows (a stray quote closed by another one much later)."""
    for cell in cells:
        inner_lines = cell.splitlines()[1:]
        if any(line.count(delimiter) >= max(1, width - 1) for line in inner_lines):
            raise InputError(_(
                "{file}: {row} 行目で始まる引用符（\"）がテキストの {line} 行目まで閉じて"
                "おらず、その間の行が 1 つのセルになっています。引用符を直してください",
                file=path, row=row, line=last_line))


def _check_limits(path: Path, row: int, cells: list[str]) -> None:
    """At most MAX_COLUMNS columns and MAX_CELL_CHARS characters in a cell."""
    if len(cells) > MAX_COLUMNS:
        column = len(cells)
        raise InputError(too_many_columns(path, row, column))
    if max(map(len, cells), default=0) <= MAX_CELL_CHARS:
        return
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            raise InputError(cell_too_long(path, row, index + 1, len(cell)))


def _too_many_rows(path: Path, row: int) -> str:
    return _("{file}: {row} 行目までに {limit:,} 行を超えました。hagaki が一度に読めるのは"
             "この行数までです。ファイルを分けてください", file=path, row=row, limit=MAX_DATA_ROWS)


def _decode(path: Path, data: bytes, forced: str | None) -> tuple[str, str]:
    if forced:
        try:
            return data.decode(forced), forced
        except LookupError:  # an unknown codec, or one that is not text (rot13, hex …)
            raise InputError(_("文字コード {encoding!r} はありません（utf-8 か cp932 を"
                               "指定してください）", encoding=forced)) from None
        except UnicodeDecodeError as exc:
            raise InputError(_("{file}: {encoding} のテキストとして読めません（{byte} バイト目）",
                               file=path, encoding=forced, byte=exc.start)) from None
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = TEXT_ENCODINGS
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate.removesuffix("-sig")
        except UnicodeDecodeError as exc:
            if candidate.startswith("utf-8") and not data[:exc.start].isascii():
                # UTF-8 text up to here: a row saved in another encoding, not a Shift_JIS file
                raise InputError(_("{file}: テキストの {line} 行目が UTF-8 として読めません"
                                   "（Shift_JIS などの行が混ざっています）。その行を打ち直すか、"
                                   "ファイル全体を Excel で「CSV UTF-8」として保存し直して"
                                   "ください", file=path,
                                   line=data.count(b"\n", 0, exc.start) + 1)) from None
    raise InputError(_("{file}: UTF-8 でも Shift_JIS でも読めません。Excel で「CSV UTF-8」として"
                       "保存し直すか、--encoding で文字コードを指定してください", file=path))


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    title, sheet_rows = read_sheet(path, sheet)
    rows = _counted(path, (TableRow(row.number, _cells(row.values), row.flaws)
                           for row in sheet_rows))
    header = next(rows, None)
    if header is None:
        raise InputError(_("{file}: シート {title!r} が空です", file=path, title=title))
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
