"""The send log's schema, as numbered migrations applied in order (PRAGMA user_version).

Add a migration by appending to MIGRATIONS; never edit one that has shipped. A migration is
SQL, or a Python step taking the connection (for values SQL cannot compute).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from mailmerge.sendlog.checks import refresh_checks
from mailmerge.sendlog.paths import stored

TABLES = ("runs", "run_files", "cards", "thanked_sales", "corrections", "card_edits", "draws",
          "assignments")

Migration = str | Callable[[sqlite3.Connection], None]


def _paths_relative_to_the_log(connection: sqlite3.Connection) -> None:
    main = connection.execute("PRAGMA database_list").fetchone()[2]
    if not main:
        return  # an in-memory log: nothing is on disk
    folder = Path(main).parent
    for table, column in (("run_files", "path"), ("runs", "output_file")):
        rows = connection.execute(f"SELECT rowid, {column} FROM {table}").fetchall()
        connection.executemany(
            f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
            [(stored(Path(value), folder), rowid) for rowid, value in rows
             if value and Path(value).is_absolute()])


MIGRATIONS: tuple[Migration, ...] = (
    # 1: runs (one output file each) and the cards in them
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        output_file TEXT NOT NULL,
        checksum TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'printed', 'failed'))
    );
    CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        customer_id TEXT NOT NULL,
        situation TEXT NOT NULL,
        campaign TEXT NOT NULL,
        template TEXT NOT NULL,
        card_date TEXT NOT NULL,
        page INTEGER NOT NULL,
        address_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN
            ('pending', 'printed', 'mailed', 'returned', 'cancelled', 'failed')),
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cards_by_customer ON cards(customer_id, campaign);
    CREATE TABLE thanked_sales (
        card_id INTEGER NOT NULL REFERENCES cards(id),
        sale_key TEXT NOT NULL
    );
    CREATE INDEX thanked_by_card ON thanked_sales(card_id);
    """,
    # 2: a run is one print with several files (batches, two sides, Word), each with its
    # checksum; cards keep their words (for exact reprints), the batch whose files hold
    # them, what they reprint, and a check value that finds a damaged row.
    """
    ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'print';
    ALTER TABLE runs ADD COLUMN finished_at TEXT;
    CREATE TABLE run_files (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        batch INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('cards', 'address', 'message', 'docx')),
        path TEXT NOT NULL,
        checksum TEXT,
        pages INTEGER,
        state TEXT NOT NULL CHECK (state IN ('pending', 'in_place', 'replaced'))
    );
    CREATE INDEX files_by_run ON run_files(run_id);
    CREATE INDEX files_by_path ON run_files(path);
    INSERT INTO run_files (run_id, batch, role, path, checksum, state)
        SELECT id, 1, 'cards', output_file, checksum,
               CASE status WHEN 'printed' THEN 'in_place' ELSE 'pending' END FROM runs;
    ALTER TABLE cards ADD COLUMN batch INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE cards ADD COLUMN sides TEXT NOT NULL DEFAULT '';
    ALTER TABLE cards ADD COLUMN message TEXT;
    ALTER TABLE cards ADD COLUMN reprint_of INTEGER REFERENCES cards(id);
    ALTER TABLE cards ADD COLUMN row_check TEXT;
    ALTER TABLE thanked_sales ADD COLUMN row_check TEXT;
    """,
    refresh_checks,
    # 3: corrections the shop made in hagaki to its customer list (never to the file),
    # applied on every read; taken back by setting undone_at. row_check: see sendlog.checks.
    """
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        field TEXT NOT NULL,
        old_value TEXT NOT NULL,
        new_value TEXT NOT NULL,
        made_at TEXT NOT NULL,
        undone_at TEXT,
        row_check TEXT
    );
    CREATE INDEX corrections_by_customer ON corrections(customer_id);
    """,
    # 4: one customer's card in one campaign as the shop edited it (its own body, a personal
    # line) or left out of the run; the printed card's words are logged with the card.
    """
    CREATE TABLE card_edits (
        customer_id TEXT NOT NULL,
        campaign TEXT NOT NULL,
        body TEXT,
        personal_line TEXT,
        left_out INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        row_check TEXT,
        PRIMARY KEY (customer_id, campaign)
    );
    """,
    # 5: run files inside the log's folder kept relative to it (a moved shop finds them).
    _paths_relative_to_the_log,
    # 6: who a card went to, as name and address identity (address_identity.person_identity):
    # the same person under a new customer id is known again.
    """
    ALTER TABLE cards ADD COLUMN person TEXT;
    CREATE INDEX cards_by_person ON cards(person, campaign);
    """,
    # 7: the customer's name as printed, for the log's lists and exports
    "ALTER TABLE cards ADD COLUMN customer_name TEXT",
    # 8: the random draws of a run (held-out customers, A/B templates) with their seed, and
    # every randomised customer's arm: mailed (with the card's template) or held out.
    """
    CREATE TABLE draws (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        situation TEXT NOT NULL,
        seed TEXT NOT NULL,
        holdout_percent REAL NOT NULL,
        templates TEXT NOT NULL,
        drawn_on TEXT NOT NULL,
        PRIMARY KEY (run_id, situation)
    );
    CREATE TABLE assignments (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        customer_id TEXT NOT NULL,
        situation TEXT NOT NULL,
        campaign TEXT NOT NULL,
        arm TEXT NOT NULL CHECK (arm IN ('mailed', 'held-out')),
        template TEXT NOT NULL,
        drawn_on TEXT NOT NULL,
        person TEXT NOT NULL,
        customer_name TEXT NOT NULL,
        row_check TEXT
    );
    CREATE INDEX assignments_by_customer ON assignments(customer_id, situation);
    CREATE INDEX assignments_by_run ON assignments(run_id);
    """,
)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema up to date, each step in its own transaction (a new log: all of them
    in one); return the version."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise sqlite3.DatabaseError(
            f"the send log is from a newer hagaki (schema {version}); upgrade hagaki")
    steps = range(version, len(MIGRATIONS))
    for together in ([steps] if version == 0 else [[number] for number in steps]):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for number in together:
                step = MIGRATIONS[number]
                if isinstance(step, str):
                    for statement in _statements(step):
                        connection.execute(statement)
                else:
                    step(connection)
                connection.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """The statements of a migration script (none of ours has a ';' inside a literal)."""
    return [part.strip() for part in script.split(";") if part.strip()]
