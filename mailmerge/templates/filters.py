"""The filters templates can use: dates in 和暦, kanji numerals, seasonal phrases, lists.

    {{ today|wareki }}        令和八年十一月二十三日
    {{ today|jikou }}         晩秋の候 (for 拝啓 letters)
    {{ today|jikou_plain }}   木々の葉も色づき、朝晩冷え込むようになりましたが
    {{ birthday|month_day }}  四月一日
    {{ 24|kanji }}            二十四
    {{ items|join_ja }}       湯呑みと急須 / 湯呑み・急須・茶筒
"""

from __future__ import annotations

import datetime as dt

from mailmerge.japanese import kanji_positional
from mailmerge.selection.wareki import wareki
from mailmerge.templates.phrases import formal_phrase, plain_phrase


def month_day(date: dt.date) -> str:
    """2026-04-01 → 四月一日."""
    return f"{kanji_positional(date.month)}月{kanji_positional(date.day)}日"


def kanji(number: int) -> str:
    """24 → 二十四."""
    return kanji_positional(int(number))


def join_ja(items: list[str]) -> str:
    """Two things with と, more with ・."""
    items = [str(item) for item in items if str(item)]
    if len(items) == 2:
        return f"{items[0]}と{items[1]}"
    return "・".join(items)


FILTERS = {
    "wareki": wareki,
    "jikou": lambda date: formal_phrase(date.month),
    "jikou_plain": lambda date: plain_phrase(date.month),
    "month_day": month_day,
    "kanji": kanji,
    "join_ja": join_ja,
}
