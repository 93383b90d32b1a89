"""One card's pages: the address side, the message side, or both, for a print run.

In: settings, the run's options and the sales (for the messages). Out: CardMaker, which
checks the sender once, then lays out each Job's pages (a reprint keeps its logged words and
date; a proof gets the 見本 stamp). With --barcode, a card whose address gets no customer
barcode is printed without one and listed in CardMaker.without_barcode (row, id, reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailmerge.errors import CardError, ConfigError
from mailmerge.i18n import _
from mailmerge.japanese.barcode import encode
from mailmerge.japanese.barcode_address import NoBarcode, number_part
from mailmerge.layout.address_side import (
    AddressFonts,
    Indicia,
    address_side,
    address_warnings,
    sender_notes,
)
from mailmerge.layout.page import Page
from mailmerge.layout.profiles import CardProfile, load_profile, private_card
from mailmerge.layout.vertical_text import prepare_address
from mailmerge.models import Customer, Problem, Sale
from mailmerge.runs.jobs import NO_BARCODE
from mailmerge.selection.plan import PlanEntry
from mailmerge.shop.settings import Settings
from mailmerge.sources.normalise import clean_postal_code
from mailmerge.sources.postal import PostalChecker
from mailmerge.templates.card_edit import edited
from mailmerge.typeface.roles import FontRoles

if TYPE_CHECKING:
    from mailmerge.runs.jobs import Job, RunOptions
    from mailmerge.templates.engine import Message

INDICIA = {"betsunou": "料金別納", "kounou": "料金後納"}
INDICIA_MINIMUM = 10  # Japan Post accepts these marks for 10 or more identical items


class CardMaker:
    """Lays out the pages of one card (address side, message side or both)."""

    def __init__(self, settings: Settings, options: RunOptions, sales: list[Sale]) -> None:
        self.settings = settings
        self.options = options
        self.sides = options.side or "address"
        roles = FontRoles(settings)
        self.address_fonts = AddressFonts(roles.chain("address"), roles.chain("name"))
        self.proof_chain = roles.chain("address") if options.proof else None
        self.profile = load_profile(options.layout or settings.layout)
        if options.impose:
            self.profile = private_card(self.profile)  # cut from plain paper
        self.sales_by_customer: dict[str, list[Sale]] = {}
        for sale in sales:
            self.sales_by_customer.setdefault(sale.customer_id, []).append(sale)
        self.with_address = self.sides in ("address", "both")
        self.with_message = self.sides in ("message", "both")
        if self.with_address:
            check_sender(settings, self.address_fonts, options.no_sender, self.profile)
        if self.with_message:
            self._set_up_messages(roles)
        elif options.image is not None:
            raise ConfigError(_("--image は文面に入れる絵です: --side message か --side both と"
                                "一緒に使ってください"))
        self.indicia = None
        if options.indicia:
            if not settings.post_office:
                raise ConfigError(_("--indicia には差出郵便局の名前が要ります: "
                                    "{file} の [print] post_office",
                                    file=settings.path or "hagaki.toml"))
            self.indicia = Indicia(INDICIA[options.indicia], settings.post_office)
        dx = settings.offset_x if options.offset_x is None else options.offset_x
        dy = settings.offset_y if options.offset_y is None else options.offset_y
        self.offset = (dx, dy)
        self.without_barcode: list[Problem] = []  # cards made without their barcode, and why
        self.printed_as_typed: list[Problem] = []  # what looked wrong but is as the list says

    def _set_up_messages(self, roles: FontRoles) -> None:
        # Templates and the message side load Jinja2 and BudouX: only when needed.
        from mailmerge.layout.message_side import (
            MessageFonts,
            MessageOptions,
            load_message_layout,
            message_side,
        )
        from mailmerge.templates.context import card_variables
        from mailmerge.templates.engine import Templates

        options = self.options
        self.templates = Templates(self.settings.templates_folder, options.template)
        self.message_fonts = MessageFonts(roles.chain("message"), roles.chain("heading"))
        self.message_layout = load_message_layout()
        self.message_options = MessageOptions(options.horizontal, options.handwriting,
                                              options.image, self.settings.numerals)
        self.card_variables = card_variables
        self.message_side = message_side

    def open_faces(self) -> None:
        """Open every face of the cards' font chains, fallbacks too (before processes are
        forked to lay out cards: the pages they send back name this process's faces)."""
        chains = [self.address_fonts.address, self.address_fonts.name]
        if self.with_message:
            chains += [self.message_fonts.message, self.message_fonts.heading]
        if self.proof_chain is not None:
            chains.append(self.proof_chain)
        for chain in chains:
            _ = chain.faces

    @property
    def sides_per_card(self) -> int:
        return 2 if self.sides == "both" else 1

    def sender_notes(self) -> list[str]:
        """What of the sender this run's cards leave off (a phone with no room for it)."""
        if not self.with_address:
            return []
        return sender_notes(self.settings.sender, self.profile, self.address_fonts,
                            self.settings.numerals, bool(self.options.barcode))

    def check_count(self, count: int) -> None:
        """料金別納/後納 marks need INDICIA_MINIMUM cards posted together."""
        if self.options.indicia and count < INDICIA_MINIMUM:
            raise ConfigError(_("{mark}は {minimum} 通以上をまとめて出すときに使えます。"
                                "今回は {count} 通なので切手を貼ってください",
                                mark=INDICIA[self.options.indicia], minimum=INDICIA_MINIMUM,
                                count=count))

    def template_name(self, entry: PlanEntry) -> str:
        """The template that writes (or would write) this card's message."""
        if not self.with_message:
            return ""
        if entry.template:  # drawn for this card (A/B wording, [situations.KIND] templates)
            return entry.template
        return self.templates.choose(entry.situation, entry.customer.customer_id)

    def pages(self, job: Job) -> tuple[list[Page], Message | None]:
        customer = job.entry.customer
        pages = []
        message = None
        no_barcode = None
        if self.with_address:
            bars, no_barcode = _barcode_bars(customer) if self.options.barcode else (None, None)
            page = address_side(customer, self.settings.sender, self.profile,
                                self.address_fonts, self.settings.numerals, bars, self.indicia,
                                nenga_mark=job.entry.situation == "nenga")
            pages.append(page.shifted(*self.offset))
        if self.with_message:
            message = job.message or self._render(job)
            pages.append(self.message_side(message, customer.customer_id, self.message_fonts,
                                           self.message_layout, self.message_options))
        if self.proof_chain is not None:
            from mailmerge.layout.proof import with_proof_mark

            pages = [with_proof_mark(page, self.proof_chain) for page in pages]
        if no_barcode is not None:  # only once the card is made: a refused card has its error
            self.without_barcode.append(no_barcode)
        if self.with_address:
            self.printed_as_typed += address_warnings(customer)
        return pages, message

    def _render(self, job: Job) -> Message:
        entry = job.entry
        variables = self.card_variables(
            entry, self.settings.sender, job.card_date,
            self.sales_by_customer.get(entry.customer.customer_id, []), self.settings.fit)
        return edited(self.templates.render(self.template_name(entry), variables), job.edit)


