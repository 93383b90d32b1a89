"""Check values for the send log's rows: a damaged row (a flipped byte in a customer id, a
status or a sale) is found when the log is opened, instead of silently reprinting a card.

In: a connection. Out: the SQL functions `card_check(...)` and `sale_check(...)` registered
on it, `refresh_checks` (recompute after a change) and `damaged_rows` (rows whose value does
not match).
"""

from __future__ import annotations

import hashlib
import sqlite3

CARD_COLUMNS = ("id", "run_id", "customer_id", "situation", "campaign", "template",
                "card_date", "page", "address_key", "status", "batch", "sides", "message",
                "reprint_of")
CARD_CHECK = f"card_check({', '.join(CARD_COLUMNS)})"
SALE_CHECK = "sale_check(card_id, sale_key)"


def _digest(*values: object) -> str:
    text = "\x1f".join("\x00" if value is None else str(value) for value in values)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def register(connection: sqlite3.Connection) -> None:
    """Make card_check and sale_check callable from SQL on this connection."""
    connection.create_function("card_check", len(CARD_COLUMNS), _digest, deterministic=True)
    connection.create_function("sale_check", 2, _digest, deterministic=True)


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
