"""A print run: customer list (and sales) → plan → card pages → PDF file(s) → send log.

In: the customer file, the output path (or None: files named for the run), settings and
RunOptions. Out: RunReport saying which customers got a card, which rows were skipped (with
the problem) and who was not sent one (with the rule, already printed cards included).
Every data row ends up in exactly one of these lists.

A run is the unit of truth. It holds the send log for its whole length (a second run waits),
settles runs an earlier hagaki left unfinished, checks every output before writing anything
(never an input, never a previous run's file unless --replace), writes all of its files as
temporaries, records their checksums, and only then renames them into place together and
logs the cards as printed. A proof (--proof) is planned the same way, stamped 見本 and never
logged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import asdict, replace

from mailmerge import clock
from mailmerge.atomic import StagedFiles
from mailmerge.errors import ConfigError
from mailmerge.i18n import _, cards
from mailmerge.layout.impose import stock_notes
from mailmerge.layout.paper import PAPERS, SITUATION_PAPERS, Paper, paper_of_layout
from mailmerge.models import Customer, Sale
from mailmerge.runs.batches import BatchFiles, draw_batches
from mailmerge.runs.day import decide_day, read_lists
from mailmerge.runs.forked import usable_cores
from mailmerge.runs.holdouts import hold_out, holdout_notes
from mailmerge.runs.jobs import (
    DUPLEX,
    OFFSET_LIMIT_MM,
    SIDES,
    SORTS,
    Job,
    RunOptions,
    RunReport,
)
from mailmerge.runs.outputs import (
    OutputError,
    check_outputs,
    check_space,
    describe_os_error,
    log_files,
)
from mailmerge.selection.plan import (
    NotSent,
    PlanEntry,
    barred,
    campaign_of,
    sale_key,
)
from mailmerge.sendlog.backups import remove_temporaries
from mailmerge.sendlog.card_rows import CardRows, LoggedCard, card_rows
from mailmerge.sendlog.draws import Draw
from mailmerge.sendlog.edits import active_corrections, card_edits
from mailmerge.sendlog.paths import RUN_SHEET_SUFFIX
from mailmerge.sendlog.store import (
    LogError,
    PlannedFile,
    SendLog,
    address_key,
    file_checksum,
    person_key,
)
from mailmerge.shop.folder import log_beside
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.identity import clean_id

if TYPE_CHECKING:
    from mailmerge.runs.cards import CardMaker
    from mailmerge.templates.engine import Message

# A document keeps its compressed pages until it is saved: past this many cards a run is
# written as numbered files, so memory stays bounded however long the run (and printers
# spool files of a manageable size).
MAX_CARDS_PER_FILE = 5000
BYTES_PER_SIDE = 2048  # one card side in the PDF (about 850 bytes measured), with room to spare


def default_log_path(settings: Settings) -> Path:
    """hagaki-log.sqlite beside hagaki.toml (or in the current folder without one)."""
    return log_beside(settings.path)


def print_cards(customers_path: Path, output: Path | None, settings: Settings,
                options: RunOptions | None = None) -> RunReport:
    """Plan the cards, lay out the chosen sides, write the PDF(s) and log every card."""
    options = options or RunOptions()
    check_options(options)
    paper = paper_for(options, settings)
    if paper is not None:
        options = replace(options, layout=options.layout or paper.layout,
                          impose=options.impose or paper.impose)
    log_path = options.log or default_log_path(settings)
    inputs = [customers_path, *options.more_customers, options.sales, settings.path,
              options.template, options.image,
              *_template_files(settings, options), *log_files(log_path)]
    if output is not None:
        check_outputs([output], inputs, suffixes=(".pdf",))
    if options.docx is not None:
        check_outputs([options.docx], inputs, suffixes=(".docx",))
    today = options.date or clock.today()
    read_options = ReadOptions(options.encoding, options.sheet, settings.columns,
                               options.source_format, options.ship_to, options.more_customers,
                               active_corrections(log_path), _workers(options))
    lists = read_lists(customers_path, options.sales, read_options)
    customer_list = lists.customers
    report = RunReport(customer_list.path, today, proof=options.proof, paper=paper,
                       notes=stock_notes(options.impose))
    report.skipped.extend(p for p in customer_list.problems if p.severity == "error")
    report.warnings.extend(p for p in customer_list.problems if p.severity == "warning")
    sales = lists.sales.sales if lists.sales is not None else None
    if lists.sales is not None:
        report.warnings.extend(p for p in lists.sales.problems if p.severity != "info")
    report.log = log_path
    with SendLog(log_path) as log:
        report.notes += log.settle_unfinished()
        plan = decide_day(lists, settings, options.situation, today, log,
                          force=options.force or bool(options.reprint))
        report.notes += plan.notes
        if options.reprint:
            jobs = _reprints(options.reprint, customer_list.customers, log, report,
                             options.force, lambda customer, situation: barred(
                                 customer, situation, today, log, settings.rules))
            if options.side is None:
                logged = {job.sides for job in jobs if job.sides}
                options = replace(options, side=logged.pop() if len(logged) == 1 else "both")
        else:
            report.not_sent = plan.not_sent
            jobs = _with_card_edits([Job(entry, today, campaign_of(entry, today))
                                     for entry in plan.cards], log)
        due = jobs
        jobs, held_out, draws = hold_out(due, today, settings, options, log)
        report.notes += holdout_notes(due, draws, options)
        report.not_sent = report.not_sent + held_out
        jobs.sort(key=_SORT_KEYS[options.sort])
        if jobs:
            _run(jobs, customer_list.path, output, settings, options, sales or [], log,
                 inputs, report, draws)
    return report


def _with_card_edits(jobs: list[Job], log: SendLog) -> list[Job]:
    """The jobs with the shop's edits of their words (hagaki serve)."""
    edits = card_edits(log, [(job.entry.customer.customer_id, job.campaign) for job in jobs])
    return [replace(job, edit=edits.get((job.entry.customer.customer_id, job.campaign)))
            for job in jobs]


