"""Who a card is addressed to: people, 連名, honorific, title and organisation lines.

In: a Customer. Out: a Recipient with the name pieces exactly as typed, one honorific for
everyone as typed (never doubled; 様 or 御中 when none is typed), and the company lines to print.
"""

from __future__ import annotations

import functools
import re

from msgspec import Struct

from mailmerge.models import Customer

PERSON_HONORIFICS = ("様方", "先生", "様", "殿", "さま", "サマ", "さん", "くん", "ちゃん")
GROUP_HONORIFICS = ("御中", "各位", "気付")
HONORIFICS = GROUP_HONORIFICS + PERSON_HONORIFICS
DEFAULT_PERSON = "様"
DEFAULT_ORGANISATION = "御中"
_SPACES = re.compile(r"[ \u3000]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’.\- ]*")


class Person(Struct, frozen=True):
    family: str  # "" when the person shares the first person's family name
    given: str


class Recipient(Struct, frozen=True):
    people: tuple[Person, ...]  # empty for an organisation
    honorific: str
    title: str  # 役職, printed before the first person's name
    organisation_lines: tuple[str, ...]  # company, department (in the columns right of the name)
    organisation_name: str  # the centre column when there is no person ("" otherwise)


def is_latin(name: str) -> bool:
    """True for a name written in Latin letters (Smith, O'Brien, Müller)."""
    return bool(_LATIN.fullmatch(name.strip()))


def strip_honorific(name: str) -> tuple[str, str]:
    """'山田様' → ('山田', '様'); a name without a typed honorific comes back unchanged."""
    text = name.strip()
    if not text.endswith(HONORIFICS):  # the usual case, quickly
        return text, ""
    for honorific in HONORIFICS:
        if text.endswith(honorific) and len(text) > len(honorific):
            return text[: -len(honorific)].rstrip(" \u3000"), honorific
    return text, ""


@functools.lru_cache(maxsize=16)
def recipient_of(customer: Customer) -> Recipient:
    """Work out the name block of a card from a customer row. (Cached: a card asks for it
    on both sides and in its words.)"""
    family, typed_family = strip_honorific(customer.family_name)
    given, typed_given = strip_honorific(customer.given_name)
    chosen = customer.honorific.strip() or typed_given or typed_family
    people: list[Person] = []
    if family or given:
        people.append(Person(family, given))
        for joint in customer.joint_names:
            entry, _ = strip_honorific(joint)
            parts = _SPACES.split(entry, maxsplit=1)
            if len(parts) == 2:
                people.append(Person(parts[0], parts[1]))
            else:
                people.append(Person("", entry))
    company = customer.company.strip()
    department = customer.department.strip()
    if people:
        honorific = chosen or DEFAULT_PERSON
        lines = tuple(line for line in (company, department) if line)
        return Recipient(tuple(people), honorific, customer.title.strip(), lines, "")
    honorific = chosen or DEFAULT_ORGANISATION
    if department:
        return Recipient((), honorific, "", (company,) if company else (), department)
    return Recipient((), honorific, "", (), company)
