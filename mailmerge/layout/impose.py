"""Four cards on an A4 sheet (A4 4面), with crop marks, for shops that cut their own cards.

In: card pages (100 × 148 mm) in printing order, and whether they alternate front and back.
Out: A4 pages. Cards touch (2 × 100 × 2 × 148 fills A4 but for 5 mm at the sides and 0.5 mm
at the top and bottom); crop marks sit in the side margins at every cut. On the backs the
two columns swap places, so each back lands behind its front when the sheet turns on its
long edge.
"""

from __future__ import annotations

from mailmerge.layout.page import Line, Page

A4 = (210.0, 297.0)
MARK_COLOR = (0.0, 0.0, 0.0)
MARK_LENGTH = 4.0


def impose_a4(pages: list[Page], duplex: bool) -> list[Page]:
    """A4 sheets of up to four cards each (fronts and backs alternating when `duplex`)."""
    if not pages:
        return []
    width, height = pages[0].width_mm, pages[0].height_mm
    left = (A4[0] - 2 * width) / 2
    top = (A4[1] - 2 * height) / 2
    slots = [(left, top), (left + width, top), (left, top + height),
             (left + width, top + height)]
    mirrored = [slots[1], slots[0], slots[3], slots[2]]
    sheets: list[Page] = []
    if duplex:
        fronts, backs = pages[0::2], pages[1::2]
        for start in range(0, len(fronts), 4):
            sheets.append(_sheet(fronts[start:start + 4], slots, width, height))
            sheets.append(_sheet(backs[start:start + 4], mirrored, width, height))
    else:
        for start in range(0, len(pages), 4):
            sheets.append(_sheet(pages[start:start + 4], slots, width, height))
    return sheets


def _sheet(cards: list[Page], slots, width: float, height: float) -> Page:
    sheet = Page(*A4)
    for card, (x, y) in zip(cards, slots, strict=False):
        moved = card.shifted(x, y)
        sheet.runs += moved.runs
        sheet.boxes += moved.boxes
        sheet.lines += moved.lines
        sheet.pictures += moved.pictures
    left, top = slots[0] if slots[0][0] < slots[1][0] else slots[1]
    for y in (top, top + height, top + 2 * height):
        sheet.lines.append(Line(0.0, y, left - 1.0, y, MARK_COLOR, 0.1))
        sheet.lines.append(Line(left + 2 * width + 1.0, y, A4[0], y, MARK_COLOR, 0.1))
    for x in (left, left + width, left + 2 * width):
        sheet.lines.append(Line(x, 0.0, x, max(top - 0.1, 0.1), MARK_COLOR, 0.1))
        sheet.lines.append(Line(x, A4[1] - max(top - 0.1, 0.1), x, A4[1], MARK_COLOR, 0.1))
    return sheet
