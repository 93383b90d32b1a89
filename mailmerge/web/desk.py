"""The shop as the web pages see it: each page's question handed to the same library call the
CLI makes (plan_cards, check_files, print_cards, SendLog, build_report, season_plan).

In: the shop folder, and per question the day and the kind of card the browser chose (a
situation: the server keeps no choice of its own). Out: the library's own results (PlanView,
CheckReport, RunReport, log rows, Measures), so the CLI and the browser never disagree. What
the pages ask again and again (the day's plans, the sales their cards quote, the check, the
names, the 喪中 list and the logged cards) is kept between requests for as long as what it was
made from is unchanged: the lists, hagaki.toml, the templates folder, the send log and the
changes made through this Desk (see `state`); anything else is read fresh. A print names
the plan its page showed by its `fingerprint`, and is refused when the plan is no longer that
one. No rule lives here: this module only finds the shop's files and passes them on.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import _, language
from mailmerge.models import Sale
from mailmerge.report.build import build_report
from mailmerge.report.measures import Measures
from mailmerge.runs.check import CheckReport, check_files
from mailmerge.runs.day import customer_rows, read_lists
from mailmerge.runs.jobs import RunOptions, RunReport
from mailmerge.runs.planning import PlanView, plan_cards
from mailmerge.runs.run import paper_for, print_cards
from mailmerge.selection.plan import LABELS, SITUATIONS, campaign_of
from mailmerge.selection.seasons import LABELS as SEASON_LABELS
from mailmerge.selection.seasons import SeasonWindowError, Window, season_plan
from mailmerge.sendlog.edits import (
    EditError,
    StoredCorrection,
    active_corrections,
    add_correction,
    card_edits,
    save_card_edit,
    stored_corrections,
    undo_correction,
)
from mailmerge.sendlog.export import export_bytes
from mailmerge.sendlog.filters import LogFilter, matching
from mailmerge.sendlog.store import SendLog, StatusChange
from mailmerge.shop.folder import CONFIG_NAME, LOG_NAME, Shop, open_shop
from mailmerge.shop.settings import load_settings, printer_offsets
from mailmerge.sources.corrections import FIELDS
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sales import read_sales
from mailmerge.sources.sourceset import scan_customers
from mailmerge.templates.card_edit import CardEdit
from mailmerge.web.run_view import run_postings
from mailmerge.web.shopfiles import ShopFiles, Stored

RECENT_RUNS = 5


class NoCustomerList(HagakiError):
    """The shop folder has no customer list yet."""


class PlanChanged(HagakiError):
    """The plan a print form showed is no longer the day's plan."""


def situation_named(value: str) -> str | None:
    """The kind of card a form or cookie names ("": the day's own cards)."""
    if value and value not in SITUATIONS:
        raise HagakiError(_("はがきの種類の指定が違います"))
    return value or None


def fingerprint(view: PlanView) -> str:
    """What a page showed of a plan, in short: its day, its kind and who gets which card."""
    plan = view.plan
    cards = [(entry.customer.customer_id, campaign_of(entry, plan.date)) for entry in plan.cards]
    return hashlib.sha256(repr((plan.date, plan.situation, cards)).encode()).hexdigest()[:32]


class SeasonLine(Struct, frozen=True):
    label: str
    open: bool
    text: str  # the posting note when open, else when the coming window opens


class RunLine(Struct, frozen=True):
    run_id: int
    printed_at: str
    cards: int
    file_name: str
    statuses: dict[str, int]
    postings: tuple[Window, ...]  # when its seasonal cards are posted (run_postings)


