"""Vertical columns: fitting order, 縦中横, sideways Latin, font fallback, address breaks."""

from __future__ import annotations

import pytest

from mailmerge.errors import MissingGlyphError
from mailmerge.layout.address_side import split_building
from mailmerge.layout.columns import (
    MIN_CONDENSE,
    column_length_em,
    fit,
    measure_column,
    place_column,
)
from mailmerge.layout.units import pt_to_mm
from mailmerge.layout.vertical_text import address_breaks
from mailmerge.shop.settings import Settings
from mailmerge.typeface.chain import word_runs
from mailmerge.typeface.roles import FontRoles


@pytest.fixture(scope="module")
def chain():
    return FontRoles(Settings()).chain("address")


def test_fit_condenses_first_then_shrinks_then_gives_up():
    assert fit(10, 100, 20, 10).condense == 1  # fits as it is
    em = pt_to_mm(20)
    condensed = fit(10, 8 * em, 20, 10)
    assert condensed.size_pt == 20 and condensed.condense == pytest.approx(0.8)
    shrunk = fit(10, 5 * em, 20, 10)
    assert shrunk.condense == MIN_CONDENSE
    assert shrunk.size_pt == pytest.approx(20 * 5 / (10 * MIN_CONDENSE))
    assert fit(10, 2 * em, 20, 10) is None  # would need 5.7 pt: below the floor


def test_full_width_text_is_one_em_per_character(chain):
    pieces = measure_column("東京都千代田区", chain)
    assert column_length_em(pieces) == pytest.approx(7.0)
    assert all(p.kind == "upright" for p in pieces)


def test_short_digit_runs_are_set_tate_chu_yoko(chain):
    pieces = measure_column("丸の内１２ー３４５", chain)
    kinds = [(p.kind, "".join(p.shaped.texts)) for p in pieces]
    assert kinds == [("upright", "丸の内"), ("tcy", "12"), ("upright", "ー３４５")]
    runs, bottom = place_column(pieces, 50.0, 10.0, 20.0)
    tcy = runs[1]
    assert tcy.mode == "horizontal"
    width = pt_to_mm(20) * tcy.shaped.length_em()
    assert tcy.x_mm + width / 2 == pytest.approx(50.0)  # centred on the column
    assert bottom == pytest.approx(10.0 + 8 * pt_to_mm(20))


def test_latin_letters_in_a_name_are_turned_sideways(chain):
    pieces = measure_column("Smith様", chain, tcy=False)
    assert [p.kind for p in pieces] == ["rotated", "upright"]
    runs, _ = place_column(pieces, 50.0, 10.0, 20.0)
    assert runs[0].mode == "rotated"


def test_the_long_vowel_mark_uses_the_vertical_form(chain):
    pieces = measure_column("ー", chain)
    assert pieces[0].kind == "upright"
    face = chain.primary
    assert pieces[0].shaped.glyphs[0] != face.hb_font.get_nominal_glyph(ord("ー"))


def test_a_word_with_a_character_missing_from_the_primary_font_falls_back_whole(chain):
    pieces = measure_column("𠮷田様の", chain, "姓")
    assert [("".join(p.shaped.texts), p.shaped.face.path.name) for p in pieces] == [
        ("𠮷田様", "ipamjm.ttf"), ("の", "BIZUDMincho-Regular.ttf")]


def test_a_word_no_single_font_draws_falls_back_per_character():
    chain = FontRoles(Settings()).chain("message")  # Klee One, BIZ UD Mincho, IPAmj Mincho
    fonts = [(text, face.path.name) for face, text in chain.split("葛\U000E0100城𠮷")]
    assert fonts == [("葛\U000E0100", "BIZUDMincho-Regular.ttf"), ("城𠮷", "KleeOne-Regular.ttf")]


def test_words_for_font_choice_are_runs_of_one_script():
    assert word_runs("葛\U000E0100城様には、ABC10%セール") == [
        "葛\U000E0100城様", "には", "、", "ABC10", "%", "セール"]


def test_a_character_no_font_has_is_refused_with_its_code_point(chain):
    with pytest.raises(MissingGlyphError) as caught:
        measure_column("佐藤\U0001F600", chain, "名")
    assert caught.value.field == "名" and "U+1F600" in str(caught.value)


@pytest.mark.parametrize(
    ("address", "head", "building"),
    [
        ("港区芝公園4-2-8 東京タワー3F", "港区芝公園4-2-8", "東京タワー3F"),
        ("台東5-6-3ABCビル10F", "台東5-6-3", "ABCビル10F"),
        ("緑町3丁目30-8郵便ビル403号", "緑町3丁目30-8", "郵便ビル403号"),
        ("韮崎400", "韮崎400", ""),
        ("北一条西2丁目1番地", "北一条西2丁目1番地", ""),
        ("梅田1-1-3", "梅田1-1-3", ""),
        ("大更第35地割62番地", "大更第35地割62番地", ""),
        ("音更西2線10番地", "音更西2線10番地", ""),
        ("東神楽町14号北1番地", "東神楽町14号北1番地", ""),
    ],
)
def test_the_building_is_broken_off_after_the_block_number(address, head, building):
    assert split_building(address) == (head, building)


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("岩手県八幡平市大更第三五地割六二番地", ("岩手県八幡平市大更", "第三五地割六二番地")),
        ("北海道河東郡音更町字音更西二線一〇番地", ("北海道河東郡音更町字音更", "西二線一〇番地")),
        ("岩手県九戸郡洋野町種市第二三地割二七ー一", ("岩手県九戸郡洋野町種市", "第二三地割二七ー一")),
        ("京都府京都市上京区寺町通今出川上る阿弥陀寺町一二ー三",
         ("京都府京都市上京区寺町通今出川上る阿弥陀寺町", "一二ー三")),
    ],
)
def test_an_address_breaks_best_after_the_town(text, best):
    breaks = address_breaks(text)
    position = min(breaks, key=lambda p: (breaks[p], p))
    assert (text[:position], text[position:]) == best


def test_an_address_never_breaks_inside_a_number_with_its_unit():
    text = "氷川第一二三四地割五六七八番地グランドタワー四十二階四二〇一号室"
    units = ("第一二三四地割", "五六七八番地", "四十二階", "四二〇一号室")
    inside = {text.index(u) + i for u in units for i in range(1, len(u))}
    assert address_breaks(text) and not inside & set(address_breaks(text))
    assert address_breaks("一二三四五六七八") == {}
