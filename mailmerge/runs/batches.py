"""A run's batches drawn into PDF bytes: in this process, or in worker processes.

In: the run's jobs (in print order), the CardMaker and the shape of its files (BatchFiles).
A batch is a slice of `size` jobs in that order, so its cards never depend on how many
processes draw. Out: for each batch, in order, a DrawnBatch: its cards (job index, words,
first page), its files' bytes and page counts, the cards refused and the warnings of the
cards made. Workers only draw: the run (runs/run.py) writes every file and owns the log.

Each batch is drawn by a process forked for it (sharing the loaded fonts and templates,
starting from the same state, whatever drew before): it ignores Ctrl-C (the run stops it)
and dies with the run, so a killed run leaves no worker holding the log's lock. A worker
that dies without its batch stops the run (WorkerError): nothing is put in place or logged.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import io
import itertools
import math
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from mailmerge.errors import CardError, HagakiError
from mailmerge.i18n import _
from mailmerge.layout.page import Page
from mailmerge.models import Problem
from mailmerge.render.pdf import PdfBuilder

if TYPE_CHECKING:
    from mailmerge.runs.cards import CardMaker
    from mailmerge.runs.jobs import Job
    from mailmerge.templates.engine import Message

PR_SET_PDEATHSIG = 1  # Linux prctl: the signal a process gets when its parent dies


@dataclass(frozen=True)
class BatchFiles:
    """What every batch's files look like: their roles ("cards", or "address" and
    "message" with --duplex separate), the title, the flip and the imposition."""

    roles: tuple[str, ...]
    title: str
    flip_short: bool
    impose: str | None
    size: int  # jobs per batch


@dataclass
class DrawnBatch:
    number: int
    cards: list[tuple[int, Message | None, int]]  # (index of the job, its words, first page)
    files: dict[str, tuple[bytes | memoryview, int]]  # role → (the PDF, its pages)
    skipped: list[Problem] = field(default_factory=list)
    without_barcode: list[Problem] = field(default_factory=list)
    printed_as_typed: list[Problem] = field(default_factory=list)
    fallback_words: list[str] = field(default_factory=list)  # set in another face (notes)


_WORK: tuple[list[Job], CardMaker, BatchFiles] | None = None  # what forked workers draw


class WorkerError(HagakiError):
    """A worker process stopped without its batch (killed, out of memory)."""


def batch_count(jobs: int, size: int) -> int:
    return max(1, math.ceil(jobs / size))


def draw_batches(jobs: list[Job], maker: CardMaker, files: BatchFiles, workers: int,
                 progress: Callable[[int], None] | None = None) -> Iterator[DrawnBatch]:
    """Every batch, drawn in order: here, or each in a process of its own forked from this
    one, at most `workers` at a time (the results still come back in order, and no more
    batches wait unwritten than there are workers). Close the iterator to stop them."""
    count = batch_count(len(jobs), files.size)
    workers = min(workers, count)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for number in range(1, count + 1):
            yield draw_batch(jobs, maker, files, number, progress)
        return
    global _WORK
    _WORK = (jobs, maker, files)  # inherited by the forked workers, never pickled
    context = multiprocessing.get_context("fork")
    running: collections.deque[tuple[int, BaseProcess, Connection]] = collections.deque()
    numbers = iter(range(1, count + 1))

    def start(number: int) -> None:
        gc.freeze()  # the worker's collections skip the run's objects: their pages stay shared
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(number, sender, os.getpid()),
                                  daemon=True)
        process.start()
        sender.close()
        running.append((number, process, receiver))

    try:
        for number in itertools.islice(numbers, workers):
            start(number)
        while running:
            number, process, receiver = running[0]
            drawn = _result(number, process, receiver)
            running.popleft()
            for following in itertools.islice(numbers, 1):
                start(following)
            if progress is not None:
                progress(len(drawn.cards) + len(drawn.skipped))
            yield drawn
    finally:
        _WORK = None
        gc.unfreeze()
        for _number, process, receiver in running:
            process.kill()
            process.join()
            receiver.close()


def _result(number: int, process: BaseProcess, receiver: Connection) -> DrawnBatch:
    """The batch a worker sends, or the error it raised, or WorkerError if it died."""
    try:
        found = receiver.recv()
        if isinstance(found, DrawnBatch):  # the files follow, as they are
            found.files = {role: (receiver.recv_bytes(), pages)
                           for role, (_, pages) in found.files.items()}
    except EOFError:
        process.join()
        raise WorkerError(_("束 {number} を作るプロセスが途中で止まりました（{code}）。"
                            "ファイルも記録も書いていません。メモリの空きを確かめて、もう一度"
                            "実行してください", number=number, code=process.exitcode)) from None
    finally:
        receiver.close()
    process.join()
    if isinstance(found, BaseException):
        raise found
    return found


def _worker(number: int, sender: Connection, parent: int) -> None:
    """Draw one batch and send it (or the error that stopped it) to the run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the run stops its workers
    if sys.platform.startswith("linux"):  # die with the run: none keeps the log's lock
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the run died before the line above
        os._exit(1)
    assert _WORK is not None
    try:
        found: DrawnBatch | BaseException = draw_batch(*_WORK, number)
    except Exception as error:  # the run raises it again
        found = _sendable(error)
    files = {}
    if isinstance(found, DrawnBatch):  # its files follow as they are, never pickled
        files, found.files = found.files, {role: (b"", pages)
                                           for role, (_, pages) in found.files.items()}
    sender.send(found)
    for data, _pages in files.values():
        sender.send_bytes(data)
    sender.close()


def _sendable(error: Exception) -> Exception:
    """The error as the run can receive it: itself, or (an error class whose arguments do not
    make it again) its message in a HagakiError, or a RuntimeError naming it."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # any failure to make it again
        if isinstance(error, HagakiError):
            return HagakiError(str(error))
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def draw_batch(jobs: list[Job], maker: CardMaker, files: BatchFiles, number: int,
               progress: Callable[[int], None] | None = None) -> DrawnBatch:
    """Lay out and draw the cards of batch `number` (from 1); a card the layout refuses is
    listed in `skipped` with its problem."""
    start = (number - 1) * files.size
    maker.without_barcode, maker.printed_as_typed = [], []
    batch = _Batch(files, maker.sides_per_card)
    skipped = []
    for index in range(start, min(start + files.size, len(jobs))):
        job = jobs[index]
        try:
            pages, message = maker.pages(job)
        except CardError as error:
            customer = job.entry.customer
            skipped.append(Problem(customer.row, customer.customer_id, error.field or "",
                                   error.code, "error", str(error)))
        else:
            batch.add(index, pages, message)
        if progress is not None:
            progress(1)
    words = maker.message_fonts.message.fallback_words() if maker.with_message else []
    return DrawnBatch(number, batch.cards, batch.finish() if batch.cards else {}, skipped,
                      maker.without_barcode, maker.printed_as_typed, words)


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
