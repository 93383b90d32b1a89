"""A print run: customer list → address sides → one PDF, and a report of every row.

In: the customer file, the output path, settings and run options. Out: RunReport saying
which rows were printed, skipped (with the problem) or excluded (with the rule). Nothing is
lost: every data row of the file ends up in exactly one of the three lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mailmerge.config import Settings
from mailmerge.errors import CardError, ConfigError
from mailmerge.layout.address_side import AddressFonts, address_side
from mailmerge.layout.page import Page
from mailmerge.layout.profiles import load_profile
from mailmerge.layout.vertical_text import prepare_address
from mailmerge.models import Customer, Problem
from mailmerge.render.pdf import write_pdf
from mailmerge.selection.exclusions import Exclusion, exclusion_of
from mailmerge.sources.customers import ReadOptions, read_customers
from mailmerge.sources.normalise import clean_postal_code
from mailmerge.typeface.roles import FontRoles


@dataclass(frozen=True)
class RunOptions:
    layout: str | None = None
    offset_x: float | None = None
    offset_y: float | None = None
    strict: bool = False
    encoding: str | None = None
    sheet: str | None = None


@dataclass
class RunReport:
    source: str
    output: Path
    printed: list[Customer] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    excluded: list[tuple[Customer, Exclusion]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False


def print_address_sides(customers_path: Path, output: Path, settings: Settings,
                        options: RunOptions = RunOptions()) -> RunReport:
    """Lay out and write the address side of every mailable customer."""
    read_options = ReadOptions(options.encoding, options.sheet, settings.columns)
    customer_list = read_customers(customers_path, read_options)
    profile = load_profile(options.layout or settings.layout)
    roles = FontRoles(settings)
    fonts = AddressFonts(roles.chain("address"), roles.chain("name"))
    _check_sender(settings, fonts)
    dx = settings.offset_x if options.offset_x is None else options.offset_x
    dy = settings.offset_y if options.offset_y is None else options.offset_y
    report = RunReport(customer_list.path, output)
    report.skipped.extend(p for p in customer_list.problems if p.severity == "error")
    report.warnings.extend(p for p in customer_list.problems if p.severity == "warning")
    pages: list[Page] = []
    for customer in customer_list.customers:
        exclusion = exclusion_of(customer)
        if exclusion is not None:
            report.excluded.append((customer, exclusion))
            continue
        try:
            page = address_side(customer, settings.sender, profile, fonts, settings.numerals)
        except CardError as error:
            report.skipped.append(Problem(customer.row, customer.customer_id, error.field or "",
                                          error.code, "error", str(error)))
            continue
        pages.append(page.shifted(dx, dy))
        report.printed.append(customer)
    report.skipped.sort(key=lambda p: p.row)
    if pages and not (options.strict and report.skipped):
        write_pdf(pages, output, title=f"hagaki: {Path(customer_list.path).name}")
        report.written = True
    return report


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
