"""A column's text shaped character by character is what HarfBuzz makes of the whole text:
the same glyphs, advances and texts, for every face of the default chains (the fast path of
typeface.shaping), and text with marks or variation selectors is still shaped as a whole."""

from __future__ import annotations

import random

import pytest

from mailmerge.shop.settings import Settings
from mailmerge.typeface import shaping
from mailmerge.typeface.roles import FontRoles

KANA = "".join(chr(c) for c in [*range(0x3041, 0x3097), *range(0x30A1, 0x30FB)]) + "ーヽヾゝゞ"
MARKS = "、。，．・：；？！「」『』（）〔〕［］｛｝〈〉《》【】〜～…‥ー－―‐〒〓※○●◎△▲□■☆★々〆〇"
DIGITS = "〇一二三四五六七八九十百千０１２３４５６７８９ＡＢＣａｂｃ"
KANJI = ("東京都新宿区西新宿大阪府市北梅田神奈川県横浜中山下町愛知名古屋丸北海道札幌央条丁目番号"
         "髙橋﨑德邊齋藤渡邉佐鈴木田伊村花子健太美咲誠由陽直恵翔様殿御中株式会社有限支店部課長係"
         "寒暑残余見舞申上げます謹賀新年迎春お礼状誕生日毎度ありがとうございました")
ADDRESSES = ["東京都新宿区西新宿二ー八ー一", "三の丸ハイツ八三八", "北一条西四丁目二〇番九四〇号",
             "大阪府大阪市北区梅田一ー六ー一四三二", "グランフロント九一一", "（株）ささき雑貨店",
             "〒一六〇ー〇〇二三", "京都市中京区寺町通三条上る天性寺前町", "ｸﾞﾗﾝﾌﾛﾝﾄ"]


def faces():
    roles = FontRoles(Settings())
    found = {}
    for role in ("address", "name", "message", "heading"):
        for face in roles.chain(role).faces:
            found.setdefault(face.key, face)
    return list(found.values())


def texts() -> list[str]:
    rng = random.Random(7)
    pool = KANA + MARKS + DIGITS + KANJI
    return [*ADDRESSES, KANA, MARKS, DIGITS, KANJI,
            *("".join(rng.choice(pool) for _ in range(rng.randint(2, 24))) for _ in range(400))]


@pytest.mark.parametrize("face", faces(), ids=lambda face: face.key)
def test_a_column_shaped_character_by_character_is_harfbuzzs_own(face):
    for text in texts():
        covered = "".join(ch for ch in text if face.has_sequence(ch))
        if len(covered) < 2:
            continue
        assert shaping._all_standalone(covered) or "ﾞ" in covered
        assert shaping.shape(face, covered, True) == shaping._shaped(face, covered, True), \
            covered


def test_marks_and_variation_selectors_are_shaped_as_a_whole():
    for text in ["葛\U000E0100飾区", "か\u3099き", "髙\ufe00橋", "山\u200d田", "ｸﾞﾗﾝ", "ﾊﾟﾚｽ"]:
        assert not shaping._all_standalone(text)
