"""The shop's telephone in the address side's sender block: 電話　〇三ー一二三四ー五六七八.

In: the phone as [sender] saves it (03-1234-5678), the numeral style, the address font chain
and the room left of the sender's name. Out: the phone's column of glyph runs, or None when
it has no room (the caller leaves it off and says so).

How it is set, as a careful typesetter sets a vertical sender block on a postcard:
- one column of its own, the last of the block (left of the shop's name: the address, the
  name, then how to reach the shop), a step smaller than the address (never above
  PHONE_MAX_PT, never below PHONE_FLOOR_PT), its foot level with the name's foot;
- headed 電話 and a full-width space, not TEL: a Latin abbreviation would lie on its side
  in a vertical column, and 電話 is what vertical letterheads and cards print;
- the digits in the shop's numeral style, like the address above it: kanji digit by digit
  (〇三, never 十: a number is read one digit at a time) in both kanji styles, full-width
  digits standing upright one per character in arabic. Never 縦中横: the groups have two to
  four digits and only two fit across a column, so mixing would make the groups uneven;
- the hyphens as the address sets them (ー, a vertical rule in a column).
E-mail and web addresses are not set here: Latin text would have to lie on its side as a
second, longer line in a block already short of room (three columns with a customer
barcode), and it is of no use to the post office. They are for the message side
(templates: shop.email, shop.url).
"""

from __future__ import annotations

from mailmerge.layout.columns import column_length_em, fit, measure_column, place_column
from mailmerge.layout.page import GlyphRun
from mailmerge.layout.units import mm_to_pt, pt_to_mm
from mailmerge.layout.vertical_text import convert_numerals, to_fullwidth
from mailmerge.typeface.chain import FontChain

PHONE_LABEL = "電話\u3000"
PHONE_STEP_PT = 1.0  # the phone is this much smaller than the sender's address
PHONE_MAX_PT = 8.5
PHONE_FLOOR_PT = 7.0
PHONE_GAP_MM = 1.5  # between the block's last column and the phone's


def phone_text(phone: str, numerals: str) -> str:
    """電話　〇三ー一二三四ー五六七八 (kanji styles) or 電話　０３ー１２３４ー５６７８ (arabic)."""
    digits = convert_numerals(phone, "arabic" if numerals == "arabic" else "kanji")
    return PHONE_LABEL + to_fullwidth(digits).replace("－", "ー")


def phone_size_pt(address_pt: float) -> float:
    """The phone's size beside an address set at `address_pt`."""
    return max(PHONE_FLOOR_PT, min(PHONE_MAX_PT, address_pt - PHONE_STEP_PT))


def phone_column(text: str, chain: FontChain, right_mm: float, left_limit_mm: float,
                 top_mm: float, bottom_mm: float, size_pt: float
                 ) -> tuple[list[GlyphRun], float] | None:
    """The phone's column: its right edge at `right_mm`, its foot at `bottom_mm`, its left
    edge not past `left_limit_mm` nor its head above `top_mm` (condensed, then smaller down
    to PHONE_FLOOR_PT); returns the runs and the column's left edge, or None without room."""
    widest_pt = mm_to_pt(right_mm - left_limit_mm)
    if widest_pt < PHONE_FLOOR_PT:
        return None
    pieces = measure_column(text, chain, "[sender] phone", tcy=False)
    length_em = column_length_em(pieces)
    fitting = fit(length_em, bottom_mm - top_mm, min(size_pt, widest_pt), PHONE_FLOOR_PT)
    if fitting is None:
        return None
    em = pt_to_mm(fitting.size_pt)
    top = bottom_mm - length_em * em * fitting.condense
    runs, _bottom = place_column(pieces, right_mm - em / 2, top, fitting.size_pt,
                                 fitting.condense)
    return runs, right_mm - em
