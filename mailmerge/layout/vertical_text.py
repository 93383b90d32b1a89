"""Preparing text for vertical setting: full-width forms, numerals, hyphens.

In: text as the user typed it and a numeral style. Out: the text to set. Names never pass
through here (they are printed exactly as typed); addresses and the sender's
details do.
"""

from __future__ import annotations

import re

from mailmerge.japanese import KANJI_DIGITS, kanji_positional, widen_halfwidth_kana

NUMERAL_STYLES = ("kanji", "kanji_ten", "arabic")
HYPHENS = "-‐‑‒–—―−－ｰ─━"
_DIGITS = re.compile(r"[0-9０-９]+")
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
_TO_LONG_VOWEL_MARK = str.maketrans(dict.fromkeys(HYPHENS, "ー"))
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
        return _DIGITS.sub(_kanji_with_ten, text)
    raise ValueError(f"unknown numeral style {style!r}; use one of {', '.join(NUMERAL_STYLES)}")


def _kanji_with_ten(match: re.Match[str]) -> str:
    """二十四 for up to four digits (without a leading zero), digit by digit beyond."""
    digits = match.group().translate(_TO_ASCII_DIGITS)
    if len(digits) <= 4 and not digits.startswith("0"):
        return kanji_positional(int(digits))
    return digits.translate(_TO_KANJI_DIGITS)


def prepare_address(text: str, numeral_style: str) -> str:
    """An address line ready for vertical setting: 1-2-3 → 一ー二ー三, ﾋﾞﾙ → ビル, A → Ａ."""
    text = widen_halfwidth_kana(text.strip())
    text = text.translate(_TO_LONG_VOWEL_MARK)
    text = convert_numerals(text, numeral_style)
    return to_fullwidth(text)
