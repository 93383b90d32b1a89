"""The log's rows of a batch made where it was drawn: ids guessed, renumbered when an earlier
batch refused cards, each with its check value as pending and as printed."""

from __future__ import annotations

import datetime as dt

from mailmerge.sendlog.card_rows import LoggedCard, card_rows
from mailmerge.sendlog.checks import CARD_COLUMNS, row_check


def batch(count: int) -> list[LoggedCard]:
    return [LoggedCard(f"C{n}", "nenga", "nenga-2027", "builtin", dt.date(2026, 12, 7), n,
                       f"1600023|新宿区西新宿{n}|", ("2026-11-20|湯呑み|",) if n == 2 else (),
                       batch=2, sides="address", person=f"p{n}", customer_name=f"髙橋 {n}")
            for n in range(1, count + 1)]


def test_each_row_holds_its_check_as_pending_and_as_printed():
    rows = card_rows(7, 11, batch(3), "2026-12-07T10:00:00")
    status = CARD_COLUMNS.index("status")
    assert [row[0] for row in rows.cards] == [11, 12, 13]
    for row, (printed, card_id) in zip(rows.cards, rows.printed, strict=True):
        checked = row[:len(CARD_COLUMNS)]
        assert checked[1] == 7 and checked[status] == "pending"
        assert row[-1] == row_check(*checked)
        assert printed == row_check(*checked[:status], "printed", *checked[status + 1:])
        assert printed != row[-1] and card_id == row[0]
        assert row[len(CARD_COLUMNS):-1] == ("2026-12-07T10:00:00", f"p{row[7]}",
                                             f"髙橋 {row[7]}")
    assert rows.sales == [(12, "2026-11-20|湯呑み|")]


def test_rows_renumbered_are_the_rows_made_with_the_right_first_id():
    guessed = card_rows(7, 11, batch(4), "2026-12-07T10:00:00")
    right = card_rows(7, 9, batch(4), "2026-12-07T10:00:00")
    assert guessed.cards != right.cards
    assert guessed.numbered_from(9) == right
    assert guessed.numbered_from(11) is guessed
