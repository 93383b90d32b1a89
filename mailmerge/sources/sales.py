"""Reading a sales list (CSV, TSV or XLSX): customer id, date, and item, amount, staff.

In: a path, ReadOptions and the ids of the customer list (to catch sales for unknown
customers). Out: SalesList: usable sales plus problems (sales-file row numbers, each naming
the file). Ids are compared cleaned (NFKC, no invisible characters), as in the customer list.
Amounts: plain numbers, with 円, ¥/￥, thousands commas and full-width digits allowed; without
an amount column, unit price × quantity. An amount that is not a finite number of at most
MAX_AMOUNT yen in size (nan, inf, 1e400, exponents) is a bad-amount warning and counts as none.
A refund (返品, 返金, 取消 or キャンセル in any cell, a negative amount or quantity) is kept as a
negative amount, so it is never thanked and the report subtracts it; a refund without an
amount is no sale at all (a refund-row notice).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from mailmerge.errors import InputError
from mailmerge.i18n import N_, _, language, yen
from mailmerge.models import Problem, Sale, SalesList
from mailmerge.sources.column_hints import ColumnHints
from mailmerge.sources.customers import ReadOptions, flaw_message
from mailmerge.sources.headers import (
    CUSTOMER_LOOKUP,
    FIELDS,
    column_target,
    field_of,
    header_key,
    lookup_table,
    own_columns,
    refuse_ambiguous,
)
from mailmerge.sources.identity import clean_id
from mailmerge.sources.normalise import MAX_AMOUNT, parse_amount, parse_date
from mailmerge.sources.tables import TableRow, open_table

# field → the headers of sales lists, best first: hand-made Excel sales books (日付, 品名,
# 金額), receipts and register/EC exports as shops keep them (お買上日, 来店日, 金額(税込),
# 税込金額, お買上金額, 売上金額, 合計, 数量, 区分), and the spec's sales file
# (/work/shared/spec/customers.md).
# Several amount columns may be present (小計, 合計, 金額(税抜)): the first listed is read.
SALES_ALIASES = {
    "customer_id": ("顧客ID", "顧客番号", "会員番号", "顧客コード", "会員No", "お客様番号",
                    "顧客No", "カード番号", "customer_id", "id"),
    "date": ("日付", "購入日", "お買上日", "お買い上げ日", "お買上げ日", "売上日", "来店日",
             "購入日時", "取引日", "取引日時", "会計日", "注文日", "年月日", "date"),
    "item": ("商品", "商品名", "品名", "品目", "メニュー", "施術内容", "item", "product"),
    "amount": ("金額(税込)", "税込金額", "税込合計", "合計金額", "売上金額", "お買上金額",
               "お買い上げ金額", "購入金額", "ご利用金額", "お支払金額", "支払金額", "金額", "売上",
               "合計", "総額", "小計", "税抜金額", "金額(税抜)", "amount", "total"),
    "unit_price": ("単価", "価格", "販売価格", "unit_price", "price"),
    "quantity": ("数量", "個数", "点数", "quantity", "qty"),
    "staff": ("担当", "担当者", "スタッフ", "販売員", "staff"),
}
NEEDED = {"customer_id": N_("顧客ID"), "date": N_("日付")}  # a sales list's columns to be read
# Fields several columns may match; the first of the list above is read, the rest are named.
_RANKED = frozenset({"amount", "unit_price", "quantity"})
SALES_LOOKUP = lookup_table(SALES_ALIASES)
_ORDER = {header_key(alias): index for aliases in SALES_ALIASES.values()
          for index, alias in enumerate(aliases)}
# A row that takes a sale back: 返品, 返金, 取消, キャンセル in any cell (not キャンセル料,
# 返品不可).
# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
_REFUND = r"(?:返品|返金|取消|取り消し|キャンセル)(?!料|不可)"
_LINE_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_PRINTED_FIELDS = ("item", "staff")  # text that may reach a card or a report as it is
MISSING_AMOUNTS = N_("{file}: 売上金額の列が見つかりません: 売上と返品は数えられません。"
                     "金額の列があれば、見出しを「金額」にするか hagaki.toml の [columns] に"
                     "書いてください")


def names_a_field(target: str) -> bool:
    """True when a [columns] value names a customer or sales field, by its field name or by
    a header word (氏名, 金額(税込))."""
    return any(column_target(target, fields, lookup) is not None
               for fields, lookup in ((FIELDS, CUSTOMER_LOOKUP), (SALES_ALIASES, SALES_LOOKUP)))


def missing_amounts(sales: SalesList) -> str | None:
    """The notice for a sales list with sales of which none has an amount, else None."""
    every = sales.sales + sales.unknown
    if not every or any(sale.amount is not None for sale in every):
        return None
    return _(MISSING_AMOUNTS, file=Path(sales.path).name)


def read_sales(path: Path, known_ids: set[str], options: ReadOptions | None = None,
               aliases: dict[str, str] | None = None, notes: list[str] | None = None
               ) -> SalesList:
    """Read a sales list; raise InputError when the file is not one, or holds no sale.
    `aliases` maps the id of a customer merged into another to that customer's id; `notes`
    gets a notice for each unread column that looks like amounts, dates or postal codes."""
    options = options or ReadOptions()
    table = open_table(path, options.encoding, options.sheet)
    columns = _map_columns(path, table.headers, options.columns)
    labels = {field: table.headers[index] for field, index in columns.items()}
    known = {clean_id(customer_id) for customer_id in known_ids}
    result = SalesList(str(path))
    hints = ColumnHints(table.headers, set(columns.values()))
    for row in table.rows:
        if not "".join(row.cells).strip() and not row.flaws:
            continue
        result.total_rows += 1
        hints.see(row.cells)
        _read_row(row, columns, labels, known, result, aliases or {})
    if notes is not None:
        notes += hints.notes(path)
    if result.total_rows == 0:
        raise InputError(_("{file} に売上が 1 件もありません（見出しの行だけで、データの行が"
                           "ありません）。見出しの下の行に売上を入力してください", file=path))
    return result


class SalesHeadersMissing(InputError):
    """A sales list whose first row has no customer id or no date column."""


def _map_columns(path: Path, headers: list[str], custom: dict[str, str]) -> dict[str, int]:
    """The column of each field (InputError without an id and a date column). [columns]
    may name a field or a header word (「お支払い」 = 「金額」); it wins over the built-in names."""
    own = own_columns(custom, SALES_ALIASES, SALES_LOOKUP)
    found: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        field = own.get(header_key(header)) or field_of(header, SALES_LOOKUP)
        if field is not None:
            found.setdefault(field, []).append(index)
    refuse_ambiguous(str(path), headers, found, _RANKED,
                     {field: aliases[0] for field, aliases in SALES_ALIASES.items()})
    for field in _RANKED & found.keys():
        found[field].sort(key=lambda i: (header_key(headers[i]) not in own,
                                         _ORDER.get(header_key(headers[i]), len(_ORDER))))
    missing = [field for field in NEEDED if field not in found]
    if missing:
        raise SalesHeadersMissing(_(
            "{file}: 1 行目の見出し（{found}）に、売上リストの{missing}の列が見つかりません。"
            "{names}。金額の列（{amount} など）もあれば読みます", file=path,
            found=_("、").join(header for header in headers if header.strip()) or _("なし"),
            missing=_("と").join(_("「{field}」", field=_(NEEDED[field])) for field in missing),
            names=_("、").join(_("「{field}」の列の見出しは {aliases} のどれか",
                                 field=_(NEEDED[field]), aliases=_header_names(field))
                               for field in missing),
            amount=_header_names("amount", 3)))
    return {field: indexes[0] for field, indexes in found.items()}


def _header_names(field: str, most: int | None = None) -> str:
    """The headers read as `field`, as a shop would type them (顧客ID・顧客番号・…); the
    English names (customer_id) only when hagaki speaks another language than Japanese."""
    names = [alias for alias in SALES_ALIASES[field] if language() != "ja" or not alias.isascii()]
    return "・".join(names[:most])


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
    amount = _amount(amount_text, value("unit_price"), value("quantity"))
    refund = _is_refund(cells, amount, value("quantity"))
    if refund and not amount:
        problem("", "refund-row", "info",
                _("返品・取消の行です。金額がないため売上に数えず、お礼状も送りません"))
        amount = None  # it still takes back the purchase it names (selection.plan)
    elif refund:
        amount = -abs(amount)
    sale = Sale(row, customer_id, date, value("item"), amount, value("staff"), refund)
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


def _amount(amount_text: str, price_text: str, quantity_text: str) -> float | None:
    """The amount column's value, else unit price × quantity (1 when blank)."""
    if amount_text:
        return parse_amount(amount_text)
    price = parse_amount(price_text)
    if price is None:
        return None
    return price * (parse_amount(quantity_text) or 1)


def _is_refund(cells: list[str], amount: float | None, quantity_text: str) -> bool:
    """返品/返金/取消/キャンセル in a cell, a negative amount or a negative quantity."""
    quantity = parse_amount(quantity_text)
    return ((amount is not None and amount < 0) or (quantity is not None and quantity < 0)
            or bool(re.search(_REFUND, unicodedata.normalize("NFKC", "\x1f".join(cells)))))
