"""Reading a shop system's export through its preset: the people in it and their sales.

In: an open Table, its Preset, and whether the card goes to the gift recipient (ship_to).
Out: Export: one PersonRecord per customer row (an order export: per order, from the buyer's
columns, 請求先 / 注文者), and the sales (an order's item rows are one sale: its items, its
date, its total; a cancelled order is no sale, said as an info problem). Cells are cleaned
first: Excel's leading apostrophe dropped, a prefecture code (JP-13) written as its name.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field
from msgspec.structs import replace

from mailmerge.errors import InputError
from mailmerge.i18n import _
from mailmerge.models import Customer, Problem, Sale
from mailmerge.sources.customers import customer_from_row
from mailmerge.sources.headers import MULTI_COLUMN_FIELDS, header_key, map_headers
from mailmerge.sources.identity import clean_id
from mailmerge.sources.normalise import (
    clean_phone,
    drop_text_marker,
    parse_amount,
    parse_date,
    prefecture_name,
)
from mailmerge.sources.postal import PostalChecker
from mailmerge.sources.presets import Preset
from mailmerge.sources.tables import Table, TableRow

ITEM_JOINER = "・"  # 湯呑み・急須: the items of one order, as one sale's item
# Fields read beside the customer's own; the prefecture goes in front of address1.
_SIDE_FIELDS = ("prefecture", "phone", "email")
# Fields whose columns are parts joined in order (楽天: 郵便番号１ + 郵便番号２); the others
# take the first of their headers present (Square: Reference ID before Square Customer ID).
_JOINED = MULTI_COLUMN_FIELDS | {"postal_code"}


class PersonRecord(Struct):
    """One customer as a file gives it, with what merging needs."""

    customer: Customer
    problems: list[Problem]
    file: str
    phone: str = ""  # digits only, 0 first ('' when none)
    seen: dt.date | None = None  # the order's day (the newest wins an address conflict)
    typed_id: bool = True  # False: the id was made from name and address
    repeat_orders: bool = False  # an order export: several orders of one buyer are expected


class Export(Struct):
    preset: Preset
    people: list[PersonRecord] = field(default_factory=list)
    sales: list[Sale] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # sales problems (cancelled …)
    rows: int = 0


def read_export(table: Table, preset: Preset, ship_to: bool = False,
                custom: dict[str, str] | None = None) -> Export:
    """Every row of `table` read through `preset` (see the module docstring). An address
    book or customer export is read by the usual header names first (連名1(姓) …, and
    `custom`, hagaki.toml's [columns]); the preset's columns win where it names a field."""
    source = str(table.path)
    keys = [header_key(h) for h in table.headers]
    index = {key: i for i, key in reversed(list(enumerate(keys)))}
    person = preset.ship_to if ship_to and preset.ship_to else preset.customer
    person_columns = {name: [index[header_key(h)] for h in headers if header_key(h) in index]
                      for name, headers in person.items()}
    sale_columns = {name: [index[header_key(h)] for h in headers if header_key(h) in index]
                    for name, headers in preset.sale.items()}
    prefecture = set(person_columns.get("prefecture", []))
    customer_columns = _customer_columns(person_columns)
    if preset.kind == "customers":
        customer_columns = {**_by_name(table, custom or {}), **customer_columns}
    result = Export(preset)
    postal = PostalChecker()
    postal_label = _label(table.headers, customer_columns, "postal_code")
    for rows in _groups(table, sale_columns.get("order_id", []), preset.kind):
        result.rows += len(rows)
        cells = _merged_cells(rows, prefecture)
        head = TableRow(rows[0].number, cells, rows[0].flaws)
        record = None
        if preset.kind != "sales":
            record = _person(head, customer_columns, person_columns, table.headers, source,
                             preset)
            record.problems += [replace(p, file=source)
                                for p in postal.check(record.customer, postal_label)]
        sale = _sale(rows, cells, keys, sale_columns, preset, record, table.headers, source,
                     result.problems)
        if sale is not None:
            result.sales.append(sale)
        if record is not None and not (sale is None and preset.is_cancelled(
                dict(zip(keys, cells, strict=False)))):  # who only cancelled bought nothing
            if sale is not None:
                record.seen = sale.date
            result.people.append(record)
    return result


def _customer_columns(person_columns: dict[str, list[int]]) -> dict[str, list[int]]:
    """The columns customer_from_row reads: the prefecture joined in front of address1; a
    field holding one value (an id, a postal code) from the first of its headers present."""
    columns = {name: list(indexes) if name in _JOINED else indexes[:1]
               for name, indexes in person_columns.items()
               if name not in _SIDE_FIELDS and indexes}
    front = person_columns.get("prefecture", [])
    if front:
        columns["address1"] = front + columns.get("address1", [])
    return columns


def _by_name(table: Table, custom: dict[str, str]) -> dict[str, list[int]]:
    """The columns found by header name; none when the names are ambiguous in this export."""
    try:
        return map_headers(table.headers, custom, str(table.path))
    except InputError:
        return {}


def _groups(table: Table, order_columns: list[int], kind: str) -> list[list[TableRow]]:
    """The data rows, grouped by order id (an order export's item rows), in file order."""
    groups: dict[str, list[TableRow]] = {}
    for row in table.rows:
        if not "".join(row.cells).strip() and not row.flaws:
            continue
        order = _cell(row.cells, order_columns) if kind != "customers" else ""
        groups.setdefault(clean_id(order) or f"row {row.number}", []).append(row)
    return list(groups.values())


def _merged_cells(rows: list[TableRow], prefecture: set[int]) -> list[str]:
    """One row of an order: each cell the first non-blank among its rows (Shopify writes the
    buyer on the order's first row only), cleaned."""
    width = max(len(row.cells) for row in rows)
    cells = []
    for i in range(width):
        text = next((drop_text_marker(row.cells[i]) for row in rows
                     if i < len(row.cells) and row.cells[i].strip()), "")
        cells.append(prefecture_name(text) if i in prefecture else text)
    return cells


def _person(head: TableRow, columns: dict[str, list[int]], person: dict[str, list[int]],
            headers: list[str], source: str, preset: Preset) -> PersonRecord:
    customer, problems = customer_from_row(head, columns, headers, source)
    typed = not any(p.code == "generated-id" for p in problems)
    if not preset.has_ids:  # said once for the file, not once per order
        problems = [p for p in problems if p.code != "generated-id"]
    return PersonRecord(customer, problems, source, _phone(head.cells, person.get("phone", [])),
                        customer.registered, typed, preset.kind == "orders")


def _phone(cells: list[str], columns: list[int]) -> str:
    """The first full phone number, or the parts joined (楽天: 電話番号１/２/３)."""
    parts = [cells[i] for i in columns if i < len(cells) and cells[i].strip()]
    first = clean_phone(parts[0]) if parts else ""
    return first if len(first) >= 10 else clean_phone("".join(parts))


def _sale(rows: list[TableRow], cells: list[str], keys: list[str],
          columns: dict[str, list[int]], preset: Preset, record: PersonRecord | None,
          headers: list[str], source: str, problems: list[Problem]) -> Sale | None:
    """The order's one sale, or None (no date column, cancelled, or an unreadable date)."""
    if not columns.get("date"):
        return None
    row = rows[0].number
    order = _cell(cells, columns.get("order_id", []))
    customer_id = (record.customer.customer_id if record is not None
                   else clean_id(_cell(cells, columns.get("customer_id", []))))
    if preset.is_cancelled(dict(zip(keys, cells, strict=False))):
        column = next((h for h in headers if header_key(h) in
                       {header_key(c) for c in preset.cancel_columns}), "")
        problems.append(Problem(row, customer_id, column, "cancelled-order", "info",
                                _("注文 {order} はキャンセルされているため、売上に数えません",
                                  order=order or row), source))
        return None
    date_text = _cell(cells, columns["date"])
    date = parse_date(date_text)
    if date is None:
        problems.append(Problem(row, customer_id, headers[columns["date"][0]], "bad-date",
                                "warning", _("{text!r} は日付として読めません。この注文は"
                                             "売上に数えません", text=date_text), source))
        return None
    items: list[str] = []
    for item_row in rows:
        name = _cell([drop_text_marker(c) for c in item_row.cells], columns.get("item", []))
        if name and name not in items:
            items.append(name)
    return Sale(row, customer_id, date, ITEM_JOINER.join(items), _amount(rows, cells, columns))


def _amount(rows: list[TableRow], cells: list[str], columns: dict[str, list[int]]
            ) -> float | None:
    """The order's total if the export has one, else the sum of its lines (line total, or
    unit price × quantity)."""
    total = parse_amount(_cell(cells, columns.get("total", [])))
    if total is not None:
        return total
    amounts = []
    for row in rows:
        line = parse_amount(_cell(row.cells, columns.get("line_total", [])))
        if line is None:
            price = parse_amount(_cell(row.cells, columns.get("unit_price", [])))
            quantity = parse_amount(_cell(row.cells, columns.get("quantity", []))) or 1
            line = None if price is None else price * quantity
        if line is not None:
            amounts.append(line)
    return sum(amounts) if amounts else None


def _cell(cells: list[str], indexes: list[int]) -> str:
    """The first non-blank cell among `indexes`, cleaned."""
    return next((drop_text_marker(cells[i]) for i in indexes
                 if i < len(cells) and cells[i].strip()), "")


def _label(headers: list[str], columns: dict[str, list[int]], name: str) -> str:
    indexes = columns.get(name)
    return headers[indexes[0]] if indexes else name
