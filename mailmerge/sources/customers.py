"""Reading a customer list (UTF-8 CSV) into Customer records.

In: a path. Out: CustomerList with every readable row as a Customer (row numbers as the user
sees them in Excel, header row = 1) and a Problem for every row that cannot be mailed as is.
Names are kept exactly as typed (髙, 﨑, 𠮷 and variation selectors survive); postal codes
are cleaned (full-width digits, 〒, hyphens).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from mailmerge.errors import InputError
from mailmerge.models import Customer, CustomerList, Problem
from mailmerge.sources.headers import ALIASES, map_headers

HEADER_LABELS = {  # the header name messages use for a field
    "customer_id": "顧客ID", "family_name": "姓", "given_name": "名", "postal_code": "郵便番号",
    "address1": "住所1", "address2": "住所2", "company": "会社名", "joint_names": "連名",
}
FALSE_FLAGS = {"", "0", "false", "no", "n", "いいえ", "無", "なし", "-", "×", "off"}
_JOINT_SEPARATORS = re.compile(r"[、,，・/／]+")
_NAME_SPACE = re.compile(r"[ \u3000]+")
_POSTAL_NOISE = re.compile(r"[〒\s\-‐‑–—―−－ー]")


def read_customers(path: Path) -> CustomerList:
    """Read a customer CSV; raise InputError when the file is not a customer list at all."""
    rows = _read_rows(path)
    if not rows:
        raise InputError(f"{path}: the file is empty; expected a header row such as "
                         "顧客ID,姓,名,郵便番号,住所1")
    headers = [h.strip() for h in rows[0]]
    columns = map_headers(headers)
    named = {"family_name", "given_name", "name", "company"} & columns.keys()
    if not named or "address1" not in columns:
        raise InputError(
            f"{path}: row 1 has no recognisable customer-list headers (found: "
            f"{', '.join(h for h in headers if h)[:200] or 'nothing'}); it needs a name column "
            f"({' / '.join(ALIASES['family_name'][:2] + ALIASES['name'][:1])}) and an address "
            f"column ({' / '.join(ALIASES['address1'][:2])})"
        )
    result = CustomerList(str(path))
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        result.total_rows += 1
        customer = _customer(number, cells, columns)
        problems = validate(customer)
        result.problems.extend(problems)
        if not any(p.severity == "error" for p in problems):
            result.customers.append(customer)
    return result


def _read_rows(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"customer file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a customer file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: this is not a text (CSV) file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it from Excel as "
            "'CSV UTF-8 (comma delimited)'"
        ) from None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file: {exc}") from None


def _customer(row: int, cells: list[str], columns: dict[str, list[int]]) -> Customer:
    def value(field: str, joiner: str = "") -> str:
        parts = [cells[i].strip() for i in columns.get(field, []) if i < len(cells)]
        return joiner.join(p for p in parts if p)

    family, given = value("family_name"), value("given_name")
    if not (family or given) and value("name"):
        parts = _NAME_SPACE.split(value("name"), maxsplit=1)
        family, given = parts[0], parts[1] if len(parts) > 1 else ""
    return Customer(
        row=row,
        customer_id=value("customer_id"),
        family_name=family,
        given_name=given,
        honorific=value("honorific"),
        postal_code=clean_postal_code(value("postal_code")),
        address1=value("address1"),
        address2=value("address2", " "),
        company=value("company"),
        department=value("department"),
        title=value("title"),
        joint_names=tuple(split_joint_names(value("joint_names", "、"))),
        do_not_mail=_flag(value("do_not_mail")),
        mourning=_flag(value("mourning")),
        deceased=_flag(value("deceased")),
        moved=_flag(value("moved")),
    )


def clean_postal_code(text: str) -> str:
    """'〒１００－０００１' → '1000001' (anything else is left for validation to report)."""
    return _POSTAL_NOISE.sub("", unicodedata.normalize("NFKC", text))


def split_joint_names(value: str) -> list[str]:
    """'花子、一郎' → ['花子', '一郎'] (also , ・ / separated)."""
    return [part.strip(" \u3000") for part in _JOINT_SEPARATORS.split(value) if part.strip()]


def _flag(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().casefold() not in FALSE_FLAGS


def validate(customer: Customer) -> list[Problem]:
    """What stops this row from being mailed (errors) or is doubtful (warnings)."""
    problems = []

    def problem(field: str, code: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(customer.row, customer.customer_id, HEADER_LABELS[field], code,
                                severity, message))

    if not (customer.family_name or customer.given_name or customer.company):
        problem("family_name", "missing-name",
                "no name and no company: fill in 姓/名 or 会社名")
    if not customer.address1:
        problem("address1", "missing-address", "no address: fill in 住所1")
    if not customer.postal_code:
        problem("postal_code", "postal-format", "no postal code: fill in the 7-digit 郵便番号")
    elif not re.fullmatch(r"\d{7}", customer.postal_code):
        problem("postal_code", "postal-format",
                f"postal code {customer.postal_code!r} is not 7 digits (e.g. 100-0001)")
    return problems
