"""Columns nobody reads whose values look like amounts, dates or postal codes: named in a
notice, so a column the shop needs is never silently left out (a header we do not know).

In: the header row, the indexes of the columns read, and each data row's cells as the list is
read. Out: one notice per such column ("sales.csv: 列「お支払い」は金額のようですが…").
A column looks like one kind when every filled cell among its first SAMPLE is of that kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from mailmerge.i18n import N_, _
from mailmerge.sources.normalise import parse_amount, parse_date

SAMPLE = 50  # filled cells looked at per column
KINDS = {"postal_code": N_("郵便番号"), "date": N_("日付"), "amount": N_("金額")}
_POSTAL = re.compile(r"^(?:〒\s*\d{3}-?\d{4}|\d{3}-\d{4})$")
_MONEY_MARK = re.compile(r"[¥円,]")


def kind_of(text: str) -> str | None:
    """'〒160-0023' → postal_code, '2026/11/20' → date, '￥1,200' → amount; else None.
    A bare number is none of them (an id or a count looks the same)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if _POSTAL.match(value):
        return "postal_code"
    if not value.isdigit() and parse_date(value) is not None:
        return "date"
    if _MONEY_MARK.search(value) and parse_amount(value) is not None:
        return "amount"
    return None


class ColumnHints:
    """Watches the unread columns of one list while its rows are read."""

    def __init__(self, headers: list[str], used: set[int]) -> None:
        self.headers = headers
        self.counts = {index: Counter() for index, header in enumerate(headers)
                       if index not in used and header.strip()}

    def see(self, cells: list[str]) -> None:
        """Count one data row's unread cells by kind."""
        for index, counted in self.counts.items():
            text = cells[index].strip() if index < len(cells) else ""
            if text and counted["filled"] < SAMPLE:
                counted["filled"] += 1
                counted[kind_of(text)] += 1

    def notes(self, path: Path | str) -> list[str]:
        """A notice for each unread column whose every sampled cell is of one kind."""
        found = []
        for index, counted in self.counts.items():
            filled = counted["filled"]
            kind = next((k for k in KINDS if filled and counted[k] == filled), None)
            if kind is not None:
                found.append(_("{file}: 列「{header}」は{kind}のようですが、使っていません。"
                               "使うときは hagaki.toml の [columns] に、その見出しがどの項目かを"
                               "書いてください", file=Path(path).name,
                               header=self.headers[index], kind=_(KINDS[kind])))
        return found
