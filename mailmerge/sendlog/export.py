"""Exporting the send log for Excel: CSV (UTF-8 with BOM) or XLSX.

In: rows of the log. Out: a file written atomically, its headers in the reader's language:
the customer's name, the kind, campaign, status and template (文面 2, 店の文面 1) in words,
dates as dates in XLSX, and the log's own codes (the template's file name too) in columns of
their own for programs. A cell that starts with = + - @ (or a
tab or carriage return) would run as a formula in a spreadsheet: it is written as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from pathlib import Path

from mailmerge.atomic import atomic_write
from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.sendlog.labels import campaign_words, column_titles, kind_word, status_word
from mailmerge.templates.titles import template_title

# Words for people first, then the log's own codes in columns of their own, for programs.
COLUMNS = ("id", "customer_id", "customer_name", "kind", "campaign_words", "card_date",
           "status_words", "template_words", "reprint_of", "output_file", "page", "updated_at",
           "situation_code", "campaign_code", "status_code", "template_code", "checksum")
DATES = ("card_date", "updated_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(rows: list[sqlite3.Row], target: Path, own_templates: Path | None = None) -> int:
    """Write the rows to .csv or .xlsx (by the target's suffix); return the row count
    (`own_templates`: the shop's templates folder, for the templates' titles)."""
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise HagakiError(_("書き出せるのは .csv か .xlsx です（{name}）", name=target.name))
    with atomic_write(target) as stream:
        stream.write(export_bytes(rows, target.suffix, own_templates))
    return len(rows)


def export_bytes(rows: list[sqlite3.Row], suffix: str, own_templates: Path | None = None
                 ) -> bytes:
    """The rows as the bytes of a .csv (UTF-8 with BOM) or .xlsx file (by `suffix`)."""
    table = [[_value(row, column, own_templates) for column in COLUMNS] for row in rows]
    if suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(column_titles(COLUMNS))
        writer.writerows([[neutralise(value) for value in line] for line in table])
        return buffer.getvalue().encode("utf-8-sig")
    return _xlsx(table)


def _value(row: sqlite3.Row, column: str, own_templates: Path | None) -> object:
    """One cell: the log's value, or its words, or its code under the export's name."""
    keys = row.keys()
    if column == "customer_name":
        return row["customer_name"] if "customer_name" in keys else None
    if column == "kind":
        return kind_word(row["situation"])
    if column == "campaign_words":
        return campaign_words(row["campaign"], row["situation"], row["card_date"])
    if column == "status_words":
        return status_word(row["status"])
    if column == "template_words":
        return (template_title(row["template"], row["situation"], own_templates)
                if row["template"] else "")
    if column.endswith("_code"):
        return row[column.removesuffix("_code")]
    return row[column]


def _xlsx(table: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("送付記録")
    sheet.append(column_titles(COLUMNS))
    dates = {COLUMNS.index(column) for column in DATES}
    for line in table:
        sheet.append([_date(value) if index in dates else neutralise(value)
                      for index, value in enumerate(line)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    for index in dates:
        for cell in next(sheet.iter_cols(min_col=index + 1, max_col=index + 1, min_row=2),
                         ()):
            cell.number_format = "yyyy-mm-dd" if COLUMNS[index] == "card_date" else \
                "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _date(value: object) -> object:
    """A logged date or time as a date or datetime (a spreadsheet sorts and sums them)."""
    if not isinstance(value, str):
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return neutralise(value)
    return moment.date() if len(value) == 10 else moment
