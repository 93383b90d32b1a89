"""Preparing a message's words for vertical setting: numbers, signs and Latin words.

In: text from a template and a numeral style. Out: the text to set in columns.
- kanji (the default; kanji_ten is the same in a message): 3,000円 → 三千円, 10% → 十％,
  12,500 → 一万二千五百, 2027年 → 二〇二七年 (a year digit by digit), 1.5 → 一・五;
- arabic: full-width digits become ASCII; one or two digits then stand as 縦中横 and longer
  numbers (3,000) lie sideways as one run, the way a Latin word does.
Signs get their full-width forms, which stand upright (% → ％, ! → ！); Latin letters stay
as typed, so a word (OFF, Café) is set sideways as a run, never one letter per cell.
"""

from __future__ import annotations

import functools
import re

from mailmerge.japanese.text import KANJI_DIGITS, kanji_positional, widen_halfwidth_kana

MESSAGE_NUMERAL_STYLES = ("kanji", "kanji_ten", "arabic")
_TO_ASCII_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})
_TO_KANJI_DIGITS = str.maketrans("0123456789", KANJI_DIGITS)
_LATIN = "A-Za-z\u00c0-\u024f"
# A Latin word or phrase (Café, ABC & Co.), kept as typed: set sideways as one run.
_LATIN_PHRASE = re.compile(rf"([{_LATIN}][{_LATIN}0-9 .,'&\-]*[{_LATIN}0-9.]|[{_LATIN}])")
_NUMBER = re.compile(r"(?<![0-9.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![0-9])")
_YEAR = re.compile(r"\s*年")
# ASCII signs and spaces: their full-width forms stand upright (% → ％).
_SIGNS = {code: code + 0xFEE0 for code in range(0x21, 0x7F)
          if not chr(code).isalnum()} | {ord("~"): ord("〜"), ord(" "): 0x3000,
                                          ord("-"): ord("ー")}
_UNITS = 10 ** 4


@functools.lru_cache(maxsize=8192)
def prepare_message(text: str, numerals: str = "kanji") -> str:
    """One line of a message ready for vertical columns (the same line on many cards, and
    at each size tried, is prepared once)."""
    text = widen_halfwidth_kana(text).translate(_TO_ASCII_DIGITS).replace("，", ",")
    parts = _LATIN_PHRASE.split(text)  # odd indexes: Latin phrases, kept as typed
    for index in range(0, len(parts), 2):
        part = parts[index]
        if numerals != "arabic":
            part = _NUMBER.sub(_kanji_number, part)
        parts[index] = _keep_arabic_numbers(part) if numerals == "arabic" else \
            part.translate(_SIGNS)
    return "".join(parts)


def _keep_arabic_numbers(text: str) -> str:
    """Signs to full width, except the , . - inside a number (3,000 / 0120-123-456)."""
    pieces = re.split(r"(\d[\d,.\-]*\d|\d)", text)
    return "".join(piece if index % 2 else piece.translate(_SIGNS)
                   for index, piece in enumerate(pieces))


def kanji_number(digits: str) -> str:
    """'12500' → 一万二千五百 (up to 兆), '0' → 〇."""
    number = int(digits)
    if number == 0:
        return "〇"
    parts = []
    for power, unit in ((3, "兆"), (2, "億"), (1, "万"), (0, "")):
        count, number = divmod(number, _UNITS ** power)
        if count:
            parts.append(kanji_positional(count) + unit)
    return "".join(parts)


def _kanji_number(match: re.Match[str]) -> str:
    """A number in kanji: positional (三千), or digit by digit for a year (二〇二七年), a
    number with a leading zero or joined by hyphens (〇一二〇ー一二三), or one beyond 兆."""
    whole, fraction = match.group(1).replace(",", ""), match.group(2)
    text, start, end = match.string, match.start(), match.end()
    by_digit = (whole.startswith("0") and len(whole) > 1) or len(whole) > 16 \
        or text[start - 1:start] == "-" or text[end:end + 1] == "-" \
        or (fraction is None and len(whole) == 4 and _YEAR.match(text, end) is not None)
    written = whole.translate(_TO_KANJI_DIGITS) if by_digit else kanji_number(whole)
    if fraction:
        written += "・" + fraction.translate(_TO_KANJI_DIGITS)
    return written
