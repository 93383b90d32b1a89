"""Japan Post's customer barcode (カスタマバーコード), exactly as the manual describes.

In: a postal code, the address and the town name (from Japan Post's data). Out: the 20
characters (7 postal digits + 13 address-number characters) plus the check character, and
the 67 bars from start to stop. Layout draws the bars as filled rectangles.
"""

from __future__ import annotations

import re
import unicodedata

from mailmerge.japanese import KANJI_DIGITS

ADDRESS_LENGTH = 13
# Bars of each character: F long, A ascender, D descender, T timing.
BARS = {
    "1": "FFT", "2": "FDA", "3": "DFA", "4": "FAD", "5": "FTF", "6": "DAF", "7": "AFD",
    "8": "ADF", "9": "TFF", "0": "FTT", "-": "TFT", "CC1": "DAT", "CC2": "DTA", "CC3": "ADT",
    "CC4": "TDA", "CC5": "ATD", "CC6": "TAD", "CC7": "TTF", "CC8": "FFF",
}
START, STOP = "FD", "DF"
VALUES = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千]+")
_SEPARATORS = re.compile(r"丁目|丁|番地|番|号|地割|線|の|ノ")


def kanji_to_digits(text: str) -> str:
    """三十 → 30, 四〇三 → 403, 十二 → 12 (both digit-by-digit and positional kanji)."""
    def convert(match: re.Match[str]) -> str:
        word = match.group()
        if not any(unit in word for unit in "十百千"):
            return "".join(str(KANJI_DIGITS.index(c)) for c in word)
        total, current = 0, 0
        for char in word:
            if char in "十百千":
                total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[char]
                current = 0
            else:
                current = KANJI_DIGITS.index(char)
        return str(total + current)

    return _KANJI_NUMBER.sub(convert, text)


def address_number(address: str, town: str = "") -> str:
    """The address-number part of what follows the town name: digits, hyphens and a single
    letter of a building or room ('B604'); a floor's F and names of letters are dropped.

    ('北六条東4丁目 郵便センター6号館', '北六条東') → '4-6'; ('東3丁目-20-5 郵便・A&bコーポB604号',
    '東') → '3-20-5B604'.
    """
    text = unicodedata.normalize("NFKC", address)
    town = unicodedata.normalize("NFKC", town)
    if town and town in text:
        text = text[text.index(town) + len(town):]
    text = kanji_to_digits(text.upper())
    text = _SEPARATORS.sub("-", text)
    kept = []
    for index, char in enumerate(text):
        if char.isdigit() or char == "-":
            kept.append(char)
        elif "A" <= char <= "Z" and _single_letter_of_a_number(text, index):
            kept.append(char)
        else:
            kept.append("-")
    data = re.sub(r"-+", "-", "".join(kept)).strip("-")
    data = re.sub(r"-(?=[A-Z])|(?<=[A-Z])-", "", data)  # no hyphen beside a letter
    return data


def _single_letter_of_a_number(text: str, index: int) -> bool:
    """A lone letter next to digits is part of the number (B604, 3A), except a floor: 10F."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if before.isalpha() and before.isascii() or after.isalpha() and after.isascii():
        return False  # part of a word (ABC)
    if text[index] == "F" and before.isdigit() and not after.isdigit():
        return False  # 10F: a floor
    return before.isdigit() or after.isdigit()


def characters(postal_code: str, number: str) -> list[str]:
    """The 20 data characters: 7 digits, then the number part as characters, padded with
    CC4 and cut at 13 (letters take two characters each)."""
    chars = list(postal_code)
    address: list[str] = []
    for char in number:
        if char.isdigit() or char == "-":
            address.append(char)
        else:
            offset = ord(char) - ord("A")
            control = "CC1" if offset < 10 else "CC2" if offset < 20 else "CC3"
            address += [control, str(offset % 10)]
    address = address[:ADDRESS_LENGTH]
    address += ["CC4"] * (ADDRESS_LENGTH - len(address))
    return chars + address


def check_character(data: list[str]) -> str:
    """The character that makes the sum of all values a multiple of 19."""
    total = sum(VALUES[c] for c in data)
    needed = (19 - total % 19) % 19
    return next(name for name, value in VALUES.items() if value == needed)


def bar_boxes(bars: str, grade_pt: float = 10.0) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of each bar in mm, from the barcode's top-left corner.

    At the 10-point grade: long bars 3.6 mm, ascenders and descenders 2.4 mm, timing bars
    1.2 mm (centred), 0.6 mm wide at a 1.2 mm pitch; other grades scale all of it.
    """
    scale = grade_pt / 10.0
    spans = {"F": (0.0, 3.6), "A": (0.0, 2.4), "D": (1.2, 3.6), "T": (1.2, 2.4)}
    boxes = []
    for index, bar in enumerate(bars):
        top, bottom = spans[bar]
        boxes.append((index * 1.2 * scale, top * scale, 0.6 * scale, (bottom - top) * scale))
    return boxes


def encode(postal_code: str, address: str, town: str = "") -> tuple[list[str], str]:
    """(the 21 characters between start and stop, the bar string F/A/D/T of 67 bars)."""
    data = characters(postal_code, address_number(address, town))
    data.append(check_character(data))
    bars = START + "".join(BARS[c] for c in data) + STOP
    return data, bars
