"""The message side as printed: columns, kinsoku, margins, heading, date and name, read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfread import glyphs, ink_boxes
from pypdf import PdfReader

from mailmerge.errors import ConfigError, TooLongError
from mailmerge.layout.linebreak import HANGING, NO_END, NO_START, break_paragraph
from mailmerge.layout.message_side import (
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.layout.units import pt_to_mm
from mailmerge.render.pdf import write_pdf
from mailmerge.shop.settings import Settings
from mailmerge.templates.engine import Message
from mailmerge.typeface.roles import FontRoles

LAYOUT = load_message_layout()
BODY = ("　先日は湯呑みと急須をお買い求めいただき、誠にありがとうございました。お使い心地は"
        "いかがでしょうか。「気になる点」がございましたら、どうぞお気軽にお申し付けください。"
        "スタッフ一同、心よりお待ちしております。ちょっとしたことでも、ぜひ。")
MESSAGE = Message("test.j2", "暑中お見舞い申し上げます", (BODY, "　暑さ厳しき折、どうぞご自愛ください。"),
                  "敬具", "令和八年　盛夏", "ささき雑貨店")


@pytest.fixture(scope="module")
def fonts():
    roles = FontRoles(Settings())
    return MessageFonts(roles.chain("message"), roles.chain("heading"))


def printed(tmp_path: Path, fonts, message=MESSAGE, **options) -> Path:
    page = message_side(message, "C001", fonts, LAYOUT, MessageOptions(**options))
    path = tmp_path / "message.pdf"
    write_pdf([page], path)
    return path


def columns_of(found, font_part: str):
    """Body glyphs grouped into columns, right to left, each top to bottom."""
    body = [g for g in found if font_part in g.font and g.vertical]
    xs = sorted({round(g.centre[0], 1) for g in body}, reverse=True)
    return [sorted((g for g in body if round(g.centre[0], 1) == x), key=lambda g: g.top)
            for x in xs]


def test_kinsoku_holds_in_every_column(tmp_path, fonts):
    found = glyphs(printed(tmp_path, fonts, handwriting=False))
    columns = columns_of(found, "Klee")
    body_columns = [c for c in columns if c[0].centre[0] > 30]
    assert len(body_columns) >= 5
    for column in body_columns:
        assert column[0].text not in NO_START - {"「"}, "".join(g.text for g in column)
        assert column[-1].text not in NO_END
    text = "".join(g.text for c in body_columns for g in c)
    assert BODY.replace("　", "") in text.replace("　", "")


def test_punctuation_may_hang_below_the_column_but_stays_off_the_edge(tmp_path, fonts):
    found = glyphs(printed(tmp_path, fonts, handwriting=False))
    body_bottom = LAYOUT.height - LAYOUT.bottom
    for glyph in found:
        assert glyph.top >= 6.0 and glyph.bottom <= LAYOUT.height - 6.0, glyph
        assert glyph.x0 >= 4.0 and glyph.x1 <= LAYOUT.width - 4.0, glyph
        if glyph.bottom > body_bottom + 0.05:  # squeezed advances round to font units
            assert glyph.text in HANGING


def test_a_break_before_punctuation_hangs_it_instead():
    columns = break_paragraph("あいうえおかきくけこ、さしすせそ", 10, lambda g: 1.0)
    assert columns == ["あいうえおかきくけこ、", "さしすせそ"]
    columns = break_paragraph("あいうえおかきくけ「こさしすせそ」", 10, lambda g: 1.0)
    assert not columns[0].endswith("「")
    columns = break_paragraph("あいうえおかきくけこっさしすせそ", 10, lambda g: 1.0)
    assert not columns[1].startswith("っ")


def test_heading_right_then_body_then_date_and_name_one_column_each(tmp_path, fonts):
    found = glyphs(printed(tmp_path, fonts, handwriting=False))
    heading = [g for g in found if "Kouzan" in g.font or "kouzan" in g.font.lower()]
    assert "".join(g.text for g in heading) == "暑中お見舞い申し上げます"
    body = [g for g in found if "Klee" in g.font and g.text not in "ささき雑貨店令和八年　盛夏"]
    assert min(g.x0 for g in heading) > max(g.x1 for g in body)
    assert heading[0].size_mm > max(g.size_mm for g in body)
    columns = sorted({round(g.centre[0], 2) for g in body}, reverse=True)
    em = body[0].size_mm
    pitch = columns[0] - columns[1]
    assert pitch == pytest.approx(em * LAYOUT.pitch_em, abs=0.01)
    block_top = min(g.top for g in found)
    block_bottom = max(g.bottom for g in body if g.text not in HANGING)
    date = [g for g in found if g.text in "令和八年盛夏" and g.centre[0] < columns[-1] - 1]
    assert "".join(g.text for g in date) == "令和八年盛夏"
    assert date[0].centre[0] == pytest.approx(columns[-1] - pitch, abs=0.01)  # the next column
    assert date[0].top == pytest.approx(block_top + LAYOUT.date_drop_em * em, abs=0.01)
    assert date[0].size_mm == pytest.approx(em * LAYOUT.date_size_pt / LAYOUT.body_size_pt,
                                            abs=0.01)
    name = [g for g in found if g.text in "ささき雑貨店" and g.centre[0] < date[0].x0]
    assert "".join(g.text for g in name) == "ささき雑貨店"
    assert name[0].centre[0] == pytest.approx(date[0].centre[0] - pitch, abs=0.01)
    assert name[-1].bottom == pytest.approx(block_bottom, abs=0.05)  # at the foot
    closing = [g for g in found if g.text in "敬具"][-2:]
    assert closing[-1].bottom == pytest.approx(block_bottom, abs=0.05)


def margins(path: Path) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) blank around the ink of the block in mm, as it is seen (a
    hanging 、。 counted)."""
    boxes = ink_boxes(path)
    return (min(b[1] for b in boxes), LAYOUT.width - max(b[3] for b in boxes),
            min(b[2] for b in boxes), LAYOUT.height - max(b[4] for b in boxes))


