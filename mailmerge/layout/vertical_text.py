"""Preparing text for vertical setting: full-width forms, numerals, hyphens, floors.

In: text as the user typed it and a numeral style. Out: the text to set. Names never pass
through here (they are printed exactly as typed); addresses and the sender's
details do.

Numbers, as card programs set them: a floor (2F, 40F, 5階) is written with 階 and, in the
kanji styles, with 十 (二階, 四十階); kanji_ten writes block numbers with 十 (二十四番地) but
rooms and other building numbers digit by digit (一二〇三号室), as it does the fourth and later
parts of a hyphenated number (1-2-3-1203) and a room's 号 (二五〇一号, but 一番二号); arabic
keeps the digits (full-width).
"""

from __future__ import annotations

import re

from mailmerge.japanese.text import KANJI_DIGITS, kanji_positional, widen_halfwidth_kana

NUMERAL_STYLES = ("kanji", "kanji_ten", "arabic")
HYPHENS = "-‐‑‒–—―−－ｰ─━"
_DIGITS = re.compile(r"[0-9０-９]+")
_FLOOR = re.compile(r"([0-9０-９]+)\s*(?:[FＦfｆ](?![A-Za-zＡ-Ｚａ-ｚ0-9０-９])|階)")
_BLOCK_AFTER = re.compile(r"丁目|丁|番地|番|地割|線|の|ノ|-|階")
_HOUSE_NUMBER = re.compile(r"号(?!室)")  # 1番2号; a room's 2501号 has more digits
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
_TO_HYPHEN = str.maketrans(dict.fromkeys(HYPHENS, "-"))
_TO_ASCII_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})
_TO_KANJI_DIGITS = str.maketrans({str(d): KANJI_DIGITS[d] for d in range(10)}
                                 | {chr(0xFF10 + d): KANJI_DIGITS[d] for d in range(10)})


def to_fullwidth(text: str) -> str:
    """ASCII letters, digits, signs and spaces → their full-width forms."""
    return text.translate(_FULLWIDTH)


def convert_numerals(text: str, style: str) -> str:
    """Write digit runs in the numeral style: kanji (二四), kanji_ten (二十四) or arabic (24)."""
    if style == "kanji":
        return text.translate(_TO_KANJI_DIGITS)
    if style == "arabic":
        return text.translate(_TO_ASCII_DIGITS)
    if style == "kanji_ten":
        return _DIGITS.sub(_block_or_room, text)
    raise ValueError(f"unknown numeral style {style!r}; use one of {', '.join(NUMERAL_STYLES)}")


def _block_or_room(match: re.Match[str]) -> str:
    """kanji_ten: 十 in a block number (in front of 丁目 番地 号 ー 階, or one of the first
    three parts of 1ー2ー3); digit by digit in a room or building number."""
    text, start, end = match.string, match.start(), match.end()
    part = re.split(r"[\s\u3000]", text[:start])[-1].count("-")
    block = (_BLOCK_AFTER.match(text, end) or start > 0 and text[start - 1] == "-"
             or _HOUSE_NUMBER.match(text, end) and end - start <= 2)
    if block and part < 3:
        return _kanji_with_ten(match.group())
    return match.group().translate(_TO_KANJI_DIGITS)


def _kanji_with_ten(number: str) -> str:
    """二十四 for up to four digits (without a leading zero), digit by digit beyond."""
    digits = number.translate(_TO_ASCII_DIGITS)
    if len(digits) <= 4 and not digits.startswith("0"):
        return kanji_positional(int(digits))
    return digits.translate(_TO_KANJI_DIGITS)


def prepare_address(text: str, numeral_style: str) -> str:
    """An address line ready for vertical setting: 1-2-3 → 一ー二ー三, ﾋﾞﾙ → ビル, A → Ａ,
    40F → 四十階."""
    text = widen_halfwidth_kana(text.strip())
    text = text.translate(_TO_HYPHEN)
    text = _FLOOR.sub(lambda m: _floor(m.group(1), numeral_style), text)
    text = convert_numerals(text, numeral_style).replace("-", "ー")
    return to_fullwidth(text)


def _floor(number: str, style: str) -> str:
    """A floor: 四十階 in the kanji styles, ４０階 in arabic."""
    if style == "arabic":
        return f"{number}階"
    return f"{_kanji_with_ten(number)}階"
