"""What a print run is asked and what it gives back: its options (RunOptions, the choices of
`hagaki print` and the web's 印刷 page), one card to print (Job) and the run's report
(RunReport). Plain records, below the run and the card maker that both use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct, field

from mailmerge.layout.paper import Paper
from mailmerge.models import Customer, Problem
from mailmerge.runs.choices import DUPLEX as DUPLEX
from mailmerge.runs.choices import SIDES as SIDES
from mailmerge.runs.choices import SORTS as SORTS
from mailmerge.selection.plan import NotSent, PlanEntry

if TYPE_CHECKING:
    from mailmerge.templates.card_edit import CardEdit
    from mailmerge.templates.engine import Message

OFFSET_LIMIT_MM = 20.0  # a printer that feeds further off than this needs fixing, not offsets
NO_BARCODE = "no-barcode"  # the warning of a card printed without its customer barcode


class RunOptions(Struct, frozen=True):
    paper: str | None = None  # nenga, official, plain or a4 (--paper); else by the run's kind
    layout: str | None = None
    offset_x: float | None = None
    offset_y: float | None = None
    strict: bool = False
    encoding: str | None = None
    sheet: str | None = None
    side: str | None = None  # address (the default), message or both
    sales: Path | None = None
    situation: str | None = None
    date: dt.date | None = None  # the day written on the cards and judged by the rules
    template: Path | None = None
    horizontal: bool = False
    handwriting: bool = True
    image: Path | None = None
    log: Path | None = None  # the send log (default: hagaki-log.sqlite beside the config)
    force: bool = False  # print again what the log says was printed
    reprint: tuple[str, ...] = ()  # card numbers or customer ids whose cards are reprinted
    sort: str = "postal"
    duplex: str = "interleave"
    flip: str = "long"  # the edge a duplex printer turns the sheet on
    batch_size: int | None = None
    barcode: bool = False
    impose: str | None = None  # "a4": four cards per A4 sheet with crop marks
    docx: Path | None = None  # also the message sides as a Word file, part of the run
    indicia: str | None = None  # "betsunou" (料金別納) or "kounou" (料金後納), for 10+ cards
    proof: bool = False  # stamp 見本 on every card and log nothing
    replace: bool = False  # allow replacing existing files (their cards: no longer in a file)
    no_sender: bool = False  # allow address sides without a [sender]
    source_format: str | None = None  # a preset's name (--source-format); else detected
    ship_to: bool = False  # order exports: the card goes to the gift recipient
    more_customers: tuple[Path, ...] = ()  # further customer files, merged with the first
    folder: Path | None = None  # where files named for the run go (default: current folder)
    run_sheet: bool = False  # also the run's sheet (…-sheet.pdf), written once it is logged
    progress: Callable[[int], None] | None = None  # called with each card done
    jobs: int | None = 1  # processes drawing the batches (--jobs); None: one per core
    holdout: float | None = None  # percent of the due customers held out (--holdout)
    holdout_seed: str | None = None  # the draw's seed (default: a fresh one, kept in the log)


class RunReport(Struct):
    source: str
    date: dt.date
    cards: list[PlanEntry] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    not_sent: list[NotSent] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    written: bool = False
    proof: bool = False
    run_id: int | None = None
    log: Path | None = None
    run_sheet: Path | None = None
    paper: Paper | None = None  # what to load in the printer (None: a layout file's card)

    @property
    def printed(self) -> list[Customer]:
        return [entry.customer for entry in self.cards]

    @property
    def without_barcode(self) -> list[Problem]:
        """The cards printed without their customer barcode (--barcode), with the reason."""
        return [p for p in self.warnings if p.code == NO_BARCODE]

    @property
    def already_printed(self) -> list[NotSent]:
        return [n for n in self.not_sent if n.code in ("already-sent", "already-thanked")]


class Job(Struct, frozen=True):
    """One card to print: the plan's entry, and for a reprint the logged card it repeats."""

    entry: PlanEntry
    card_date: dt.date
    campaign: str
    message: Message | None = None  # a reprint's logged words
    reprint_of: int | None = None
    sides: str | None = None  # a reprint's logged sides
    edit: CardEdit | None = None  # the shop's own words for this card (hagaki serve)