def _changes_shop(method):
    """Mark a Desk method that changes the shop: the kept plan is made again after it."""

    @functools.wraps(method)
    def changing(self: Desk, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            with self._lock:
                self._changes += 1

    return changing


class Desk:
    """One shop folder, opened afresh for every question (settings, files and log), except the
    day's plan, kept while the shop's `state` is unchanged."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.files = ShopFiles(self.folder)
        self._lock = threading.Lock()  # one plan made at a time; the others wait and share it
        self._changes = 0  # changes made through this Desk (a second's writes may share a mtime)
        self._kept_state: tuple | None = None
        self._kept: dict[tuple, object] = {}

    def configured_holdouts(self) -> str:
        """The held-out shares hagaki.toml sets ([situations.KIND] holdout) as words:
        'お礼状 10%、寒中見舞い 5%'; '' when it sets none."""
        situations = self.shop().settings.situations
        return _("、").join(f"{_(LABELS[name])} {kind.holdout:g}%"
                        for name, kind in situations.items() if kind.holdout)

    def shop(self) -> Shop:
        """The folder's hagaki.toml and log; without a hagaki.toml, the defaults (and the
        log still in this folder: the folder asked for is the shop)."""
        config = self.folder / CONFIG_NAME
        if config.is_file():
            return open_shop(config)
        return Shop(load_settings(None), None, self.folder / LOG_NAME, self.folder)

    def customers(self) -> Path:
        path = self.files.customers()
        if path is None:
            raise NoCustomerList(_("顧客リストがまだありません。下の「ファイルを送る」から "
                                   "customers.csv（または .xlsx）を入れてください"))
        return path

    @_changes_shop
    def store_list(self, kind: str, file_name: str, content: bytes) -> Stored:
        """Store an uploaded customer or sales list once it reads as one (with the shop's
        [columns]); the list it replaces is kept (ShopFiles.store)."""
        options = self.read_options(self.shop())

        def check(path: Path) -> None:
            if kind == "customers":
                next(iter(scan_customers(path, options)), None)
            else:
                read_sales(path, set(), options)

        return self.files.store(kind, file_name, content, check)

    def read_options(self, shop: Shop) -> ReadOptions:
        """How the shop's lists are read: its [columns] and its corrections."""
        return ReadOptions(columns=shop.settings.columns,
                           corrections=active_corrections(shop.log_path))

    def plan(self, on: dt.date, situation: str | None) -> PlanView:
        """The day's plan of these cards (None: the day's own), made once for each state of
        the shop (treat it as read-only)."""
        def make() -> PlanView:
            shop = self.shop()
            return plan_cards(self.customers(), shop.settings, self.read_options(shop),
                              self.files.sales(), situation, on, shop.log_path,
                              paper_for(RunOptions(situation=situation), shop.settings))

        return self._keep(("plan", on, situation, language()), make)  # reasons in words

    def card_sales(self) -> list[Sale]:
        """The sales the cards' words may quote, read with the customer list as a print run
        reads them (kept like the plan)."""
        def make() -> list[Sale]:
            lists = read_lists(self.customers(), self.files.sales(),
                               self.read_options(self.shop()))
            return lists.sales.sales if lists.sales is not None else []

        return self._keep(("sales",), make)

    def state(self) -> tuple:
        """What the kept plan depends on, read cheaply: the changes made through this Desk and
        the identity (inode, size, mtime) of the customer and sales lists, hagaki.toml, the
        templates folder, the send log and its write-ahead file. The day is part of the key."""
        shop = self.shop()
        paths = (self.files.customers(), self.files.sales(), shop.config_path,
                 shop.settings.templates_folder, shop.log_path,
                 shop.log_path.with_name(shop.log_path.name + "-wal"))
        return (self._changes, *((str(path), _identity(path)) for path in paths))

    def _keep(self, key: tuple, make: Callable[[], object]):
        """The value kept under `key` for the shop's current state, made by `make` when the
        state changed since (a failure is not kept)."""
        with self._lock:
            state = self.state()
            if state != self._kept_state:
                self._kept_state, self._kept = state, {}
            if key not in self._kept:
                self._kept[key] = make()
            return self._kept[key]

    def postage(self, view: PlanView) -> list[tuple[str, int, int]]:
        """(situation, cards, yen) per kind of card in the plan, most cards first."""
        yen = self.shop().settings.postage_yen
        counts = Counter(entry.situation for entry in view.plan.cards)
        return [(situation, count, count * yen) for situation, count in counts.most_common()]

    def check(self) -> CheckReport:
        """`hagaki check` of the shop's lists (kept like the plan; treat it as read-only)."""
        def make() -> CheckReport:
            shop = self.shop()
            return check_files(self.customers(), shop.settings, self.read_options(shop),
                               self.files.sales(), None, shop.log_path)

        return self._keep(("check", clock.today(), language()), make)

    def seasons(self, on: dt.date) -> list[SeasonLine]:
        rules = self.shop().settings.rules
        lines = []
        for situation, label in SEASON_LABELS.items():
            try:
                run = season_plan(situation, on, rules.matsunouchi_end_day, rules.seasons)
            except SeasonWindowError as closed:
                lines.append(SeasonLine(_(label), False, str(closed)))
            else:
                lines.append(SeasonLine(_(label), True, run.note))
        return lines

    def log_rows(self, status: str | None = None) -> list:
        """The logged cards (of one status), newest first (kept like the plan)."""
        def make() -> list:
            with SendLog.settled(self.shop().log_path) as log:
                return list(reversed(log.cards(status=status))) if log else []

        return self._keep(("log", status), make)

    def runs(self) -> list[RunLine]:
        """The last runs, newest first, read from the logged cards."""
        by_run: dict[int, list] = {}
        for row in self.log_rows():
            by_run.setdefault(row["run_id"], []).append(row)
        lines = []
        end_day = self.shop().settings.rules.matsunouchi_end_day
        for run_id, rows in sorted(by_run.items(), reverse=True)[:RECENT_RUNS]:
            first = rows[0]
            lines.append(RunLine(run_id, first["printed_at"], len(rows),
                                 Path(first["output_file"]).name if first["output_file"] else "",
                                 dict(Counter(row["status"] for row in rows)),
                                 run_postings(rows, end_day)))
        return lines

    @_changes_shop
    def set_status(self, status: str, card_ids: list[int]) -> StatusChange:
        with SendLog.settled(self.shop().log_path) as log:
            if log is None:
                raise HagakiError(_("送付記録がまだありません（まだ何も印刷していません）"))
            return log.set_status(status, card_ids)

    def run_rows(self, run_id: int) -> tuple[list, list[tuple[str, Path]]]:
        """A run's logged cards, and its files in place as (role, path), read from the log."""
        with SendLog.settled(self.shop().log_path) as log:
            if log is None:
                return [], []
            files = [(row["role"], log.located(row["path"])) for row in log.run_files()
                     if row["run_id"] == run_id]
            return log.cards(run_id=run_id), files

    def run_held_out(self, run_id: int) -> int:
        """How many customers a run held out (drawn to get no card, to measure the cards)."""
        with SendLog.settled(self.shop().log_path) as log:
            return sum(1 for row in log.held_out_rows() if row["run_id"] == run_id) if log else 0

    def run_card_ids(self, run_id: int) -> list[int]:
        with SendLog.settled(self.shop().log_path) as log:
            return [row["id"] for row in log.cards(run_id=run_id)] if log else []

    def saved_shop(self) -> Shop:
        """The shop, once it has a hagaki.toml to save into; HagakiError before that."""
        shop = self.shop()
        if shop.config_path is None:
            raise HagakiError(_("先に差出人を保存してください（hagaki.toml ができます）"))
        return shop

    def corrections(self) -> list[StoredCorrection]:
        """The shop's corrections still in force, oldest first."""
        with SendLog.settled(self.shop().log_path) as log:
            return stored_corrections(log) if log else []

    @_changes_shop
    def correct(self, customer_id: str, field: str, value: str) -> int:
        """Store a correction of the customer's field, from the value read today (with the
        earlier corrections applied) to `value`; return its number."""
        shop = self.shop()
        current = next((customer for customer, _problems in
                        scan_customers(self.customers(), self.read_options(shop))
                        if customer.customer_id == customer_id), None)
        if current is None:
            raise EditError(_("顧客ID {customer_id} は顧客リストにいません",
                              customer_id=customer_id))
        if field not in FIELDS:
            raise EditError(_("直せる項目は {fields} です（{field}）", field=field,
                              fields="・".join(_(name) for name in FIELDS.values())))
        with SendLog(shop.log_path) as log:
            return add_correction(log, customer_id, field, getattr(current, field), value)

    @_changes_shop
    def undo_correction(self, correction_id: int) -> None:
        with SendLog.settled(self.shop().log_path) as log:
            if log is None:
                raise EditError(_("取り消す修正がありません"))
            undo_correction(log, correction_id)

    def card_edits(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], CardEdit]:
        """The stored edits of these (customer id, campaign) cards."""
        with SendLog.settled(self.shop().log_path) as log:
            return card_edits(log, keys) if log else {}

    def plan_edits(self, view: PlanView, on: dt.date) -> dict[str, CardEdit]:
        """The stored edit of each planned card, by customer id."""
        keys = [(entry.customer.customer_id, campaign_of(entry, on)) for entry in view.plan.cards]
        edits = self.card_edits(keys).items()
        return {customer_id: edit for (customer_id, _campaign), edit in edits}

    @_changes_shop
    def save_card_edit(self, edit: CardEdit) -> CardEdit:
        with SendLog(self.shop().log_path) as log:
            return save_card_edit(log, edit)

    def report(self, on: dt.date) -> Measures:
        shop = self.shop()
        sales = self.files.sales()
        if sales is None:
            raise HagakiError(_("売上リストがまだありません: sales.csv（または .xlsx）を入れると"
                                "レポートを作れます"))
        return build_report(self.customers(), sales, shop.settings, self.read_options(shop),
                            shop.log_path, on)

    def customer_names(self) -> dict[str, str]:
        """Each listed customer's name by id (empty when the list cannot be read: the log is
        still shown, by id)."""
        def make() -> dict[str, str]:
            try:
                rows = customer_rows(self.customers(), self.read_options(self.shop()))
                return {customer.customer_id:
                        customer.label.removeprefix(customer.customer_id).strip()
                        for customer, _problems in rows}
            except HagakiError:
                return {}

        return self._keep(("names",), make)

    def in_mourning(self) -> list[str]:
        """The listed customers marked 喪中 (no 年賀状 for them), as "ID name" labels."""
        def make() -> list[str]:
            rows = customer_rows(self.customers(), self.read_options(self.shop()))
            return [customer.label for customer, _problems in rows if customer.mourning]

        return self._keep(("mourning",), make)

    def log_view(self, wanted: LogFilter, names: dict[str, str]) -> list:
        """The logged cards and the held-out customers `wanted` asks for, newest first
        (`names`: customer_names())."""
        with SendLog.settled(self.shop().log_path) as log:
            rows = log.cards() + log.held_out_rows() if log else []
        rows.sort(key=lambda row: row["card_date"])  # cards of a day before its held-out
        return list(reversed(matching(rows, wanted, names)))

    def log_card(self, card_id: int):
        """One logged card's row, or None."""
        with SendLog.settled(self.shop().log_path) as log:
            rows = log.cards(card_ids=[card_id]) if log else []
        return rows[0] if rows else None

    def log_export(self, wanted: LogFilter, suffix: str) -> bytes:
        """The chosen logged cards (oldest first) as a .csv or .xlsx file, as `hagaki log
        export` writes it."""
        names = self.customer_names() if wanted.search else {}
        return export_bytes(list(reversed(self.log_view(wanted, names))), suffix,
                            self.shop().settings.templates_folder)

    @_changes_shop
    def reprint(self, card_id: int, force: bool) -> RunReport:
        """`hagaki print --reprint card:N` (with --force for a card already posted)."""
        shop = self.shop()
        options = RunOptions(reprint=(f"card:{card_id}",), force=force, sales=self.files.sales(),
                             log=shop.log_path, folder=self.folder)
        return print_cards(self.customers(), None, shop.settings, options)

    def printers(self) -> list[str]:
        """The printer profiles of hagaki.toml ([printers.NAME])."""
        return sorted(self.shop().settings.printers)

    @_changes_shop
    def print_chosen(self, on: dt.date, situation: str | None, shown: str, side: str,
                     proof: bool, sort: str, duplex: str, printer: str | None,
                     paper: str | None = None, holdout: float | None = None) -> RunReport:
        """A print run of the plan a page showed (`shown`: its fingerprint) with the CLI's
        choices: --situation, --side, --sort, --duplex, --printer, --paper and --holdout."""
        if fingerprint(self.plan(on, situation)) != shown:
            raise PlanChanged(_("ページを開いたあとで、はがきの予定が変わりました（ほかの画面で"
                                "印刷や変更があったかもしれません）。予定を見直してから、もう一度"
                                "印刷してください"))
        shop = self.shop()
        offset_x, offset_y = (printer_offsets(shop.settings, printer) if printer
                              else (None, None))
        options = RunOptions(side=side, sales=self.files.sales(), date=on, log=shop.log_path,
                             folder=self.folder, proof=proof, sort=sort, duplex=duplex,
                             offset_x=offset_x, offset_y=offset_y, situation=situation,
                             paper=paper, run_sheet=not proof, holdout=holdout)
        return print_cards(self.customers(), None, shop.settings, options)

    def report_workbook(self, on: dt.date) -> bytes:
        """The report as `hagaki report --out report.xlsx` writes it."""
        from mailmerge.report.workbook import workbook_bytes

        return workbook_bytes(self.report(on))


def _identity(path: Path | None) -> tuple[int, int, int] | None:
    """(inode, size, mtime in ns) of a file or folder, None when there is none."""
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns
