"""Japan Post's customer barcode (カスタマバーコード), exactly as the manual describes.

In: a postal code and the address after the town name (住所B: see barcode_address). Out: the
20 characters (7 postal digits + 13 address-number characters) plus the check character, and
the 67 bars from start to stop. Layout draws the bars as filled rectangles.

The address number follows 郵便番号・バーコードマニュアル, バーコードに必要な文字情報の抜き出し法
(post.japanpost.jp/zipcode/zipmanual/p19.html): letters upper-cased; & / ・ . removed; digits,
hyphens and lone letters kept; every other character before a kept one (kanji, kana, kanji
numerals, blanks, runs of two or more letters) becomes one hyphen; hyphens collapsed, none in
front. Supplementary rules: kanji numerals are read as digits only in front of 丁目 丁 番地 番
号 地割 線 の ノ (十一丁目 → 11, 一二〇三号室 → 1203; 千代田タワー stays a name), and after
the の/ノ that joins them to a number (十三番地の二 → 13-2: spec/japan-post.md, numbers
joined by の keep every number) unless a kanji follows (13の三軒茶屋 stays a name); an F after
digits is a floor (10F → 10); no hyphen in front of a letter (5-B604 → 5B604).
"""

from __future__ import annotations

import re
import unicodedata

from mailmerge.japanese.text import KANJI_DIGITS

ADDRESS_LENGTH = 13
# Bars of each character: F long, A ascender, D descender, T timing.
BARS = {
    "1": "FFT", "2": "FDA", "3": "DFA", "4": "FAD", "5": "FTF", "6": "DAF", "7": "AFD",
    "8": "ADF", "9": "TFF", "0": "FTT", "-": "TFT", "CC1": "DAT", "CC2": "DTA", "CC3": "ADT",
    "CC4": "TDA", "CC5": "ATD", "CC6": "TAD", "CC7": "TTF", "CC8": "FFF",
}
START, STOP = "FD", "DF"
VALUES = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}
_NUMERAL = "[〇一二三四五六七八九十百千]"
# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
_KANJI_NUMBER = _NUMERAL + r"+(?=丁目|丁|番地|番|号|地割|線|の|ノ)"
_AFTER_NO = r"([0-9](?:番地|番)?[のノ])(" + _NUMERAL + r"+)(?![\u3400-\u9fff々])"
_REMOVED = str.maketrans(dict.fromkeys("&/・.", None))
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー─━", "-"))
_FLOOR = re.compile(r"(?<=[0-9])F(?![0-9A-Z])")


def kanji_numeral(word: str) -> str:
    """A kanji numeral as digits: 三十 → '30', 四〇三 → '403', 十二 → '12' (digit by digit
    and positional)."""
    if not any(unit in word for unit in "十百千"):
        return "".join(str(KANJI_DIGITS.index(c)) for c in word)
    total, current = 0, 0
    for char in word:
        if char in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[char]
            current = 0
        else:
            current = current * 10 + KANJI_DIGITS.index(char)
    return str(total + current)


def kanji_to_digits(text: str) -> str:
    """Kanji numerals in front of 丁目 番地 番 号 … and after a number's の/ノ as digits
    (kanji_numeral); other kanji numerals are left alone."""
    text = re.sub(_KANJI_NUMBER, lambda match: kanji_numeral(match.group()), text)
    return re.sub(_AFTER_NO, lambda match: match.group(1) + kanji_numeral(match.group(2)), text)


def address_number(after_town: str) -> str:
    """The address-number data of the address after the town name (住所B).

    '3丁目30-8 郵便ビル403号' → '3-30-8-403'; '東3丁目-20-5 郵便・A&bコーポB604号' →
    '3-20-5B604'; '4丁目 郵便センター6号館' → '4-6'.
    """
    text = unicodedata.normalize("NFKC", after_town).upper()
    text = kanji_to_digits(text.translate(_REMOVED).translate(_DASHES))
    text = _FLOOR.sub("-", text)
    kept = []
    for index, char in enumerate(text):
        if char.isascii() and (char.isdigit() or char == "-"):
            kept.append(char)
        elif "A" <= char <= "Z" and not _next_to_a_letter(text, index):
            kept.append(char)
        else:
            kept.append("-")
    data = re.sub(r"-+", "-", "".join(kept)).strip("-")
    return re.sub(r"-(?=[A-Z])", "", data)


def _next_to_a_letter(text: str, index: int) -> bool:
    """Is the letter at `index` part of a run of two or more letters (ABC, A&B)?"""
    return any(0 <= i < len(text) and "A" <= text[i] <= "Z" for i in (index - 1, index + 1))


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


def encode(postal_code: str, after_town: str) -> tuple[list[str], str]:
    """(the 21 characters between start and stop, the bar string F/A/D/T of 67 bars), from
    the postal code and the address after the town name."""
    data = characters(postal_code, address_number(after_town))
    data.append(check_character(data))
    bars = START + "".join(BARS[c] for c in data) + STOP
    return data, bars
