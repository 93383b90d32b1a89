"""Four cards on an A4 sheet (A4 4面), with crop marks, for shops that cut their own cards.

In: card pages (100 × 148 mm) in printing order, whether they alternate front and back, and
a sheet profile (layouts/sheets/NAME.toml). Out: sheet pages. The crop marks run along the
cut lines inside the area printers can print (never in the blank border they leave). On the
backs the two columns swap places, so each back lands behind its front when the sheet turns
on its long edge.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from mailmerge.layout.page import Line, Page
from mailmerge.package_files import package_file
from mailmerge.shop.tomlread import NUMBER, NUMBERS, TEXT, read_toml

MARK_COLOR = (0.0, 0.0, 0.0)
# Every key of a sheet profile (each required) and the kind of its value.
SCHEMA = {
    "sheet": {"title": TEXT, "width": NUMBER, "height": NUMBER, "card_lefts": NUMBERS,
              "card_tops": NUMBERS},
    "marks": {**dict.fromkeys(("printable_margin", "length", "line"), NUMBER),
              "cuts_x": NUMBERS, "cuts_y": NUMBERS},
}


@dataclass(frozen=True)
class Sheet:
    title: str
    width: float
    height: float
    slots: tuple[tuple[float, float], ...]  # each card's top-left corner, in reading order
    columns: int
    printable_margin: float
    mark_length: float
    mark_line: float
    cuts_x: tuple[float, ...]
    cuts_y: tuple[float, ...]


@functools.cache
def load_sheet(name: str = "a4") -> Sheet:
    """A bundled sheet profile by name (layouts/sheets/NAME.toml)."""
    data = read_toml(package_file("layouts", "sheets", f"{name}.toml"), SCHEMA, complete=True)
    sheet, marks = data["sheet"], data["marks"]
    lefts, tops = sheet["card_lefts"], sheet["card_tops"]
    return Sheet(sheet["title"], float(sheet["width"]), float(sheet["height"]),
                 tuple((float(x), float(y)) for y in tops for x in lefts), len(lefts),
                 float(marks["printable_margin"]), float(marks["length"]),
                 float(marks["line"]), tuple(map(float, marks["cuts_x"])),
                 tuple(map(float, marks["cuts_y"])))


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


def crop_marks(sheet: Sheet) -> list[Line]:
    """Marks along every cut, at both ends, starting at the printable margin."""
    margin, length = sheet.printable_margin, sheet.mark_length
    lines = []
    for x in sheet.cuts_x:
        for y1, y2 in ((margin, margin + length),
                       (sheet.height - margin - length, sheet.height - margin)):
            lines.append(Line(x, y1, x, y2, MARK_COLOR, sheet.mark_line))
    for y in sheet.cuts_y:
        for x1, x2 in ((margin, margin + length),
                       (sheet.width - margin - length, sheet.width - margin)):
            lines.append(Line(x1, y, x2, y, MARK_COLOR, sheet.mark_line))
    return lines


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
