"""Reading a sales list (CSV, TSV or XLSX): customer id, date, and item, amount, staff.

In: a path, ReadOptions and the ids of the customer list (to catch sales for unknown
customers). Out: SalesList: usable sales plus problems (sales-file row numbers, each naming
the file). Ids are compared cleaned (NFKC, no invisible characters), as in the customer list.
Amounts: plain numbers, with 円, ¥ and thousands commas allowed. A negative amount is a refund
(返品) and is kept as it is; an amount that is not a finite number of at most
MAX_AMOUNT yen in size (nan, inf, 1e400, exponents) is a bad-amount warning and counts as none.
"""

from __future__ import annotations

import re
from pathlib import Path

from mailmerge.errors import InputError
from mailmerge.i18n import _, yen
from mailmerge.models import Problem, Sale, SalesList
from mailmerge.sources.customers import ReadOptions, flaw_message
from mailmerge.sources.headers import header_key, refuse_ambiguous
from mailmerge.sources.identity import clean_id
from mailmerge.sources.normalise import MAX_AMOUNT, parse_amount, parse_date
from mailmerge.sources.tables import TableRow, open_table

SALES_ALIASES = {
    "customer_id": ("顧客ID", "顧客番号", "会員番号", "顧客コード", "customer_id", "id"),
    "date": ("日付", "購入日", "売上日", "来店日", "date"),
    "item": ("商品", "商品名", "品名", "item", "product"),
    "amount": ("金額", "売上金額", "合計", "amount", "total"),
    "staff": ("担当", "担当者", "staff"),
}
_LOOKUP = {header_key(alias): field for field, aliases in SALES_ALIASES.items()
           for alias in aliases}
_LINE_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_PRINTED_FIELDS = ("item", "staff")  # text that may reach a card or a report as it is


def read_sales(path: Path, known_ids: set[str], options: ReadOptions | None = None,
               aliases: dict[str, str] | None = None) -> SalesList:
    """Read a sales list; raise InputError when the file is not one, or holds no sale.
    `aliases` maps the id of a customer merged into another to that customer's id."""
    options = options or ReadOptions()
    table = open_table(path, options.encoding, options.sheet)
    columns = _map_columns(path, table.headers, options.columns)
    labels = {field: table.headers[index] for field, index in columns.items()}
    known = {clean_id(customer_id) for customer_id in known_ids}
    result = SalesList(str(path))
    for row in table.rows:
        if not any(cell.strip() for cell in row.cells) and not row.flaws:
            continue
        result.total_rows += 1
        _read_row(row, columns, labels, known, result, aliases or {})
    if result.total_rows == 0:
        raise InputError(_("{file} に売上が 1 件もありません（見出しの行だけで、データの行が"
                           "ありません）。見出しの下の行に売上を入力してください", file=path))
    return result


def _map_columns(path: Path, headers: list[str], custom: dict[str, str]) -> dict[str, int]:
    own = {header_key(h): f for h, f in custom.items()}
    found: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        field = own.get(header_key(header)) or _LOOKUP.get(header_key(header))
        if field in SALES_ALIASES:
            found.setdefault(field, []).append(index)
    refuse_ambiguous(str(path), headers, found, frozenset(),
                     {field: aliases[0] for field, aliases in SALES_ALIASES.items()})
    if "customer_id" not in found or "date" not in found:
        raise InputError(_("{file}: 1 行目に売上リストの見出しが見つかりません。{id_column} と "
                           "{date_column} の列（または customer_id と date）が要ります",
                           file=path, id_column=SALES_ALIASES["customer_id"][0],
                           date_column=SALES_ALIASES["date"][0]))
    return {field: indexes[0] for field, indexes in found.items()}


def _read_row(table_row: TableRow, columns: dict[str, int], labels: dict[str, str],
              known: set[str], result: SalesList, aliases: dict[str, str]) -> None:
    """One sales row → a sale (usable or for an unknown customer) and/or its problems."""
    row, cells = table_row.number, table_row.cells

    def value(field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    customer_id = clean_id(value("customer_id"))
    customer_id = aliases.get(customer_id, customer_id)

    def problem(field: str, code: str, severity: str, message: str) -> None:
        result.problems.append(Problem(row, customer_id, labels.get(field, field), code,
                                       severity, message, result.path))

    fields_of = {index: field for field, index in columns.items()}
    for flaw in table_row.flaws:
        if flaw.index in fields_of:
            problem(fields_of[flaw.index], flaw.code, "error",
                    _("{problem}（この売上は使いません）", problem=flaw_message(flaw)))
            return
    for field in _PRINTED_FIELDS:
        if _LINE_BREAK.search(value(field)):
            problem(field, "newline-in-field", "error", _("セルの中に改行があります。この売上は"
                                                          "使いません。改行を消してください"))
            return
    date = parse_date(value("date"))
    if date is None:
        problem("date", "bad-date", "warning", _("{text!r} は日付として読めません。"
                                                 "この売上は使いません（2026-11-23 のように"
                                                 "書いてください）", text=value("date")))
        return
    amount_text = value("amount")
    amount = parse_amount(amount_text)
    sale = Sale(row, customer_id, date, value("item"), amount, value("staff"))
    if customer_id not in known:
        problem("customer_id", "unknown-customer", "error",
                _("顧客 {customer_id} の売上ですが、その顧客は顧客リストにいません",
                  customer_id=customer_id or _("（空欄）")))
        result.unknown.append(sale)
        return
    if amount_text and amount is None:
        problem("amount", "bad-amount", "warning",
                _("金額「{text}」は金額として読めません（{limit}までの数字で書いてください）。"
                  "この売上は金額なしで数えます", text=amount_text[:40], limit=yen(MAX_AMOUNT)))
    result.sales.append(sale)