def test_the_block_is_centred_on_the_card(tmp_path, fonts):
    left, right, top, bottom = margins(printed(tmp_path, fonts, handwriting=False))
    assert left == pytest.approx(right, abs=0.25)  # PDFium's ink boxes are a little
    assert top == pytest.approx(bottom, abs=0.25)  # looser than the font's outlines
    assert LAYOUT.left <= left <= LAYOUT.left + 8  # the block fills the card: at most
    assert top >= LAYOUT.top - 3  # one size step of blank on the sides; a hanging 、。
    # takes half its ink from the top margin


SHORT = Message("short.j2", "暑中お見舞い申し上げます", ("　暑さ厳しき折、どうぞご自愛ください。",),
                "", "令和八年　盛夏", "ささき雑貨店")


def test_a_short_greeting_is_set_large_and_a_long_message_smaller(tmp_path, fonts):
    short_pdf = printed(tmp_path, fonts, SHORT, handwriting=False)
    size = max(g.size_mm for g in glyphs(short_pdf) if "Klee" in g.font)
    assert size == pytest.approx(pt_to_mm(LAYOUT.max_size_pt))  # 18 pt
    left, right, top, bottom = margins(short_pdf)
    assert left == pytest.approx(right, abs=0.25) and top == pytest.approx(bottom, abs=0.25)
    long = glyphs(printed(tmp_path, fonts, handwriting=False))
    sizes = {round(g.size_mm / pt_to_mm(1), 1) for g in long if "Klee" in g.font}
    body_pt = max(sizes)
    assert LAYOUT.min_size_pt <= body_pt < LAYOUT.max_size_pt


def test_a_line_break_in_the_template_starts_a_column(tmp_path, fonts):
    message = Message("lines.j2", "", ("髙橋様\n　いつもありがとうございます。",), "", "", "店")
    page = message_side(message, "C001", fonts, LAYOUT, MessageOptions(handwriting=False))
    columns = {}
    for run in page.runs:
        columns.setdefault(round(run.x_mm, 2), []).append("".join(run.shaped.texts))
    assert ["".join(texts) for texts in columns.values()] == [
        "髙橋様", "　いつもありがとうございます。", "店"]


def test_numbers_are_kanji_units_upright_and_latin_words_sideways(tmp_path, fonts):
    message = Message("sale.j2", "", ("　3,000円以上のお買い上げで10%OFFです。",), "", "", "店")
    found = glyphs(printed(tmp_path, fonts, message, handwriting=False))
    text = "".join(g.text for g in found)
    assert "三千円以上のお買い上げで十％OFFです。" in text
    latin = [g for g in found if g.text in "OFF"]
    assert [g.text for g in latin] == ["O", "F", "F"] and not any(g.vertical for g in latin)
    percent = next(g for g in found if g.text == "％")
    assert percent.vertical  # upright, in the column
    arabic = message_side(message, "C001", fonts, LAYOUT,
                          MessageOptions(handwriting=False, numerals="arabic"))
    runs = [("".join(run.shaped.texts), run.mode) for run in arabic.runs]
    assert ("10", "horizontal") in runs  # 縦中横
    assert ("3,000", "rotated") in runs  # a longer number lies sideways as one run


def test_a_name_with_a_fallback_glyph_is_set_whole_in_the_fallback_font(tmp_path, fonts):
    message = Message("name.j2", "", ("葛\U000E0100城様にはお変わりなく",), "", "", "店")
    found = glyphs(printed(tmp_path, fonts, message, handwriting=False))
    used = [(g.text, g.font.split("+")[-1]) for g in found if g.text.strip()]
    assert used[:5] == [("葛\U000E0100", "BIZUDMincho-Regular"), ("城", "BIZUDMincho-Regular"),
                        ("様", "BIZUDMincho-Regular"), ("に", "KleeOne-Regular"),
                        ("は", "KleeOne-Regular")]


def test_horizontal_cards_are_centred_top_to_bottom(tmp_path, fonts):
    found = glyphs(printed(tmp_path, fonts, handwriting=False, horizontal=True))
    top = min(g.top for g in found)
    bottom = LAYOUT.height - max(g.bottom for g in found)
    assert top == pytest.approx(bottom, abs=1.0)  # em boxes of mixed sizes: within 1 mm
    short = glyphs(printed(tmp_path, fonts, SHORT, handwriting=False, horizontal=True))
    top = min(g.top for g in short)
    assert top == pytest.approx(LAYOUT.height - max(g.bottom for g in short), abs=1.0)
    assert top > 30  # a short card is not set at the top with 45 mm blank below


