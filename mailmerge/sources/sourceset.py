"""Every customer file of a command read as one list, and the sales that go with it.

In: the customer file, ReadOptions (more files, a forced format, --ship-to). Out:
read_customers' SourcedCustomers (every customer and problem), or scan_customers' iterable
of (customer, problems), and after it has been read: `aliases` (a merged record's id → the
person's id), `embedded` (the sales found in order exports) and `notes` ("orders.csv: BASE
の注文データとして読みました"). One plain list is streamed row by row as before; exports and
several files are read whole and merged (mailmerge.sources.merge). Several files are passed as
extra arguments: `hagaki check customers.xlsx orders.csv members.csv`.

A forced format (--source-format) applies to the first file; a sales-only format (a
register's transactions) applies to the --sales file instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from msgspec.structs import replace

from mailmerge.errors import InputError
from mailmerge.i18n import _
from mailmerge.models import Customer, CustomerList, Problem, Sale, SalesList
from mailmerge.sources.corrections import apply_corrections
from mailmerge.sources.customers import ReadOptions, open_plain, scan_plain, scan_rows
from mailmerge.sources.exports import Export, PersonRecord, read_export
from mailmerge.sources.identity import clean_id
from mailmerge.sources.merge import merge_people
from mailmerge.sources.normalise import clean_phone
from mailmerge.sources.presets import Preset, detect_preset, preset_named
from mailmerge.sources.sales import missing_amounts, read_sales
from mailmerge.sources.tables import Table, open_table


class SourcedCustomers(CustomerList):
    """A CustomerList read from one or more files, with what the sales need to follow the
    merged people (`sources`: their aliases, the sales found in order exports, the notes)."""

    sources: Iterable[tuple[Customer, list[Problem]]] = ()


def read_customers(path: Path, options: ReadOptions | None = None) -> SourcedCustomers:
    """Read and validate a customer list (and options.more); raise InputError if a file is
    not one at all."""
    sources = scan_customers(path, options)
    result = SourcedCustomers(str(path), sources=sources)
    for customer, problems in sources:
        result.total_rows += 1
        result.ids.add(customer.customer_id)
        result.problems.extend(problems)
        if not any(p.severity == "error" for p in problems):
            result.customers.append(customer)
    return result


def scan_customers(path: Path, options: ReadOptions | None = None
                   ) -> Iterable[tuple[Customer, list[Problem]]]:
    """Each customer with its problems: a plain list one row at a time (a file of any
    length is checked in bounded memory); exports and several files read whole and merged
    (CustomerSources below). Raises InputError before the first row if a file is not
    a customer list, and after the last if it holds no customer."""
    return CustomerSources(path, options or ReadOptions())


class CustomerSources:
    """The customer files of one command (see the module docstring)."""

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.options = options
        self.aliases: dict[str, str] = {}
        self.embedded: list[SalesList] = []
        self.notes: list[str] = []
        forced = preset_named(options.source_format) if options.source_format else None
        self.forced = forced if forced is not None and forced.kind != "sales" else None
        paths = [path, *options.more]
        tables = [open_table(p, options.encoding, options.sheet if p == path else None)
                  for p in paths]
        presets = [self.forced if i == 0 and self.forced else detect_preset(t.headers)
                   for i, t in enumerate(tables)]
        for table, preset in zip(tables, presets, strict=True):
            if preset is not None and preset.kind == "sales":
                raise InputError(_("{file} は{label}です（住所がありません）。顧客リストと一緒に "
                                   "--sales {name} で渡してください", file=table.path,
                                   label=preset.label, name=table.path.name))
            if preset is not None:
                self.notes.append(_read_as(table.path.name, preset.label))
        if len(tables) == 1 and presets[0] is None:
            self._rows: Iterator[tuple[Customer, list[Problem]]] = scan_plain(
                tables[0], open_plain(tables[0], options), self.notes, options.workers)
        else:
            self._rows = iter(self._merged(tables, presets))
        if options.corrections:
            self._rows = apply_corrections(self._rows, options.corrections, self.notes,
                                           str(path))

    def __iter__(self) -> Iterator[tuple[Customer, list[Problem]]]:
        return self._rows

    def _merged(self, tables: list[Table], presets: list[Preset | None]
                ) -> list[tuple[Customer, list[Problem]]]:
        records: list[PersonRecord] = []
        exports: list[Export] = []
        for table, preset in zip(tables, presets, strict=True):
            if preset is None:
                records += _plain_records(table, self.options, self.notes)
                continue
            export = read_export(table, preset, self.options.ship_to, self.options.columns)
            if not export.people:
                raise InputError(_("{file} に顧客が 1 人もいません（見出しの行だけで、"
                                   "データの行がありません）", file=table.path))
            if not preset.has_ids:
                self.notes.append(_("{name}: 顧客IDがないため、名前と住所から ID を作りました",
                                    name=table.path.name))
            records += export.people
            exports.append(export)
        merged, self.aliases = merge_people(records)
        known = {customer.customer_id for customer, _problems in merged}
        for export, table in zip(exports, [t for t, p in zip(tables, presets, strict=True)
                                           if p is not None], strict=True):
            if export.preset.kind == "orders":
                self.embedded.append(_sales_list(str(table.path), export.sales,
                                                 export.problems, export.rows, self.aliases,
                                                 known))
        return merged


def sales_for(sources: CustomerSources, known_ids: set[str], sales_path: Path | None,
              options: ReadOptions) -> SalesList | None:
    """The sales of a run: the --sales file (a plain sales list, an order export or a
    register's transactions) and the sales of every order export given as a customer file,
    each order once; None when there are none. Merged people's sales follow them. A list
    without amounts, and unread columns that look like amounts or dates, add a note."""
    lists: list[SalesList] = []
    if sales_path is not None:
        forced = preset_named(options.source_format) if options.source_format else None
        preset = forced if forced is not None and forced.kind == "sales" else None
        table = open_table(sales_path, options.encoding, options.sheet)
        preset = preset or detect_preset(table.headers)
        if preset is None:
            lists.append(read_sales(sales_path, known_ids, options, sources.aliases,
                                    sources.notes))
        else:
            sources.notes.append(_read_as(sales_path.name, preset.label))
            export = read_export(table, preset, options.ship_to)
            lists.append(_sales_list(str(sales_path), export.sales, export.problems,
                                     export.rows, sources.aliases, known_ids))
    given = sales_path.resolve() if sales_path is not None else None
    lists += [embedded for embedded in sources.embedded if Path(embedded.path).resolve() != given]
    if not lists:
        return None
    combined = SalesList(lists[0].path)
    for each in lists:
        combined.sales += each.sales
        combined.unknown += each.unknown
        combined.problems += each.problems
        combined.total_rows += each.total_rows
    missing = missing_amounts(combined)
    if missing is not None:
        sources.notes.append(missing)
    return combined


def _plain_records(table: Table, options: ReadOptions, notes: list[str]
                   ) -> list[PersonRecord]:
    """A plain customer list's rows as records (its own duplicates already refused)."""
    columns = open_plain(table, options)
    phones = columns.get("phone", [])
    records = []
    for row, customer, problems in scan_rows(table, columns, notes, options.workers):
        phone = next((clean_phone(row.cells[i]) for i in phones
                      if i < len(row.cells) and clean_phone(row.cells[i])), "")
        typed = not any(p.code == "generated-id" for p in problems)
        records.append(PersonRecord(customer, problems, str(table.path), phone,
                                    customer.registered, typed))
    if not records:
        raise InputError(_("{file} に顧客が 1 人もいません（見出しの行だけで、データの行が"
                           "ありません）。見出しの下の行に顧客を入力してください", file=table.path))
    return records


def _sales_list(path: str, sales: list[Sale], problems: list[Problem], rows: int,
                aliases: dict[str, str], known: set[str]) -> SalesList:
    """An export's sales with merged ids followed; sales of people not in the customer files
    are unknown-customer errors (a register's member number missing from the list)."""
    result = SalesList(path, problems=list(problems), total_rows=rows)
    for sale in sales:
        customer_id = aliases.get(clean_id(sale.customer_id), clean_id(sale.customer_id))
        sale = replace(sale, customer_id=customer_id)
        if customer_id in known:
            result.sales.append(sale)
            continue
        result.unknown.append(sale)
        result.problems.append(Problem(sale.row, customer_id, "", "unknown-customer", "error",
                                       _("顧客 {customer_id} の売上ですが、その顧客は"
                                         "顧客リストにいません",
                                         customer_id=customer_id or _("（空欄）")), path))
    return result


def _read_as(name: str, label: str) -> str:
    """The note for a file read by a preset: 'orders.csv: BASE の注文データとして読みました'."""
    return _("{name}: {label}として読みました", name=name, label=label)
