"""Exporting the send log for Excel: CSV (UTF-8 with BOM) or XLSX.

In: rows of the log. Out: a file written atomically, its headers in the reader's language
(the values, status codes included, as the log keeps them). A cell that starts with = + - @ (or a
tab or carriage return) would run as a formula in a spreadsheet: it is written as text.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from mailmerge.atomic import atomic_write
from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.sendlog.labels import column_titles

COLUMNS = ("id", "customer_id", "situation", "campaign", "template", "card_date", "status",
           "reprint_of", "output_file", "page", "checksum", "updated_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(rows: list[sqlite3.Row], target: Path) -> int:
    """Write the rows to .csv or .xlsx (by the target's suffix); return the row count."""
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise HagakiError(_("書き出せるのは .csv か .xlsx です（{name}）", name=target.name))
    with atomic_write(target) as stream:
        stream.write(export_bytes(rows, target.suffix))
    return len(rows)


def export_bytes(rows: list[sqlite3.Row], suffix: str) -> bytes:
    """The rows as the bytes of a .csv (UTF-8 with BOM) or .xlsx file (by `suffix`)."""
    table = [[row[column] for column in COLUMNS] for row in rows]
    if suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(column_titles(COLUMNS))
        writer.writerows([[neutralise(value) for value in line] for line in table])
        return buffer.getvalue().encode("utf-8-sig")
    return _xlsx(table)


def _xlsx(table: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("送付記録")
    sheet.append(column_titles(COLUMNS))
    for line in table:
        sheet.append([neutralise(value) for value in line])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
