"""What a card's words are about: the kind of thing bought and how the customer buys.

In: item names (as on the sales list), the shop's kind and channel and its own keywords
(hagaki.toml [shop] and [categories]). Out: a category, "food" (お味, お召し上がり),
"goods" (お使い心地) or "services" (施術, 教室: ご利用), or "" when it is unknown or mixed
(the templates then use words that suit anything); and the channel, "store" (ご来店,
お立ち寄り), "mail_order" (ご注文, お届け) or "both" (words that suit either: ご利用).

An item's category is the keyword found in its name that ends last, the longest of those
(Japanese names end with what the thing is: コーヒーカップ is a cup, カップケーキ a cake);
the shop's own keyword wins a tie. An item no keyword names is of the shop's kind.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from msgspec import Struct, field

from mailmerge.japanese.textmatch import match_key
from mailmerge.templates.shop_kinds import CATEGORIES as CATEGORIES
from mailmerge.templates.shop_kinds import CHANNELS as CHANNELS

# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
_ITEM_BREAK = "[・、,，/／]"  # between the items of one order (sources.exports)
VOUCHERS = ("商品券", "ギフト券", "ギフトカード", "回数券", "チケット")
KEYWORDS = {
    "food": (
        "パン", "バゲット", "クロワッサン", "ベーグル", "サンド", "ピザ", "ケーキ", "タルト",
        "クッキー", "マドレーヌ", "フィナンシェ", "焼菓子", "焼き菓子", "菓子", "饅頭",
        "まんじゅう", "大福", "最中", "羊羹", "ようかん", "団子", "だんご", "餅", "煎餅",
        "せんべい", "おかき", "どら焼", "プリン", "ゼリー", "チョコ", "アイス", "ジェラート",
        "ジャム", "蜂蜜", "はちみつ", "茶", "ティーバッグ", "コーヒー", "珈琲", "豆", "酒",
        "ワイン", "ビール", "焼酎", "ジュース", "味噌", "醤油", "米", "野菜", "果物",
        "フルーツ", "肉", "魚", "干物", "漬物", "惣菜", "弁当", "佃煮", "海苔", "昆布",
        "鰹節", "だし", "麺", "そば", "蕎麦", "うどん", "パスタ", "カレー", "スープ", "チーズ",
        "ハム", "ソーセージ", "ベーコン", "卵", "たまご", "ヨーグルト", "ランチ", "ディナー",
        "食品", "クーヘン", "バウム", "シュトーレン", "カンパーニュ", "スコーン", "ドーナツ",
        "マフィン", "ブラウニー", "和菓子", "洋菓子",
    ),
    "goods": (
        "湯呑", "湯のみ", "湯飲", "急須", "茶碗", "茶筒", "茶托", "茶こし", "器", "皿", "鉢",
        "椀", "箸", "カップ", "マグ", "グラス", "コップ", "ポット", "ケトル", "鍋",
        "フライパン", "包丁", "ナイフ", "弁当箱", "水筒", "コースター", "徳利", "猪口",
        "ぐい呑", "タオル", "ハンカチ", "手ぬぐい", "風呂敷", "バッグ", "財布", "ポーチ", "傘",
        "帽子", "シャツ", "パンツ", "スカート", "ワンピース", "セーター", "カットソー", "ニット",
        "コート", "ジャケット", "靴", "スニーカー", "サンダル", "ストール", "マフラー", "手袋",
        "アクセサリー", "ピアス", "イヤリング", "ネックレス", "指輪", "時計", "眼鏡", "メガネ",
        "ペン", "ノート", "手帳", "便箋", "封筒", "書籍", "絵本", "花瓶", "一輪挿し", "石鹸",
        "せっけん", "キャンドル", "クッション", "座布団", "枕", "布団", "椅子", "家具",
        "ぬいぐるみ", "人形", "おもちゃ", "雑貨",
    ),
    "services": (
        "カット", "ヘアカラー", "パーマ", "縮毛矯正", "ヘッドスパ", "ヘアセット", "着付け",
        "エステ", "フェイシャル", "マッサージ", "整体", "施術", "ネイル", "まつげ", "脱毛",
        "撮影", "レッスン", "教室", "講座", "体験", "ワークショップ", "修理", "修繕", "お直し",
        "裾上げ", "クリーニング", "メンテナンス", "点検", "車検", "洗車", "宿泊", "トリミング",
        "コース",
    ),
}


class ShopFit(Struct, frozen=True):
    """The shop's kind ("" when not set), its channel and its own keywords per category."""

    kind: str = ""
    channel: str = "both"
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def category(self, item: str) -> str:
        """The category of one item's name: its keyword that ends last, else the shop's kind;
        "" for a voucher (商品券: what it will buy is not known)."""
        name = _folded(item)
        if any(_folded(word) in name for word in VOUCHERS):
            return ""
        best, found = (-1, 0, False), self.kind
        for category in CATEGORIES:
            for own, words in ((False, KEYWORDS[category]),
                               (True, self.keywords.get(category, ()))):
                for key in filter(None, map(_folded, words)):
                    at = name.rfind(key)
                    if at >= 0 and (score := (at + len(key), len(key), own)) > best:
                        best, found = score, category
        return found

    def category_of(self, items: Iterable[str]) -> str:
        """The one category all the items share (an export's 湯呑み・急須 is two items), the
        shop's kind when there are none, or "" (unknown, or a mix)."""
        found = {self.category(part) for item in items for part in re.split(_ITEM_BREAK, item)
                 if part.strip()}
        if not found:
            return self.kind
        return found.pop() if len(found) == 1 else ""


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """Width, case and old kanji folded (match_key), hiragana as katakana."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in match_key(text))