def paper_for(options: RunOptions, settings: Settings) -> Paper | None:
    """The paper of a run: --paper; else the paper of the layout or imposition asked for;
    else the shop's [paper] for the run's kind, or 年賀はがき for a 年賀状; else the paper of
    the shop's layout. None for a layout file (its own card)."""
    if options.paper:
        return PAPERS[options.paper]
    if options.layout or options.impose:
        return paper_of_layout(options.layout or settings.layout, options.impose)
    situation = options.situation or ""
    chosen = (settings.papers.get(situation) or SITUATION_PAPERS.get(situation)
              or settings.papers.get("default"))
    return PAPERS[chosen] if chosen else paper_of_layout(settings.layout, None)


def check_options(options: RunOptions) -> None:
    """Refuse option values no run can use, before anything is read or written."""
    from mailmerge.runs.cards import INDICIA

    for value, allowed, name in ((options.side or "address", SIDES, "--side"),
                                 (options.sort, SORTS, "--sort"),
                                 (options.duplex, DUPLEX, "--duplex"),
                                 (options.flip, ("long", "short"), "--flip"),
                                 (options.paper or "official", tuple(PAPERS), "--paper")):
        if value not in allowed:
            raise ConfigError(_("{option} は {choices} のどれかです", option=name,
                                choices=", ".join(allowed)))
    if options.paper and (options.layout or options.impose):
        raise ConfigError(_("--paper は --layout・--impose と一緒には使えません（用紙が、はがきの"
                            "型と A4 の面付けを決めます）。どちらか一方にしてください"))
    if options.indicia not in (None, *INDICIA):
        raise ConfigError(_("{option} は {choices} のどれかです", option="--indicia",
                            choices=", ".join(INDICIA)))
    if options.impose not in (None, "a4"):
        raise ConfigError(_("{option} は {choices} のどれかです", option="--impose",
                            choices="a4"))
    if options.batch_size is not None and options.batch_size < 1:
        raise ConfigError(_("--batch-size は 1 以上です"))
    if options.jobs is not None and options.jobs < 1:
        raise ConfigError(_("--jobs は 1 以上です"))
    for name, value in (("--offset-x", options.offset_x), ("--offset-y", options.offset_y)):
        if value is not None and not (math.isfinite(value) and abs(value) <= OFFSET_LIMIT_MM):
            raise ConfigError(_("{option} {value} mm: -{limit:g}〜{limit:g} mm "
                                "の数で指定してください（プリンターのずれの補正です）",
                                option=name, value=value, limit=OFFSET_LIMIT_MM))