def _barcode_bars(customer: Customer) -> tuple[str | None, Problem | None]:
    """The customer barcode's bars for this address (address2 read as the line after
    address1), or no bars and the warning that says why (the card is printed without)."""
    address = f"{customer.address1}\u3000{customer.address2}".rstrip("\u3000")
    try:
        numbers = number_part(customer.postal_code, address)
    except NoBarcode as reason:
        return None, Problem(customer.row, customer.customer_id, reason.field, NO_BARCODE,
                             "warning", str(reason))
    return encode(customer.postal_code, numbers)[1], None


def check_sender(settings: Settings, fonts: AddressFonts | None, allow_none: bool,
                 profile: CardProfile | None = None) -> None:
    """A wrong or missing [sender] would spoil every card: refuse it once, up front. The
    sender's postal code and address are checked like a customer's; with a profile, it must
    fit its place on the card."""
    sender = settings.sender
    where = settings.path or "hagaki.toml"
    if sender.is_empty:
        if allow_none:
            return
        raise ConfigError(_("差出人（[sender]）が設定されていません（{file}）。hagaki init で"
                            "設定を作るか、差出人なしで刷るなら --no-sender を付けてください",
                            file=where))
    code = clean_postal_code(sender.postal_code)
    if sender.postal_code:
        as_customer = Customer(0, "sender", postal_code=code, address1=sender.address)
        if not (len(code) == 7 and code.isdigit()):
            raise ConfigError(_("{file}: [sender] postal_code {code!r} は7桁の郵便番号では"
                                "ありません", file=where, code=sender.postal_code))
        for problem in PostalChecker().check(as_customer, "[sender] postal_code"):
            if problem.severity != "error":
                continue  # a catch-all code for a town with its own: said by `check`
            raise ConfigError(_("{file}: [sender] の郵便番号と住所: {problem}", file=where,
                                problem=problem.message))
    if fonts is None:
        return
    texts = [("name", sender.name, fonts.name)]
    texts += [(key, prepare_address(value, settings.numerals), fonts.address)
              for key, value in (("address", sender.address), ("address2", sender.address2))]
    for key, text, chain in texts:
        missing = chain.missing(text)
        if missing:
            codes = ", ".join(f"{m} (U+{ord(m[0]):04X})" for m in missing)
            raise ConfigError(_("{file}: [sender] {key}: どのフォントにもない文字です: {codes}",
                                file=where, key=key, codes=codes))
    if profile is not None:
        try:  # the sender alone, on a card whose recipient is blank
            address_side(Customer(0, ""), sender, profile, fonts, settings.numerals)
        except CardError as error:
            raise ConfigError(_("{file}: {key}: {problem}", file=where, key=error.field,
                                problem=error)) from None
