"""A print run: customer list (and sales) → plan → card pages → PDF file(s) → send log.

In: the customer file, the output path, settings and RunOptions. Out: RunReport saying
which customers got a card, which rows were skipped (with the problem), who was not sent
one (with the rule) and which cards the log says were printed already. Every data row ends
up in exactly one of these lists. The run holds the send log for its whole length, so two
runs on one log never print the same card; cards are logged as printed only once their PDF
is complete and in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mailmerge.barcode import encode
from mailmerge.config import Settings
from mailmerge.errors import CardError, ConfigError
from mailmerge.layout.address_side import AddressFonts, Indicia, address_side
from mailmerge.layout.impose import impose_a4
from mailmerge.layout.page import Page
from mailmerge.layout.profiles import load_profile
from mailmerge.layout.vertical_text import prepare_address
from mailmerge.models import Customer, Problem, Sale
from mailmerge.render.pdf import PdfBuilder
from mailmerge.selection.plan import NotSent, PlanEntry, campaign_of, make_plan, sale_key
from mailmerge.sendlog.store import LoggedCard, SendLog, address_key, file_checksum
from mailmerge.sources.customers import ReadOptions, read_customers
from mailmerge.sources.normalise import clean_postal_code
from mailmerge.sources.postal import places_of
from mailmerge.sources.sales import read_sales
from mailmerge.typeface.roles import FontRoles

if TYPE_CHECKING:
    from mailmerge.templates.engine import Message

SIDES = ("address", "message", "both")
# A document keeps its compressed pages until it is saved: past this many cards a run is
# written as numbered files, so memory stays bounded however long the run (and printers
# spool files of a manageable size).
MAX_CARDS_PER_FILE = 5000
INDICIA = {"betsunou": "料金別納", "kounou": "料金後納"}
INDICIA_MINIMUM = 10  # Japan Post accepts these marks for 10 or more identical items
SORTS = ("postal", "id", "name")
DUPLEX = ("interleave", "separate")


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
    log: Path | None = None  # the send log (default: hagaki-log.sqlite beside the config)
    force: bool = False  # print again what the log says was printed
    reprint: tuple[str, ...] = ()  # customer ids whose cards are printed again (jams)
    sort: str = "postal"
    duplex: str = "interleave"
    flip: str = "long"  # the edge a duplex printer turns the sheet on
    batch_size: int | None = None
    barcode: bool = False
    impose: str | None = None  # "a4": four cards per A4 sheet with crop marks
    keep_messages: bool = False  # keep every card's Message in the report (for --docx)
    indicia: str | None = None  # "betsunou" (料金別納) or "kounou" (料金後納), for 10+ cards
    progress: Callable[[int], None] | None = None  # called with each card done


@dataclass
class RunReport:
    source: str
    date: dt.date
    cards: list[PlanEntry] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # with keep_messages
    skipped: list[Problem] = field(default_factory=list)
    not_sent: list[NotSent] = field(default_factory=list)
    already_printed: list[tuple[PlanEntry, dt.date]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    written: bool = False
    log: Path | None = None

    @property
    def printed(self) -> list[Customer]:
        return [entry.customer for entry in self.cards]


def default_log_path(settings: Settings) -> Path:
    """hagaki-log.sqlite beside hagaki.toml (or in the current folder without one)."""
    folder = settings.path.parent if settings.path else Path.cwd()
    return folder / "hagaki-log.sqlite"


def print_cards(customers_path: Path, output: Path, settings: Settings,
                options: RunOptions | None = None) -> RunReport:
    """Plan the cards, lay out the chosen sides, write the PDF(s) and log every card."""
    options = options or RunOptions()
    _check_options(options)
    today = options.date or dt.date.today()
    read_options = ReadOptions(options.encoding, options.sheet, settings.columns)
    customer_list = read_customers(customers_path, read_options)
    report = RunReport(customer_list.path, today)
    report.skipped.extend(p for p in customer_list.problems if p.severity == "error")
    report.warnings.extend(p for p in customer_list.problems if p.severity == "warning")
    sales: list[Sale] | None = None
    if options.sales is not None:
        sales_list = read_sales(options.sales, customer_list.ids, read_options)
        sales = sales_list.sales
        report.warnings.extend(sales_list.problems)
    report.log = options.log or default_log_path(settings)
    log = SendLog(report.log)
    try:
        with log.exclusive():
            report.notes += log.settle_pending()
            plan = make_plan(customer_list.customers, sales, today, options.situation, log,
                             settings.rules)
            report.not_sent = plan.not_sent
            entries = _to_print(plan.cards, options, log, today, report)
            _print(entries, customer_list.path, output, settings, options, today, sales or [],
                   log, report)
    finally:
        log.close()
    return report


def _check_options(options: RunOptions) -> None:
    for value, allowed, name in ((options.side, SIDES, "--side"), (options.sort, SORTS, "--sort"),
                                 (options.duplex, DUPLEX, "--duplex"),
                                 (options.flip, ("long", "short"), "--flip")):
        if value not in allowed:
            raise ConfigError(f"{name} must be one of {', '.join(allowed)}")
    if options.indicia not in (None, *INDICIA):
        raise ConfigError(f"--indicia takes {' or '.join(INDICIA)}")
    if options.impose not in (None, "a4"):
        raise ConfigError("--impose takes a4")
    if options.batch_size is not None and options.batch_size < 1:
        raise ConfigError("--batch-size must be at least 1")


def _to_print(entries: list[PlanEntry], options: RunOptions, log: SendLog, today: dt.date,
              report: RunReport) -> list[PlanEntry]:
    """The planned cards minus those already printed (unless forced), in stack order."""
    if options.reprint:
        wanted = set(options.reprint)
        unknown = wanted - {entry.customer.customer_id for entry in entries}
        if unknown:
            raise ConfigError(f"--reprint: no card planned today for {', '.join(sorted(unknown))}")
        entries = [entry for entry in entries if entry.customer.customer_id in wanted]
    elif not options.force:
        kept = []
        for entry in entries:
            printed_on = log.printed_on(entry.customer.customer_id, campaign_of(entry, today))
            if printed_on is None:
                kept.append(entry)
            else:
                report.already_printed.append((entry, printed_on))
        entries = kept
    return sorted(entries, key=_SORT_KEYS[options.sort])


_SORT_KEYS = {
    "postal": lambda e: (e.customer.postal_code, e.customer.customer_id),
    "id": lambda e: (e.customer.customer_id,),
    "name": lambda e: (e.customer.kana or e.customer.family_name + e.customer.given_name,
                       e.customer.customer_id),
}


def _print(entries: list[PlanEntry], source: str, output: Path, settings: Settings,
           options: RunOptions, today: dt.date, sales: list[Sale], log: SendLog,
           report: RunReport) -> None:
    """Lay out card by card and draw each card at once (pages never pile up in memory);
    every `batch_size` cards (at most MAX_CARDS_PER_FILE) become their own file(s), logged
    once they are in place.
    With --strict, nothing is saved until every card is known to be fine."""
    if options.indicia and len(entries) < INDICIA_MINIMUM:
        raise ConfigError(f"{INDICIA[options.indicia]} needs at least {INDICIA_MINIMUM} cards "
                          f"posted together; this run has {len(entries)}: use stamps instead")
    maker = _CardMaker(settings, options, today, sales)
    size = options.batch_size or MAX_CARDS_PER_FILE
    numbered = len(entries) > size
    batches: list[_Batch] = []
    for entry in entries:
        try:
            pages, message = maker.pages(entry)
        except CardError as error:
            customer = entry.customer
            report.skipped.append(Problem(customer.row, customer.customer_id, error.field or "",
                                          error.code, "error", str(error)))
        else:
            if not batches or batches[-1].count == size:
                if batches and not options.strict:
                    batches[-1].finish(log, report)
                number = len(batches) + 1
                batches.append(_Batch(_numbered(output, number) if numbered else output,
                                      source, options, maker, today))
            batches[-1].add(entry, pages, message)
        if options.progress is not None:
            options.progress(1)
    report.skipped.sort(key=lambda p: p.row)
    if options.strict and report.skipped:
        return
    for batch in batches:
        if not batch.finished:
            batch.finish(log, report)
    report.written = bool(batches)


class _Batch:
    """The file(s) of one batch, drawn card by card: one file (interleaved sides, or one
    side) or, with --duplex separate, an address file and a message file in the same order."""

    def __init__(self, target: Path, source: str, options: RunOptions, maker: _CardMaker,
                 today: dt.date) -> None:
        self.target = target
        self.options = options
        self.maker = maker
        self.today = today
        self.title = f"hagaki: {Path(source).name}"
        self.separate = options.duplex == "separate" and options.side == "both"
        flip = options.flip == "short" and options.side == "both" and not self.separate
        self.builders = [PdfBuilder(self.title, rotate_even_pages=flip)]
        if self.separate:
            self.builders.append(PdfBuilder(self.title))
        self.cards: list[tuple[PlanEntry, Message | None, int]] = []
        self.waiting: list[Page] = []  # pages waiting for a full A4 sheet (--impose a4)
        self.finished = False

    @property
    def count(self) -> int:
        return len(self.cards)

    def add(self, entry: PlanEntry, pages: list[Page], message: Message | None) -> None:
        first_page = self.builders[-1].pages + 1
        if self.options.impose == "a4":
            first_page = (len(self.cards) // 4) * (2 if len(pages) > 1 else 1) + 1
            self.waiting += pages
            if len(self.waiting) == 4 * len(pages):
                self._flush_sheet()
        elif self.separate:
            self.builders[0].add(pages[0])
            self.builders[1].add(pages[1])
        else:
            for page in pages:
                self.builders[0].add(page)
        self.cards.append((entry, message, first_page))

    def _flush_sheet(self) -> None:
        duplex = self.options.side == "both" and not self.separate
        for sheet in impose_a4(self.waiting, duplex):
            self.builders[0].add(sheet)
        self.waiting = []

    def finish(self, log: SendLog, report: RunReport) -> None:
        """Save the file(s) and log the cards: pending, checksum, then printed."""
        if self.waiting:
            self._flush_sheet()
        if self.separate:
            files = [self.target.with_name(f"{self.target.stem}-{side}{self.target.suffix}")
                     for side in ("address", "message")]
        else:
            files = [self.target]
        final = files[-1]
        today = self.today
        cards = [LoggedCard(entry.customer.customer_id, entry.situation,
                            campaign_of(entry, today), self.maker.template_name(entry), today,
                            page, address_key(entry.customer),
                            tuple(sale_key(s) for s in entry.sales))
                 for entry, _, page in self.cards]
        run_id = log.begin_run(final, cards)
        try:
            for builder, path in zip(self.builders[:-1], files[:-1], strict=True):
                builder.save(path)
            self.builders[-1].save(final, before_replace=lambda temp: log.record_checksum(
                run_id, file_checksum(temp)))
        except BaseException:
            log.finish_run(run_id, printed=False)
            raise
        log.finish_run(run_id, printed=True)
        self.finished = True
        self.builders = []
        report.outputs += files
        for entry, message, _ in self.cards:
            report.cards.append(entry)
            if message is not None and self.options.keep_messages:
                report.messages.append(message)


def _numbered(output: Path, number: int) -> Path:
    """cards.pdf → cards-001.pdf: batch files sort in printing order."""
    return output.with_name(f"{output.stem}-{number:03d}{output.suffix}")


class _CardMaker:
    """Lays out the pages of one card (address side, message side or both)."""

    def __init__(self, settings: Settings, options: RunOptions, today: dt.date,
                 sales: list[Sale]) -> None:
        self.settings = settings
        self.options = options
        self.today = today
        roles = FontRoles(settings)
        self.address_fonts = AddressFonts(roles.chain("address"), roles.chain("name"))
        self.profile = load_profile(options.layout or settings.layout)
        self.sales_by_customer: dict[str, list[Sale]] = {}
        for sale in sales:
            self.sales_by_customer.setdefault(sale.customer_id, []).append(sale)
        self.with_address = options.side in ("address", "both")
        self.with_message = options.side in ("message", "both")
        if self.with_address:
            _check_sender(settings, self.address_fonts)
        if self.with_message:
            # Templates and the message side load Jinja2 and BudouX: only when needed.
            from mailmerge.layout.message_side import (
                MessageFonts,
                MessageOptions,
                load_message_layout,
                message_side,
            )
            from mailmerge.templates.context import card_variables
            from mailmerge.templates.engine import Templates

            self.templates = Templates(settings.templates_folder, options.template)
            self.message_fonts = MessageFonts(roles.chain("message"), roles.chain("heading"))
            self.message_layout = load_message_layout()
            self.message_options = MessageOptions(options.horizontal, options.handwriting,
                                                  options.image)
            self.card_variables = card_variables
            self.message_side = message_side
        self.indicia = None
        if options.indicia:
            if not settings.post_office:
                raise ConfigError(f"--indicia needs the post office's name: set [print] "
                                  f"post_office in {settings.path or 'hagaki.toml'}")
            self.indicia = Indicia(INDICIA[options.indicia], settings.post_office)
        dx = settings.offset_x if options.offset_x is None else options.offset_x
        dy = settings.offset_y if options.offset_y is None else options.offset_y
        self.offset = (dx, dy)

    def template_name(self, entry: PlanEntry) -> str:
        """The template that writes (or would write) this card's message."""
        if not self.with_message:
            return ""
        return self.templates.choose(entry.situation, entry.customer.customer_id)

    def pages(self, entry: PlanEntry) -> tuple[list[Page], Message | None]:
        customer = entry.customer
        pages = []
        message = None
        if self.with_address:
            bars = _barcode_bars(customer) if self.options.barcode else None
            page = address_side(customer, self.settings.sender, self.profile,
                                self.address_fonts, self.settings.numerals, bars, self.indicia)
            pages.append(page.shifted(*self.offset))
        if self.with_message:
            name = self.template_name(entry)
            variables = self.card_variables(entry, self.settings.sender, self.today,
                                            self.sales_by_customer.get(customer.customer_id, []))
            message = self.templates.render(name, variables)
            pages.append(self.message_side(message, customer.customer_id, self.message_fonts,
                                           self.message_layout, self.message_options))
        return pages, message


def _barcode_bars(customer: Customer) -> str:
    """The customer barcode's bars for this address (the town name from Japan Post's data)."""
    places = places_of(customer.postal_code)
    town = places[0].town if places else ""
    _, bars = encode(customer.postal_code, customer.address1 + customer.address2, town)
    return bars


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
