"""Reading a sales list (CSV, TSV or XLSX): customer id, date, and item, amount, staff.

In: a path, ReadOptions and the ids of the customer list (to catch sales for unknown
customers). Out: SalesList: usable sales plus problems (sales-file row numbers).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from mailmerge.errors import InputError
from mailmerge.models import Problem, Sale, SalesList
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.headers import header_key
from mailmerge.sources.normalise import parse_date
from mailmerge.sources.tables import open_table

SALES_ALIASES = {
    "customer_id": ("顧客ID", "顧客番号", "会員番号", "顧客コード", "customer_id", "id"),
    "date": ("日付", "購入日", "売上日", "来店日", "date"),
    "item": ("商品", "商品名", "品名", "item", "product"),
    "amount": ("金額", "売上金額", "合計", "amount", "total"),
    "staff": ("担当", "担当者", "staff"),
}
_LOOKUP = {header_key(alias): field for field, aliases in SALES_ALIASES.items()
           for alias in aliases}
_AMOUNT_NOISE = re.compile(r"[,¥￥円\s]")


def read_sales(path: Path, known_ids: set[str], options: ReadOptions | None = None
               ) -> SalesList:
    """Read a sales list; raise InputError when the file is not one."""
    options = options or ReadOptions()
    table = open_table(path, options.encoding, options.sheet)
    own = {header_key(h): f for h, f in options.columns.items()}
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        field = own.get(header_key(header)) or _LOOKUP.get(header_key(header))
        if field is not None and field not in columns:
            columns[field] = index
    if "customer_id" not in columns or "date" not in columns:
        raise InputError(f"{path}: row 1 has no recognisable sales-list headers; it needs "
                         "顧客ID and 日付 columns (or customer_id and date)")
    labels = {field: table.headers[index] for field, index in columns.items()}
    result = SalesList(str(path))
    for row, cells in table.rows:
        if not any(cell.strip() for cell in cells):
            continue
        result.total_rows += 1

        def value(field: str, cells: list[str] = cells) -> str:
            index = columns.get(field)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        customer_id = value("customer_id")
        date = parse_date(value("date"))
        if date is None:
            result.problems.append(Problem(row, customer_id, labels["date"], "bad-date",
                                           "warning", f"{value('date')!r} is not a date; "
                                           "this sale is ignored (write it as 2026-11-23)"))
            continue
        amount_text = value("amount")
        amount = _amount(amount_text)
        if customer_id not in known_ids:
            result.problems.append(Problem(row, customer_id, labels["customer_id"],
                                           "unknown-customer", "error",
                                           f"a sale for customer {customer_id or '(blank)'}, "
                                           "who is not in the customer list"))
            result.unknown.append(Sale(row, customer_id, date, value("item"), amount,
                                       value("staff")))
            continue
        if amount_text and amount is None:
            result.problems.append(Problem(row, customer_id, labels["amount"], "bad-amount",
                                           "warning", f"{amount_text!r} is not an amount; "
                                           "the sale counts without it"))
        result.sales.append(Sale(row, customer_id, date, value("item"), amount, value("staff")))
    return result


def _amount(text: str) -> float | None:
    cleaned = _AMOUNT_NOISE.sub("", unicodedata.normalize("NFKC", text))
    try:
        return float(cleaned) if cleaned else None
    except ValueError:
        return None
