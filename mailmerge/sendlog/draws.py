"""A run's random draws in the send log: who was held out (no card this time, to measure
what the cards do) and which template each mailed customer drew.

In: a connection inside the caller's transaction (the store's). Out: the rows written, the
rows read back as Assignment, and the check of every assignment row (a damaged row is found
when the log is opened, as for cards).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from msgspec import Struct

from mailmerge.sendlog.checks import row_check

HELD_OUT = "held-out"
MAILED = "mailed"
ARMS = (MAILED, HELD_OUT)
ASSIGNMENT_COLUMNS = ("id", "run_id", "customer_id", "situation", "campaign", "arm",
                      "template", "drawn_on", "person", "customer_name")


class Assignment(Struct, frozen=True):
    """One randomised customer of a draw: mailed (with the template drawn) or held out."""

    customer_id: str
    situation: str
    campaign: str
    arm: str  # mailed or held-out
    drawn_on: dt.date
    template: str = ""
    person: str = ""
    customer_name: str = ""
    run_id: int = 0


class Draw(Struct, frozen=True):
    """One situation's draw in a run: the seed kept so the draw can be repeated, the share
    held out, the templates drawn among, and every customer it randomised."""

    situation: str
    seed: str
    holdout_percent: float
    templates: tuple[str, ...]
    drawn_on: dt.date
    assignments: tuple[Assignment, ...]


def write_draws(db: sqlite3.Connection, run_id: int, draws: list[Draw],
                logged: dict[tuple[str, str], str]) -> None:
    """Write the run's draws; a mailed customer only with a logged card (`logged`: (customer
    id, campaign) → the card's template): a card that could not be made was not mailed."""
    for draw in draws:
        templates = draw.templates or tuple(sorted(
            {logged[(one.customer_id, one.campaign)] for one in draw.assignments
             if (one.customer_id, one.campaign) in logged}))
        db.execute("INSERT INTO draws (run_id, situation, seed, holdout_percent, templates, "
                   "drawn_on) VALUES (?, ?, ?, ?, ?, ?)",
                   (run_id, draw.situation, draw.seed, draw.holdout_percent,
                    json.dumps(list(templates), ensure_ascii=False),
                    draw.drawn_on.isoformat()))
        for one in draw.assignments:
            if one.arm == MAILED and (one.customer_id, one.campaign) not in logged:
                continue
            template = logged.get((one.customer_id, one.campaign), one.template)
            values = (run_id, one.customer_id, one.situation, one.campaign, one.arm,
                      template if one.arm == MAILED else "", one.drawn_on.isoformat(),
                      one.person, one.customer_name)
            row_id = db.execute(
                "INSERT INTO assignments (run_id, customer_id, situation, campaign, arm, "
                "template, drawn_on, person, customer_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values).lastrowid
            db.execute("UPDATE assignments SET row_check = ? WHERE id = ?",
                       (row_check(row_id, *values), row_id))


def delete_draws(db: sqlite3.Connection, run_id: int) -> None:
    """A run that did not happen drew no one."""
    db.execute("DELETE FROM assignments WHERE run_id = ?", (run_id,))
    db.execute("DELETE FROM draws WHERE run_id = ?", (run_id,))


def drop_unmailed(db: sqlite3.Connection, run_id: int) -> None:
    """A settled run whose batch never reached its file: those customers were not mailed."""
    db.execute("DELETE FROM assignments WHERE run_id = ? AND arm = 'mailed' AND NOT EXISTS "
               "(SELECT 1 FROM cards WHERE cards.run_id = assignments.run_id AND "
               "cards.customer_id = assignments.customer_id AND "
               "cards.campaign = assignments.campaign)", (run_id,))


def assignments(db: sqlite3.Connection, arm: str | None = None) -> list[Assignment]:
    """Every randomised customer of every draw (of one arm), oldest first."""
    where, arguments = ("WHERE arm = ?", (arm,)) if arm else ("", ())
    rows = db.execute(f"SELECT * FROM assignments {where} ORDER BY id", arguments).fetchall()
    return [Assignment(row["customer_id"], row["situation"], row["campaign"], row["arm"],
                       dt.date.fromisoformat(row["drawn_on"]), row["template"], row["person"],
                       row["customer_name"], row["run_id"]) for row in rows]


def held_out_rows(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """The held-out customers as rows like the log's cards (no number, file or page; status
    held-out; the day of the draw as the card's date), for the log's exports."""
    return db.execute(
        "SELECT NULL AS id, a.customer_id, a.customer_name, a.situation, a.campaign, "
        "a.drawn_on AS card_date, 'held-out' AS status, NULL AS reprint_of, "
        "NULL AS output_file, NULL AS page, runs.started_at AS updated_at, '' AS template, "
        "NULL AS checksum, NULL AS file_state, a.run_id "
        "FROM assignments a JOIN runs ON runs.id = a.run_id "
        "WHERE a.arm = 'held-out' ORDER BY a.id").fetchall()


def unrandomised(db: sqlite3.Connection) -> list[str]:
    """The kind of card of every card a run with a draw printed without drawing it (its
    customer was held out last time, and is never held out twice in a row)."""
    return [row[0] for row in db.execute(
        "SELECT c.situation FROM cards c JOIN draws d ON d.run_id = c.run_id AND "
        "d.situation = c.situation WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE "
        "a.run_id = c.run_id AND a.customer_id = c.customer_id AND a.campaign = c.campaign) "
        "ORDER BY c.id")]


def held_out_of(db: sqlite3.Connection, customer_id: str, campaign: str) -> dt.date | None:
    """The day this customer was held out of this campaign, if they were."""
    row = db.execute("SELECT drawn_on FROM assignments WHERE customer_id = ? AND campaign = ? "
                     "AND arm = 'held-out' ORDER BY id DESC LIMIT 1",
                     (customer_id, campaign)).fetchone()
    return dt.date.fromisoformat(row[0]) if row else None


def last_draw(db: sqlite3.Connection, customer_id: str, situation: str
              ) -> tuple[dt.date, str] | None:
    """The customer's latest draw of this kind of card: (its day, mailed or held-out)."""
    row = db.execute("SELECT drawn_on, arm FROM assignments WHERE customer_id = ? AND "
                     "situation = ? ORDER BY drawn_on DESC, id DESC LIMIT 1",
                     (customer_id, situation)).fetchone()
    return (dt.date.fromisoformat(row[0]), row[1]) if row else None


def held_out_last(db: sqlite3.Connection, customer_id: str, received: tuple[str, ...]) -> bool:
    """Was the customer held out of their latest draw (of any kind), and has no run since
    given them a card (a card of one of the `received` statuses)?"""
    row = db.execute("SELECT arm, run_id FROM assignments WHERE customer_id = ? "
                     "ORDER BY drawn_on DESC, id DESC LIMIT 1", (customer_id,)).fetchone()
    if row is None or row[0] != HELD_OUT:
        return False
    since = db.execute(f"SELECT 1 FROM cards WHERE customer_id = ? AND run_id > ? AND status "
                       f"IN ({', '.join('?' * len(received))}) LIMIT 1",
                       (customer_id, row[1], *received)).fetchone()
    return since is None


def damaged_assignment_rows(db: sqlite3.Connection) -> list[str]:
    """'assignments 4' … for every row whose check value is wrong."""
    return [f"assignments {row[0]}" for row in db.execute(
        f"SELECT {', '.join(ASSIGNMENT_COLUMNS)}, row_check FROM assignments")
        if row_check(*row[:-1]) != row[-1]]
