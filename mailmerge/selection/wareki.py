"""Japanese era dates (和暦) as cards carry them (the era table is in mailmerge.japanese.text).

In: a date. Out: 令和八年十一月二十三日, or a season's date line such as 令和九年 元旦.
"""

from __future__ import annotations

import datetime as dt

from mailmerge.japanese.text import ERAS, kanji_positional
from mailmerge.selection.seasons import card_day

SEASON_WORDS = {"shochu": "盛夏", "zansho": "晩夏", "kanchu": "厳寒", "yokan": "余寒"}


def era_year(day: dt.date) -> tuple[str, int]:
    """2026-11-23 → ('令和', 8)."""
    for start, name, _ in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before 明治")


def _year_text(day: dt.date, style: str) -> str:
    name, year = era_year(day)
    if year == 1:
        return f"{name}元年"
    return f"{name}{kanji_positional(year) if style == 'kanji' else year}年"


def wareki(day: dt.date, style: str = "kanji") -> str:
    """2026-11-23 → 令和八年十一月二十三日 (style arabic: 令和8年11月23日)."""
    if style == "kanji":
        month, date = kanji_positional(day.month), kanji_positional(day.day)
        return f"{_year_text(day, style)}{month}月{date}日"
    return f"{_year_text(day, style)}{day.month}月{day.day}日"


def season_date_line(situation: str, on: dt.date) -> str:
    """The date line a season's card carries: 令和九年 元旦 for a 年賀状 written in December."""
    if situation == "nenga":
        return f"{_year_text(card_day(situation, on), 'kanji')}　元旦"
    if situation in SEASON_WORDS:
        return f"{_year_text(card_day(situation, on), 'kanji')}　{SEASON_WORDS[situation]}"
    return wareki(on)
