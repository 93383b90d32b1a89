"""Japanese text helpers shared by the stages: half-width kana, kanji digits, the eras.

In: strings and dates. Out: strings. Nothing here touches names: names are printed as typed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

ERAS = (  # (first day, name, initial), newest first: the one table of Japanese eras
    (dt.date(2019, 5, 1), "令和", "R"),
    (dt.date(1989, 1, 8), "平成", "H"),
    (dt.date(1926, 12, 25), "昭和", "S"),
    (dt.date(1912, 7, 30), "大正", "T"),
    (dt.date(1868, 10, 23), "明治", "M"),
)

KANJI_DIGITS = "〇一二三四五六七八九"
# the characters a number written in kanji is made of (二四, 二十四, 百三)
KANJI_NUMERALS = frozenset(KANJI_DIGITS + "十百千")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")


def widen_halfwidth_kana(text: str) -> str:
    """ｶﾞｰﾃﾞﾝ → ガーデン (half-width katakana and their sound marks combined)."""
    if not text or max(text) < "\uff61":  # (no half-width katakana: no search)
        return text
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


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (full-width characters take two),
    so tables with Japanese labels line up."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)


# The 47 prefectures in JIS X 0401 order: index + 1 is the prefecture code (Shopify's JP-13).
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
