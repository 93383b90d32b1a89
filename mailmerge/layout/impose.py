"""Four cards on an A4 sheet (A4 4面), with crop marks, for shops that cut their own cards.

In: card pages (100 × 148 mm) in printing order, whether they alternate front and back, and
a sheet profile (layouts/sheets/NAME.toml). Out: sheet pages. The crop marks run along the
cut lines in the margins and gutters between the cards, never on a card's face, and inside
the area printers can print (never in the blank border they leave). On the backs the two
columns swap places, so each back lands behind its front when the sheet turns on its long
edge. stock_notes() says what the paper must be: as thick as a postcard (Japan Post).
"""

from __future__ import annotations

import functools

from msgspec import Struct

from mailmerge.i18n import N_, _
from mailmerge.layout.page import Line, Page
from mailmerge.package_files import package_file
from mailmerge.shop.tomlread import NUMBER, NUMBERS, TEXT, read_toml

MARK_COLOR = (0.0, 0.0, 0.0)
ONE_CUT_GUTTER = 2.0  # mm: a gutter narrower than this is cut once, through its middle
SHORTEST_MARK = 0.4  # mm: a shorter mark would not be seen
# Every key of a sheet profile (each required) and the kind of its value.
SCHEMA = {
    "sheet": {"title": TEXT, "width": NUMBER, "height": NUMBER, "card_width": NUMBER,
              "card_height": NUMBER, "card_lefts": NUMBERS, "card_tops": NUMBERS},
    "marks": dict.fromkeys(("printable_margin", "length", "clearance", "line"), NUMBER),
}
# Japan Post takes a private card (私製はがき) only on paper as thick as a postcard.
STOCK_NOTE = N_("A4 用紙は、はがきと同じくらいの厚さの紙にしてください。私製はがきは、郵便はがきと"
                "同じくらいの厚さ・強さの紙を、はがきの大きさ（14〜15.4 cm × 9〜10.7 cm）に"
                "切ったものです（日本郵便）")


class Sheet(Struct, frozen=True):
    title: str
    width: float
    height: float
    slots: tuple[tuple[float, float], ...]  # each card's top-left corner, in reading order
    columns: int
    printable_margin: float
    mark_length: float
    mark_clearance: float
    mark_line: float
    card_size: tuple[float, float]

    @property
    def faces(self) -> list[tuple[float, float, float, float]]:
        """Each card's face as (left, top, right, bottom), in reading order."""
        width, height = self.card_size
        return [(x, y, x + width, y + height) for x, y in self.slots]

    @property
    def cuts_x(self) -> list[float]:
        """Where the sheet is cut across its width (x of each vertical cut)."""
        return _cuts(sorted({x for x, _ in self.slots}), self.card_size[0], self.width)

    @property
    def cuts_y(self) -> list[float]:
        """Where the sheet is cut down its height (y of each horizontal cut)."""
        return _cuts(sorted({y for _, y in self.slots}), self.card_size[1], self.height)


@functools.cache
def load_sheet(name: str = "a4") -> Sheet:
    """A bundled sheet profile by name (layouts/sheets/NAME.toml)."""
    data = read_toml(package_file("layouts", "sheets", f"{name}.toml"), SCHEMA, complete=True)
    sheet, marks = data["sheet"], data["marks"]
    lefts, tops = sheet["card_lefts"], sheet["card_tops"]
    return Sheet(sheet["title"], float(sheet["width"]), float(sheet["height"]),
                 tuple((float(x), float(y)) for y in tops for x in lefts), len(lefts),
                 float(marks["printable_margin"]), float(marks["length"]),
                 float(marks["clearance"]), float(marks["line"]),
                 (float(sheet["card_width"]), float(sheet["card_height"])))


