"""The rows of one plain customer list (CSV, TSV or XLSX) as Customer records, with every
problem (sources.sourceset reads whole lists and several files with it).

In: a table and ReadOptions (forced encoding, sheet, [columns] header mapping). Out: for each
data row a Customer, or an error Problem saying why not
(row numbers as the user sees them, header row = 1; every Problem names the file). Names are
kept exactly as typed (髙, 﨑, 𠮷 and variation selectors survive); ids, postal codes,
addresses and flags are cleaned. A row without an id gets one made from its name and address
(a generated-id warning). A line break or control character in a field the card uses, or an
Excel formula error, refuses the row: it never reaches the card.
"""

from __future__ import annotations

import collections
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from msgspec import Struct, field
from msgspec.structs import replace

from mailmerge.errors import InputError
from mailmerge.i18n import N_, _
from mailmerge.japanese.address_identity import (
    Places,
    keep_identity,
    known_identity,
    person_identity,
)
from mailmerge.models import Customer, Problem
from mailmerge.runs.forked import can_fork, forked_map
from mailmerge.sources.column_hints import ColumnHints
from mailmerge.sources.corrections import Correction
from mailmerge.sources.headers import ALIASES, map_headers
from mailmerge.sources.identity import (
    clean_id,
    generated_id,
    is_identifiable,
    person_key,
)
from mailmerge.sources.normalise import (
    clean_address,
    clean_name,
    clean_postal_code,
    drop_text_marker,
    lost_leading_zero,
    parse_date,
    parse_flag,
    split_full_name,
    split_joint_names,
)
from mailmerge.sources.postal import PostalChecker
from mailmerge.sources.tables import Table, TableRow
from mailmerge.sources.xlsx import Flaw

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

JOINT_NAMES_LEFT_OFF = "joint-names-left-off"  # Problem code: 連名 on a row with no name
# The header that messages name for a field when the file's own header is not known.
# Fields where a '?' is almost surely a character a Shift_JIS save could not keep.
LOST_CHARACTER_FIELDS = ("family_name", "given_name", "address1", "address2", "company")
FIELD_LABELS = {
    "customer_id": "顧客ID", "family_name": "姓", "given_name": "名", "postal_code": "郵便番号",
    "address1": "住所1", "address2": "住所2", "company": "会社名", "joint_names": "連名",
    "birthday": "誕生日", "registered": "登録日", "honorific": "敬称",
}
# Line breaks as str.splitlines sees them: a card field is one line.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# A line break or a control character (Cc) other than a tab: the cells worth a closer look.
_LINE_OR_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
FLAW_MESSAGES = {
    "formula-error": N_("式の結果がエラー（{detail}）です。式を直すか、値を直接入力してください"),
    "formula-not-computed": N_("式の結果が保存されていません。Excel で開いて保存し直してください"),
}


class ReadOptions(Struct, frozen=True):
    encoding: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header → field ([columns])
    source_format: str | None = None  # a preset's name (--source-format); else detected
    ship_to: bool = False  # order exports: the card goes to the 配送先 (gift recipient)
    more: tuple[Path, ...] = ()  # further customer files, merged with the first
    corrections: tuple[Correction, ...] = ()  # the shop's own fixes, applied as rows are read
    workers: int = 1  # processes that check a long plain list's rows (forked: the CLI only)


def open_plain(table: Table, options: ReadOptions) -> dict[str, list[int]]:
    """The columns of a plain customer list (headers by name); InputError if it has none."""
    columns = map_headers(table.headers, options.columns, str(table.path))
    _require_headers(table, columns)
    return columns


def scan_plain(table: Table, columns: dict[str, list[int]], notes: list[str] | None = None,
               workers: int = 1) -> Iterator[tuple[Customer, list[Problem]]]:
    """The rows of a plain customer list, one at a time."""
    return ((customer, problems)
            for _row, customer, problems in scan_rows(table, columns, notes, workers))


def scan_rows(table: Table, columns: dict[str, list[int]], notes: list[str] | None = None,
              workers: int = 1) -> Iterator[tuple[TableRow, Customer, list[Problem]]]:
    """Each data row with the Customer made from it and its problems (postal code checks and
    duplicates within the file included). After the last row, `notes` gets a notice for each
    unread column that looks like amounts, dates or postal codes. With `workers` > 1, the
    rows after the first ROWS_FIRST are made and checked in forked processes (the
    duplicates are still found here, in file order)."""
    source = str(table.path)
    check = _row_checker(columns, table.headers, source)
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple[str, ...], Places] = {}
    hints = ColumnHints(table.headers, {i for indexes in columns.values() for i in indexes})
    count = 0
    rows = (row for row in table.rows if row.flaws or "".join(row.cells).strip())
    for row, (customer, problems) in _checked_rows(rows, check, workers, source):
        count += 1
        hints.see(row.cells)
        typed_id = not any(p.code == "generated-id" for p in problems)
        problems += _duplicates(customer, typed_id, seen_ids, seen_people, table.headers,
                                columns, source)
        yield row, customer, problems
    if count == 0:
        raise InputError(_("{file} に顧客が 1 人もいません（見出しの行だけで、データの行が"
                           "ありません）。見出しの下の行に顧客を入力してください", file=source))
    if notes is not None:
        notes += hints.notes(source)


RowCheck = Callable[[TableRow], tuple[Customer, list[Problem]]]
ROWS_PER_WORKER = 2_500  # rows a forked process makes and checks at a time
ROWS_FIRST = 250  # rows checked here before any process is forked (warming their caches)
# A list that ends fewer rows after those is checked here: forking for its rest costs more
# than it saves (1,000 rows: 68 ms here, 70–95 ms with two readers forked).
ROWS_FORKED_LEAST = 1_250


def _row_checker(columns: dict[str, list[int]], headers: list[str], source: str) -> RowCheck:
    """The check of one row on its own: its Customer (with the person's identity worked out,
    for the duplicates) and the problems of its cells and its postal code."""
    postal = PostalChecker()
    postal_column = _label(columns, headers, "postal_code")

    def check(row: TableRow) -> tuple[Customer, list[Problem]]:
        customer, problems = customer_from_row(row, columns, headers, source)
        problems += [replace(p, file=source) for p in postal.check(customer, postal_column)]
        person_identity(customer)
        return customer, problems

    return check


def _checked_rows(rows: Iterator[TableRow], check: RowCheck, workers: int, source: str
                  ) -> Iterator[tuple[TableRow, tuple[Customer, list[Problem]]]]:
    """Each row with check(row), in order: the first ROWS_FIRST here (which also fills the
    caches the workers start with), the others here too with one worker or a list that
    ends within ROWS_FORKED_LEAST more rows, else in forked processes, ROWS_PER_WORKER at a
    time (the last, shorter chunk shared out among them)."""
    for row in itertools.islice(rows, ROWS_FIRST):
        yield row, check(row)
    following = list(itertools.islice(rows, ROWS_PER_WORKER))
    if workers <= 1 or not can_fork() or len(following) < ROWS_FORKED_LEAST:
        for row in itertools.chain(following, rows):
            yield row, check(row)
        return
    chunks = _chunks(itertools.chain(following, rows), workers)
    waiting: collections.deque[list[TableRow]] = collections.deque()

    def handed_out() -> Iterator[list[TableRow]]:
        for chunk in chunks:
            waiting.append(chunk)
            yield chunk

    def died(_number: int, code: int | None) -> InputError:
        return InputError(_("{file}: {row} 行目から先を読むプロセスが途中で止まりました"
                            "（{code}）。メモリの空きを確かめて、もう一度実行してください",
                            file=source, row=waiting[0][0].number, code=code))

    def checked_with_identities(chunk: list[TableRow]) -> list[tuple]:
        # (a customer is sent without its identity: the worker's is handed over beside it)
        return [(*checked, known_identity(checked[0])) for checked in map(check, chunk)]

    for checked in forked_map(checked_with_identities, handed_out(), workers, died,
                              _send_checked, _receive_checked):
        for row, (customer, problems, identity) in zip(waiting.popleft(), checked, strict=True):
            if identity is not None:
                keep_identity(customer, identity)
            yield row, (customer, problems)


