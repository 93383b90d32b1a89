"""A calibration card: a millimetre grid and the official boxes, to measure a printer.

In: a card profile. Out: a Page with grid lines every millimetre (darker every 5 and 10) and
the recipient and sender postal-code boxes, drawn where the profile says they are printed.
"""

from __future__ import annotations

from mailmerge.layout.address_side import postal_code_boxes
from mailmerge.layout.page import Line, Page
from mailmerge.layout.profiles import CardProfile

GREY = (0.75, 0.75, 0.75)
DARK = (0.35, 0.35, 0.35)


def calibration_page(profile: CardProfile) -> Page:
    page = Page(profile.width, profile.height)
    for x in range(1, int(profile.width)):
        page.lines.append(_rule(x, True, profile))
    for y in range(1, int(profile.height)):
        page.lines.append(_rule(y, False, profile))
    page.boxes.extend(postal_code_boxes(profile))
    return page


def _rule(position: int, vertical: bool, profile: CardProfile) -> Line:
    """A grid line: hairline each mm, darker each 5 mm, darkest and thicker each 10 mm."""
    if position % 10 == 0:
        color, width = DARK, 0.25
    elif position % 5 == 0:
        color, width = GREY, 0.2
    else:
        color, width = GREY, 0.05
    if vertical:
        return Line(position, 0.0, position, profile.height, color, width)
    return Line(0.0, position, profile.width, position, color, width)