def _template_files(settings: Settings, options: RunOptions) -> list[Path]:
    folder = settings.templates_folder
    files = [p for p in folder.iterdir() if p.is_file()] if folder and folder.is_dir() else []
    return files + ([options.template] if options.template else [])


def _reprints(wanted: tuple[str, ...], customers: list[Customer], log: SendLog,
              report: RunReport, force: bool,
              barred_from: Callable[[Customer, str], NotSent | None]) -> list[Job]:
    """The logged cards asked for (by card number or customer id), to print exactly again
    with the customer's current address; never where the plan's rules bar the card
    (`barred_from`: 送付停止, 死亡, 喪中, an address a card came back from), never a
    cancelled card another card has replaced, and a card already posted only with --force."""
    from mailmerge.templates.engine import Message

    by_id = {customer.customer_id: customer for customer in customers}
    jobs = []
    for asked in wanted:
        card = _logged_card(asked, by_id, log)
        customer = by_id.get(card["customer_id"])
        if customer is None:
            raise ConfigError(_("--reprint {asked}: 顧客 {customer} は顧客リストに"
                                "ない（か、エラーのある行）ので印刷できません",
                                asked=asked, customer=card["customer_id"]))
        refused = barred_from(customer, card["situation"])
        if refused is not None:
            raise ConfigError(_("--reprint {asked}: {customer} には送りません（{reason}）",
                                asked=asked, customer=customer.label, reason=refused.reason))
        replacement = log.replacement(card) if card["status"] == "cancelled" else None
        if replacement is not None:
            raise ConfigError(_("--reprint {asked}: はがき {card} 番は取り消し済みで、代わりに"
                                "はがき {other} 番を印刷してあります。刷り直すなら {other} 番を"
                                "指定してください", asked=asked, card=card["id"],
                                other=replacement))
        if card["status"] == "mailed" and not force:
            raise ConfigError(_("--reprint {asked}: はがき {card} 番は投函済みです。"
                                "もう一度送るなら --force を付けてください",
                                asked=asked, card=card["id"]))
        message = None
        if card["message"]:
            words = json.loads(card["message"])
            message = Message(**{**words, "paragraphs": tuple(words["paragraphs"])})
        entry = PlanEntry(customer, card["situation"], _("{card} 番の刷り直し", card=card["id"]))
        jobs.append(Job(entry, dt.date.fromisoformat(card["card_date"]), card["campaign"],
                        message, card["id"], card["sides"] or None))
    report.notes.append(_("刷り直し: {cards}（記録のはがきと同じ文面・日付）",
                          cards=cards(len(jobs))))
    return jobs


def _logged_card(asked: str, customers: dict[str, Customer], log: SendLog):
    """The card `asked` names: 'card:17' / a card number, or 'customer:C003' / a customer
    id (their latest sent card)."""
    kind, _colon, value = asked.partition(":") if ":" in asked else ("", "", asked)
    value = clean_id(value)  # as the customer list's ids are cleaned (full width, BOM …)
    by_card = log.cards(card_ids=[int(value)]) if value.isdigit() and kind in (
        "", "card") and int(value) < 2 ** 63 else []
    by_customer = [row for row in log.cards(customer_ids=[value])
                   if row["status"] in ("printed", "mailed", "returned")] if kind in (
        "", "customer") else []
    if by_card and by_customer and by_card[0]["customer_id"] != value:
        raise ConfigError(_("--reprint {asked}: はがき番号 {value} とも顧客ID {value} とも"
                            "読めます。card:{value} か customer:{value} と書いてください",
                            asked=asked, value=value))
    if by_card:
        return by_card[0]
    if by_customer:
        return by_customer[-1]
    if value in customers:
        raise ConfigError(_("--reprint {asked}: 顧客 {customer} に印刷済みのはがきはありません",
                            asked=asked, customer=value))
    raise ConfigError(_("--reprint {asked}: そのはがき番号・顧客IDは送付記録にありません"
                        "（hagaki log list で番号を確かめてください）", asked=asked))