# A reader's rows go back as MessagePack (msgspec: a third of pickle's time each way).
_CHECKED_ENCODER = msgspec.msgpack.Encoder()
_CHECKED_DECODER = msgspec.msgpack.Decoder(
    list[tuple[Customer, list[Problem], tuple[str, str, str, str] | None]])


def _send_checked(sender: Connection, checked: list[tuple]) -> None:
    sender.send_bytes(_CHECKED_ENCODER.encode(checked))


def _receive_checked(receiver: Connection) -> list[tuple]:
    return _CHECKED_DECODER.decode(receiver.recv_bytes())


def _chunks(rows: Iterator[TableRow], workers: int) -> Iterator[list[TableRow]]:
    """The rows ROWS_PER_WORKER at a time; the list's last, shorter chunk cut into one piece
    per worker, so its end is checked on every core."""
    while True:
        chunk = list(itertools.islice(rows, ROWS_PER_WORKER))
        if len(chunk) < ROWS_PER_WORKER:
            size = max(1, -(-len(chunk) // workers))
            yield from (chunk[start:start + size] for start in range(0, len(chunk), size))
            return
        yield chunk


def _require_headers(table: Table, columns: dict[str, list[int]]) -> None:
    named = {"family_name", "given_name", "name", "company"} & columns.keys()
    if not named or "address1" not in columns:
        found = ", ".join(h for h in table.headers if h)[:200] or _("なし")
        raise InputError(_(
            "{file}: 1 行目に顧客リストの見出しが見つかりません（あったのは: {found}）。"
            "名前の列（{names}）と住所の列（{addresses}）が要ります。見出しが違うときは "
            "hagaki.toml の [columns] で対応を書いてください", file=table.path, found=found,
            names=" / ".join([*ALIASES["family_name"][:2], ALIASES["name"][0]]),
            addresses=" / ".join(ALIASES["address1"][:2])))


def _label(columns: dict[str, list[int]], headers: list[str], field_name: str) -> str:
    """The user's own header for a field (first column), else our usual name for it."""
    indexes = columns.get(field_name)
    if indexes:
        return headers[indexes[0]]
    return FIELD_LABELS.get(field_name, field_name)


def customer_from_row(table_row: TableRow, columns: dict[str, list[int]], headers: list[str],
                      source: str = "") -> tuple[Customer, list[Problem]]:
    """One row → a Customer and the problems found in the row itself."""
    row, cells = table_row.number, table_row.cells
    text_of = collections.defaultdict(str, _field_texts(cells, columns))  # (no column: "")
    family, typed_family = clean_name(text_of["family_name"])
    given, typed_given = clean_name(text_of["given_name"])
    if not (family or given) and text_of["name"]:
        whole, typed_family = clean_name(text_of["name"])
        family, given = split_full_name(whole)
    problems: list[Problem] = []
    typed_id = clean_id(text_of["customer_id"])
    customer_id = typed_id

    def problem(field_name: str, code: str, message: str, severity: str = "error",
                column: str | None = None) -> None:
        problems.append(Problem(row, customer_id, column or _label(columns, headers, field_name),
                                code, severity, message, source))

    dates = {}
    for date_field in ("birthday", "registered"):
        text = text_of[date_field]
        dates[date_field] = parse_date(text) if text else None
        if text and dates[date_field] is None:
            problem(date_field, "bad-date",
                    _("{text!r} は日付として読めません（1980-04-01 のように書いてください）。"
                      "この値は使いません", text=text), "warning")
    customer = Customer(
        row=row,
        customer_id=typed_id,
        family_name=family,
        given_name=given,
        honorific=text_of["honorific"] or typed_given or typed_family,
        postal_code=clean_postal_code(text_of["postal_code"]),
        address1=clean_address(text_of["address1"]),
        address2=clean_address(text_of["address2"]),
        company=text_of["company"].strip(),
        department=text_of["department"],
        title=text_of["title"],
        joint_names=tuple(_joint_names(cells, columns)),
        kana=text_of["kana"],
        birthday=dates["birthday"],
        gender=text_of["gender"],
        registered=dates["registered"],
        note=" ".join(text_of["note"].split()),  # a memo's line breaks folded
        do_not_mail=parse_flag(text_of["do_not_mail"]),
        mourning=parse_flag(text_of["mourning"]),
        deceased=parse_flag(text_of["deceased"]),
        moved=parse_flag(text_of["moved"]),
    )
    if not typed_id:
        customer_id = generated_id(person_key(customer))
        customer = replace(customer, customer_id=customer_id)
        problem("customer_id", "generated-id",
                _("顧客ID がないため、名前と住所から ID「{customer_id}」を作りました。名前や住所を"
                  "直すと別の人として扱われます（送付の記録が引き継がれません）。顧客ID を入れて"
                  "ください", customer_id=customer_id), "warning")
    for index, code, text in _unusable_cells(table_row, columns):
        problem("", code, text, column=headers[index] if index < len(headers) else "")
    if not (customer.family_name or customer.given_name or customer.company):
        problem("family_name", "missing-name",
                _("名前も会社名もありません: 姓・名か会社名を入れてください"))
    elif customer.joint_names and not (customer.family_name or customer.given_name):
        field_name = next(name for name in ("joint_names", "joint_given", "joint_family")
                          if columns.get(name))
        problem(field_name, JOINT_NAMES_LEFT_OFF,
                _("連名（{names}）は刷りません。姓・名のない行のはがきは会社宛てになります。"
                  "連名の方に宛てるなら、1 人目の名前を姓・名の列に入れてください",
                  names="、".join(customer.joint_names)), "warning")
    if not customer.address1:
        problem("address1", "missing-address", _(
            "住所がありません: 「{column}」に住所を入れてください",
            column="・".join(headers[index] for index in columns["address1"])))
    for field_name in LOST_CHARACTER_FIELDS:
        text = getattr(customer, field_name)
        if "?" in text or "？" in text:
            problem(field_name, "lost-character",
                    _("「{text}」の ? は、Shift_JIS で保存したときに失われた文字かもしれません"
                      "（{examples} など）。元の文字に直すか、ファイルを UTF-8（CSV UTF-8）で"
                      "保存し直してください", text=text, examples="𠮷, 葛󠄀"))
    if lost_leading_zero(text_of["postal_code"]):
        restored = "0" + customer.postal_code
        shown = restored[:3] + "-" + restored[3:]
        problem("postal_code", "postal-format",
                _("郵便番号 {typed!r} は 6 桁なので {restored} と読みました（Excel は先頭の 0 を"
                  "消します。列を文字列にしてください）", typed=text_of["postal_code"],
                  restored=shown), "warning")
        customer = replace(customer, postal_code=restored)
    if not customer.postal_code:
        problem("postal_code", "postal-format",
                _("郵便番号がありません: 7 桁の郵便番号を入れてください"))
    elif not (customer.postal_code.isascii() and customer.postal_code.isdigit()
              and len(customer.postal_code) == 7):
        problem("postal_code", "postal-format",
                _("郵便番号 {typed!r} は 7 桁ではありません（100-0001 のように書いてください）",
                  typed=text_of["postal_code"]))
    return customer, problems


_JOINERS = {"address2": " ", "kana": " ", "note": " "}  # between a field's columns; else ""


def _field_texts(cells: list[str], columns: dict[str, list[int]]) -> dict[str, str]:
    """Each field the list has columns for → its text: its cells without Excel's text
    marker, the non-empty ones joined."""
    texts = {}
    count = len(cells)
    for field_name, indexes in columns.items():
        if len(indexes) == 1:  # (most fields: one column)
            texts[field_name] = drop_text_marker(cells[indexes[0]]) if indexes[0] < count else ""
        else:
            parts = [drop_text_marker(cells[i]) for i in indexes if i < count]
            texts[field_name] = _JOINERS.get(field_name, "").join(p for p in parts if p)
    return texts


def _unusable_cells(table_row: TableRow, columns: dict[str, list[int]]
                    ) -> Iterator[tuple[int, str, str]]:
    """(column index, code, message) for each cell the card would use but must not: a line
    break or control character in it, or an Excel formula error."""
    if not table_row.flaws and not _LINE_OR_CONTROL.search("".join(table_row.cells)):
        return  # (most rows: nothing in any cell to look for)
    used = {i for name, indexes in columns.items() if name not in ("customer_id", "note")
            for i in indexes}
    for flaw in table_row.flaws:
        if flaw.index in used or flaw.index in columns.get("customer_id", []):
            yield flaw.index, flaw.code, flaw_message(flaw)
    for index in sorted(used):
        text = table_row.cells[index] if index < len(table_row.cells) else ""
        if not _LINE_OR_CONTROL.search(text):
            continue
        if any(ch in _LINE_BREAKS for ch in text):
            yield index, "newline-in-field", _(
                "セルの中に改行があります。はがきの 1 行に収まらないため、この行は印刷しません。"
                "改行を消してください（建物名は {column} の列へ）", column=ALIASES["address2"][0])
        elif any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in text):
            codes = " ".join(f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc")
            yield index, "control-character", _(
                "セルに目に見えない制御文字（{codes}）があります。その文字を消してください",
                codes=codes)


def flaw_message(flaw: Flaw) -> str:
    """The message for a cell whose value Excel could not give."""
    message = FLAW_MESSAGES.get(flaw.code)
    return _(message, detail=flaw.detail) if message else flaw.detail


def _joint_names(cells: list[str], columns: dict[str, list[int]]) -> Iterator[str]:
    """連名 (、-separated) and 連名1…N columns; 連名1(姓)+連名1(名) pairs become '姓 名'."""
    def cell(index: int) -> str:
        return cells[index].strip() if index < len(cells) else ""

    for index in columns.get("joint_names", []):
        yield from split_joint_names(cell(index))
    families = columns.get("joint_family", [])
    givens = columns.get("joint_given", [])
    for number in range(max(len(families), len(givens))):
        family = cell(families[number]) if number < len(families) else ""
        given = cell(givens[number]) if number < len(givens) else ""
        if given:
            yield f"{family} {given}".strip() if family else given


def _duplicates(customer: Customer, typed_id: bool, seen_ids: dict[str, int],
                seen_people: dict[tuple[str, ...], Places], headers: list[str],
                columns: dict[str, list[int]], source: str) -> list[Problem]:
    """The same id twice, or the same name at the same address: the later row is refused.
    A typed id is compared first; a generated one (made from name and address) after the
    person, so the message names what the user can see."""
    key = person_identity(customer)
    identifiable = is_identifiable(key)

    def same_id() -> Problem | None:
        if not (typed_id or identifiable):
            return None  # ids made from an empty name or address say nothing
        first = seen_ids.setdefault(customer.customer_id, customer.row)
        if first == customer.row:
            return None
        return Problem(customer.row, customer.customer_id,
                       _label(columns, headers, "customer_id"), "duplicate", "error",
                       _("顧客ID {customer_id} は {first} 行目にもあります。"
                         "お客様ひとりに 1 行・1 つの ID にしてください",
                         customer_id=customer.customer_id, first=first), source)

    def same_person() -> Problem | None:
        if not identifiable:
            return None
        family, given, company, identity = key  # 佐藤花子 and 佐藤 花子: one name
        places = seen_people.get((family + given, company))
        if places is None:
            places = seen_people[(family + given, company)] = Places()
        seen = places.see(identity, customer.row)
        if seen is None:
            return None
        first, there = seen
        message = (_("{first} 行目と同じ名前・住所です。このままでは 2 枚届きます。"
                     "どちらかを消すか、1 行にまとめてください", first=first)
                   if there == identity else
                   _("{first} 行目と同じ名前・住所で、建物名や部屋番号が片方の行にだけあり"
                     "ます。このままでは 2 枚届きます。どちらかを消すか、1 行にまとめてください",
                     first=first))
        return Problem(customer.row, customer.customer_id,
                       _label(columns, headers, "family_name"), "duplicate", "error",
                       message, source)

    checks = (same_id, same_person) if typed_id else (same_person, same_id)
    for check in checks:
        found = check()
        if found is not None:
            return [found]
    return []
