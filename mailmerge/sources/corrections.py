"""Corrections the shop made in hagaki (not in its file), applied as the customer list is read.

In: the rows read from the customer files ((customer, problems) pairs) and the shop's active
corrections (customer id, field, the value it replaces, the new value; stored in the send
log by `hagaki serve`). Out: the same rows with each matching field replaced and its postal
problems checked again, and one note per corrected row ("customers.csv 行 5 の郵便番号を
530-0001 に直して読みました…"). The files themselves are never written.

A correction applies only while the file still holds the value it replaced: once the file
itself is fixed (or changed), the correction is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from mailmerge.i18n import N_, _
from mailmerge.models import Customer, Problem
from mailmerge.sources.normalise import clean_address, clean_postal_code

if TYPE_CHECKING:
    from mailmerge.sources.postal import PostalChecker

# The fields a correction may change, with the column label problems use for them
# (translated where a sentence names them).
FIELDS = {"postal_code": N_("郵便番号"), "address1": N_("住所1"), "address2": N_("住所2")}
# The postal problems whose message may suggest codes (see PostalChecker).
SUGGESTING = ("postal-unknown", "postal-mismatch", "postal-catch-all", "postal-missing")
# Problems a changed postal code or address may settle: checked again after the change.
RECHECKED = ("postal-format", *SUGGESTING, "missing-address")
# A code PostalChecker suggests: "… 530-0001 (大阪府大阪市北区梅田) ではありませんか？"
_SUGGESTED_CODE = re.compile(r"(\d{3})-(\d{4}) \(")


class Correction(Struct, frozen=True):
    correction_id: int
    customer_id: str
    field: str  # one of FIELDS
    old_value: str  # the value as read from the file (postal codes: 7 digits)
    new_value: str


def clean_value(field: str, text: str) -> str:
    """A typed value cleaned the way the customer list's own cells are."""
    return clean_postal_code(text) if field == "postal_code" else clean_address(text)


def shown(field: str, value: str) -> str:
    """A value as messages show it: postal codes as 530-0001."""
    if field == "postal_code" and len(value) == 7:
        return f"{value[:3]}-{value[3:]}"
    return value


def suggested_postal_code(problem: Problem) -> str | None:
    """The 7-digit code a postal problem suggests, when it names exactly one (one click may
    apply it); None when it names none, or several to choose from."""
    codes = suggested_postal_codes(problem)
    return codes[0] if len(codes) == 1 else None


def suggested_postal_codes(problem: Problem) -> tuple[str, ...]:
    """Every 7-digit code a postal problem suggests, in its order: () when none."""
    if problem.code not in SUGGESTING:
        return ()
    found = _SUGGESTED_CODE.finditer(problem.message)
    return tuple(dict.fromkeys(match.group(1) + match.group(2) for match in found))


def apply_corrections(rows: Iterable[tuple[Customer, list[Problem]]],
                      corrections: Iterable[Correction], notes: list[str], source: str
                      ) -> Iterator[tuple[Customer, list[Problem]]]:
    """Each row, corrected where a correction matches its customer id and current value;
    a note for each corrected row is appended to `notes` as the row is read. `source` is
    the file named when a row's problems do not name theirs."""
    from mailmerge.sources.postal import PostalChecker  # Japan Post's data: only when needed

    by_customer: dict[str, list[Correction]] = {}
    for correction in sorted(corrections, key=lambda c: c.correction_id):
        by_customer.setdefault(correction.customer_id, []).append(correction)
    checker: PostalChecker | None = None
    for customer, problems in rows:
        applied = []
        for correction in by_customer.get(customer.customer_id, ()):
            if getattr(customer, correction.field) == correction.old_value:
                customer = replace(customer, **{correction.field: correction.new_value})
                applied.append(correction)
        if applied:
            checker = checker or PostalChecker()
            file = next((p.file for p in problems if p.file), source)
            problems = _checked_again(customer, problems, checker, file)
            notes.extend(_note(customer, file, correction) for correction in applied)
        yield customer, problems


def _checked_again(customer: Customer, problems: list[Problem], checker: PostalChecker,
                   source: str) -> list[Problem]:
    """The row's problems with the postal and address checks made on the corrected values."""
    settled = [p for p in problems if p.code in RECHECKED]
    kept = [p for p in problems if p.code not in RECHECKED]
    column = next((p.column for p in settled if p.code.startswith("postal-")),
                  FIELDS["postal_code"])
    if not customer.address1:
        missing = next((p for p in settled if p.code == "missing-address"), None)
        kept.append(missing or Problem(
            customer.row, customer.customer_id, FIELDS["address1"], "missing-address",
            "error", _("住所がありません: 「{column}」に住所を入れてください",
                       column=FIELDS["address1"]), source))
    code = customer.postal_code
    if not code:
        kept.append(Problem(customer.row, customer.customer_id, column, "postal-format",
                            "error", _("郵便番号がありません: 7 桁の郵便番号を入れてください"),
                            source))
    elif not (len(code) == 7 and code.isascii() and code.isdigit()):
        kept.append(Problem(customer.row, customer.customer_id, column, "postal-format",
                            "error", _("郵便番号 {code!r} は 7 桁ではありません（直した値です: "
                                       "「顧客リスト」の画面で直し直してください）",
                                       code=code), source))
    kept += [replace(p, file=source) for p in checker.check(customer, column)]
    return kept


def _note(customer: Customer, source: str, correction: Correction) -> str:
    fields = {"row": customer.row, "field": _(FIELDS[correction.field]),
              "value": shown(correction.field, correction.new_value)}
    if not source:
        return _("行 {row} の{field}を {value} に直して読みました（元のファイルはそのままです。"
                 "修正は「顧客リスト」の画面で取り消せます）", **fields)
    return _("{file} 行 {row} の{field}を {value} に直して読みました（元のファイルはそのままです。"
             "修正は「顧客リスト」の画面で取り消せます）", file=Path(source).name, **fields)