_SORT_KEYS = {
    "postal": lambda job: (job.entry.customer.postal_code, job.entry.customer.customer_id),
    "id": lambda job: (job.entry.customer.customer_id,),
    "name": lambda job: (job.entry.customer.kana or job.entry.customer.family_name
                         + job.entry.customer.given_name, job.entry.customer.customer_id),
}


def _run(jobs: list[Job], source: str, output: Path | None, settings: Settings,
         options: RunOptions, sales: list[Sale], log: SendLog, inputs: list[Path | None],
         report: RunReport, draws: list[Draw] | None = None) -> None:
    """Check the outputs, reserve the run in the log, lay out every card into staged files,
    then log the cards and put the files in place together. Any failure before that point
    removes the staged files and leaves the log as it was."""
    from mailmerge.runs.cards import CardMaker

    maker = CardMaker(settings, options, sales)
    maker.check_count(len(jobs))
    if _nenga_unmarked(maker, jobs, report.paper):
        report.notes.append(_("このはがきの型（{layout}）には「年賀」を入れる場所（[nenga_mark]）"
                              "がありません。年賀はがき以外に刷るなら、切手の下に赤で「年賀」と"
                              "書き足してください", layout=maker.profile.name))
    report.notes += maker.sender_notes()  # a sender's phone with no room on the card
    files = _RunFiles(output, options, log, len(jobs), maker.sides_per_card)
    files.title = f"hagaki: {Path(source).name}"
    planned = [PlannedFile(batch, role, path) for batch, role, path in files.planned()]
    sheet = (files.target.with_name(files.target.stem + RUN_SHEET_SUFFIX)
             if options.run_sheet and not options.proof else None)
    check_outputs([file.path for file in planned] + ([sheet] if sheet else []), inputs,
                  replace=options.replace)
    check_space(files.folder, len(jobs) * maker.sides_per_card * BYTES_PER_SIDE)
    for file in planned:
        remove_temporaries(file.path)
    run = None
    if not options.proof:
        run = log.begin_run("reprint" if options.reprint else "print", planned)
    staged = StagedFiles()
    try:
        batches = _draw(jobs, maker, files, options, staged, report, log, run)
        if not batches or (options.strict and report.skipped):
            raise _NothingToWrite
        if options.docx is not None:
            from mailmerge.render.docx import docx_bytes

            with staged.write(options.docx) as stream:
                stream.write(docx_bytes([m for b in batches for _, m, _ in b.cards if m],
                                        maker.message_fonts.message,
                                        maker.message_fonts.heading, settings.numerals))
        _put_in_place(batches, files, options, log, run, staged, report, draws)
    except _NothingToWrite:
        _undo(staged, log, run)
    except OSError as error:
        _undo(staged, log, run)
        raise OutputError(describe_os_error(error, error.filename or files.folder)) from None
    except BaseException:
        _undo(staged, log, run)
        raise
    if sheet is not None and report.written:
        from mailmerge.paperwork.run_sheet import write_run_sheet

        write_run_sheet(sheet, log, report, settings, options)


def _nenga_unmarked(maker: CardMaker, jobs: list[Job], paper: Paper | None) -> bool:
    """Address sides of 年賀状 on a layout file that has no place for the red 年賀?"""
    return (maker.with_address and maker.profile.nenga_mark is None
            and (paper is None or paper.name != "nenga")
            and any(job.entry.situation == "nenga" for job in jobs))


class _NothingToWrite(Exception):
    """Every card was skipped, or --strict found an error: the run writes nothing."""


