"""Preparing addresses for vertical setting, and Unicode's vertical orientation."""

from __future__ import annotations

import pytest

from mailmerge.japanese.text import kanji_positional, widen_halfwidth_kana
from mailmerge.layout.orientation import vertical_orientation
from mailmerge.layout.vertical_text import convert_numerals, prepare_address, to_fullwidth


@pytest.mark.parametrize(
    ("style", "expected"),
    [("kanji", "西新宿二ー八ー一"), ("kanji_ten", "西新宿二ー八ー一"), ("arabic", "西新宿２ー８ー１")],
)
def test_hyphens_become_the_long_vowel_mark_and_numerals_follow_the_style(style, expected):
    assert prepare_address("西新宿2-8-1", style) == expected


def test_kanji_styles_differ_for_numbers_above_nine():
    assert prepare_address("氷川1234-24", "kanji") == "氷川一二三四ー二四"
    assert prepare_address("氷川1234-24", "kanji_ten") == "氷川千二百三十四ー二十四"
    assert prepare_address("１０号", "kanji") == "一〇号"


@pytest.mark.parametrize(
    ("number", "text"), [(0, "〇"), (10, "十"), (24, "二十四"), (105, "百五"), (2026, "二千二十六")]
)
def test_kanji_positional(number, text):
    assert kanji_positional(number) == text


def test_half_width_kana_and_ascii_become_full_width():
    assert widen_halfwidth_kana("ｸﾞﾗﾝﾌﾛﾝﾄﾀﾜｰ") == "グランフロントタワー"
    assert to_fullwidth("ABC 5F") == "ＡＢＣ\u3000５Ｆ"
    assert prepare_address("ｸﾞﾗﾝﾌﾛﾝﾄ大阪ﾀﾜｰA 2501号", "kanji") == "グランフロント大阪タワーＡ\u3000二五〇一号"


def test_every_kind_of_hyphen_is_normalised():
    for hyphen in "-‐－−―ｰ":
        assert prepare_address(f"1{hyphen}2", "kanji") == "一ー二"


def test_an_unknown_numeral_style_is_refused():
    with pytest.raises(ValueError, match="numeral style"):
        convert_numerals("1", "roman")


@pytest.mark.parametrize(
    ("char", "value"),
    [("東", "U"), ("𠮷", "U"), ("あ", "U"), ("、", "Tu"), ("ー", "Tr"), ("〜", "Tr"),
     ("A", "R"), ("-", "R"), ("Ａ", "U"), ("「", "Tr"), ("\U0001F600", "U")],
)
def test_vertical_orientation_comes_from_unicode_data(char, value):
    assert vertical_orientation(char) == value
