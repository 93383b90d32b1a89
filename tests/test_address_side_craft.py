"""The address side's craft, measured in millimetres on the printed PDF of every card
profile: 連名 spacing, the gap to the sender, the stamp and postmark area, numbers."""

from __future__ import annotations

import pytest
from pdfread import glyphs, ink_boxes
from tests_data import SENDER_TOML

from mailmerge.layout.profiles import bundled_profiles
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.shop.settings import load_settings

CARD_PROFILES = [name for name in bundled_profiles() if name != "message"]
CUSTOMERS = """顧客ID,姓,名,郵便番号,住所1,住所2,会社名,部署,役職,連名
K1,渡邉,美咲,100-0001,東京都千代田区千代田1-1-1,グランドメゾン千代田タワー1203号室,,,,健、翔太、さくら、一郎
K2,髙橋,健,102-0082,東京都千代田区一番町5-3,一番町パークハウス40F,,,,花子
K3,山田,太郎,100-0005,東京都千代田区丸の内1-9-1,グラントウキョウノースタワー5F,株式会社山田商事,営業部,部長,
K4,佐藤,一,060-0001,北海道札幌市中央区北一条西二丁目一番地札幌市時計台前大通公園西側通り沿い北海道庁向かい,札幌時計台前グランドレジデンス大通公園ウエストタワー2501号室,,,,二郎、三郎、四郎、五郎
"""


def _print(folder, profile: str, numerals: str = "kanji"):
    customers = folder / "customers.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    config = folder / "hagaki.toml"
    config.write_text(SENDER_TOML + f'\n[address]\nnumerals = "{numerals}"\n', encoding="utf-8")
    out = folder / f"{profile}-{numerals}.pdf"
    report = print_cards(customers, out, load_settings(config), RunOptions(
        layout=profile, sort="id", barcode=True, log=folder / f"{profile}-{numerals}.sqlite"))
    assert not report.skipped, report.skipped
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("craft")
    return {profile: _print(folder, profile) for profile in CARD_PROFILES}


def _columns(found, left: float, right: float, min_size: float):
    """Vertical glyphs between x left and right at least min_size mm tall, by column x."""
    columns: dict[float, list] = {}
    for glyph in found:
        if glyph.vertical and left < glyph.centre[0] < right and glyph.size_mm >= min_size:
            columns.setdefault(round(glyph.centre[0], 1), []).append(glyph)
    return dict(sorted(columns.items(), reverse=True))


@pytest.mark.parametrize("profile", CARD_PROFILES)
@pytest.mark.parametrize("page", range(4))
def test_nothing_in_the_stamp_and_postmark_area(printed, profile, page):
    for text, left, top, _right, _bottom in ink_boxes(printed[profile], page):
        assert not (left < 35.0 and top < 70.0), (text, left, top)


@pytest.mark.parametrize("profile", CARD_PROFILES)
@pytest.mark.parametrize("page", [0, 3])
def test_five_joint_names_are_1_5_em_apart_with_aligned_honorifics(printed, profile, page):
    found = glyphs(printed[profile], page)
    names = _columns(found, 30, 84, 4.0)
    largest = max(c[0].size_mm for c in names.values())
    names = {x: g for x, g in names.items() if g[0].size_mm > largest - 0.01}
    assert len(names) == 5
    xs = list(names)
    em = next(iter(names.values()))[0].size_mm
    assert min(a - b for a, b in zip(xs, xs[1:], strict=False)) >= 1.5 * em - 0.05
    honorifics = [column[-1] for column in names.values()]
    assert {g.text for g in honorifics} == {"様"}
    assert max(g.top for g in honorifics) - min(g.top for g in honorifics) < 0.01
    # the last character of each given name of two or more (健 and 一 sit mid-length)
    givens = [column[-2] for column in names.values() if column[-2].text not in "健一"]
    assert len(givens) == 4
    assert max(g.bottom for g in givens) - min(g.bottom for g in givens) < 0.01


@pytest.mark.parametrize("profile", CARD_PROFILES)
@pytest.mark.parametrize("page", range(4))
def test_six_mm_between_the_recipient_and_the_sender(printed, profile, page):
    boxes = ink_boxes(printed[profile], page)
    sender = [b for b in boxes if b[1] < 34.0 and b[2] > 70.0]
    recipient = [b for b in boxes if b[1] >= 34.0 and b[2] > 25.0]
    assert len(sender) > 20 and recipient
    gaps = [r[1] - s[3] for s in sender for r in recipient if r[2] < s[4] and s[2] < r[4]]
    assert gaps and min(gaps) >= 6.0


@pytest.mark.parametrize("profile", CARD_PROFILES)
def test_the_company_is_at_least_the_address_size(printed, profile):
    found = glyphs(printed[profile], 2)
    company = next(g for g in found if g.text == "株")
    address = next(g for g in found if g.text == "東" and g.vertical)
    assert company.size_mm >= address.size_mm - 1e-6


def test_floors_and_rooms_in_the_kanji_style(printed):
    text = "".join(g.text for g in glyphs(printed["official"], 0))
    assert "グランドメゾン千代田タワー一二〇三号室" in text
    assert "一番町パークハウス四十階" in "".join(g.text for g in glyphs(printed["official"], 1))
    assert "ノースタワー五階" in "".join(g.text for g in glyphs(printed["official"], 2))


def test_arabic_digits_are_one_width_and_copy_back_in_order(tmp_path):
    import pypdfium2 as pdfium

    path = _print(tmp_path, "official", "arabic")
    found = [g for g in glyphs(path, 0) if g.x0 > 70 and g.top > 25]  # the address
    digits = [g for g in found if g.text in "０１２３"]
    assert "".join(g.text for g in digits) == "１１１１２０３"  # every digit full-width, upright
    assert {g.vertical for g in digits} == {True}
    assert {round(g.x1 - g.x0, 2) for g in digits} == {round(found[0].size_mm, 2)}
    document = pdfium.PdfDocument(str(path))
    try:
        copied = document[0].get_textpage().get_text_range().replace("\r\n", "")
    finally:
        document.close()
    assert "千代田１ー１ー１" in copied and "タワー１２０３号室" in copied
    pair = [g for g in glyphs(path, 1)  # (not the sender's postal code, above the barcode)
            if g.text in "40" and not g.vertical and 25 < g.top < 125 and g.x0 > 40]
    assert len(pair) == 2 and pair[0].x1 <= pair[1].x0 + 0.01  # 縦中横: side by side
    size = next(g.size_mm for g in glyphs(path, 1) if g.vertical and g.x0 > 70)
    assert pair[1].x1 - pair[0].x0 <= size + 0.01  # within one character's width
