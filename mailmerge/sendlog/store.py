"""The send log store: SQLite in WAL mode, one process at a time, every change a transaction.

In: the log's path. Out: SendLog, which records runs (their files and cards), answers the
selection rules' questions (the last card of a kind, sales already thanked, addresses that
came back) and changes a card's status (mailed, returned, cancelled).

A run is logged so that a run killed at any moment never leaves a card logged as printed
that is not in its file: (1) the run and its planned files; (2) batch by batch, its cards
as 'pending' with each of its files' checksum, once the file is complete on disk as a
temporary file (then the run's draws); (3) after every file has been renamed into place,
'printed'. A run found unfinished later is settled file by file: cards whose files are in
place with the logged checksum are printed, the others are taken out of the log (so they
are due again) and their temporary files removed.

Opening checks the log (SQLite's integrity_check, indexes included; the schema; every
row's check value) and refuses a damaged one, naming the last good backup; print runs keep
one backup each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from msgspec import Struct, field

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import _, cards, ngettext
from mailmerge.japanese.address_identity import address_identity, person_bucket, person_key
from mailmerge.models import CardRef, Customer
from mailmerge.sendlog import backups, draws, paths
from mailmerge.sendlog.card_rows import CardRows
from mailmerge.sendlog.checks import (
    CARD_COLUMNS,
    damaged_edit_rows,
    damaged_rows,
    refresh_checks,
    register,
)
from mailmerge.sendlog.migrations import MIGRATIONS, TABLES, migrate
from mailmerge.sendlog.plan_history import PlanHistory

SENT = ("printed", "mailed", "returned")  # cards that cost postage (the report counts them)
# Cards the rules count as received: a card that came back was not, so once the address is
# corrected the customer is due again (until then `returned` holds every card back).
RECEIVED = ("printed", "mailed")
# The statuses a card may move to, and from which.
MOVES = {"mailed": ("printed",), "returned": ("printed", "mailed"), "cancelled": ("printed",)}
LOCK_WAIT_SECONDS = float(os.environ.get("HAGAKI_LOCK_WAIT", "600"))
SQLITE_MAGIC = b"SQLite format 3\x00"
SET_ASIDE = "hagaki-set-aside"  # run files an interrupted run left whose cards are not logged
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26  # SQLite's result codes for a damaged file


class LogError(HagakiError):
    """The send log cannot be used: damaged, busy, or not a log at all."""


class PlannedFile(Struct, frozen=True):
    batch: int
    role: str  # cards (one file, both sides or one), address, message, docx
    path: Path


def address_key(customer: Customer) -> str:
    """The address a card went to, as written (spaces dropped): 'postal|住所1|住所2'."""
    return "|".join("".join(part.split()) for part in
                    (customer.postal_code, customer.address1, customer.address2))


def _logged_address(key: str) -> tuple[str, str, str]:
    """An address_key back as (postal code, 住所1, 住所2)."""
    postal_code, _, rest = key.partition("|")
    address1, _, address2 = rest.partition("|")
    return postal_code, address1, address2


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SendLog:
    """One send log file, held by this process (other runs wait) until `close()`."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """Open the log to change it; `read_only`: only to read it (a folder this user cannot
        write to), shared with other readers, never settled or migrated."""
        self.path = path
        self.folder = path.absolute().parent
        self.read_only = read_only
        self._printed: dict[int, list[tuple[str, int]]] = {}  # run → its cards' printed checks
        _check_log_path(path)
        _refuse_lost_log(path)
        self._turn = _turn_of(path)  # threads of this process wait here, without a word
        self._turn.acquire()
        try:
            self._lock = _acquire(path, shared=read_only)
        except BaseException:
            self._turn.release()
            raise
        try:
            self.db = _connect_read_only(path) if read_only else _connect(path)
        except BaseException:
            os.close(self._lock)
            self._turn.release()
            raise

    @classmethod
    def existing(cls, path: Path) -> SendLog | None:
        """The log at `path` (read-only where its folder cannot be written), or None when
        there is none yet (nothing was printed); LogError when it is missing or empty but
        backups say there was one."""
        if not path.exists():
            _refuse_lost_log(path)  # (an empty one is refused when it is opened)
            return None
        return cls(path, read_only=not _writable(path))

    @classmethod
    @contextlib.contextmanager
    def settled(cls, path: Path | None, say: Callable[[str], None] | None = None
                ) -> Iterator[SendLog | None]:
        """The existing log at `path` with the runs an interrupted hagaki left settled first
        (each note given to `say`), closed after the block, whatever happens; None when there
        is no log yet."""
        log = cls.existing(path) if path is not None else None
        if log is None:
            yield None
            return
        with log:
            for note in ([] if log.read_only else log.settle_unfinished()):
                if say is not None:
                    say(note)
            yield log

    def close(self) -> None:
        """Close the database first, then let go of the lock (in that order: closing the
        lock's descriptor first would drop SQLite's own locks on the file)."""
        self.db.close()
        os.close(self._lock)
        self._turn.release()

    def __enter__(self) -> SendLog:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _transaction(self):
        return _Transaction(self.db)

    def transaction(self):
        """BEGIN IMMEDIATE … COMMIT for the shop's own changes (mailmerge.sendlog.edits)."""
        return _Transaction(self.db)

    def backup(self) -> Path | None:
        """Copy the log (a consistent snapshot) among its backups; return the copy's path,
        or None when it cannot be written (a full disk must not undo what was done: the next
        backup tries again)."""
        try:
            return backups.write_backup(self.db, self.path)
        except (OSError, sqlite3.Error):
            return None

    # --- a print run -------------------------------------------------------------------

    def settle_unfinished(self) -> list[str]:
        """Settle runs an interrupted hagaki left pending; return what was decided."""
        notes = []
        for run in self.db.execute("SELECT * FROM runs WHERE status = 'pending'").fetchall():
            files = self.db.execute("SELECT * FROM run_files WHERE run_id = ?",
                                    (run["id"],)).fetchall()
            in_place = {f["id"] for f in files if _file_matches(f, self.located(f["path"]))}
            set_aside = []
            with self._transaction() as db:
                for batch in sorted({f["batch"] for f in files}):
                    card_files = [f for f in files if f["batch"] == batch and f["role"] != "docx"]
                    complete = all(f["id"] in in_place for f in card_files)
                    self._settle_batch(db, run["id"], batch, complete)
                    if not complete:  # half a duplex pair: its cards are due again
                        set_aside += [_set_aside(self.located(f["path"]))
                                      for f in card_files if f["id"] in in_place]
                        in_place -= {f["id"] for f in card_files}
                for f in files:
                    if f["id"] in in_place:
                        db.execute("UPDATE run_files SET state = 'in_place' WHERE id = ?",
                                   (f["id"],))
                    else:
                        db.execute("DELETE FROM run_files WHERE id = ?", (f["id"],))
                        backups.remove_temporaries(self.located(f["path"]))
                notes += _replace_earlier_files(db, run["id"])
                kept = db.execute("SELECT COUNT(*) FROM cards WHERE run_id = ?",
                                  (run["id"],)).fetchone()[0]
                if kept:
                    draws.drop_unmailed(db, run["id"])
                else:
                    draws.delete_draws(db, run["id"])
                db.execute("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
                           ("printed" if kept else "failed", clock.timestamp(), run["id"]))
            started = run["started_at"]
            notes += [_("{name} は印刷の途中で止まったため記録していません。{folder} に移し"
                        "ました（印刷しないでください）", name=moved.name, folder=moved.parent)
                      for moved in set_aside]
            notes.append(_("中断された印刷（{started}）を確認しました: {cards}はファイルに"
                           "残っています", started=started, cards=cards(kept)) if kept else
                         _("中断された印刷（{started}）を確認しました: ファイルができていない"
                           "ので、その分はこれから印刷されます", started=started))
        return notes

    @staticmethod
    def _settle_batch(db: sqlite3.Connection, run_id: int, batch: int, complete: bool) -> None:
        if complete:
            ids = [row[0] for row in db.execute(
                "SELECT id FROM cards WHERE run_id = ? AND batch = ?", (run_id, batch))]
            db.execute("UPDATE cards SET status = 'printed', updated_at = ? "
                       "WHERE run_id = ? AND batch = ?", (clock.timestamp(), run_id, batch))
            refresh_checks(db, ids)
        else:
            _delete_cards(db, "run_id = ? AND batch = ?", (run_id, batch))

    def next_run_id(self) -> int:
        """The id the next run will get (stable while this process holds the log)."""
        return self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM runs").fetchone()[0]

    def begin_run(self, kind: str, files: list[PlannedFile]
                  ) -> tuple[int, dict[tuple[int, str], int]]:
        """Step 1: the run and the files it will write, pending (a run killed from here on
        is settled and its temporary files removed). Returns the run id and each file's id
        by (batch, role)."""
        with self._transaction() as db:
            first = paths.stored(files[0].path, self.folder) if files else ""
            run_id = db.execute(
                "INSERT INTO runs (started_at, output_file, status, kind) "
                "VALUES (?, ?, 'pending', ?)", (clock.timestamp(), first, kind)).lastrowid
            file_ids = {}
            for planned in files:
                file_ids[(planned.batch, planned.role)] = db.execute(
                    "INSERT INTO run_files (run_id, batch, role, path, state) "
                    "VALUES (?, ?, ?, ?, 'pending')",
                    (run_id, planned.batch, planned.role, paths.stored(planned.path, self.folder))
                ).lastrowid
        return run_id, file_ids

    def next_card_id(self) -> int:
        """The id the next card logged will get (stable while this process holds the log)."""
        return self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cards").fetchone()[0]

    def record_batch(self, run_id: int, rows: CardRows,
                     files: dict[int, tuple[str, int | None]]) -> None:
        """Step 2, one batch at a time, each in one transaction: the batch's cards (pending,
        renumbered if an earlier batch refused cards) and each of its complete files'
        checksum and page count, before any file is moved into place (so a run holds no
        more than a batch's cards in memory; each card's check value once printed is kept
        for finish_run)."""
        with self._transaction() as db:
            rows = rows.numbered_from(self.next_card_id())
            db.executemany(f"INSERT INTO cards ({', '.join(CARD_COLUMNS)}, updated_at, person, "
                           "customer_name, row_check) VALUES "
                           f"({', '.join('?' * (len(CARD_COLUMNS) + 4))})", rows.cards)
            db.executemany("INSERT INTO thanked_sales (card_id, sale_key, row_check) "
                           "VALUES (?1, ?2, sale_check(?1, ?2))", rows.sales)
            _record_files(db, files)
        self._printed.setdefault(run_id, []).extend(rows.printed)

    def record_run(self, run_id: int, files: dict[int, tuple[str, int | None]],
                   drawn: list[draws.Draw] | None = None) -> None:
        """Step 2's end, in one transaction, once every batch is recorded: the checksums of
        the run's own files (the Word file), the run's random draws (who was held out) and
        the planned files that were not written dropped."""
        with self._transaction() as db:
            _record_files(db, files)
            logged = {(row[0], row[1]): row[2] for row in db.execute(
                "SELECT customer_id, campaign, template FROM cards WHERE run_id = ?",
                (run_id,))} if drawn else {}
            draws.write_draws(db, run_id, drawn or [], logged)
            db.execute("DELETE FROM run_files WHERE run_id = ? AND checksum IS NULL",
                       (run_id,))

    def finish_run(self, run_id: int) -> list[str]:
        """Step 3: every file is in place; the cards are printed. Returns a note for each
        earlier run's file this run replaced that held printed cards."""
        with self._transaction() as db:
            db.execute("UPDATE run_files SET state = 'in_place' WHERE run_id = ?", (run_id,))
            notes = _replace_earlier_files(db, run_id)
            now = clock.timestamp()
            db.execute("UPDATE runs SET status = 'printed', finished_at = ? WHERE id = ?",
                       (now, run_id))
            db.executemany("UPDATE cards SET status = 'printed', updated_at = ?, row_check = ? "
                           "WHERE id = ?", [(now, check, card_id) for check, card_id in
                                            self._printed.get(run_id, [])])
        self._printed.pop(run_id, None)
        return notes

    def abandon_run(self, run_id: int) -> None:
        """A run that failed before its files were in place: as if it never happened
        (its cards are due again); the run itself stays as 'failed' for the record."""
        self._printed.pop(run_id, None)
        with self._transaction() as db:
            _delete_cards(db, "run_id = ?", (run_id,))
            draws.delete_draws(db, run_id)
            db.execute("DELETE FROM run_files WHERE run_id = ?", (run_id,))
            db.execute("UPDATE runs SET status = 'failed', finished_at = ? WHERE id = ?",
                       (clock.timestamp(), run_id))

    def located(self, stored: str) -> Path:
        """The file a logged path names (kept relative to the log's folder when inside it)."""
        return paths.located(stored, self.folder)

    def run_files(self, states: tuple[str, ...] = ("in_place",)) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(states))
        return self.db.execute(f"SELECT * FROM run_files WHERE state IN ({marks}) ORDER BY id",
                               states).fetchall()

    # --- what the selection rules ask (the History protocol) -------------------------

    def for_one_plan(self, customers: Iterable[Customer]) -> PlanHistory:
        """The History one plan of these customers asks (sendlog/plan_history.py)."""
        return PlanHistory(self, customers, self.mentioned_customers(), self.people_by_place())

    def mentioned_customers(self) -> set[str]:
        """Every customer id the log holds a card, a draw or an edit of."""
        return {row[0] for row in self.db.execute(
            "SELECT customer_id FROM cards UNION SELECT customer_id FROM assignments "
            "UNION SELECT customer_id FROM card_edits")}

    def people_by_place(self) -> dict[tuple[str, ...], list[tuple[str, str]]]:
        """The people of the log's cards and draws by their person_bucket, each as (address
        identity, customer id)."""
        people: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for person, customer_id in self.db.execute(
                "SELECT person, customer_id FROM cards UNION "
                "SELECT person, customer_id FROM assignments"):
            parts = person.split("\x1f")
            if len(parts) == 4 and parts[3].count("|") == 2:
                people.setdefault(person_bucket(parts), []).append((parts[3], customer_id))
        return people

    def sent_in_campaign(self, customer_id: str, campaign: str) -> CardRef | None:
        """The latest sent card of this campaign to this customer, if any."""
        return self._latest(customer_id, "campaign", campaign)

    def sent_to_person(self, customer: Customer, campaign: str) -> tuple[str, CardRef] | None:
        """A sent card of this campaign to the same person (name and address) under another
        customer id: (that id, the card), if any."""
        row = self.db.execute(
            f"SELECT id, card_date, status, customer_id FROM cards WHERE person = ? AND "
            f"campaign = ? AND customer_id != ? AND status IN {RECEIVED} "
            f"ORDER BY id DESC LIMIT 1",
            (person_key(customer), campaign, customer.customer_id)).fetchone()
        return (row["customer_id"], _ref(row)) if row else None

    def last_card(self, customer_id: str, situation: str) -> CardRef | None:
        return self._latest(customer_id, "situation", situation)

    def _latest(self, customer_id: str, column: str, value: str) -> CardRef | None:
        row = self.db.execute(
            f"SELECT id, card_date, status FROM cards WHERE customer_id = ? AND {column} = ? "
            f"AND status IN {RECEIVED} ORDER BY card_date DESC, id DESC LIMIT 1",
            (customer_id, value)).fetchone()
        return _ref(row)

    def thanked_sales(self, customer_id: str) -> dict[str, CardRef]:
        """Each thanked sale's key → the card that thanked it."""
        rows = self.db.execute(
            f"SELECT sale_key, cards.id, card_date, status FROM thanked_sales "
            f"JOIN cards ON cards.id = card_id WHERE customer_id = ? AND status IN {RECEIVED} "
            f"ORDER BY cards.id", (customer_id,)).fetchall()
        return {row[0]: CardRef(row[1], dt.date.fromisoformat(row[2]), row[3]) for row in rows}

    def left_out(self, customer_id: str, campaign: str) -> bool:
        """Did the shop leave this card out of its run (hagaki serve, 今日のはがき)?"""
        row = self.db.execute("SELECT left_out FROM card_edits WHERE customer_id = ? AND "
                              "campaign = ?", (customer_id, campaign)).fetchone()
        return bool(row and row[0])

    def held_out_of(self, customer_id: str, campaign: str) -> dt.date | None:
        """The day this customer was held out of this campaign (no card, to measure), if so."""
        return draws.held_out_of(self.db, customer_id, campaign)

    def last_draw(self, customer_id: str, situation: str) -> tuple[dt.date, str] | None:
        """The customer's latest draw of this kind of card: (its day, mailed or held-out)."""
        return draws.last_draw(self.db, customer_id, situation)

    def held_out_last(self, customer_id: str) -> bool:
        """Held out of their latest draw, and mailed no card since (never twice in a row)."""
        return draws.held_out_last(self.db, customer_id, RECEIVED)

    def assignments(self, arm: str | None = None) -> list[draws.Assignment]:
        """Every customer a run randomised (of one arm: mailed or held-out), oldest first."""
        return draws.assignments(self.db, arm)

    def unrandomised(self) -> list[str]:
        """The kind of every card a run with a draw mailed without drawing it."""
        return draws.unrandomised(self.db)

    def held_out_rows(self) -> list[sqlite3.Row]:
        """The held-out customers as rows like `cards()`' (status held-out), for exports."""
        return draws.held_out_rows(self.db)

    def returned(self, customer: Customer) -> CardRef | None:
        """The card to the customer's current address that came back (宛所不明), if any: the
        same place however the list writes it now (address_identity); a building added
        counts as a correction."""
        here = address_identity(customer.postal_code, customer.address1, customer.address2)
        rows = self.db.execute(
            "SELECT id, card_date, status, address_key FROM cards WHERE customer_id = ? "
            "AND status = 'returned' ORDER BY id DESC", (customer.customer_id,)).fetchall()
        return next((_ref(row) for row in rows
                     if address_identity(*_logged_address(row["address_key"])) == here), None)

    def replacement(self, card: sqlite3.Row) -> int | None:
        """The number of a card printed in place of `card` (the same customer and campaign,
        not cancelled, after it), if there is one."""
        row = self.db.execute(
            "SELECT id FROM cards WHERE customer_id = ? AND campaign = ? AND id > ? "
            "AND status NOT IN ('cancelled', 'failed', 'pending') ORDER BY id LIMIT 1",
            (card["customer_id"], card["campaign"], card["id"])).fetchone()
        return row[0] if row else None

    # --- hagaki log ... ---------------------------------------------------------------

    def cards(self, customer_ids: list[str] | None = None, status: str | None = None,
              campaign: str | None = None, card_ids: list[int] | None = None,
              run_id: int | None = None) -> list[sqlite3.Row]:
        """Logged cards (of one run, with `run_id`) with their file (the one holding the
        card's first page) and its checksum, oldest first."""
        where, arguments = _conditions(card_ids, customer_ids, campaign,
                                       [status] if status else None)
        if run_id is not None:
            where += " AND cards.run_id = ?"
            arguments.append(run_id)
        query = (
            "SELECT cards.*, runs.started_at AS printed_at, runs.kind AS run_kind, "
            "f.path AS output_file, f.checksum AS checksum, f.state AS file_state "
            "FROM cards JOIN runs ON runs.id = cards.run_id "
            "LEFT JOIN run_files f ON f.id = (SELECT id FROM run_files WHERE run_id = "
            "cards.run_id AND batch = cards.batch AND role != 'docx' ORDER BY id LIMIT 1) "
            f"WHERE {where} ORDER BY cards.id")
        return self.db.execute(query, arguments).fetchall()

    def set_status(self, status: str, card_ids: list[int] | None = None,
                   customer_ids: list[str] | None = None, campaign: str | None = None
                   ) -> StatusChange:
        """Move the chosen cards to `status` (mailed, returned or cancelled) where that is a
        move their status allows; say which asked-for card numbers were not moved, and why."""
        if status not in MOVES:
            raise HagakiError(_("そのような状態はありません: {status}", status=repr(status)))
        if not (card_ids or customer_ids or campaign):
            raise HagakiError(_("どのはがきか指定してください: 番号、--customer または "
                                "--campaign"))
        where, arguments = _conditions(card_ids, customer_ids, campaign, list(MOVES[status]))
        if not card_ids:  # by customer or campaign: the reprint, not the card it replaced
            where += (" AND id NOT IN (SELECT reprint_of FROM cards WHERE reprint_of IS NOT "
                      "NULL AND status != 'cancelled')")
        with self._transaction() as db:
            ids = [row[0] for row in db.execute(f"SELECT id FROM cards WHERE {where}",
                                                arguments)]
            db.executemany("UPDATE cards SET status = ?, updated_at = ? WHERE id = ?",
                           [(status, clock.timestamp(), card_id) for card_id in ids])
            refresh_checks(db, ids)
        if ids:
            self.backup()
        change = StatusChange(len(ids))
        for card_id in card_ids or []:
            if card_id in ids:
                continue
            row = self.db.execute("SELECT status FROM cards WHERE id = ?", (card_id,)).fetchone()
            if row is None:
                change.unknown.append(card_id)
            else:
                change.refused.append((card_id, row[0]))
        return change


