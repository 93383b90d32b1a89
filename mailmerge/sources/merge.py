"""One customer, many rows: the people of several files (and an order export's repeat
orders) merged into one record each.

In: PersonRecords in argument order. Out: (customer, problems) per person, and the id each
merged record's id now stands for (so their sales follow them). Two records are one person
when they have the same customer id, or the same name (as textmatch folds it) with the same
phone number, or with the same address identity (a building given by only one of them
included); never on a name alone. The first record with a typed id gives the id and the
name; the address is the newest one (the latest order day; an undated list counts as older,
and among undated files the first one given wins), with the building another record adds to
it; an older different address is a warning. Every merge across files is an info problem
("orders.csv の 12 行目 = customers.xlsx の C004").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from msgspec.structs import replace

from mailmerge.i18n import N_, _
from mailmerge.japanese.address_identity import address_identity, same_place
from mailmerge.japanese.textmatch import match_key
from mailmerge.models import Customer, Problem
from mailmerge.sources.exports import PersonRecord

_FLAGS = ("do_not_mail", "mourning", "deceased", "moved")  # a flag set anywhere is kept
_FILLED = ("kana", "honorific", "company", "department", "title", "joint_names", "birthday",
           "gender", "registered", "note")
_REASONS = {"id": N_("顧客IDが同じ"), "phone": N_("名前と電話番号が同じ"),
            "address": N_("名前と郵便番号・住所が同じ")}


def merge_people(records: list[PersonRecord]
                 ) -> tuple[list[tuple[Customer, list[Problem]]], dict[str, str]]:
    """The merged people in the order their first record came, and old id → merged id."""
    _refuse_one_id_for_two_people(records)
    groups = _groups(records)
    merged: list[tuple[Customer, list[Problem]]] = []
    aliases: dict[str, str] = {}
    for members in groups:
        if len(members) == 1:
            merged.append((members[0].customer, list(members[0].problems)))
            continue
        customer, problems = _merge(members)
        merged.append((customer, problems))
        for member in members:
            if member.customer.customer_id != customer.customer_id:
                aliases[member.customer.customer_id] = customer.customer_id
    return merged, aliases


def _refuse_one_id_for_two_people(records: list[PersonRecord]) -> None:
    """A typed id given to a person of another name in a later record is an error on that
    record (it stays alone and is not printed), never a silent merge that loses one of them."""
    first_with: dict[str, PersonRecord] = {}
    for record in records:
        customer = record.customer
        name = match_key(customer.family_name + customer.given_name + customer.company)
        if not (record.typed_id and customer.customer_id and name):
            continue
        first = first_with.setdefault(customer.customer_id, record)
        first_name = match_key(first.customer.family_name + first.customer.given_name
                               + first.customer.company)
        if first is not record and first_name != name:
            record.problems.append(Problem(
                customer.row, customer.customer_id, "顧客ID", "duplicate", "error",
                _("顧客ID {customer_id} は {first}（{first_name}）と同じですが、名前が違います"
                  "（{name}）。別の人なら ID を変えてください。この行は印刷しません",
                  customer_id=customer.customer_id, first=_where(first),
                  first_name=_name(first.customer), name=_name(customer)), record.file))


def person_keys(record: PersonRecord) -> list[tuple[str, ...]]:
    """The keys by which this record is the same person as another."""
    customer = record.customer
    keys = [("id", customer.customer_id)] if customer.customer_id else []
    name = match_key(customer.family_name + customer.given_name)
    if not name:
        return keys
    if record.phone:
        keys.append(("phone", name, record.phone))
    identity = _identity(record)
    if identity:
        keys.append(("address", name, identity))
    return keys


def _identity(record: PersonRecord) -> str:
    """The record's address identity, or '' without a postal code or an address."""
    customer = record.customer
    if not (customer.postal_code and match_key(customer.address1 + customer.address2)):
        return ""
    return address_identity(customer.postal_code, customer.address1, customer.address2)


def _building_pairs(records: list[PersonRecord]) -> list[tuple[int, int]]:
    """(i, j) of records with one name and one address but a building only one of them
    gives (same_place, not equal): the same person, whom the keys alone would keep apart."""
    buckets: dict[tuple[str, str], list[int]] = {}
    for i, record in enumerate(records):
        name = match_key(record.customer.family_name + record.customer.given_name)
        identity = _identity(record)
        if name and identity:
            buckets.setdefault((name, identity.partition("|")[0]), []).append(i)
    return [(i, j) for members in buckets.values() for n, i in enumerate(members)
            for j in members[n + 1:]
            if _identity(records[i]) != _identity(records[j])
            and same_place(_identity(records[i]), _identity(records[j]))]


