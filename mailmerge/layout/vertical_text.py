"""Preparing text for vertical setting: full-width forms, numerals, hyphens.

In: text as the user typed it and a numeral style. Out: the text to set. Names never pass
through here (they are printed exactly as typed); addresses and the sender's
details do.
"""

from __future__ import annotations

import re
import unicodedata

from mailmerge.japanese import KANJI_DIGITS, kanji_positional, widen_halfwidth_kana

NUMERAL_STYLES = ("kanji", "kanji_ten", "arabic")
HYPHENS = "-‐‑‒–—―−－ｰ─━"
_DIGITS = re.compile(r"[0-9０-９]+")
_HYPHEN_RUN = re.compile(f"[{re.escape(HYPHENS)}]")
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}


def to_fullwidth(text: str) -> str:
    """ASCII letters, digits, signs and spaces → their full-width forms."""
    return text.translate(_FULLWIDTH)


def convert_numerals(text: str, style: str) -> str:
    """Write digit runs in the numeral style: kanji (二四), kanji_ten (二十四) or arabic (24)."""
    if style not in NUMERAL_STYLES:
        raise ValueError(f"unknown numeral style {style!r}; use one of {', '.join(NUMERAL_STYLES)}")

    def replace(match: re.Match[str]) -> str:
        digits = unicodedata.normalize("NFKC", match.group())
        if style == "arabic":
            return digits
        if style == "kanji_ten" and len(digits) <= 4 and not digits.startswith("0"):
            return kanji_positional(int(digits))
        return "".join(KANJI_DIGITS[int(d)] for d in digits)

    return _DIGITS.sub(replace, text)


def prepare_address(text: str, numeral_style: str) -> str:
    """An address line ready for vertical setting: 1-2-3 → 一ー二ー三, ﾋﾞﾙ → ビル, A → Ａ."""
    text = widen_halfwidth_kana(text.strip())
    text = _HYPHEN_RUN.sub("ー", text)
    text = convert_numerals(text, numeral_style)
    return to_fullwidth(text)
