"""Customer barcode: Japan Post's extraction rules worked by hand, and bars read back from
the PDF (郵便番号・バーコードマニュアル, zipmanual p12, p13, p17-p20; spec/japan-post.md)."""

from __future__ import annotations

import pytest
from barcode_read import address_data, read_barcode
from pdfread import ink_boxes
from tests_data import SENDER_TOML

from mailmerge.japanese.barcode import address_number, characters, check_character, encode
from mailmerge.japanese.barcode_address import NoBarcode, after_town, number_part
from mailmerge.layout.profiles import bundled_profiles, load_profile
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.shop.settings import load_settings

CARD_PROFILES = [name for name in bundled_profiles() if name != "message"]


@pytest.mark.parametrize(("after", "data"), [
    # the manual's own examples (p17-p20), address after the town (住所B)
    ("3丁目30-8 郵便ビル403号", "3-30-8-403"),
    ("5-6-3 ABCビル10F", "5-6-3-10"),
    ("4丁目 郵便センター6号館", "4-6"),
    ("8丁目 郵便センター10号館", "8-10"),
    ("韮崎400", "400"),
    ("東3丁目-20-5 郵便・A&bコーポB604号", "3-20-5B604"),
    ("十一丁目六番地一号 郵便タワー601", "11-6-1-601"),
    ("1丁目3番2号 郵便プラザ503室", "1-3-2-503"),
    ("6丁目7-14 ABCビル2F", "6-7-14-2"),
    (" 南田茂木 添60-1", "60-1"),
])
def test_the_manuals_examples(after, data):
    assert address_number(after) == data


def test_kanji_numerals_are_digits_only_in_front_of_chome_ban_go():
    assert address_number("三丁目三十番八号") == "3-30-8"
    assert address_number("二丁目11番22号 ハイツ二〇三号室") == "2-11-22-203"
    assert address_number("二丁目11番22号 ハイツ二〇三") == "2-11-22"  # no 号: a name
    assert address_number("1-1-1 千代田タワー1203号室") == "1-1-1-1203"  # 千 is no 1000
    assert address_number("百一番地") == "101"


def test_the_manuals_check_character_example():
    data = characters("1000013", "1-3-2-503")
    assert data[7:] == ["1", "-", "3", "-", "2", "-", "5", "0", "3", "CC4", "CC4", "CC4",
                        "CC4"]
    assert check_character(data) == "9"


def test_a_letter_cut_at_the_13th_character_keeps_its_control_code():
    # manual p20: 福井市新田塚3丁目80-25 J1ビル2-B → 3-80-25 CC1 9 1-2 CC1
    data = characters("9100067", address_number("3丁目80-25 J1ビル2-B"))
    assert data[7:] == ["3", "-", "8", "0", "-", "2", "5", "CC1", "9", "1", "-", "2", "CC1"]


def test_letters_take_two_characters_and_the_sum_is_a_multiple_of_19():
    data, bars = encode("2730102", "東3丁目-20-5 郵便・A&bコーポB604号")
    assert data[7:20] == ["3", "-", "2", "0", "-", "5", "CC1", "1", "6", "0", "4", "CC4",
                          "CC4"]
    values = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}
    assert sum(values[c] for c in data) % 19 == 0
    assert len(bars) == 67 and bars.startswith("FD") and bars.endswith("DF")


def test_letters_beyond_t_use_cc3():
    assert characters("1000013", "1U2")[7:11] == ["1", "CC3", "0", "2"]
    assert characters("1000013", "1K2")[7:11] == ["1", "CC2", "0", "2"]


