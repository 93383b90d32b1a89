"""Streaming one sheet of an .xlsx workbook by its real cells, within fixed limits.

In: the path of a zip workbook and optionally a sheet name. Out: the sheet's title and an
iterator of (row number, {column number: text}, flaws) for the rows that hold a value, in
file order. Nothing trusts the sheet's declared dimension: rows and cells are read one at a
time from the sheet XML (defusedxml) and dropped as soon as they are read, so a 2 KB file that
claims A1:XFD1048576 costs what its few cells cost. The sheet and the shared strings are read
with lxml's pull parser (entities never expanded, no DTD or network), the small parts with
defusedxml. The shared strings are the only part held in memory, and their size and count are
capped; a row holds at most Excel's 16,384 cells. A value past the column limit, too many
rows, an over-long cell or a damaged part is an InputError naming the file (and row).
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mailmerge.errors import InputError
from mailmerge.i18n import _

if TYPE_CHECKING:
    import zipfile

MAX_UNPACKED = 256 * 1024 * 1024  # bytes, all parts together
MAX_PART = 8 * 1024 * 1024  # bytes: workbook, relationships, styles
MAX_SHARED_PART = 32 * 1024 * 1024  # bytes: the shared strings
MAX_SHARED_STRINGS = 1_000_000
MAX_COLUMNS = 200  # a value past column GR is refused
MAX_DATA_ROWS = 200_000  # rows with a value, the header row not counted
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_CELLS = 8_000_000  # cell elements read, empty ones included
_MAX_PARTS_IN_CELL = 1_000  # XML elements inside one cell (rich-text runs)
_MAX_BEFORE_DATA = 16 * 1024 * 1024  # bytes of sheet XML before <sheetData> (views, columns)
_CHUNK = 64 * 1024
# The cells of a row that may hold a value (the others are empty, however many there are).
_EXCEL_LAST_COLUMN = 16_384
_EXCEL_LAST_ROW = 1_048_576
# Built-in number formats that show a date: 14–22 everywhere, 27–36 and 50–58 in Japanese
# (and other East Asian) Excel.
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class Flaw(NamedTuple):
    """A cell whose value cannot be used: formula-error (#N/A …) or formula-not-computed."""

    index: int  # 0-based column index
    code: str
    detail: str


class SheetRow(NamedTuple):
    number: int  # as Excel shows it
    values: dict[int, str]  # 0-based column index → text, non-empty values only
    flaws: tuple[Flaw, ...]


def column_letter(number: int) -> str:
    """1 → 'A', 28 → 'AB'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_many_columns(path: Path, row: int, column: int) -> str:
    """The message for a value past MAX_COLUMNS (column 1-based)."""
    return _("{file}: {row} 行目の {letter} 列（{column} 列目）に値があります。hagaki が読めるのは "
             "{limit} 列（{last} 列）までです。不要な列を消してください", file=path, row=row,
             letter=column_letter(column), column=column, limit=MAX_COLUMNS,
             last=column_letter(MAX_COLUMNS))


def cell_too_long(path: Path, row: int, column: int, length: int) -> str:
    """The message for a cell of more than MAX_CELL_CHARS characters (column 1-based)."""
    return _("{file}: {row} 行目の {letter} 列が長すぎます（{length:,} 文字。1 つのセルは "
             "{limit:,} 文字まで）", file=path, row=row, letter=column_letter(column),
             length=length, limit=MAX_CELL_CHARS)


@functools.cache
def _columns() -> dict[str, int]:
    """'AB' → 28 for every column Excel has (made when the first workbook is read)."""
    return {column_letter(n): n for n in range(1, _EXCEL_LAST_COLUMN + 1)}


def read_sheet(path: Path, sheet: str | None) -> tuple[str, Iterator[SheetRow]]:
    """Open the workbook, find the sheet; the rows come lazily (the zip stays open until the
    iterator is exhausted or closed)."""
    import zipfile  # (only a run that reads a workbook needs it)

    try:
        archive = zipfile.ZipFile(path)
        infos = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(_("{file}: Excel のブックとして読めません（{reason}）。Excel で開き、"
                           ".xlsx として保存し直してください", file=path, reason=exc)) from None
    try:
        unpacked = sum(info.file_size for info in infos.values())
        if unpacked > MAX_UNPACKED:
            raise InputError(_("{file}: 展開すると {unpacked:,} バイトになるブックです（上限 "
                               "{limit:,}）。必要な列と行だけを新しいブックに写してください",
                               file=path, unpacked=unpacked, limit=MAX_UNPACKED))
        book = _Book(path, archive, infos)
        title, sheet_path = book.sheet(sheet)
        rows = _SheetReader(book, sheet_path).rows()
    except BaseException:
        archive.close()
        raise
    return title, _closing(archive, rows)


def _closing(archive: zipfile.ZipFile, rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
    try:
        yield from rows
    finally:
        archive.close()


def _local(tag: str) -> str:
    """'{namespace}sheet' → 'sheet' (transitional and strict OOXML alike)."""
    return tag.rpartition("}")[2]


def _attribute(element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (r:id in either OOXML flavour)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


class _Book:
    """The workbook's small parts: sheet names and paths, date styles, shared strings."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]):
        self.path = path
        self.archive = archive
        self.infos = infos
        workbook_path = self._main_part()
        if workbook_path not in infos:
            raise InputError(_("{file}: Excel ブック（.xlsx）ではありません（ブックの部分が"
                               "ありません）。.ods や Numbers のファイルなら、.xlsx か "
                               "CSV（UTF-8）で保存し直してください", file=path))
        self.workbook_path = workbook_path
        workbook = self._xml(workbook_path)
        self.sheets = [(element.get("name") or "", _attribute(element, "id") or "")
                       for element in workbook.iter() if _local(element.tag) == "sheet"]
        # openpyxl's date rules, loaded only when a workbook is read (it is slow to import)
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        self.epoch = WINDOWS_EPOCH
        for element in workbook.iter():
            if _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = MAC_EPOCH
        self.targets = self._relationships(workbook_path)
        self.date_styles = self._date_styles()
        self.shared: list[str] = self._shared_strings()

    def sheet(self, name: str | None) -> tuple[str, str]:
        """(title, part path) of the named sheet, or of the first one."""
        if not self.sheets:
            raise InputError(_("{file}: ブックにシートがありません", file=self.path))
        if name is not None:
            matches = [entry for entry in self.sheets if entry[0] == name]
            if not matches:
                names = ", ".join(title for title, _ in self.sheets)
                raise InputError(_("{file}: シート {name!r} はありません（あるシート: {names}）",
                                   file=self.path, name=name, names=names))
            title, relation = matches[0]
        else:
            title, relation = self.sheets[0]
        part = self.targets.get(relation, ("", ""))[0]
        if part not in self.infos:
            raise InputError(_("{file}: Excel のブックとして読めません（シート {title!r} が"
                               "ありません）。Excel で開き、.xlsx として保存し直してください",
                               file=self.path, title=title))
        return title, part

    def damaged(self, where: str) -> InputError:
        """The error for a damaged workbook; `where`: the part or row, as shown to the user."""
        return InputError(_("{file}: Excel のブックとして読めません（{where}が壊れています）。"
                            "Excel で開き、.xlsx として保存し直してください",
                            file=self.path, where=where))

    def _main_part(self) -> str:
        if "_rels/.rels" in self.infos:
            for relation, kind in self._relationships("").values():
                if kind.endswith("/officeDocument"):
                    return relation
        return "xl/workbook.xml"

    def _xml(self, part: str):
        if self.infos[part].file_size > MAX_PART:
            raise InputError(_("{file}: ブックの部分 {part} が大きすぎるため読みません"
                               "（{size:,} バイト）", file=self.path, part=part,
                               size=self.infos[part].file_size))
        from defusedxml.ElementTree import fromstring  # (only a workbook needs the parsers)

        try:
            return fromstring(self.archive.read(part))
        except Exception:  # defusedxml, expat, zlib and CRC errors alike
            raise self.damaged(part) from None

    def _relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (part path in the zip, relationship type) for a part."""
        folder, name = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self.infos:
            return {}
        found = {}
        for element in self._xml(rels).iter():
            if _local(element.tag) != "Relationship":
                continue
            target = element.get("Target") or ""
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id") or ""] = (part, element.get("Type") or "")
        return found

    def _part_of_type(self, kind: str) -> str | None:
        for part, relation_type in self.targets.values():
            if relation_type.endswith("/" + kind) and part in self.infos:
                return part
        return None

    def _date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles that show a number as a date."""
        part = self._part_of_type("styles")
        if part is None:
            return frozenset()
        styles = self._xml(part)
        custom = {}
        style_formats: list[str] = []
        for element in styles.iter():
            tag = _local(element.tag)
            if tag == "numFmt":
                custom[element.get("numFmtId") or ""] = element.get("formatCode") or ""
            elif tag == "cellXfs":
                style_formats = [xf.get("numFmtId") or "0" for xf in element
                                 if _local(xf.tag) == "xf"]
        from openpyxl.styles.numbers import is_date_format

        dates = set()
        for index, format_id in enumerate(style_formats):
            if format_id in custom:
                is_date = is_date_format(custom[format_id])
            else:
                is_date = format_id.isdigit() and int(format_id) in _BUILTIN_DATE_FORMATS
            if is_date:
                dates.add(index)
        return frozenset(dates)

    def _shared_strings(self) -> list[str]:
        """Every shared string (phonetic guides left out), within the limits."""
        part = self._part_of_type("sharedStrings")
        if part is None:
            return []
        if self.infos[part].file_size > MAX_SHARED_PART:
            raise InputError(_("{file}: ブックの文字列の表が大きすぎるため読みません"
                               "（{size:,} バイト）", file=self.path,
                               size=self.infos[part].file_size))
        strings: list[str] = []
        try:
            for element in _pull(self.archive, part, ("end",), None):
                parent = element.getparent()
                if parent is None or parent.getparent() is not None:
                    continue  # only the children of <sst> are read (and then dropped)
                if _local(element.tag) == "si":
                    text = _text_of(element)
                    if len(text) > MAX_CELL_CHARS:
                        raise InputError(_("{file}: ブックの中に {length:,} 文字の文字列が"
                                           "あります（1 つのセルは {limit:,} 文字まで）。"
                                           "ブックが壊れています", file=self.path,
                                           length=len(text), limit=MAX_CELL_CHARS))
                    strings.append(text)
                    if len(strings) > MAX_SHARED_STRINGS:
                        raise InputError(_("{file}: ブックに {limit:,} 種類を超える文字列が"
                                           "あるため読みません", file=self.path,
                                           limit=MAX_SHARED_STRINGS))
                element.clear()
                _drop_earlier_siblings(element)
        except InputError:
            raise
        except Exception:
            raise self.damaged(part) from None
        return strings


def _pull(archive: zipfile.ZipFile, part: str, events: tuple[str, ...],
          tags: tuple[str, ...] | None, check=None) -> Iterator:
    """The elements of a part as lxml's pull parser reports them, fed 64 KB at a time; after
    each chunk `check(bytes read)` may raise to stop a part that grows out of bounds."""
    from lxml import etree

    parser = etree.XMLPullParser(events=events, tag=tags, resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
    fed = 0
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if chunk:
                parser.feed(chunk)
                fed += len(chunk)
            else:
                parser.close()
            for event, element in parser.read_events():
                yield (event, element) if len(events) > 1 else element
            if check is not None:
                check(fed)
            if not chunk:
                return


def _text_of(element) -> str:
    """The text of a shared or inline string: its <t> and run <t>, not the ruby (<rPh>)."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


class _SheetReader:
    """Reads one sheet part row by row; a row's cells are dropped once the row is read."""

    def __init__(self, book: _Book, part: str) -> None:
        self.book = book
        self.part = part
        self.cells_read = 0
        self.open_row = None
        self.data_started = False
        self.row_number = 0

    def rows(self) -> Iterator[SheetRow]:
        events = _pull(self.book.archive, self.part, ("start", "end"),
                       ("{*}sheetData", "{*}row"), self._check_growth)
        try:
            for event, element in events:
                if _local(element.tag) == "sheetData":
                    if event == "end":
                        return
                    self.data_started = True
                    _drop_earlier_siblings(element)
                elif event == "start":
                    self.open_row = element
                    self.row_number = self._row_number(element.get("r"), self.row_number)
                else:
                    self.open_row = None
                    row = self._read_row(element)
                    element.clear()
                    _drop_earlier_siblings(element)
                    if row.values or row.flaws:
                        yield row
        except InputError:
            raise
        except Exception:
            raise self.book.damaged(_("シート（{row} 行目）", row=self.row_number)) from None
        finally:
            events.close()

    def _check_growth(self, fed: int) -> None:
        """Between chunks: no endless prologue, no row or cell past Excel's own size."""
        if not self.data_started and fed > _MAX_BEFORE_DATA:
            raise self.book.damaged(_("シート（データがありません）"))
        element, limit = self.open_row, _EXCEL_LAST_COLUMN
        while element is not None and len(element):
            if len(element) > limit:
                raise self.book.damaged(_("{row} 行目", row=self.row_number))
            element, limit = element[-1], _MAX_PARTS_IN_CELL

    def _read_row(self, row) -> SheetRow:
        values: dict[int, str] = {}
        flaws: list[Flaw] = []
        if len(row) > _EXCEL_LAST_COLUMN:
            raise self.book.damaged(_("{row} 行目", row=self.row_number))
        self.cells_read += len(row)
        if self.cells_read > MAX_CELLS:
            raise InputError(_("{file}: セルが {limit:,} 個を超えるため読みません",
                               file=self.book.path, limit=MAX_CELLS))
        cells = _value_cells()(row)
        references = [cell.get("r") for cell in cells]
        if None in references:
            columns = _positions(row)
        else:
            columns = [_column_of(reference) for reference in references]
        for cell, column in zip(cells, columns, strict=True):
            self._cell(cell, column, values, flaws)
        return SheetRow(self.row_number, values, tuple(flaws))

    def _row_number(self, text: str | None, previous: int) -> int:
        number = int(text) if text is not None else previous + 1
        if not 1 <= number <= _EXCEL_LAST_ROW:
            raise self.book.damaged(_("行番号 {number}", number=number))
        return number

    def _cell(self, element, column: int | None, values: dict[int, str],
              flaws: list[Flaw]) -> None:
        """Read one <c> in column `column`: store its text, or a flaw."""
        row = self.row_number
        if column is None or len(element) > _MAX_PARTS_IN_CELL:
            raise self.book.damaged(_("{row} 行目", row=row))
        text, flaw = self._value(element)
        if not text and flaw is None:
            return
        if column > MAX_COLUMNS:
            raise InputError(too_many_columns(self.book.path, row, column))
        if len(text) > MAX_CELL_CHARS:
            raise InputError(cell_too_long(self.book.path, row, column, len(text)))
        if flaw is not None:
            flaws.append(Flaw(column - 1, *flaw))
        else:
            values[column - 1] = text

    def _value(self, element) -> tuple[str, tuple[str, str] | None]:
        kind = element.get("t") or "n"
        raw = None
        formula = False
        inline = None
        for child in element:
            tag = child.tag
            if tag.endswith("}v"):
                raw = child.text
            elif tag.endswith("}f"):
                formula = True
            elif tag.endswith("}is"):
                inline = child
        if kind == "inlineStr":
            if inline is not None and len(inline) > _MAX_PARTS_IN_CELL:
                raise self.book.damaged(_("{row} 行目", row=self.row_number))
            return (_text_of(inline) if inline is not None else ""), None
        if raw is None:
            return "", ("formula-not-computed", "") if formula else None
        if kind == "s":
            try:
                return self.book.shared[int(raw)], None
            except (ValueError, IndexError):
                raise self.book.damaged(_("文字列の参照")) from None
        if kind == "e":
            return "", ("formula-error", raw)
        if kind == "b":
            return ("1" if raw.strip() in ("1", "true") else ""), None
        if kind in ("str", "d"):
            return raw, None
        return self._number(raw, element.get("s")), None

    def _number(self, raw: str, style: str | None) -> str:
        """A numeric cell as the user sees it: 1000001 stays 1000001, a date cell is ISO."""
        text = raw.strip()
        if style is not None and style.isdigit() and int(style) in self.book.date_styles:
            from openpyxl.utils.datetime import from_excel

            try:
                value = from_excel(float(text), self.book.epoch)
            except (ValueError, OverflowError, TypeError):
                return text
            if isinstance(value, dt.datetime):
                return (value.date().isoformat() if value.time() == dt.time()
                        else value.isoformat())
            return value.isoformat() if value is not None else text
        if re.fullmatch(r"-?\d+", text):
            return text
        try:
            number = float(text)
        except ValueError:
            return text
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return str(number)


def _column_of(reference: str | None) -> int | None:
    """'AB12' → 28; None for a reference that is not one (or past column XFD)."""
    if not reference:
        return None
    letters = reference.rstrip("0123456789")
    columns = _columns()
    if letters not in columns or not reference[len(letters):].isdigit():
        match = _CELL_REF.match(reference)
        return columns.get(match.group(1).upper()) if match else None
    return columns[letters]


@functools.cache
def _value_cells():
    """The XPath of a row's cells that hold a value (lxml is loaded with the first
    workbook: a CSV never needs it)."""
    from lxml import etree

    return etree.XPath("*[local-name()='c'][* or @t='inlineStr']")


def _positions(row) -> list[int | None]:
    """The columns of a row's value cells when some cells have no reference: each such cell
    is in the column after the one before it."""
    value_cells = set(_value_cells()(row))
    columns: list[int | None] = []
    column: int | None = 0
    for cell in row:
        if _local(cell.tag) != "c":
            continue
        reference = cell.get("r")
        if reference is not None:
            column = _column_of(reference)
        elif column is not None:
            column += 1
        if cell in value_cells:
            columns.append(column)
    return columns


def _drop_earlier_siblings(element) -> None:
    """Free what the parser kept before `element` (rows already read, sheet properties)."""
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]
