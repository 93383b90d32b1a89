"""A run's batches drawn into PDF bytes: in this process, or in worker processes.

In: the run's jobs (in print order), the CardMaker and the shape of its files (BatchFiles).
A batch is a slice of `size` jobs in that order, so its cards never depend on how many
processes draw. Out: for each batch, in order, a DrawnBatch: its cards (job index, words,
first page), its files' bytes and page counts, the cards refused, the warnings of the
cards made and, if asked, the log's rows of its cards. Workers only draw (and make those
rows): the run (runs/run.py) writes every file and owns the log.

Each batch is drawn by a process forked for it (runs/forked.py: sharing the loaded fonts
and templates, starting from the same state, whatever drew before; it ignores Ctrl-C and
dies with the run). A run of one batch is drawn here, with helper processes laying out
shares of its cards (their pages come back and are drawn here, in order). A worker or
helper that dies without its work stops the run (WorkerError): nothing is put in place or
logged.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from msgspec import Struct, field

from mailmerge.errors import CardError, HagakiError
from mailmerge.i18n import _
from mailmerge.layout.page import Page
from mailmerge.models import Problem
from mailmerge.render.pdf import PdfBuilder
from mailmerge.runs.forked import can_fork, forked_map

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from mailmerge.runs.cards import CardMaker
    from mailmerge.runs.jobs import Job
    from mailmerge.sendlog.card_rows import CardRows
    from mailmerge.templates.engine import Message

# The log's rows of a batch's cards: (batch number, its cards as DrawnBatch.cards) → rows.
LogRows = Callable[[int, list[tuple[int, "Message | None", int]]], "CardRows"]


class BatchFiles(Struct, frozen=True):
    """What every batch's files look like: their roles ("cards", or "address" and
    "message" with --duplex separate), the title, the flip and the imposition."""

    roles: tuple[str, ...]
    title: str
    flip_short: bool
    impose: str | None
    size: int  # jobs per batch


class DrawnBatch(Struct):
    number: int
    cards: list[tuple[int, Message | None, int]]  # (index of the job, its words, first page)
    files: dict[str, tuple[bytes | memoryview, int]]  # role → (the PDF, its pages)
    skipped: list[Problem] = field(default_factory=list)
    without_barcode: list[Problem] = field(default_factory=list)
    printed_as_typed: list[Problem] = field(default_factory=list)
    fallback_words: list[str] = field(default_factory=list)  # set in another face (notes)
    log_rows: CardRows | None = None  # its cards' log rows, made by draw_batches' `log_rows`


class WorkerError(HagakiError):
    """A worker process stopped without its batch (killed, out of memory)."""


def batch_count(jobs: int, size: int) -> int:
    return max(1, math.ceil(jobs / size))


def draw_batches(jobs: list[Job], maker: CardMaker, files: BatchFiles, workers: int,
                 progress: Callable[[int], None] | None = None,
                 log_rows: LogRows | None = None) -> Iterator[DrawnBatch]:
    """Every batch, drawn in order: here, or each in a process of its own forked from this
    one, at most `workers` at a time (the results still come back in order, and no more
    batches wait unwritten than there are workers). A run of one batch is drawn here, its
    cards laid out here and in `workers` − 1 helper processes. `log_rows(number, cards)`,
    if given, makes the log's rows of each batch's cards where it was drawn. Close the
    iterator to stop them."""
    count = batch_count(len(jobs), files.size)
    numbers = range(1, count + 1)
    if count == 1 or workers <= 1 or not can_fork():
        helpers = workers - 1 if can_fork() else 0
        for number in numbers:
            yield draw_batch(jobs, maker, files, number, progress, helpers, log_rows)
        return
    for drawn in forked_map(lambda number: draw_batch(jobs, maker, files, number,
                                                      log_rows=log_rows), numbers,
                            workers, _died, _send_batch, _receive_batch):
        if progress is not None:
            progress(len(drawn.cards) + len(drawn.skipped))
        yield drawn


def _died(number: int, code: int | None) -> WorkerError:
    return WorkerError(_("束 {number} を作るプロセスが途中で止まりました（{code}）。"
                         "ファイルも記録も書いていません。メモリの空きを確かめて、もう一度"
                         "実行してください", number=number, code=code))


def _send_batch(sender: Connection, drawn: DrawnBatch) -> None:
    """The batch without its files, then each file's bytes as they are (never pickled)."""
    files = drawn.files
    drawn.files = {role: (b"", pages) for role, (_, pages) in files.items()}
    sender.send(drawn)
    for data, _pages in files.values():
        sender.send_bytes(data)


def _receive_batch(receiver: Connection) -> DrawnBatch:
    drawn = receiver.recv()
    drawn.files = {role: (receiver.recv_bytes(), pages)
                   for role, (_, pages) in drawn.files.items()}
    return drawn


