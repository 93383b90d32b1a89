"""Preparing text for vertical setting: full-width forms, numerals, hyphens.

In: text as the user typed it and a numeral style. Out: the text to set. Names never pass
through here (they are printed exactly as typed); addresses, company names and the sender's
details do.
"""

from __future__ import annotations

import re
import unicodedata

NUMERAL_STYLES = ("kanji", "kanji_ten", "arabic")
KANJI_DIGITS = "〇一二三四五六七八九"
HYPHENS = "-‐‑‒–—―−－ｰ─━"
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")
_DIGITS = re.compile(r"[0-9０-９]+")
_HYPHEN_RUN = re.compile(f"[{re.escape(HYPHENS)}]")


def widen_halfwidth_kana(text: str) -> str:
    """ｶﾞｰﾃﾞﾝ → ガーデン (half-width katakana and their sound marks combined)."""
    return _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def to_fullwidth(text: str) -> str:
    """ASCII letters, digits, signs and spaces → their full-width forms."""
    out = []
    for char in text:
        code = ord(char)
        if char == " ":
            out.append("\u3000")
        elif 0x21 <= code <= 0x7E:
            out.append(chr(code + 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


def kanji_positional(number: int) -> str:
    """24 → 二十四, 105 → 百五, 2026 → 二千二十六 (numbers below 10,000)."""
    if number == 0:
        return "〇"
    parts = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            parts.append(("" if count == 1 else KANJI_DIGITS[count]) + unit)
    if number:
        parts.append(KANJI_DIGITS[number])
    return "".join(parts)


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
