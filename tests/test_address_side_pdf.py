"""The address side as printed: read back from the PDF and measured in millimetres."""

from __future__ import annotations

import pytest
from pdfread import Glyph, glyphs, ink_boxes, page_count, page_size_mm
from pypdf import PdfReader

from mailmerge.layout.profiles import load_profile

OFFICIAL = load_profile("official")
RECIPIENT_CENTRES = [OFFICIAL.recipient_boxes.centre(i) for i in range(7)]
SENDER_CENTRES = [OFFICIAL.sender_boxes.centre(i) for i in range(7)]


def page_of(printed, customer_id: str) -> tuple[object, int]:
    _, path, pages = printed
    return path, pages[customer_id]


def text_of(printed, customer_id: str) -> str:
    path, page = page_of(printed, customer_id)
    return "".join(g.text for g in glyphs(path, page))


def find(found: list[Glyph], text: str) -> list[Glyph]:
    return [g for g in found if g.text == text]


def test_every_page_is_exactly_a_postcard(printed):
    _, path, pages = printed
    assert page_count(path) == len(pages) == 12
    for page in range(len(pages)):
        width, height = page_size_mm(path, page)
        assert width == pytest.approx(100.0, abs=0.01)
        assert height == pytest.approx(148.0, abs=0.01)


def test_it_places_each_postal_digit_in_the_centre_of_its_official_box(printed):
    path, page = page_of(printed, "C001")
    digits = [g for g in glyphs(path, page) if not g.vertical][:7]
    assert "".join(g.text for g in digits) == "1600023"
    for glyph, (cx, cy) in zip(digits, RECIPIENT_CENTRES, strict=True):
        x, y = glyph.centre
        assert abs(x - cx) <= 0.3 and abs(y - cy) <= 0.3, (glyph, cx, cy)


def test_the_digit_ink_is_centred_and_about_4_5_mm_tall(printed):
    path, page = page_of(printed, "C003")
    inks = [box for box in ink_boxes(path, page) if box[0].isdigit()][:7]
    assert "".join(box[0] for box in inks) == "2310023"
    for (_, left, top, right, bottom), (cx, cy) in zip(inks, RECIPIENT_CENTRES, strict=True):
        assert abs((left + right) / 2 - cx) <= 0.3
        assert abs((top + bottom) / 2 - cy) <= 0.3
        assert 4.0 <= bottom - top <= 5.0


def test_the_sender_postal_code_sits_in_the_sender_boxes(printed):
    path, page = page_of(printed, "C001")
    digits = [g for g in glyphs(path, page) if not g.vertical][7:14]
    assert "".join(g.text for g in digits) == "1500001"
    for glyph, (cx, cy) in zip(digits, SENDER_CENTRES, strict=True):
        x, y = glyph.centre
        assert abs(x - cx) <= 0.3 and abs(y - cy) <= 0.3


def test_the_name_is_the_centre_column_and_the_largest_text(printed):
    path, page = page_of(printed, "C001")
    found = glyphs(path, page)
    name = [g for g in found if g.text in "髙橋一郎" and g.size_mm > 8]
    assert [g.text for g in name] == ["髙", "橋", "一", "郎"]
    for glyph in name:
        assert glyph.centre[0] == pytest.approx(50.0, abs=0.05)
    largest = max(g.size_mm for g in found)
    assert all(g.size_mm == pytest.approx(largest) for g in name)
    honorific = find(found, "様")[0]
    assert honorific.centre[0] == pytest.approx(50.0, abs=0.05)
    assert honorific.top > name[-1].bottom  # at the bottom of the name, after a space
    assert name[2].top - name[1].bottom == pytest.approx(name[0].size_mm, abs=0.05)


def test_the_address_is_on_the_right_and_the_sender_smaller_lower_left(printed):
    path, page = page_of(printed, "C001")
    found = glyphs(path, page)
    text = "".join(g.text for g in found)
    address = found[7 : 7 + len("東京都新宿区西新宿二ー八ー一")]
    assert "".join(g.text for g in address) == "東京都新宿区西新宿二ー八ー一"
    assert all(g.centre[0] > 80 for g in address)
    assert address[0].top == pytest.approx(OFFICIAL.address.top, abs=0.01)
    name_size = max(g.size_mm for g in found)
    sender_start = text.index("1500001") + 7
    sender = found[sender_start:]
    assert "".join(g.text for g in sender) == "東京都渋谷区神宮前一ー二ー三表参道ハウス二階ささき雑貨店"
    for glyph in sender:
        assert glyph.x1 < 35 and glyph.top > 75, glyph
        assert glyph.size_mm < address[0].size_mm < name_size
    shop_name = sender[-6:]
    assert shop_name[-1].bottom == pytest.approx(OFFICIAL.sender_name.bottom, abs=0.01)
    assert shop_name[0].centre[0] < sender[0].centre[0]  # name left of the address


def test_text_reads_back_in_reading_order(printed):
    assert text_of(printed, "C001") == (
        "1600023東京都新宿区西新宿二ー八ー一髙橋一郎様"
        "1500001東京都渋谷区神宮前一ー二ー三表参道ハウス二階ささき雑貨店"
    )
    _, path, pages = printed
    extracted = PdfReader(path).pages[pages["C002"]].extract_text()
    assert "大阪府大阪市北区梅田三ー一ー一" in extracted
    assert "𠮷" in extracted  # a character beyond the BMP copies back as itself


@pytest.mark.parametrize(
    ("customer_id", "name"),
    [("C001", "髙橋"), ("C002", "𠮷田"), ("C003", "山﨑"), ("C004", "渡邉"), ("C005", "齋藤"),
     ("C006", "德永"), ("C007", "葛\U000E0100城")],
)
def test_rare_kanji_and_variation_sequences_print_exactly_as_typed(printed, customer_id, name):
    assert name in text_of(printed, customer_id)