def draw_batch(jobs: list[Job], maker: CardMaker, files: BatchFiles, number: int,
               progress: Callable[[int], None] | None = None, helpers: int = 0,
               log_rows: LogRows | None = None) -> DrawnBatch:
    """Lay out and draw the cards of batch `number` (from 1); a card the layout refuses is
    listed in `skipped` with its problem. With `helpers`, a batch of at least
    HELPED_CARDS cards is laid out here and in forked processes, at most that many at a
    time, a share each (every page is drawn here, in order: the same file whoever laid it
    out)."""
    start = (number - 1) * files.size
    shares = _shares(start, min(start + files.size, len(jobs)), helpers)
    maker.without_barcode, maker.printed_as_typed = [], []
    batch = _Batch(files, maker.sides_per_card)
    skipped: list[Problem] = []
    with contextlib.ExitStack() as helpers_running:
        helped: Iterable[_Share] = []
        if len(shares) > 1:
            maker.open_faces()
            helped = helpers_running.enter_context(contextlib.closing(forked_map(
                lambda share: _laid_out(jobs, maker, share), shares[1:], helpers,
                _helper_died)))
        for index in range(*shares[0]):
            _add_card(batch, skipped, index, _card(jobs, maker, index))
            if progress is not None:
                progress(1)
        without_barcode, printed_as_typed = maker.without_barcode, maker.printed_as_typed
        for (first, end), share in zip(shares[1:], helped, strict=True):
            for index, card in zip(range(first, end), share.cards, strict=True):
                _add_card(batch, skipped, index, card)
            without_barcode += share.without_barcode
            printed_as_typed += share.printed_as_typed
            for word in share.fallback_words:
                maker.message_fonts.message.split(word)
            if progress is not None:
                progress(end - first)
    words = maker.message_fonts.message.fallback_words() if maker.with_message else []
    rows = log_rows(number, batch.cards) if log_rows is not None and batch.cards else None
    return DrawnBatch(number, batch.cards, batch.finish() if batch.cards else {}, skipped,
                      without_barcode, printed_as_typed, words, rows)


HELPED_CARDS = 400  # fewer are laid out here sooner than a process is forked for them
SHARE_CARDS = 1000  # the most cards a helper lays out at once (their pages wait here)
# The part of an equal share this process lays out itself: it also draws every page, its
# helpers' too (about 0.4 of a card's time).
OWN_SHARE = 0.4


def _shares(start: int, end: int, helpers: int) -> list[tuple[int, int]]:
    """The job indexes [start, end) cut into this process's share, then the helpers'."""
    if helpers < 1 or end - start < HELPED_CARDS:
        return [(start, end)]
    own = round((end - start) * OWN_SHARE / helpers)
    size = min(SHARE_CARDS, -(-(end - start - own) // helpers))
    return list(itertools.pairwise([start, *range(start + own, end, size), end]))


def _card(jobs: list[Job], maker: CardMaker, index: int
          ) -> tuple[list[Page], Message | None] | Problem:
    """The pages and words of job `index`, or the problem that refused it."""
    job = jobs[index]
    try:
        return maker.pages(job)
    except CardError as error:
        customer = job.entry.customer
        return Problem(customer.row, customer.customer_id, error.field or "", error.code,
                       "error", str(error))


def _add_card(batch: _Batch, skipped: list[Problem], index: int,
              card: tuple[list[Page], Message | None] | Problem) -> None:
    """Draw a laid-out card into the batch, or list the problem that refused it."""
    if isinstance(card, Problem):
        skipped.append(card)
    else:
        batch.add(index, *card)


class _Share(Struct):
    """A helper's share laid out: each card's pages and words (or its problem), the
    warnings of the cards made and the words it set in a fallback face."""

    cards: list[tuple[list[Page], Message | None] | Problem]
    without_barcode: list[Problem]
    printed_as_typed: list[Problem]
    fallback_words: list[str]


def _laid_out(jobs: list[Job], maker: CardMaker, share: tuple[int, int]) -> _Share:
    maker.without_barcode, maker.printed_as_typed = [], []
    cards = [_card(jobs, maker, index) for index in range(*share)]
    return _Share(cards, maker.without_barcode, maker.printed_as_typed,
                  maker.message_fonts.message.fallback_words() if maker.with_message else [])


def _helper_died(number: int, code: int | None) -> WorkerError:
    return WorkerError(_("はがきを組むプロセス（{number} 番目）が途中で止まりました（{code}）。"
                         "ファイルも記録も書いていません。メモリの空きを確かめて、もう一度"
                         "実行してください", number=number, code=code))


class _Batch:
    """The file(s) of one batch, drawn card by card: one file (interleaved sides, or one
    side) or, with --duplex separate, an address file and a message file in the same order."""

    def __init__(self, files: BatchFiles, sides: int) -> None:
        self.files = files
        self.separate = len(files.roles) == 2
        self.duplex = sides == 2 and not self.separate
        flip = files.flip_short and self.duplex
        self.builders = [PdfBuilder(files.title, rotate_even_pages=flip) for _ in files.roles]
        self.cards: list[tuple[int, Message | None, int]] = []
        self.waiting: list[Page] = []  # pages waiting for a full A4 sheet (--impose a4)

    def add(self, index: int, pages: list[Page], message: Message | None) -> None:
        first_page = self.builders[-1].pages + 1
        if self.files.impose == "a4":
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
        self.cards.append((index, message, first_page))

    def _flush_sheet(self) -> None:
        from mailmerge.layout.impose import impose_a4

        for sheet in impose_a4(self.waiting, self.duplex):
            self.builders[0].add(sheet)
        self.waiting = []

    def finish(self) -> dict[str, tuple[memoryview, int]]:
        """Each role's whole file (a view of it, not a copy) and its number of pages."""
        if self.waiting:
            self._flush_sheet()
        found = {}
        for builder, role in zip(self.builders, self.files.roles, strict=True):
            stream = io.BytesIO()
            pages = builder.write(stream)
            found[role] = (stream.getbuffer(), pages)
        self.builders = []
        return found
