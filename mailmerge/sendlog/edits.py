"""What the shop changed in hagaki itself, kept in the send log: corrections to the customer
list (applied on every read, by the CLI and the web app alike; undoable), and card edits
(one customer's words for one campaign, or leaving them out of its run).

In: an open SendLog (or the log's path, for reading). Out: the stored rows, the active
corrections as mailmerge.sources.corrections.Correction for ReadOptions, and the card edits
as mailmerge.templates.card_edit.CardEdit for a print run. Every row carries a check value
(like cards), so a damaged row is found when the log is opened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from msgspec import Struct

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.sendlog.checks import CORRECTION_COLUMNS, EDIT_COLUMNS, row_check
from mailmerge.sendlog.store import SendLog
from mailmerge.sources.corrections import FIELDS, Correction, clean_value, shown
from mailmerge.templates.card_edit import MAX_LINE_CHARS, CardEdit, clean_text

MAX_VALUE_CHARS = 200  # a postal code or an address line; anything longer is a mistake
MAX_BODY_CHARS = 1_500  # the most a card can hold (templates.engine.MAX_MESSAGE_CHARS)


class EditError(HagakiError):
    """A correction or card edit that cannot be stored as asked."""


class StoredCorrection(Struct, frozen=True):
    correction: Correction
    made_at: str
    undone_at: str | None

    @property
    def label(self) -> str:
        """"郵便番号 160-0023 → 530-0001" for the page."""
        c = self.correction
        return _("{field} {old} → {new}", field=_(FIELDS[c.field]),
                 old=shown(c.field, c.old_value) or _("（空欄）"),
                 new=shown(c.field, c.new_value))


def add_correction(log: SendLog, customer_id: str, field: str, old_value: str,
                   new_value: str) -> int:
    """Store a correction of one customer's field (old value as read → new value, cleaned);
    return its number."""
    if field not in FIELDS:
        raise EditError(_("直せる項目は {fields} です（{field}）",
                          fields="・".join(_(name) for name in FIELDS.values()), field=field))
    new_value = clean_value(field, new_value)
    if field == "postal_code" and not (len(new_value) == 7 and new_value.isascii()
                                       and new_value.isdigit()):
        raise EditError(_("郵便番号 {value} は 7 桁ではありません（530-0001 のように）",
                          value=repr(new_value)))
    if not new_value or len(new_value) > MAX_VALUE_CHARS:
        raise EditError(_("{field}を空にはできません（{most} 字まで）", field=_(FIELDS[field]),
                          most=MAX_VALUE_CHARS))
    if new_value == old_value:
        raise EditError(_("{field}はもう {value} です", field=_(FIELDS[field]),
                          value=shown(field, new_value)))
    with log.transaction() as db:
        row_id = db.execute(
            "INSERT INTO corrections (customer_id, field, old_value, new_value, made_at) "
            "VALUES (?, ?, ?, ?, ?)", (customer_id, field, old_value, new_value, clock.timestamp())
        ).lastrowid
        _refresh(db, row_id)
    return row_id


def undo_correction(log: SendLog, correction_id: int) -> None:
    """Take a correction back: the file's own value is read again from now on."""
    with log.transaction() as db:
        changed = db.execute("UPDATE corrections SET undone_at = ? WHERE id = ? "
                             "AND undone_at IS NULL", (clock.timestamp(), correction_id)).rowcount
        if not changed:
            raise EditError(_("修正 {number} 番はないか、もう取り消してあります",
                              number=correction_id))
        _refresh(db, correction_id)


def stored_corrections(log: SendLog, with_undone: bool = False) -> list[StoredCorrection]:
    """The corrections in the order they were made (taken-back ones only if asked)."""
    rows = log.db.execute("SELECT * FROM corrections"
                          + ("" if with_undone else " WHERE undone_at IS NULL")
                          + " ORDER BY id").fetchall()
    return [StoredCorrection(Correction(row["id"], row["customer_id"], row["field"],
                                        row["old_value"], row["new_value"]),
                             row["made_at"], row["undone_at"]) for row in rows]


def active_corrections(log_path: Path | None) -> tuple[Correction, ...]:
    """The shop's corrections to apply when its customer list is read (none without a log)."""
    log = SendLog.existing(log_path) if log_path is not None else None
    if log is None:
        return ()
    with log:
        return tuple(stored.correction for stored in stored_corrections(log))


def save_card_edit(log: SendLog, edit: CardEdit) -> CardEdit:
    """Store the edit of one customer's card in one campaign (replacing an earlier one);
    an edit that changes nothing and leaves no one out is removed. Returns it as stored."""
    body = clean_text(edit.body or "") or None
    line = " ".join(clean_text(edit.personal_line or "").split()) or None
    if body is not None and len(body) > MAX_BODY_CHARS:
        raise EditError(_("本文が{length:,}字です。はがきに入るのは{most:,}字までです",
                          length=len(body), most=MAX_BODY_CHARS))
    if line is not None and len(line) > MAX_LINE_CHARS:
        raise EditError(_("一言が{length}字です。{most}字までにしてください", length=len(line),
                          most=MAX_LINE_CHARS))
    stored = CardEdit(edit.customer_id, edit.campaign, body, line, edit.left_out)
    values = (stored.customer_id, stored.campaign, body, line, int(stored.left_out),
              clock.timestamp())
    with log.transaction() as db:
        db.execute("DELETE FROM card_edits WHERE customer_id = ? AND campaign = ?",
                   values[:2])
        if body or line or stored.left_out:
            db.execute(f"INSERT INTO card_edits ({', '.join(EDIT_COLUMNS)}, row_check) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (*values, row_check(*values)))
    return stored


def card_edits(log: SendLog, keys: list[tuple[str, str]]) -> dict[tuple[str, str], CardEdit]:
    """The stored edits of these (customer id, campaign) cards. (The shop edits a few cards
    on the web: all of them are read at once and the run's picked out.)"""
    wanted = set(keys)
    return {(row["customer_id"], row["campaign"]): CardEdit(
                row["customer_id"], row["campaign"], row["body"], row["personal_line"],
                bool(row["left_out"]))
            for row in log.db.execute("SELECT * FROM card_edits")
            if (row["customer_id"], row["campaign"]) in wanted}


def _refresh(db: sqlite3.Connection, row_id: int) -> None:
    row = db.execute(f"SELECT {', '.join(CORRECTION_COLUMNS)} FROM corrections WHERE id = ?",
                     (row_id,)).fetchone()
    db.execute("UPDATE corrections SET row_check = ? WHERE id = ?", (row_check(*row), row_id))