def _undo(staged: StagedFiles, log: SendLog, run: tuple[int, dict] | None) -> None:
    """Remove what a failed run staged and its cards from the log; once renaming began, the
    run is left pending for the next run to settle file by file."""
    if staged.committing:
        return
    staged.discard()
    if run is not None:
        log.abandon_run(run[0])


def _draw(jobs: list[Job], maker: CardMaker, files: _RunFiles, options: RunOptions,
          staged: StagedFiles, report: RunReport, log: SendLog,
          run: tuple[int, dict] | None) -> list[_Written]:
    """Draw the batches (in worker processes with --jobs), write each one to its staged
    temporary file(s) as it comes and log its cards as pending with the files' checksums
    (a proof logs nothing): neither the drawn pages nor the logged cards pile up in
    memory."""
    shape = BatchFiles(files.roles(), files.title, options.flip == "short", options.impose,
                       files.batch_size)
    batches: list[_Written] = []
    log_rows = None if run is None else functools.partial(
        _log_rows, jobs, maker, run[0], log.next_card_id(), files.batch_size)
    with contextlib.closing(draw_batches(jobs, maker, shape, _workers(options),
                                         options.progress, log_rows)) as drawn:
        for batch in drawn:
            report.skipped += batch.skipped
            report.warnings += batch.without_barcode  # printed, but without their barcode
            report.warnings += batch.printed_as_typed  # 御中 on a person: as the list says
            if maker.with_message:
                for word in batch.fallback_words:
                    maker.message_fonts.message.split(word)
            if not batch.cards:
                continue
            paths = [(role, files.path(batch.number, role)) for role in batch.files]
            for role, path in paths:
                with staged.write(path) as stream:
                    stream.write(batch.files[role][0])
            cards = [(jobs[index], message, page) for index, message, page in batch.cards]
            pages = {role: pages for role, (_, pages) in batch.files.items()}
            if run is not None:
                run_id, file_ids = run
                log.record_batch(run_id, batch.log_rows, {
                    file_ids[(batch.number, role)]: (file_checksum(staged.temporary(path)),
                                                     pages[role]) for role, path in paths})
            if options.docx is None:  # only the Word file needs the words again
                cards = [(job, None, page) for job, _message, page in cards]
            batches.append(_Written(batch.number, cards, paths))
    report.skipped.sort(key=lambda p: p.row)
    if maker.with_message:
        report.notes += maker.message_fonts.message.fallback_notes()
    return batches


JOBS_PER_CORE = 4  # --jobs beyond this many processes a core only slows a run down


def _workers(options: RunOptions) -> int:
    """The processes that read the list and lay out and draw the cards: --jobs (at most
    JOBS_PER_CORE a core), or one per core the run may use."""
    cores = usable_cores()
    return min(options.jobs, JOBS_PER_CORE * cores) if options.jobs is not None else cores


def _put_in_place(batches: list[_Written], files: _RunFiles, options: RunOptions,
                  log: SendLog, run: tuple[int, dict] | None, staged: StagedFiles,
                  report: RunReport, draws: list[Draw] | None = None) -> None:
    """Log the run's own files' checksums and its draws (its cards are logged, pending),
    rename the files into place, then log the cards as printed (a proof logs nothing)."""
    written = [(b.number, role, path) for b in batches for role, path in b.paths]
    if options.docx is not None:
        written.append((files.DOCX_BATCH, "docx", options.docx))
    if run is not None:
        run_id, file_ids = run
        own = {} if options.docx is None else {  # the Word file: no pages
            file_ids[(files.DOCX_BATCH, "docx")]: (
                file_checksum(staged.temporary(options.docx)), None)}
        log.record_run(run_id, own, draws)
        report.run_id = run_id
    staged.commit(replace=options.replace)
    if run is not None:
        try:
            report.notes += log.finish_run(run[0])
        except LogError as error:
            raise LogError(_(
                "ファイルは置きました（{files}）が、送付記録に「印刷済み」と書けませんでした"
                "（{error}）。記録にはこの印刷が「途中」として残っていて、次に hagaki を実行した"
                "ときにファイルと照らし合わせて直します。ディスクの空きを確かめてください",
                files=", ".join(path.name for _, _, path in written), error=error)) from None
        log.backup()  # the state with this run in it: restoring it loses nothing printed
    report.outputs += [path for _, _, path in written]
    report.cards += [job.entry for batch in batches for job, _, _ in batch.cards]
    report.written = True


