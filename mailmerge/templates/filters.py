"""The filters templates can use: dates in 和暦, kanji numerals, seasonal phrases, lists.

    {{ today|wareki }}        令和八年十一月二十三日
    {{ today|jikou }}         晩秋の候 (for 拝啓 letters)
    {{ today|jikou_plain }}   木々の葉も色づき、朝晩冷え込むようになりましたが
    {{ birthday|month_day }}  四月一日
    {{ 24|kanji }}            二十四
    {{ items|join_ja }}       湯呑みと急須 / 湯呑み・急須・茶筒

A value of the wrong kind (no birthday, text where a date belongs) raises FilterInputError
saying which filter, what it got and what to do; the engine turns it into a card error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Undefined

from mailmerge.i18n import _, ngettext
from mailmerge.japanese.text import kanji_positional
from mailmerge.selection.wareki import era_year, wareki
from mailmerge.templates.phrases import formal_phrase, plain_phrase

KANJI_LIMIT = 9_999  # kanji_positional writes numbers below 一万
WAREKI_STYLES = ("kanji", "arabic")


class FilterInputError(ValueError):
    """A filter was given a value it cannot use; str() says which and what to do."""


def describe(value: Any) -> str:
    """What a template passed, in words (for error messages): 空の値, 文字列「x」, 数 3 …"""
    if value is None or isinstance(value, Undefined):
        return _("空の値")
    if isinstance(value, str):
        return _("文字列「{text}」", text=value[:20] + ("…" if len(value) > 20 else ""))
    if isinstance(value, bool):
        return _("真偽値 {value}", value=value)
    if isinstance(value, int | float):
        return _("数 {value}", value=value)
    if isinstance(value, list | tuple):
        return ngettext("{n}個のリスト", "{n}個のリスト", len(value))
    return type(value).__name__


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise FilterInputError(_(
        "{name} には日付を渡してください（渡されたのは{given}）。"
        "空のお客様がいる値は {{% if 値 %}}…{{% endif %}} で囲んでください",
        name=name, given=describe(value)))


def wareki_date(value: Any, style: str = "kanji") -> str:
    """2026-11-23 → 令和八年十一月二十三日 (style="arabic": 令和8年11月23日)."""
    day = _date(value, "wareki")
    if style not in WAREKI_STYLES:
        raise FilterInputError(_("wareki の書き方は {styles} です（渡されたのは{given}）",
                                 styles=_(" か ").join(WAREKI_STYLES), given=describe(style)))
    try:
        era_year(day)
    except ValueError:
        raise FilterInputError(_("{day} は明治より前の日付なので和暦にできません: "
                                 "日付を確かめてください", day=day)) from None
    return wareki(day, style)


def month_day(value: Any) -> str:
    """2026-04-01 → 四月一日."""
    day = _date(value, "month_day")
    return f"{kanji_positional(day.month)}月{kanji_positional(day.day)}日"


def jikou(value: Any) -> str:
    """The formal seasonal phrase of the date's month: 晩秋の候."""
    return formal_phrase(_date(value, "jikou").month)


def jikou_plain(value: Any) -> str:
    """The plain-spoken seasonal phrase of the date's month."""
    return plain_phrase(_date(value, "jikou_plain").month)


def kanji(value: Any) -> str:
    """24 → 二十四 (whole numbers 0 … 9,999, or text of such a number)."""
    number = value
    digits = value.strip() if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit() and len(digits) <= len(str(KANJI_LIMIT)):
        number = int(digits)
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if not isinstance(number, int) or isinstance(number, bool) or not (
            0 <= number <= KANJI_LIMIT):
        raise FilterInputError(_("kanji には 0 から {limit:,} までの整数を渡してください"
                                 "（渡されたのは{given}）", limit=KANJI_LIMIT,
                                 given=describe(value)))
    return kanji_positional(number)


def join_ja(values: Any) -> str:
    """Two things with と, more with ・."""
    if not isinstance(values, list | tuple):
        raise FilterInputError(_("join_ja にはリスト（items など）を渡してください"
                                 "（渡されたのは{given}）", given=describe(values)))
    texts = [str(item) for item in values if item is not None and str(item)]
    if len(texts) == 2:
        return f"{texts[0]}と{texts[1]}"
    return "・".join(texts)


FILTERS = {
    "wareki": wareki_date,
    "jikou": jikou,
    "jikou_plain": jikou_plain,
    "month_day": month_day,
    "kanji": kanji,
    "join_ja": join_ja,
}
