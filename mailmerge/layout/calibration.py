"""A calibration card a person can use alone, to measure how far a printer shifts a card.

In: a card profile and a font face. Out: a Page with numbered millimetre scales along the
top and left edges, a reference cross at REFERENCE (mm from the card's top-left corner),
an arrow showing the feed direction, the profile's postal-code boxes (thin, red, clear of
every scale) and short instructions in Japanese. The user measures, with a ruler, the cross's
centre from the card's left and top edges and gives those two numbers to `hagaki calibrate
--measured-x … --measured-y …`; offsets_from() turns them into printer offsets.
"""

from __future__ import annotations

from mailmerge.i18n import N_, _
from mailmerge.layout.address_side import postal_code_boxes
from mailmerge.layout.page import GlyphRun, Line, Page
from mailmerge.layout.profiles import CardProfile
from mailmerge.typeface.face import FontFace
from mailmerge.typeface.shaping import shape

REFERENCE = (50.0, 74.0)  # the cross's centre, mm from the card's left and top edges
CROSS_ARM = 8.0
SCALE_AT = 2.5  # the scales' base line: this far in from the top and the left edge
TICKS = {1: 1.0, 5: 1.8, 10: 2.6}  # tick length by step: they end before the sender boxes
BLACK = (0.0, 0.0, 0.0)
LABEL_PT = 5.5
TEXT_PT = 7.5
INSTRUCTIONS = N_(  # one text, one printed line per line (English lines ≤ 45 characters)
    "プリンターのずれを測るカード\n"
    "1. 矢印の向きにはがきを入れて印刷します。\n"
    "2. ものさしで、はがきの左の端から十字の中心\n"
    "   まで（横）と、上の端から十字の中心まで\n"
    "   （縦）を 0.5 mm まで測ります。\n"
    "3. hagaki calibrate --printer 名前\n"
    "   --measured-x 横 --measured-y 縦\n"
    "ずれがなければ 横 50.0、縦 74.0 です。")


def calibration_page(profile: CardProfile, face: FontFace) -> Page:
    """The calibration card for `profile`, drawn with `face`."""
    page = Page(profile.width, profile.height)
    page.lines += _scale(profile.width, horizontal=True)
    page.lines += _scale(profile.height, horizontal=False)
    page.runs += _scale_labels(profile, face)
    page.lines += _cross()
    page.lines += _feed_arrow(profile)
    page.runs.append(_text(face, _("給紙方向"), profile.width - 27.0, 37.0, TEXT_PT))
    page.boxes.extend(postal_code_boxes(profile))
    for index, line in enumerate(_(INSTRUCTIONS).split("\n")):
        page.runs.append(_text(face, line, 12.0, 89.0 + index * 4.2, TEXT_PT))
    return page


def offsets_from(measured_x: float, measured_y: float,
                 current: tuple[float, float]) -> tuple[float, float]:
    """New printer offsets from where the cross was measured on a card printed with the
    `current` offsets: the printer moved it by (measured - REFERENCE), so take that off."""
    return (round(current[0] + REFERENCE[0] - measured_x, 2),
            round(current[1] + REFERENCE[1] - measured_y, 2))


def _scale(length: float, horizontal: bool) -> list[Line]:
    """A tick every millimetre from the edge, longer every 5 and 10 mm."""
    lines = []
    for position in range(1, int(length)):
        step = 10 if position % 10 == 0 else 5 if position % 5 == 0 else 1
        tick, width = TICKS[step], 0.25 if step == 10 else 0.12
        if horizontal:
            lines.append(Line(position, SCALE_AT, position, SCALE_AT + tick, BLACK, width))
        else:
            lines.append(Line(SCALE_AT, position, SCALE_AT + tick, position, BLACK, width))
    return lines


def _scale_labels(profile: CardProfile, face: FontFace) -> list[GlyphRun]:
    """The number of every 10 mm tick, beside its tick (the distance from that edge)."""
    runs = []
    for x in range(10, int(profile.width), 10):
        runs.append(_text(face, str(x), x + 0.5, SCALE_AT + TICKS[10] + 1.5, LABEL_PT))
    boxes_top = profile.sender_boxes.top
    for y in range(10, int(profile.height), 10):
        if boxes_top - 2.0 < y < boxes_top + profile.sender_boxes.height + 3.0:
            continue  # the number would sit on the sender boxes
        runs.append(_text(face, str(y), SCALE_AT + TICKS[10] + 0.5, y + 1.0, LABEL_PT))
    return runs


def _cross() -> list[Line]:
    x, y = REFERENCE
    return [Line(x - CROSS_ARM, y, x + CROSS_ARM, y, BLACK, 0.15),
            Line(x, y - CROSS_ARM, x, y + CROSS_ARM, BLACK, 0.15),
            Line(x - 1.0, y - 1.0, x + 1.0, y - 1.0, BLACK, 0.1),
            Line(x - 1.0, y + 1.0, x + 1.0, y + 1.0, BLACK, 0.1),
            Line(x - 1.0, y - 1.0, x - 1.0, y + 1.0, BLACK, 0.1),
            Line(x + 1.0, y - 1.0, x + 1.0, y + 1.0, BLACK, 0.1)]


def _feed_arrow(profile: CardProfile) -> list[Line]:
    """An arrow pointing to the top edge: the card goes into the printer top edge first."""
    x = profile.width - 12.0
    top, bottom = 26.0, 46.0
    return [Line(x, top, x, bottom, BLACK, 0.5),
            Line(x, top, x - 3.0, top + 4.0, BLACK, 0.5),
            Line(x, top, x + 3.0, top + 4.0, BLACK, 0.5)]


def _text(face: FontFace, text: str, x: float, baseline: float, size_pt: float) -> GlyphRun:
    """One horizontal line of text from its left end (x) on `baseline`."""
    return GlyphRun(shape(face, text, False), x, baseline, size_pt, "horizontal")
