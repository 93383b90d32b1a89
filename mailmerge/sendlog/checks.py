"""Check values for the send log's rows: a damaged row (a flipped byte in a customer id, a
status or a sale) is found when the log is opened, instead of silently reprinting a card.

In: a connection. Out: the SQL functions `card_check(...)` and `sale_check(...)` registered
on it, `refresh_checks` (recompute after a change), `row_check` (the value of one row of the
shop's corrections and card edits, stored by sendlog.edits), and `damaged_rows` /
`damaged_edit_rows` (rows whose value does not match).
"""

from __future__ import annotations

import hashlib
import sqlite3

CARD_COLUMNS = ("id", "run_id", "customer_id", "situation", "campaign", "template",
                "card_date", "page", "address_key", "status", "batch", "sides", "message",
                "reprint_of")
CARD_CHECK = f"card_check({', '.join(CARD_COLUMNS)})"
CORRECTION_COLUMNS = ("id", "customer_id", "field", "old_value", "new_value", "made_at",
                      "undone_at")
EDIT_COLUMNS = ("customer_id", "campaign", "body", "personal_line", "left_out", "updated_at")
SALE_CHECK = "sale_check(card_id, sale_key)"


def row_check(*values: object) -> str:
    """The check value of one row's columns (None and '' differ)."""
    text = "\x1f".join(["\x00" if value is None else str(value) for value in values])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def register(connection: sqlite3.Connection) -> None:
    """Make card_check and sale_check callable from SQL on this connection."""
    connection.create_function("card_check", len(CARD_COLUMNS), row_check, deterministic=True)
    connection.create_function("sale_check", 2, row_check, deterministic=True)


def refresh_checks(connection: sqlite3.Connection, card_ids: list[int] | None = None) -> None:
    """Recompute the check values of these cards (all cards when None) and their sales."""
    register(connection)
    if card_ids is None:
        connection.execute(f"UPDATE cards SET row_check = {CARD_CHECK}")
        connection.execute(f"UPDATE thanked_sales SET row_check = {SALE_CHECK}")
        return
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        connection.execute(f"UPDATE cards SET row_check = {CARD_CHECK} WHERE id IN ({marks})",
                           chunk)


def damaged_rows(connection: sqlite3.Connection) -> list[str]:
    """'cards 17', 'thanked_sales of card 9' … for every row whose check value is wrong."""
    register(connection)
    found = [f"cards {row[0]}" for row in connection.execute(
        f"SELECT id FROM cards WHERE row_check IS NOT {CARD_CHECK}")]
    found += [f"thanked_sales of card {row[0]}" for row in connection.execute(
        f"SELECT card_id FROM thanked_sales WHERE row_check IS NOT {SALE_CHECK}")]
    return found


def damaged_edit_rows(db: sqlite3.Connection) -> list[str]:
    """'corrections 3', 'card_edits of C004' … for every row whose check value is wrong."""
    columns = ", ".join(CORRECTION_COLUMNS)
    found = [f"corrections {row[0]}" for row in db.execute(
        f"SELECT {columns}, row_check FROM corrections")
        if row_check(*row[:-1]) != row[-1]]
    found += [f"card_edits of {row[0]}" for row in db.execute(
        f"SELECT {', '.join(EDIT_COLUMNS)}, row_check FROM card_edits")
        if row_check(*row[:-1]) != row[-1]]
    return found