def test_the_ivs_glyph_is_the_variant_not_the_default(printed):
    path, page = page_of(printed, "C007")
    reader = PdfReader(path)
    content = reader.pages[page].get_contents().get_data()
    assert b"Tj" in content or b"TJ" in content
    kudzu = find(glyphs(path, page), "葛\U000E0100")
    assert len(kudzu) == 1 and kudzu[0].size_mm > 8


def test_half_width_kana_building_goes_full_width_in_an_indented_column(printed):
    path, page = page_of(printed, "C002")
    found = glyphs(path, page)
    text = "".join(g.text for g in found)
    assert "グランフロント大阪タワーＡ　二五〇一号" in text
    first = find(found, "大")[0]
    building = find(found, "グ")[0]
    assert building.centre[0] == pytest.approx(OFFICIAL.address.columns[1], abs=0.01)
    assert building.top == pytest.approx(first.top + 1.5 * (first.bottom - first.top), abs=0.01)


def test_building_is_broken_off_a_single_address_field(printed):
    path, page = page_of(printed, "C003")
    found = glyphs(path, page)
    building = find(found, "ベ")[0]
    assert building.centre[0] == pytest.approx(OFFICIAL.address.columns[1], abs=0.01)
    assert "神奈川県横浜市中区山下町一〇ー三ベイサイドコート三〇五" in "".join(g.text for g in found)


def test_a_long_address_is_condensed_to_fit_and_nothing_is_dropped(printed):
    path, page = page_of(printed, "C010")
    found = glyphs(path, page)
    text = "".join(g.text for g in found)
    assert "東京都西多摩郡奥多摩町氷川一二三四ー五六七八" in text
    assert "奥多摩グリーンヒルズレジデンス東棟一二〇三号室" in text
    address = [g for g in found if g.vertical and g.centre[0] > 70]
    assert all(g.bottom <= OFFICIAL.address.bottom + 0.01 for g in address)
    heights = {round(g.bottom - g.top, 3) for g in address}
    widths = {round(g.x1 - g.x0, 3) for g in address}
    assert len(heights) == 1 and len(widths) == 1
    assert 0.7 <= heights.pop() / widths.pop() < 1.0  # 平体: condensed, not below 70%


def test_joint_names_align_given_names_and_each_get_an_honorific(printed):
    path, page = page_of(printed, "C004")
    found = [g for g in glyphs(path, page) if g.size_mm > 5.5 and g.vertical]  # the name
    firsts = [find(found, c)[0] for c in "美健翔さ"]
    lasts = [find(found, c)[0] for c in "咲一太ら"]
    assert len({round(g.top, 3) for g in firsts}) == 1
    assert len({round(g.bottom, 3) for g in lasts}) == 1  # spread to one length (さくら's)
    xs = [g.centre[0] for g in firsts]
    assert xs == sorted(xs, reverse=True)  # first person on the right
    address = [g for g in glyphs(path, page) if g.vertical and g.x0 > 80]
    assert firsts[0].size_mm >= 1.25 * address[0].size_mm  # larger: moved off-centre
    em = firsts[0].size_mm
    assert min(a - b for a, b in zip(xs, xs[1:], strict=False)) >= 1.5 * em - 1e-6
    honorifics = find(found, "様")
    assert len(honorifics) == 4
    assert len({round(g.top, 3) for g in honorifics}) == 1
    assert len(find(found, "渡")) == 1  # the family name once


def test_company_department_title_and_name(printed):
    path, page = page_of(printed, "C008")
    found = glyphs(path, page)
    text = "".join(g.text for g in found)
    assert "株式会社山田商事" in text and "営業部" in text and "部長山田太郎様" in text
    company = find(found, "株")[0]
    department = find(found, "営")[0]
    title = find(found, "長")[0]
    family = find(found, "山")[-1]
    assert company.centre[0] == pytest.approx(OFFICIAL.company.columns[0], abs=0.01)
    assert department.centre[0] == pytest.approx(OFFICIAL.company.columns[1], abs=0.01)
    assert title.centre[0] == pytest.approx(50.0, abs=0.05)
    assert title.size_mm < family.size_mm and title.bottom < family.top


def test_an_organisation_without_a_person_gets_onchu(printed):
    text = text_of(printed, "C009")
    assert "総務課御中" in text and "様" not in text
    assert "有限会社さくら書房" in text


def test_sensei_replaces_sama(printed):
    text = text_of(printed, "C005")
    assert "齋藤誠先生" in text and "様" not in text


def test_an_honorific_typed_into_the_name_is_not_doubled(printed):
    text = text_of(printed, "C016")
    assert "木村修様" in text and "様様" not in text and text.count("様") == 1


def test_template_like_text_prints_literally(printed):
    text = text_of(printed, "C012")
    assert "{{ 7*7 }}商店" in text and "49" not in text


def test_every_font_is_embedded(printed):
    _, path, _ = printed
    reader = PdfReader(path)
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/Type0"
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
            assert "/W2" in descendant and "/ToUnicode" in font
            seen += 1
    assert seen > 0
    base_fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert not any("Helvetica" in name for name in base_fonts)


def test_the_stamp_and_postmark_area_holds_nothing(printed):
    _, path, pages = printed
    for page in range(len(pages)):  # 35 mm wide, 70 mm tall at the top left (manual p13)
        for text, left, top, _right, _bottom in ink_boxes(path, page):
            assert not (left < 35 and top < 70), (page, text, left, top)