def impose_a4(pages: list[Page], duplex: bool, sheet_name: str = "a4") -> list[Page]:
    """Sheets of up to four cards each (fronts and backs alternating when `duplex`)."""
    if not pages:
        return []
    sheet = load_sheet(sheet_name)
    per_sheet = len(sheet.slots)
    slots = list(sheet.slots)
    mirrored = [slot for row in range(0, per_sheet, sheet.columns)
                for slot in reversed(slots[row:row + sheet.columns])]
    sheets: list[Page] = []
    if duplex:
        fronts, backs = pages[0::2], pages[1::2]
        for start in range(0, len(fronts), per_sheet):
            sheets.append(_sheet(fronts[start:start + per_sheet], slots, sheet))
            sheets.append(_sheet(backs[start:start + per_sheet], mirrored, sheet))
    else:
        for start in range(0, len(pages), per_sheet):
            sheets.append(_sheet(pages[start:start + per_sheet], slots, sheet))
    return sheets


def stock_notes(impose: str | None) -> list[str]:
    """What the person loading the printer must know about an imposition's paper."""
    return [_(STOCK_NOTE)] if impose else []


def crop_marks(sheet: Sheet) -> list[Line]:
    """A mark along every cut in each margin or gutter it crosses (off every card)."""
    lines = []
    for x in sheet.cuts_x:
        for y1, y2 in _mark_spans(sheet, _gaps(sheet.faces, 1, 3, sheet.height), sheet.height):
            lines.append(Line(x, y1, x, y2, MARK_COLOR, sheet.mark_line))
    for y in sheet.cuts_y:
        for x1, x2 in _mark_spans(sheet, _gaps(sheet.faces, 0, 2, sheet.width), sheet.width):
            lines.append(Line(x1, y, x2, y, MARK_COLOR, sheet.mark_line))
    return lines


def _cuts(starts: list[float], size: float, end: float) -> list[float]:
    """The cuts along one direction: each card edge not on the sheet's edge, except that
    a narrow gutter between two cards is cut once, through its middle."""
    cuts: list[float] = []
    for start in starts:
        for edge in (start, start + size):
            if 0 < edge < end and edge not in cuts:
                cuts.append(edge)
    merged: list[float] = []
    for cut in sorted(cuts):
        if merged and cut - merged[-1] < ONE_CUT_GUTTER:
            merged[-1] = (merged[-1] + cut) / 2
        else:
            merged.append(cut)
    return merged


def _gaps(faces: list[tuple[float, float, float, float]], low: int, high: int, end: float
          ) -> list[tuple[float, float]]:
    """The stretches of one direction (0 to `end`) that no card covers: margins, gutters."""
    covered = sorted((face[low], face[high]) for face in faces)
    gaps, reached = [], 0.0
    for start, stop in covered:
        if start > reached:
            gaps.append((reached, start))
        reached = max(reached, stop)
    if reached < end:
        gaps.append((reached, end))
    return gaps


def _mark_spans(sheet: Sheet, gaps: list[tuple[float, float]], end: float
                ) -> list[tuple[float, float]]:
    """Where a mark goes in each gap (along a side `end` mm long): clear of the cards and of
    the unprintable border, centred, at most mark_length long."""
    spans = []
    for start, stop in gaps:
        low = max(start + sheet.mark_clearance, sheet.printable_margin)
        high = min(stop - sheet.mark_clearance, end - sheet.printable_margin)
        if high - low < SHORTEST_MARK:
            continue
        middle, half = (low + high) / 2, min(high - low, sheet.mark_length) / 2
        spans.append((middle - half, middle + half))
    return spans


def _sheet(cards: list[Page], slots: list[tuple[float, float]], sheet: Sheet) -> Page:
    page = Page(sheet.width, sheet.height)
    for card, (x, y) in zip(cards, slots, strict=False):
        moved = card.shifted(x, y)
        page.runs += moved.runs
        page.boxes += moved.boxes
        page.lines += moved.lines
        page.pictures += moved.pictures
    page.lines += crop_marks(sheet)
    return page
