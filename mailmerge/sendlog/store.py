"""The send log store: SQLite in WAL mode, one writer at a time, every change a transaction.

In: the log's path. Out: SendLog, which records runs and their cards, answers the selection
rules' questions (last card of a kind, sales already thanked, addresses that came back) and
changes a card's status (mailed, returned, cancelled).

A run is logged in three steps so that a run killed at any moment never leaves a card
logged as printed that was not: (1) the run and its cards as 'pending', (2) the PDF's
checksum once the file is complete on disk (before it is renamed into place), (3) 'printed'
once it is in place. A pending run found later is settled by looking at the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mailmerge.errors import HagakiError
from mailmerge.models import Customer
from mailmerge.sendlog.migrations import migrate

SENT = ("printed", "mailed", "returned")
# The statuses a card may move to, and from which.
MOVES = {"mailed": ("printed",), "returned": ("printed", "mailed"), "cancelled": ("printed",)}


@dataclass(frozen=True)
class LoggedCard:
    customer_id: str
    situation: str
    campaign: str
    template: str
    card_date: dt.date
    page: int
    address_key: str
    sale_keys: tuple[str, ...] = ()


def address_key(customer: Customer) -> str:
    """The address a card went to, to know when a returned address has been corrected."""
    return "|".join("".join(part.split()) for part in
                    (customer.postal_code, customer.address1, customer.address2))


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SendLog:
    """One send log file. Use `exclusive()` around a print run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self.exclusive():  # creating and migrating the schema: one process at a time
                self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
                self.db.row_factory = sqlite3.Row
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self.db.execute("PRAGMA synchronous=FULL")
                migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise HagakiError(f"{path}: not a usable send log ({exc})") from None

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the log for one run: a second run waits until this one has finished."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- a print run -------------------------------------------------------------------

    def settle_pending(self) -> list[str]:
        """Decide runs left pending by an interrupted run: printed if their file is there
        with the logged checksum, failed otherwise. Returns what was decided, for the user."""
        notes = []
        for run in self.db.execute("SELECT * FROM runs WHERE status = 'pending'").fetchall():
            target = Path(run["output_file"])
            done = (run["checksum"] is not None and target.is_file()
                    and file_checksum(target) == run["checksum"])
            status = "printed" if done else "failed"
            with self._transaction() as db:
                db.execute("UPDATE runs SET status = ? WHERE id = ?", (status, run["id"]))
                db.execute("UPDATE cards SET status = ?, updated_at = ? WHERE run_id = ?",
                           (status, _now(), run["id"]))
            notes.append(f"an interrupted run ({run['started_at']}, {target.name}) was "
                         f"{'completed' if done else 'not completed: its cards were not printed'}")
        return notes

    def begin_run(self, output: Path, cards: list[LoggedCard]) -> int:
        """Step 1: the run and its cards, pending."""
        with self._transaction() as db:
            run_id = db.execute(
                "INSERT INTO runs (started_at, output_file, status) VALUES (?, ?, 'pending')",
                (_now(), str(output.resolve()))).lastrowid
            for card in cards:
                card_id = db.execute(
                    "INSERT INTO cards (run_id, customer_id, situation, campaign, template, "
                    "card_date, page, address_key, status, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (run_id, card.customer_id, card.situation, card.campaign, card.template,
                     card.card_date.isoformat(), card.page, card.address_key, _now())).lastrowid
                db.executemany("INSERT INTO thanked_sales (card_id, sale_key) VALUES (?, ?)",
                               [(card_id, key) for key in card.sale_keys])
        return run_id

    def record_checksum(self, run_id: int, checksum: str) -> None:
        """Step 2: the complete file's checksum, before it is moved into place."""
        with self._transaction() as db:
            db.execute("UPDATE runs SET checksum = ? WHERE id = ?", (checksum, run_id))

    def finish_run(self, run_id: int, printed: bool) -> None:
        """Step 3: printed (the file is in place) or failed (it never got there)."""
        status = "printed" if printed else "failed"
        with self._transaction() as db:
            db.execute("UPDATE runs SET status = ? WHERE id = ?", (status, run_id))
            db.execute("UPDATE cards SET status = ?, updated_at = ? WHERE run_id = ?",
                       (status, _now(), run_id))

    def printed_on(self, customer_id: str, campaign: str) -> dt.date | None:
        """When this customer's card of this campaign was printed, if it was."""
        return self._last_sent(customer_id, "campaign", campaign)

    # --- what the selection rules ask (the History protocol) -------------------------

    def last_card(self, customer_id: str, situation: str) -> dt.date | None:
        return self._last_sent(customer_id, "situation", situation)

    def _last_sent(self, customer_id: str, column: str, value: str) -> dt.date | None:
        """The latest date of a sent card to this customer with `column` (campaign or
        situation) equal to `value`."""
        row = self.db.execute(
            f"SELECT MAX(card_date) FROM cards WHERE customer_id = ? AND {column} = ? "
            f"AND status IN {SENT}", (customer_id, value)).fetchone()
        return dt.date.fromisoformat(row[0]) if row[0] else None

    def thanked_sales(self, customer_id: str) -> set[str]:
        rows = self.db.execute(
            f"SELECT sale_key FROM thanked_sales JOIN cards ON cards.id = card_id "
            f"WHERE customer_id = ? AND status IN {SENT}", (customer_id,)).fetchall()
        return {row[0] for row in rows}

    def returned(self, customer: Customer) -> bool:
        """A card to the customer's current address came back (宛所不明)."""
        row = self.db.execute(
            "SELECT 1 FROM cards WHERE customer_id = ? AND status = 'returned' "
            "AND address_key = ? LIMIT 1", (customer.customer_id, address_key(customer))
        ).fetchone()
        return row is not None

    # --- hagaki log ... ---------------------------------------------------------------

    def cards(self, customer_ids: list[str] | None = None, status: str | None = None,
              campaign: str | None = None) -> list[sqlite3.Row]:
        """Logged cards with their run's file and checksum, oldest first."""
        where, arguments = _conditions(customer_ids=customer_ids, campaign=campaign,
                                       statuses=[status] if status else None)
        query = ("SELECT cards.*, runs.output_file, runs.checksum FROM cards "
                 f"JOIN runs ON runs.id = run_id WHERE {where} ORDER BY cards.id")
        return self.db.execute(query, arguments).fetchall()

    def set_status(self, status: str, card_ids: list[int] | None = None,
                   customer_ids: list[str] | None = None, campaign: str | None = None) -> int:
        """Move the chosen cards to `status` (mailed, returned or cancelled) where that is a
        move their status allows; returns how many changed."""
        if status not in MOVES:
            raise HagakiError(f"unknown status {status!r}")
        if not (card_ids or customer_ids or campaign):
            raise HagakiError("say which cards: card ids, --customer or --campaign")
        where, arguments = _conditions(card_ids, customer_ids, campaign, list(MOVES[status]))
        with self._transaction() as db:
            return db.execute(f"UPDATE cards SET status = ?, updated_at = ? WHERE {where}",
                              [status, _now(), *arguments]).rowcount


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


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")
