"""Seasonal phrases (時候の挨拶) by month, the one table of them.

In: a month (1–12). Out: the formal 〜の候 phrase for 拝啓 letters, or a plain-spoken one
for cards.
"""

from __future__ import annotations

FORMAL = {
    1: "厳寒の候", 2: "余寒の候", 3: "早春の候", 4: "陽春の候", 5: "新緑の候", 6: "梅雨の候",
    7: "盛夏の候", 8: "残暑の候", 9: "初秋の候", 10: "秋冷の候", 11: "晩秋の候", 12: "師走の候",
}
PLAIN = {
    1: "寒さ厳しい日が続いておりますが",
    2: "立春とは名ばかりの寒さが続いておりますが",
    3: "日ごとに春めいてまいりましたが",
    4: "桜の便りが聞かれる頃となりましたが",
    5: "若葉の緑がまぶしい季節となりましたが",
    6: "紫陽花の美しい季節となりましたが",
    7: "本格的な夏を迎えましたが",
    8: "厳しい暑さが続いておりますが",
    9: "朝夕はしのぎやすくなってまいりましたが",
    10: "秋も深まってまいりましたが",
    11: "木々の葉も色づき、朝晩冷え込むようになりましたが",
    12: "今年も残りわずかとなりましたが",
}


def formal_phrase(month: int) -> str:
    """拝啓 letters: 晩秋の候 (November)."""
    return FORMAL[month]


def plain_phrase(month: int) -> str:
    """Cards: 木々の葉も色づき、朝晩冷え込むようになりましたが (November)."""
    return PLAIN[month]