class _RunFiles:
    """The names of a run's files: given with --out, or named for the run in its folder
    (cards-2026-12-01-run0018.pdf; proof-… for a proof); numbered per batch
    (…-001.pdf), split per side with --duplex separate (…-address.pdf, …-message.pdf)."""

    DOCX_BATCH = 0  # the Word file belongs to the whole run

    def __init__(self, output: Path | None, options: RunOptions, log: SendLog, count: int,
                 sides: int) -> None:
        if output is None:
            folder = options.folder or Path.cwd()
            day = clock.today().isoformat()
            output = folder / (_free_proof_name(folder, day) if options.proof else
                               f"cards-{day}-run{log.next_run_id():04d}.pdf")
        self.target = output
        self.folder = output.parent
        self.batch_size = min(options.batch_size or MAX_CARDS_PER_FILE, MAX_CARDS_PER_FILE)
        self.batches = max(1, math.ceil(count / self.batch_size))
        self.separate = options.duplex == "separate" and sides == 2
        self.docx = options.docx
        self.title = "hagaki"

    def roles(self) -> tuple[str, ...]:
        return ("address", "message") if self.separate else ("cards",)

    def path(self, batch: int, role: str) -> Path:
        stem = self.target.stem + (f"-{batch:03d}" if self.batches > 1 else "")
        if role != "cards":
            stem += f"-{role}"
        return self.target.with_name(stem + self.target.suffix)

    def planned(self) -> list[tuple[int, str, Path]]:
        """(batch, role, path) of every file the run may write, the Word file included."""
        found = [(batch, role, self.path(batch, role)) for batch in range(1, self.batches + 1)
                 for role in self.roles()]
        if self.docx is not None:
            found.append((self.DOCX_BATCH, "docx", self.docx))
        return found


def _free_proof_name(folder: Path, day: str) -> str:
    number = 1
    while (folder / f"proof-{day}-{number}.pdf").exists():
        number += 1
    return f"proof-{day}-{number}.pdf"


class _Written(Struct):
    """A batch whose files are staged (and its cards logged as pending): its cards (job,
    words, first page) and its files."""

    number: int
    cards: list[tuple[Job, Message | None, int]]
    paths: list[tuple[str, Path]]


def _log_rows(jobs: list[Job], maker: CardMaker, run_id: int, first_id: int, batch_size: int,
              number: int, cards: list[tuple[int, Message | None, int]]) -> CardRows:
    """The log's rows of batch `number`'s cards, made where it was drawn: their ids
    counted from the run's first card as if every earlier batch printed all its cards (the
    log renumbers them if not)."""
    logged = _logged_cards(number, [(jobs[index], words, page) for index, words, page in cards],
                           maker)
    return card_rows(run_id, first_id + (number - 1) * batch_size, logged, clock.timestamp())


def _logged_cards(number: int, cards: list[tuple[Job, Message | None, int]],
                  maker: CardMaker) -> list[LoggedCard]:
    logged = []
    words_of: dict[Message, str] = {}  # cards that say the same words share their Message
    for job, message, page in cards:
        entry = job.entry
        words = None
        if message is not None:
            words = words_of.get(message)
            if words is None:
                words = words_of[message] = json.dumps(asdict(message), ensure_ascii=False)
        logged.append(LoggedCard(
            entry.customer.customer_id, entry.situation, job.campaign,
            message.template if message else maker.template_name(entry),
            job.card_date, page, address_key(entry.customer),
            () if job.reprint_of else tuple(sale_key(s) for s in entry.sales),
            number, maker.sides, words, job.reprint_of,
            person_key(entry.customer), entry.customer.display_name))
    return logged
