"""The send log's schema, as numbered migrations applied in order (PRAGMA user_version).

Add a migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
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
)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema up to date, each step in its own transaction; return the version."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise sqlite3.DatabaseError(
            f"the send log is from a newer hagaki (schema {version}); upgrade hagaki")
    for number in range(version, len(MIGRATIONS)):
        connection.executescript("BEGIN;" + MIGRATIONS[number]
                                 + f"PRAGMA user_version = {number + 1};COMMIT;")
    return len(MIGRATIONS)
