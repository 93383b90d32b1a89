"""Plain records passed between the stages: customers, the sender, problems, run results.

The package's records are msgspec Structs: defined and made at C speed (a dataclass costs
half a millisecond to define, and a run defines seventy).
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field


class Customer(Struct, frozen=True, dict=True):
    """One row of a customer list, cleaned but with names exactly as typed.

    row: the spreadsheet row number the user sees (header row = 1). Its person identity,
    once worked out, is kept beside its fields (address_identity.person_identity): not
    compared, not copied by replace, not encoded (a forked reader hands it over itself).
    """

    row: int
    customer_id: str
    family_name: str = ""
    given_name: str = ""
    honorific: str = ""
    postal_code: str = ""
    address1: str = ""
    address2: str = ""
    company: str = ""
    department: str = ""
    title: str = ""
    joint_names: tuple[str, ...] = ()
    kana: str = ""
    birthday: dt.date | None = None
    gender: str = ""
    registered: dt.date | None = None
    note: str = ""
    do_not_mail: bool = False
    mourning: bool = False
    deceased: bool = False
    moved: bool = False

    @property
    def display_name(self) -> str:
        """The name as a person reads it: 髙橋 一郎, or the company."""
        return f"{self.family_name} {self.given_name}".strip() or self.company

    @property
    def label(self) -> str:
        """How messages name this customer: id and name."""
        return f"{self.customer_id} {self.display_name}".strip()


class Sender(Struct, frozen=True):
    """The shop, from hagaki.toml [sender]."""

    name: str = ""
    postal_code: str = ""
    address: str = ""
    address2: str = ""
    phone: str = ""  # 03-1234-5678 (shop.contact: digits and hyphens)
    email: str = ""
    url: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.address or self.postal_code)


class Problem(Struct, frozen=True):
    """Something wrong with one row: where it is, a stable code and what to do."""

    row: int
    customer_id: str
    column: str
    code: str
    severity: str  # "error" (row not printed) or "warning" (printed anyway)
    message: str
    file: str = ""  # the input file the row is in


class Sale(Struct, frozen=True):
    """One row of a sales list."""

    row: int
    customer_id: str
    date: dt.date
    item: str = ""
    amount: float | None = None
    staff: str = ""
    refund: bool = False  # a row that takes a sale back (返品 …), with or without an amount

    @property
    def takes_back(self) -> bool:
        """A refund (marked, or a negative amount): never a purchase, a visit or a thank-you."""
        return self.refund or (self.amount is not None and self.amount < 0)


class CustomerList(Struct):
    """What reading a customer file gives: the printable rows, and every problem found.

    Rows with an error are not in `customers`; their problems say why.
    """

    path: str
    customers: list[Customer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0
    ids: set[str] = field(default_factory=set)  # every customer id in the file, errors too


class SalesList(Struct):
    """What reading a sales file gives: the usable sales, and the problems."""

    path: str
    sales: list[Sale] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0
    unknown: list[Sale] = field(default_factory=list)  # sales for ids not in the customer list


class CardRef(Struct, frozen=True):
    """A card in the send log, as the rules and their reasons name it."""

    card_id: int
    card_date: dt.date
    status: str
