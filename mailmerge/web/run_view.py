"""A print run as its page shows it (印刷しました): the cards by kind, the paper to load and
which way, its files, the postage, when to post it and whether it is posted yet, read from
the send log.

In: the run's logged cards and files (Desk.run_rows), the paper and sides the run printed on,
the shop's postage and 松の内. Out: RunView, the steps of loading the printer and the posting
window's words in the page's language. The words on the cards and the rules stay the
library's; this only counts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path

from msgspec import Struct

from mailmerge.i18n import N_, _, cards
from mailmerge.layout.impose import stock_notes
from mailmerge.layout.paper import Paper
from mailmerge.paperwork.run_sheet import SITUATION_ORDER
from mailmerge.selection.seasons import (
    LABELS,
    Window,
    campaign_posting,
    opens_words,
    posting_note,
)

FILE_ROLES = {"cards": N_("はがき"), "address": N_("宛名面"), "message": N_("文面")}
CARDS_PER_A4 = 4


class RunFile(Struct, frozen=True):
    name: str
    role: str  # cards, address or message


class RunView(Struct, frozen=True):
    run_id: int
    printed_at: str
    kinds: list[tuple[str, int]]  # (situation, cards), in the order a shop thinks of them
    statuses: dict[str, int]
    files: list[RunFile]
    sheet: str  # the run sheet's file name ('' when there is none)
    sides: str  # address, message or both
    paper: Paper | None
    postage_yen: int
    postings: tuple[Window, ...]  # when its seasonal cards are posted (run_postings)

    @property
    def count(self) -> int:
        return sum(count for _situation, count in self.kinds)

    @property
    def waiting(self) -> int:
        """Cards printed and not yet marked mailed (nor returned or cancelled)."""
        return self.statuses.get("printed", 0)

    @property
    def postage(self) -> int:
        return self.count * self.postage_yen


def run_view(run_id: int, rows: list, files: list[tuple[str, Path]], paper: Paper | None,
             postage_yen: int, has_file, matsunouchi_end_day: int) -> RunView | None:
    """The run's page from its logged `rows` and `files`; None for a run the log does not
    have. `has_file(name)`: whether the shop folder offers that PDF (the run sheet)."""
    if not rows:
        return None
    counts = Counter(row["situation"] for row in rows)
    kinds = sorted(counts.items(), key=lambda item: SITUATION_ORDER.index(item[0])
                   if item[0] in SITUATION_ORDER else len(SITUATION_ORDER))
    shown = [RunFile(path.name, role) for role, path in files if role in FILE_ROLES]
    sides = {row["sides"] for row in rows if row["sides"]}
    return RunView(run_id, rows[0]["printed_at"], kinds, dict(Counter(r["status"] for r in rows)),
                   shown, _sheet(run_id, shown, has_file),
                   sides.pop() if len(sides) == 1 else "both", paper, postage_yen,
                   run_postings(rows, matsunouchi_end_day))


def run_postings(rows: list, matsunouchi_end_day: int) -> tuple[Window, ...]:
    """The posting windows of a run whose cards are all seasonal, earliest first; () for a
    run with any other card (those are posted when printed)."""
    windows = {campaign_posting(row["campaign"], matsunouchi_end_day) for row in rows}
    if None in windows:
        return ()
    return tuple(sorted(windows, key=lambda window: window.first))


def posting_notes(postings: tuple[Window, ...], on: dt.date) -> list[str]:
    """When to post each season's cards, said on `on` (the CLI's お知らせ after printing)."""
    return [_("{card}: {note}", card=_(LABELS[window.situation]), note=posting_note(window, on))
            for window in postings]


def mark_words(postings: tuple[Window, ...], on: dt.date) -> str:
    """The mark-mailed button's warning when `on` is before posting opens, else ''. Marking
    stays allowed: the owner may post early, and says so by pressing it."""
    if postings and on < postings[0].first:
        return _("投函は {first}から。投函したら押してください", first=opens_words(postings[0]))
    return ""


def _sheet(run_id: int, files: list[RunFile], has_file) -> str:
    """The run sheet written beside the run's files (cards-…-run0007-sheet.pdf), if there."""
    mark = f"run{run_id:04d}"
    for file in files:
        if mark in file.name:
            name = file.name[:file.name.index(mark) + len(mark)] + "-sheet.pdf"
            return name if has_file(name) else ""
    return ""


def loading_steps(view: RunView) -> list[str]:
    """What to put in the printer and which way, in order, for this run."""
    steps = []
    if view.paper is not None and view.paper.impose == "a4":
        sheets = math.ceil(view.count / CARDS_PER_A4)
        steps.append(_("プリンターに「{paper}」を {sheets:,} 枚入れてください（はがき {cards}）",
                       paper=_(view.paper.label), sheets=sheets, cards=cards(view.count)))
        steps += stock_notes(view.paper.impose)
    elif view.paper is not None:
        steps.append(_("プリンターに「{paper}」を {cards}入れてください",
                       paper=_(view.paper.label), cards=cards(view.count)))
    separate = {file.role for file in view.files} >= {"address", "message"}
    if view.sides == "address":
        steps.append(_("宛名面（郵便番号の枠がある面）に印刷します。はがきは縦向きで、"
                       "郵便番号の枠のある上の辺から入るように入れてください。"))
    elif view.sides == "message":
        steps.append(_("文面（郵便番号の枠のない面）に印刷します。宛名面を印刷したはがきなら、"
                       "宛名面と同じ向き（上の辺から）で、裏返して入れてください。"))
    elif separate:
        steps.append(_("まず「宛名面」のファイルを印刷し、刷り上がったはがきを裏返して、"
                       "同じく上の辺から入れ、「文面」のファイルを印刷してください。"))
    else:
        steps.append(_("宛名面と文面が交互に並んだファイルです。プリンターの両面印刷"
                       "（長辺とじ）で印刷してください。はがきは縦向きで、上の辺から入れます。"))
    steps.append(_("どちらの面を上にするかはプリンターによって違います。プリンターの説明書の"
                   "「はがきのセット」のとおりにしてください。"))
    return steps