# Worked by hand from the rules above: (postal code, address 1, address 2, 13-char data).
HAND_WORKED = [
    ("100-0001", "東京都千代田区千代田1-1-1", "グランドメゾン千代田タワー1203号室", "1-1-1-1203"),
    ("192-0156", "東京都八王子市上恩方町2135番地", "", "2135"),  # 丁目-less 番地
    ("193-0826", "東京都八王子市元八王子町二丁目1400番地", "", "2-1400"),
    ("160-0004", "東京都新宿区四谷一丁目6番1号", "四谷タワー15F", "1-6-1-15"),
    ("102-0073", "東京都千代田区九段北1-2-3", "", "1-2-3"),
    ("102-0074", "東京都千代田区九段南二丁目3番14号", "靖国九段南ビル5階", "2-3-14-5"),
    ("102-0082", "東京都千代田区一番町5-3", "一番町パークハウス302号室", "5-3-302"),
    ("154-0024", "東京都世田谷区三軒茶屋二丁目11番22号", "三軒茶屋ハイツ二〇三号室",
     "2-11-22-203"),
    ("460-0001", "愛知県名古屋市中区三の丸3-1-1", "", "3-1-1"),
    ("100-0005", "東京都千代田区丸の内1-9-1", "グラントウキョウノースタワー40F", "1-9-1-40"),
    ("263-0023", "千葉県千葉市稲毛区緑町3丁目30-8", "郵便ビル403号", "3-30-8-403"),
    ("110-0016", "東京都台東区台東5-6-3", "ABCビル10F", "5-6-3-10"),
    ("060-0906", "北海道札幌市東区北六条東4丁目", "郵便センター6号館", "4-6"),
    ("065-0006", "北海道札幌市東区北六条東8丁目", "郵便センター10号館", "8-10"),
    ("407-0033", "山梨県韮崎市龍岡町下條南割", "韮崎400", "400"),
    ("273-0102", "千葉県鎌ケ谷市右京塚東3丁目-20-5", "郵便・A&bコーポB604号", "3-20-5B604"),
    ("198-0036", "東京都青梅市河辺町十一丁目六番地一号", "郵便タワー601", "11-6-1-601"),
    ("064-0804", "北海道札幌市中央区南四条西29丁目1524-23", "第2郵便ハウス501",
     "29-1524-23-2-"),  # cut at 13 (manual p20); the 2 of 第2 is read, as the manual does
    ("317-0055", "茨城県日立市宮田町6丁目7-14", "ABCビル2F", "6-7-14-2"),
    ("014-0113", "秋田県大仙市堀見内 南田茂木 添60-1", "", "60-1"),
    ("108-0074", "東京都港区髙輪3-13-1", "", "3-13-1"),  # 髙 matches Japan Post's 高
    ("125-0062", "東京都葛\U000E0100飾区青戸6-2-1", "", "6-2-1"),  # IVS 葛󠄀
    ("102-0083", "〒102-0083 東京都千代田区麹町３－５－２", "ＢＵＩＬＤ麹町６０５", "3-5-2-605"),
    ("160-0023", "新宿区西新宿二丁目8番1号", "", "2-8-1"),  # without the prefecture
]


@pytest.mark.parametrize(("code", "address1", "address2", "data"), HAND_WORKED)
def test_the_address_after_the_town_gives_the_hand_worked_data(code, address1, address2, data):
    postal = code.replace("-", "")
    address = f"{address1}\u3000{address2}".rstrip("\u3000")
    assert address_number(after_town(postal, address))[:13] == data


def test_a_representative_code_and_a_missing_town_get_no_barcode():
    with pytest.raises(NoBarcode) as caught:
        number_part("1920000", "東京都八王子市どこか町1-2-3")
    assert caught.value.field == "郵便番号" and "以下に掲載がない場合" in str(caught.value)
    with pytest.raises(NoBarcode) as caught:
        after_town("1000001", "東京都港区芝公園4-2-8")
    assert caught.value.field == "住所1"


@pytest.fixture(scope="module")
def barcode_cards(tmp_path_factory):
    """Every hand-worked address printed with --barcode on every card profile."""
    folder = tmp_path_factory.mktemp("barcode")
    customers = folder / "customers.csv"
    rows = ["顧客ID,姓,名,郵便番号,住所1,住所2"]
    rows += [f"B{index:02d},山田,太郎,{code},{a1},{a2}"
             for index, (code, a1, a2, _) in enumerate(HAND_WORKED)]
    customers.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = folder / "hagaki.toml"
    config.write_text(SENDER_TOML, encoding="utf-8")
    settings = load_settings(config)
    printed = {}
    for profile in CARD_PROFILES:
        out = folder / f"{profile}.pdf"
        report = print_cards(customers, out, settings, RunOptions(
            layout=profile, barcode=True, sort="id", log=folder / f"{profile}.sqlite"))
        assert not report.skipped, report.skipped
        printed[profile] = out
    return printed


@pytest.mark.parametrize("index", range(len(HAND_WORKED)))
def test_the_printed_bars_decode_to_the_hand_worked_data(barcode_cards, index):
    code, _, _, data = HAND_WORKED[index]
    printed = read_barcode(barcode_cards["official"], index)
    assert "".join(printed.characters[:7]) == code.replace("-", "")
    assert address_data(printed.characters) == data
    values = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}
    assert sum(values[c] for c in printed.characters) % 19 == 0


@pytest.mark.parametrize("profile", CARD_PROFILES)
def test_the_barcode_keeps_japan_posts_margins_on_every_profile(barcode_cards, profile):
    path = barcode_cards[profile]
    grade = load_profile(profile).barcode_grade_pt / 10
    for page in (0, 17):
        bars = read_barcode(path, page)
        assert bars.pitches == {round(1.2 * grade, 2)} and bars.widths == {round(0.6 * grade, 2)}
        assert bars.bottom - bars.top == pytest.approx(3.6 * grade, abs=0.01)
        assert bars.left >= 10.0 and bars.right <= 90.0  # 10 mm from each side
        assert bars.top >= 10.0 and bars.bottom <= 148.0 - 10.0
        assert bars.top >= 70.0  # below the postmark area (x 0-35, y 0-70)
        for text, left, top, right, bottom in ink_boxes(path, page):
            clear = (right < bars.left - 2 or left > bars.right + 2
                     or bottom < bars.top - 2 or top > bars.bottom + 2)
            assert clear, (profile, page, text, top, bottom)  # 2 mm quiet zone
