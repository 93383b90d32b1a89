"""Exporting the send log for Excel: CSV (UTF-8 with BOM) or XLSX.

In: rows of the log. Out: a file written atomically. A cell that starts with = + - @ (or a
tab or carriage return) would run as a formula in a spreadsheet: it is written as text.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from mailmerge.atomic import atomic_write
from mailmerge.errors import HagakiError

COLUMNS = ("id", "customer_id", "situation", "campaign", "template", "card_date", "status",
           "output_file", "page", "checksum", "updated_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(rows: list[sqlite3.Row], target: Path) -> int:
    """Write the rows to .csv or .xlsx (by the target's suffix); return the row count."""
    table = [[row[column] for column in COLUMNS] for row in rows]
    suffix = target.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows([[neutralise(value) for value in line] for line in table])
        data = buffer.getvalue().encode("utf-8-sig")
    elif suffix == ".xlsx":
        data = _xlsx(table)
    else:
        raise HagakiError(f"export to .csv or .xlsx, not {target.name}")
    with atomic_write(target) as stream:
        stream.write(data)
    return len(table)


def _xlsx(table: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "送付記録"
    sheet.append(list(COLUMNS))
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
