"""Saying, in the shop's own words, which column of a customer list holds what: the first rows
of a file as they are, the column hagaki reads for each field, and three customers as a
choice of columns reads them (the 顧客リスト page's 列の割り当て).

In: a list's path and a choice {field: header} (or hagaki.toml's [columns]). Out: Sample (the
headers and first rows), the current choice, the [columns] a choice needs, and Preview (three
customers and the problems of their rows, or why the list still cannot be read).
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from msgspec import Struct, field

from mailmerge.errors import HagakiError
from mailmerge.i18n import N_
from mailmerge.models import Customer, Problem
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.headers import CUSTOMER_LOOKUP, field_of, map_headers
from mailmerge.sources.sourceset import read_customers
from mailmerge.sources.tables import open_table

# The fields a shop maps by hand, with the words the page shows (marked: translate there).
MAPPED_FIELDS = {
    "customer_id": N_("顧客ID（お客様の番号）"), "name": N_("お名前（姓と名が一つの列）"),
    "family_name": N_("姓"), "given_name": N_("名"), "honorific": N_("敬称"),
    "company": N_("会社名"), "postal_code": N_("郵便番号"), "address1": N_("住所"),
    "address2": N_("建物名・部屋番号"), "phone": N_("電話番号"), "do_not_mail": N_("送付停止"),
    "mourning": N_("喪中"),
}
SAMPLE_ROWS = 5
PREVIEW_CUSTOMERS = 3


class Sample(Struct, frozen=True):
    headers: list[str]
    rows: list[list[str]]  # the first rows, one cell per header


class Preview(Struct):
    customers: list[Customer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of the rows shown
    refusal: str = ""  # why the list still cannot be read ('' when it can)


def sample(path: Path) -> Sample:
    """The header row and the first SAMPLE_ROWS rows; InputError when it is not a table."""
    table = open_table(path)
    rows = [list(row.cells) + [""] * (len(table.headers) - len(row.cells))
            for row in islice(table.rows, SAMPLE_ROWS)]
    return Sample(table.headers, [row[:len(table.headers)] for row in rows])


def current_choice(headers: list[str], columns: dict[str, str]) -> dict[str, str]:
    """{field: header} as hagaki reads the file now (with [columns]): the first column of
    each mapped field; a header that names no field is left out."""
    try:
        found = map_headers(headers, columns)
    except HagakiError:
        found = {}
    return {name: headers[found[name][0]] for name in MAPPED_FIELDS if found.get(name)}


def columns_for(headers: list[str], choice: dict[str, str]) -> dict[str, str]:
    """The [columns] entries a choice needs: {header: field} for each chosen header that
    hagaki would not read as that field by itself."""
    return {header: name for name, header in choice.items()
            if name in MAPPED_FIELDS and header in headers
            and field_of(header, CUSTOMER_LOOKUP) != name}


def preview(path: Path, columns: dict[str, str]) -> Preview:
    """The first PREVIEW_CUSTOMERS customers as the list reads with `columns`."""
    try:
        read = read_customers(path, ReadOptions(columns=columns))
    except HagakiError as refused:
        return Preview(refusal=str(refused))
    shown = read.customers[:PREVIEW_CUSTOMERS]
    rows = {customer.row for customer in shown}
    return Preview(shown, [p for p in read.problems if p.row in rows])
