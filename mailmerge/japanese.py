"""Japanese text helpers shared by the stages: half-width kana, kanji digits.

In: strings. Out: strings. Nothing here touches names: names are printed as typed.
"""

from __future__ import annotations

import re
import unicodedata

KANJI_DIGITS = "〇一二三四五六七八九"
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")


def widen_halfwidth_kana(text: str) -> str:
    """ｶﾞｰﾃﾞﾝ → ガーデン (half-width katakana and their sound marks combined)."""
    return _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


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