def test_handwriting_varies_each_character_the_same_way_every_time(tmp_path, fonts):
    first = printed(tmp_path, fonts).read_bytes()
    assert printed(tmp_path, fonts).read_bytes() == first
    path = printed(tmp_path, fonts)
    found = [g for g in glyphs(path) if "Klee" in g.font and g.centre[0] > 60]
    sizes = sorted(g.size_mm for g in found)
    assert len(set(sizes)) > 10  # sizes vary a little, around the body size
    median = sizes[len(sizes) // 2]
    assert all(abs(size / median - 1) <= 2 * LAYOUT.variation_size + 0.001 for size in sizes)
    content = PdfReader(path).pages[0].get_contents().get_data().decode("latin-1")
    tilted = [line for line in content.split(" Tm")[:-1]
              if line.split()[-5] not in ("0", "-0")]
    assert tilted  # some characters are turned a degree or two
    plain = printed(tmp_path, fonts, handwriting=False)
    assert "Tm" in PdfReader(plain).pages[0].get_contents().get_data().decode("latin-1")
    xs = {round(g.centre[0], 3) for g in columns_of(glyphs(plain), "Klee")[1]}
    assert len(xs) == 1  # without handwriting a column is perfectly straight


def test_each_hand_written_glyph_stays_within_the_layouts_ranges(fonts):
    page = message_side(MESSAGE, "C001", fonts, LAYOUT, MessageOptions())
    varied = [run for run in page.runs if run.variation is not None]
    assert len(varied) >= 5
    found = [glyph for run in varied
             for glyph in run.variation.glyphs(run.shaped.advances, run.mode == "vertical")]
    assert len(found) == sum(len(run.shaped.advances) for run in varied)
    nudges = [dx for dx, _dy, _scale, _tilt in found]  # across the column
    assert max(map(abs, nudges)) <= LAYOUT.variation_offset_mm + 1e-9
    assert min(nudges) < -LAYOUT.variation_offset_mm / 2 < LAYOUT.variation_offset_mm / 2 < max(
        nudges)  # both ways
    assert all(abs(scale - 1) <= LAYOUT.variation_size + 1e-9 for *_, scale, _tilt in found)
    tilts = {tilt for *_, tilt in found}
    assert len(tilts) == 16 and max(map(abs, tilts)) == pytest.approx(LAYOUT.variation_tilt_deg)


def test_horizontal_layout_runs_left_to_right(tmp_path, fonts):
    found = glyphs(printed(tmp_path, fonts, handwriting=False, horizontal=True))
    assert not any(g.vertical for g in found)
    body = [g for g in found if "Klee" in g.font and g.top < 60]
    first_line = [g for g in body if abs(g.top - body[0].top) < 0.01]
    assert [g.x0 for g in first_line] == sorted(g.x0 for g in first_line)


def test_an_image_is_placed_top_left(tmp_path, fonts):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 100), "red").save(logo)
    path = printed(tmp_path, fonts, image=logo)
    page = PdfReader(path).pages[0]
    assert "/XObject" in page["/Resources"]
    images = page.images
    assert len(images) == 1 and images[0].image.size == (200, 100)


def test_an_image_that_changes_is_measured_again(tmp_path, fonts):
    import os

    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 100), "red").save(logo)
    first = message_side(MESSAGE, "C001", fonts, LAYOUT, MessageOptions(image=logo))
    Image.new("RGB", (100, 100), "red").save(logo)
    os.utime(logo, ns=(1, 1))  # a different modification time, however fast the disk
    second = message_side(MESSAGE, "C001", fonts, LAYOUT, MessageOptions(image=logo))
    (wide,), (square,) = first.pictures, second.pictures
    assert wide.width_mm / wide.height_mm == pytest.approx(2.0)
    assert square.width_mm / square.height_mm == pytest.approx(1.0)


@pytest.mark.parametrize(("name", "content", "error", "text"), [
    ("gone.png", None, ConfigError, "見つかりません"),
    ("notes.png", b"not an image", ConfigError, "画像として読めません"),
    ("anim.gif", "GIF", ConfigError, "GIF 形式の画像は使えません"),
])
def test_an_unusable_image_is_refused_with_its_path(tmp_path, fonts, name, content, error,
                                                     text):
    from PIL import Image

    path = tmp_path / name
    if content == "GIF":
        Image.new("RGB", (10, 10), "red").save(path, format="GIF")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=text) as raised:
        message_side(MESSAGE, "C001", fonts, LAYOUT, MessageOptions(image=path))
    assert name in str(raised.value)


def test_a_message_too_long_for_the_card_is_refused(fonts):
    long_message = Message("long.j2", "", ("あ" * 2000,), "", "", "")
    with pytest.raises(TooLongError):
        message_side(long_message, "C001", fonts, LAYOUT, MessageOptions())