class StatusChange(Struct):
    """What `set_status` did: how many cards moved, and the asked-for numbers that did not
    (unknown, or in a status that cannot move there: a cancelled card cannot be mailed)."""

    changed: int
    unknown: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error (a full disk included)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, error, _trace) -> None:
        if kind is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.Error as exc:
                kind, error = type(exc), exc
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise LogError(_("送付記録に書き込めません（{error}）。ディスクの空きと、"
                             "フォルダに書き込めるかを確かめてください。記録は変わっていません",
                             error=error)) from None


def _check_log_path(path: Path) -> None:
    """A log is a regular file (or not there yet) in an existing folder."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise LogError(_("送付記録のフォルダがありません: {folder}",
                             folder=path.parent)) from None
        return
    except OSError as exc:
        raise LogError(_("送付記録を開けません: {path} ({reason})", path=path,
                         reason=exc.strerror)) from None
    if not stat.S_ISREG(mode):
        raise LogError(_("{path} は通常のファイルではありません。送付記録には .sqlite "
                         "ファイルを指定してください", path=path))


def _refuse_lost_log(path: Path) -> None:
    """A log that is gone or empty (0 bytes) while its backups are there is lost, not new:
    starting over would make every customer due again."""
    try:
        lost = path.stat().st_size == 0
    except FileNotFoundError:
        lost = True
    latest = backups.latest_backup(path) if lost else None
    if latest is not None:
        what = (_("送付記録 {path} が空です（0 バイト）", path=path) if path.exists() else
                _("送付記録 {path} がありません", path=path))
        raise LogError(_(
            "{what}が、バックアップがあります（最新: {backup}）。このままでは全員にもう一度"
            "送ってしまうので止めました。hagaki log restore で最新のバックアップから戻して"
            "ください。わざと新しい記録を始めるときは hagaki log restore --start-new です",
            what=what, backup=latest.name))


_TURNS: dict[str, threading.Lock] = {}
_TURNS_GUARD = threading.Lock()


def _turn_of(path: Path) -> threading.Lock:
    """The lock the threads of this process take turns on for one log (the web server's
    requests): only another process holding the log makes a run say it waits."""
    with _TURNS_GUARD:
        return _TURNS.setdefault(str(path.absolute()), threading.Lock())


def _writable(path: Path) -> bool:
    """Can this user change the log (and make SQLite's files beside it)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _acquire(path: Path, shared: bool = False) -> int:
    """Open the log file itself and lock it (no lock file left behind): alone to change it,
    `shared` with other readers; wait for another hagaki that holds it, up to
    LOCK_WAIT_SECONDS."""
    try:
        fd = os.open(path, os.O_RDONLY if shared else os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise LogError(_("送付記録を開けません: {path} ({reason})", path=path,
                         reason=exc.strerror)) from None
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    told = False
    while True:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if not told:  # the one thing the store says itself: why nothing seems to happen
                print(_("送付記録 {name} を別の hagaki が使っています。終わるまで待ちます…",
                        name=path.name), file=sys.stderr, flush=True)
                told = True
            if time.monotonic() > deadline:
                os.close(fd)
                raise LogError(ngettext(
                    "送付記録 {path} は別の hagaki が使っています（{n} 秒待ちました）。"
                    "終わってからもう一度実行してください",
                    "送付記録 {path} は別の hagaki が使っています（{n} 秒待ちました）。"
                    "終わってからもう一度実行してください",
                    round(LOCK_WAIT_SECONDS), path=path)) from None
            time.sleep(0.05)


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate the log: LogError naming the last backup if it is damaged,
    or saying what to check when the disk or folder is at fault (never 'damaged' then)."""
    with path.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        _damaged(path, _("SQLite のファイルではありません"))
    db = None
    try:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        db.row_factory = sqlite3.Row
        register(db)
        result = db.execute("PRAGMA integrity_check").fetchall()
        if [tuple(row) for row in result] != [("ok",)]:
            _damaged(path, "; ".join(str(row[0]) for row in result[:3]))
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise LogError(_("送付記録 {path} は新しい版の hagaki で作られています"
                             "（schema {version}）。hagaki を更新してください", path=path,
                             version=version))
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=FULL")
        migrate(db)
        _check_contents(db, path)
    except BaseException as error:
        if db is not None:
            db.close()
        if isinstance(error, sqlite3.Error) and not _is_damage(error):
            raise LogError(_("送付記録 {path} を使えません（{error}）。ディスクに空きがあるか、"
                             "フォルダに書き込めるかを確かめてください。記録は変わっていません",
                             path=path, error=error)) from None
        if isinstance(error, sqlite3.Error | ValueError):  # ValueError: text not UTF-8
            _damaged(path, str(error))
        raise
    return db


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open the log only to read it, in a folder where SQLite cannot make its -wal and -shm
    files: as immutable (the shared lock keeps every writer out meanwhile). LogError when it
    is damaged, from another version of hagaki or has changes still in its -wal file (they
    cannot be brought in here)."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise LogError(_("送付記録 {path} には書きかけの変更（{wal}）があり、読み取り専用の"
                         "フォルダでは読み込めません。書き込めるフォルダで一度 hagaki を実行"
                         "してください", path=path, wal=wal.name))
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                         isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        register(db)
        if db.execute("PRAGMA user_version").fetchone()[0] != len(MIGRATIONS):
            raise LogError(_("送付記録 {path} は別の版の hagaki の形式で、読み取り専用の"
                             "フォルダでは直せません。書き込めるフォルダで一度 hagaki を"
                             "実行してください", path=path))
        _check_contents(db, path)
    except sqlite3.Error as error:
        db.close()
        _damaged(path, str(error))
    except BaseException:
        db.close()
        raise
    return db


def _is_damage(error: sqlite3.Error) -> bool:
    """Damage (not a database, a malformed page, a row a check function cannot read), as
    opposed to a full disk, an I/O error or a folder that cannot be written."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    return "user-defined function raised exception" in str(error) or "malformed" in str(error)


def _check_contents(db: sqlite3.Connection, path: Path) -> None:
    """Every expected table, every row's check value, every date a date."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [name for name in TABLES if name not in tables]
    if missing:
        _damaged(path, _("表がありません: {tables}", tables=", ".join(missing)))
    damaged = damaged_rows(db) + damaged_edit_rows(db) + draws.damaged_assignment_rows(db)
    damaged += [f"cards {row[0]}" for row in db.execute(
        "SELECT id FROM cards WHERE date(card_date) IS NOT card_date")]
    if damaged:
        shown = ", ".join(damaged[:5])
        _damaged(path, _("壊れた行: {rows}", rows=shown) if len(damaged) <= 5 else ngettext(
            "壊れた行: {rows} ほか {n} 行", "壊れた行: {rows} ほか {n} 行", len(damaged) - 5,
            rows=shown))


def _damaged(path: Path, detail: str):
    latest = backups.latest_backup(path)
    if latest is not None:
        taken = dt.datetime.fromtimestamp(latest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        advice = _("最後の正常なバックアップ {backup}（{taken} の状態）を {name} として"
                   "コピーしてから、hagaki log list で最後の印刷が記録にあるか確かめてください",
                   backup=latest, taken=taken, name=path.name)
    else:
        advice = _("バックアップはありません。ファイルを別の名前に移して調べてください")
    raise LogError(_("送付記録 {path} が壊れています（{detail}）。{advice}", path=path,
                     detail=detail, advice=advice))


def _replace_earlier_files(db: sqlite3.Connection, run_id: int) -> list[str]:
    """Mark earlier runs' files at the paths this run's files now fill as replaced (only
    once the new file is in place); a note for each that held printed cards."""
    earlier = db.execute(
        "SELECT id, run_id, batch, path FROM run_files WHERE state = 'in_place' AND run_id != ? "
        "AND path IN (SELECT path FROM run_files WHERE run_id = ? AND state = 'in_place')",
        (run_id, run_id)).fetchall()
    notes = []
    for row in earlier:
        db.execute("UPDATE run_files SET state = 'replaced' WHERE id = ?", (row["id"],))
        ids = [str(card[0]) for card in db.execute(
            "SELECT id FROM cards WHERE run_id = ? AND batch = ? AND status = 'printed'",
            (row["run_id"], row["batch"]))]
        if ids:
            notes.append(_("{name} を置き換えました。そこにあったはがき {numbers} は記録上"
                           "「印刷済み」のままです。紙に印刷していなかったなら hagaki log "
                           "cancel {numbers} で取り消すと、もう一度印刷の対象になります",
                           name=Path(row["path"]).name, numbers=" ".join(ids)))
    return notes


def _set_aside(path: Path) -> Path:
    """Move a run file whose cards were not logged into SET_ASIDE beside it (never over
    another file); return where it went."""
    folder = path.parent / SET_ASIDE
    folder.mkdir(exist_ok=True)
    target, number = folder / path.name, 1
    while target.exists():
        number += 1
        target = folder / f"{path.stem}-{number}{path.suffix}"
    os.replace(path, target)
    return target


def _file_matches(file_row: sqlite3.Row, target: Path) -> bool:
    """Is this run file in place (at `target`) with the logged checksum?"""
    try:
        return file_row["checksum"] is not None and file_checksum(target) == file_row["checksum"]
    except OSError:
        return False


def _record_files(db: sqlite3.Connection, files: dict[int, tuple[str, int | None]]) -> None:
    """Each complete file's checksum and page count (by its run_files id)."""
    db.executemany("UPDATE run_files SET checksum = ?, pages = ? WHERE id = ?",
                   [(checksum, pages, file_id) for file_id, (checksum, pages) in files.items()])


def _delete_cards(db: sqlite3.Connection, where: str, arguments: tuple) -> None:
    db.execute(f"DELETE FROM thanked_sales WHERE card_id IN (SELECT id FROM cards WHERE {where})",
               arguments)
    db.execute(f"DELETE FROM cards WHERE {where}", arguments)


def _ref(row) -> CardRef | None:
    if row is None:
        return None
    return CardRef(row[0], dt.date.fromisoformat(row[1]), row[2])


def _conditions(card_ids: list[int] | None = None, customer_ids: list[str] | None = None,
                campaign: str | None = None, statuses: list[str] | None = None
                ) -> tuple[str, list]:
    """A WHERE clause (and its arguments) choosing cards by id, customer, campaign, status."""
    clauses, arguments = ["1 = 1"], []
    for column, values in (("cards.id", card_ids), ("customer_id", customer_ids),
                           ("cards.status", statuses)):
        if values:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            arguments += values
    if campaign:
        clauses.append("campaign = ?")
        arguments.append(campaign)
    return " AND ".join(clauses), arguments

