"""A print run: customer list (and sales) → plan → card pages → one PDF, and a report.

In: the customer file, the output path, settings and RunOptions. Out: RunReport saying
which customers got a card, which rows were skipped (with the problem) and who was not sent
one (with the rule). Every data row ends up in exactly one of the three lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from mailmerge.config import Settings
from mailmerge.errors import CardError, ConfigError
from mailmerge.layout.address_side import AddressFonts, address_side
from mailmerge.layout.message_side import (
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.layout.page import Page
from mailmerge.layout.profiles import load_profile
from mailmerge.layout.vertical_text import prepare_address
from mailmerge.models import Customer, Problem, Sale
from mailmerge.render.pdf import write_pdf
from mailmerge.selection.plan import NotSent, PlanEntry, make_plan
from mailmerge.sources.customers import ReadOptions, read_customers
from mailmerge.sources.normalise import clean_postal_code
from mailmerge.sources.sales import read_sales
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import Message, Templates
from mailmerge.typeface.roles import FontRoles

SIDES = ("address", "message", "both")


@dataclass(frozen=True)
class RunOptions:
    layout: str | None = None
    offset_x: float | None = None
    offset_y: float | None = None
    strict: bool = False
    encoding: str | None = None
    sheet: str | None = None
    side: str = "address"
    sales: Path | None = None
    situation: str | None = None
    date: dt.date | None = None
    template: Path | None = None
    horizontal: bool = False
    handwriting: bool = True
    image: Path | None = None


@dataclass
class RunReport:
    source: str
    output: Path
    date: dt.date
    cards: list[PlanEntry] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # per card, when messages are set
    skipped: list[Problem] = field(default_factory=list)
    not_sent: list[NotSent] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def printed(self) -> list[Customer]:
        return [entry.customer for entry in self.cards]


def print_cards(customers_path: Path, output: Path, settings: Settings,
                options: RunOptions | None = None) -> RunReport:
    """Plan the cards, lay out the chosen sides and write them into one PDF."""
    options = options or RunOptions()
    if options.side not in SIDES:
        raise ConfigError(f"--side must be one of {', '.join(SIDES)}")
    today = options.date or dt.date.today()
    read_options = ReadOptions(options.encoding, options.sheet, settings.columns)
    customer_list = read_customers(customers_path, read_options)
    report = RunReport(customer_list.path, output, today)
    report.skipped.extend(p for p in customer_list.problems if p.severity == "error")
    report.warnings.extend(p for p in customer_list.problems if p.severity == "warning")
    sales: list[Sale] | None = None
    if options.sales is not None:
        sales_list = read_sales(options.sales, customer_list.ids, read_options)
        sales = sales_list.sales
        report.warnings.extend(sales_list.problems)
    plan = make_plan(customer_list.customers, sales, today, options.situation,
                     rules=settings.rules)
    report.not_sent = plan.not_sent
    maker = _CardMaker(settings, options, today, sales or [])
    pages: list[Page] = []
    for entry in plan.cards:
        try:
            card_pages, message = maker.pages(entry)
        except CardError as error:
            customer = entry.customer
            report.skipped.append(Problem(customer.row, customer.customer_id, error.field or "",
                                          error.code, "error", str(error)))
            continue
        pages.extend(card_pages)
        report.cards.append(entry)
        if message is not None:
            report.messages.append(message)
    report.skipped.sort(key=lambda p: p.row)
    if pages and not (options.strict and report.skipped):
        write_pdf(pages, output, title=f"hagaki: {Path(customer_list.path).name}")
        report.written = True
    return report


class _CardMaker:
    """Lays out the pages of one card (address side, message side or both)."""

    def __init__(self, settings: Settings, options: RunOptions, today: dt.date,
                 sales: list[Sale]) -> None:
        self.settings = settings
        self.options = options
        self.today = today
        roles = FontRoles(settings)
        self.address_fonts = AddressFonts(roles.chain("address"), roles.chain("name"))
        self.message_fonts = MessageFonts(roles.chain("message"), roles.chain("heading"))
        self.profile = load_profile(options.layout or settings.layout)
        self.sales_by_customer: dict[str, list[Sale]] = {}
        for sale in sales:
            self.sales_by_customer.setdefault(sale.customer_id, []).append(sale)
        self.with_address = options.side in ("address", "both")
        self.with_message = options.side in ("message", "both")
        if self.with_address:
            _check_sender(settings, self.address_fonts)
        if self.with_message:
            self.templates = Templates(settings.templates_folder, options.template)
            self.message_layout = load_message_layout()
            self.message_options = MessageOptions(options.horizontal, options.handwriting,
                                                  options.image)
        dx = settings.offset_x if options.offset_x is None else options.offset_x
        dy = settings.offset_y if options.offset_y is None else options.offset_y
        self.offset = (dx, dy)

    def pages(self, entry: PlanEntry) -> tuple[list[Page], Message | None]:
        customer = entry.customer
        pages = []
        message = None
        if self.with_address:
            page = address_side(customer, self.settings.sender, self.profile,
                                self.address_fonts, self.settings.numerals)
            pages.append(page.shifted(*self.offset))
        if self.with_message:
            name = self.templates.choose(entry.situation, customer.customer_id)
            variables = card_variables(entry, self.settings.sender, self.today,
                                       self.sales_by_customer.get(customer.customer_id, []))
            message = self.templates.render(name, variables)
            pages.append(message_side(message, customer.customer_id, self.message_fonts,
                                      self.message_layout, self.message_options))
        return pages, message


def _check_sender(settings: Settings, fonts: AddressFonts) -> None:
    """A wrong [sender] would spoil every card: refuse it once, up front."""
    sender = settings.sender
    where = settings.path or "hagaki.toml"
    if sender.postal_code and len(clean_postal_code(sender.postal_code)) != 7:
        raise ConfigError(f"{where}: [sender] postal_code {sender.postal_code!r} is not 7 digits")
    texts = [("name", sender.name, fonts.name)]
    texts += [(key, prepare_address(value, settings.numerals), fonts.address)
              for key, value in (("address", sender.address), ("address2", sender.address2))]
    for key, text, chain in texts:
        missing = chain.missing(text)
        if missing:
            codes = ", ".join(f"{m} (U+{ord(m[0]):04X})" for m in missing)
            raise ConfigError(f"{where}: [sender] {key}: no configured font can draw {codes}")