def _groups(records: list[PersonRecord]) -> list[list[PersonRecord]]:
    """Union of records sharing a key; rows with an error stay alone (they are not printed)."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple[str, ...], int] = {}
    for i, record in enumerate(records):
        if any(p.severity == "error" for p in record.problems):
            continue
        for key in person_keys(record):
            j = first_with.setdefault(key, i)
            parent[root(i)] = root(j)
    for i, j in _building_pairs(records):
        if not any(p.severity == "error" for p in (*records[i].problems, *records[j].problems)):
            parent[root(j)] = root(i)
    groups: dict[int, list[PersonRecord]] = {}  # keyed in the order of each first member
    for i, record in enumerate(records):
        groups.setdefault(root(i), []).append(record)
    return list(groups.values())


def _merge(members: list[PersonRecord]) -> tuple[Customer, list[Problem]]:
    base = next((m for m in members if m.typed_id), members[0])
    newest = _fullest(max(members, key=_recency(members)), members)
    customer = replace(base.customer, postal_code=newest.customer.postal_code,
                       address1=newest.customer.address1, address2=newest.customer.address2)
    for name in _FILLED:
        if not getattr(customer, name):
            value = next((getattr(m.customer, name) for m in members
                          if getattr(m.customer, name)), getattr(customer, name))
            customer = replace(customer, **{name: value})
    for name in _FLAGS:
        customer = replace(customer, **{name: any(getattr(m.customer, name) for m in members)})
    problems = [p for m in members for p in m.problems]
    for member in members:
        if member is not base and not (member.file == base.file and member.repeat_orders
                                       and base.repeat_orders):
            problems.append(_merged(member, base, customer.customer_id))
        if member is not newest and _address(member) != _address(newest):
            problems.append(_conflict(member, newest, customer.customer_id))
    return customer, problems


def _recency(members: list[PersonRecord]):
    """Sort key: dated records after undated; later days later; among equals the first
    record given wins."""
    order = {id(m): i for i, m in enumerate(members)}
    return lambda m: (m.seen is not None, m.seen or dt.date.min, -order[id(m)])


def _fullest(newest: PersonRecord, members: list[PersonRecord]) -> PersonRecord:
    """The newest record, or one at the same place that adds the building it leaves out."""
    place = _identity(newest)
    fuller = [m for m in members if place and len(_identity(m)) > len(place)
              and same_place(_identity(m), place)]
    return max(fuller, key=lambda m: len(_identity(m))) if fuller else newest


def _address(record: PersonRecord) -> str:
    return _identity(record) or match_key(record.customer.address1 + record.customer.address2)


def _merged(member: PersonRecord, base: PersonRecord, customer_id: str) -> Problem:
    same = [key for key in person_keys(member) if key in person_keys(base)]
    if same:
        reason = _(_REASONS[same[0][0]])
    elif same_place(_identity(member), _identity(base)) and _identity(member):
        reason = _("名前と郵便番号・住所が同じ（建物名や部屋番号は片方の行にだけある）")
    else:
        reason = _("ほかの行を通して同じ人と分かった")
    return Problem(member.customer.row, customer_id, "", "merged", "info",
                   _("{where} = {file} の {customer_id}（{row} 行目）: {reason}なので 1 人に"
                     "まとめました", where=_where(member), file=Path(base.file).name,
                     customer_id=customer_id, row=base.customer.row, reason=reason),
                   member.file)


def _conflict(older: PersonRecord, newest: PersonRecord, customer_id: str) -> Problem:
    return Problem(older.customer.row, customer_id, "住所", "address-conflict", "warning",
                   _("{older} の住所「{address}」は {newest} の「{newest_address}」と違います。"
                     "新しい方を使います", older=_where(older), address=_shown(older.customer),
                     newest=_where(newest), newest_address=_shown(newest.customer)),
                   older.file)


def _where(record: PersonRecord) -> str:
    return _("{file} の {row} 行目", file=Path(record.file).name, row=record.customer.row)


def _name(customer: Customer) -> str:
    return f"{customer.family_name} {customer.given_name}".strip() or customer.company


def _shown(customer: Customer) -> str:
    code = customer.postal_code
    postal = f"〒{code[:3]}-{code[3:]} " if len(code) == 7 else ""
    return f"{postal}{customer.address1} {customer.address2}".strip()
