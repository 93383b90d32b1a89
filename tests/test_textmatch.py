"""Match keys: two spellings of one name or address compare equal; different kanji do not."""

from __future__ import annotations

import unicodedata

import pytest

from mailmerge.japanese.textmatch import DASHES, kanji_variants, match_key

KATSU_IVS = "葛\U000E0100"  # 葛 + VS17, as in 葛󠄀飾区


def test_width_and_case_are_folded():
    assert match_key("ＡＢＣ１２３") == match_key("abc123") == "abc123"
    assert match_key("ｺｰﾎﾟ青戸") == "コーポ青戸"


def test_variation_selectors_are_dropped():
    assert match_key(f"東京都{KATSU_IVS}飾区") == "東京都葛飾区"
    assert match_key("辻\ufe00") == "辻"
    assert match_key("\U0001f600\ufe0f") == "\U0001f600"


def test_a_leading_postal_mark_and_every_space_are_dropped():
    assert match_key("〒 東京都\u3000葛飾区\t青戸 ") == "東京都葛飾区青戸"
    assert match_key("〶東京都") == "東京都"
    assert match_key("東京\u200b都") == "東京都"
    assert match_key("東京都〒") == "東京都〒"  # only a leading one


@pytest.mark.parametrize("dash", [*DASHES, "-", "－", "﹣", "‑", "ｰ"])
def test_every_dash_between_numbers_becomes_a_hyphen(dash):
    assert match_key(f"青戸1{dash}2{dash}3") == "青戸1-2-3"


def test_the_long_vowel_mark_is_a_dash_unless_it_follows_kana():
    assert match_key("青戸１ー２ー３") == "青戸1-2-3"
    assert match_key("三丁目一ー二") == "三丁目一-二"
    assert match_key("パルク ー101") == "パルク-101"  # a space before it: not a vowel
    assert match_key("コーポ青戸") == "コーポ青戸"
    assert match_key("らーめん") == "らーめん"
    assert match_key("コーポ") != match_key("コ-ポ")


def test_small_ke_is_the_full_size_one():
    assert match_key("霞ヶ関") == match_key("霞ケ関") == "霞ケ関"
    assert match_key("竜ヶ崎市") == match_key("龍ケ崎市")


@pytest.mark.parametrize(("variant", "common"), [
    (KATSU_IVS, "葛"), ("髙", "高"), ("\ufa11", "崎"), ("邉", "辺"), ("邊", "辺"), ("齋", "斎"),
    ("澤", "沢"), ("德", "徳"), ("\ufa10", "塚"), ("濱", "浜"), ("國", "国"), ("櫻", "桜"),
    ("剝", "剥"), ("嶋", "島"), ("龍", "竜"),
])
def test_old_and_variant_kanji_fold_to_the_common_form(variant, common):
    assert match_key(variant) == common
    assert match_key(f"渡{variant}様") == match_key(f"渡{common}様")


@pytest.mark.parametrize(("one", "other"), [
    ("土", "士"), ("未", "末"), ("己", "已"), ("己", "巳"), ("大", "太"), ("咲", "笑"),
    ("崎", "埼"), ("斉", "斎"), ("沢", "択"), ("高", "髪"),
])
def test_different_kanji_stay_different(one, other):
    assert match_key(one) == one and match_key(other) == other


def test_the_unified_compatibility_ideographs_without_a_common_form_are_kept():
    unified = [chr(c) for c in range(0xFA0E, 0xFA2A)
               if unicodedata.normalize("NFKC", chr(c)) == chr(c)]
    assert len(unified) == 12
    assert {c: match_key(c) for c in unified if match_key(c) != c} == {"\ufa11": "崎"}


def test_the_variant_table_is_a_canonical_mapping():
    table = kanji_variants()
    assert 1500 < len(table) < 2500
    assert not set(table.values()) & set(table)  # a common form is never itself mapped
    assert all(unicodedata.normalize("NFKC", c) == c for pair in table.items() for c in pair)
    for common in "高崎辺斎沢徳浜国桜葛塚":
        assert common not in table


def test_the_shipped_table_is_consistent_with_its_code_points():
    from importlib import resources

    text = resources.files("mailmerge").joinpath("data/kanji_variants.tsv").read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Unihan 15.0.0" in line for line in header)
    for line in text.splitlines():
        if not line.startswith("#"):
            variant, common, variant_code, common_code = line.split("\t")
            assert (f"U+{ord(variant):04X}", f"U+{ord(common):04X}") == (variant_code,
                                                                           common_code)


def test_folding_twice_changes_nothing():
    for text in ["〒125-0062 東京都葛\U000E0100飾区青戸１ー２", "髙﨑 邉", "ｺｰﾎﾟ ５ｰ３", "ＴＡＫＡ"]:
        assert match_key(match_key(text)) == match_key(text)


def test_names_a_shift_jis_export_cannot_hold_match_their_everyday_kanji():
    assert match_key("𠮷田 茂") == match_key("吉田　茂")
    assert match_key("𡈽屋") == match_key("土屋")
    assert match_key("𠮷田") != match_key("古田")
