"""The message side as printed: columns, kinsoku, margins, heading, date and name, read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfread import glyphs
from pypdf import PdfReader

from mailmerge.config import Settings
from mailmerge.errors import ConfigError, TooLongError
from mailmerge.layout.linebreak import HANGING, NO_END, NO_START, break_paragraph
from mailmerge.layout.message_side import (
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.render.pdf import write_pdf
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
        if glyph.bottom > body_bottom + 0.01:
            assert glyph.text in HANGING


def test_a_break_before_punctuation_hangs_it_instead():
    columns = break_paragraph("あいうえおかきくけこ、さしすせそ", 10, lambda g: 1.0)
    assert columns == ["あいうえおかきくけこ、", "さしすせそ"]
    columns = break_paragraph("あいうえおかきくけ「こさしすせそ」", 10, lambda g: 1.0)
    assert not columns[0].endswith("「")
    columns = break_paragraph("あいうえおかきくけこっさしすせそ", 10, lambda g: 1.0)
    assert not columns[1].startswith("っ")


def test_heading_brush_right_and_date_and_name_lower_left(tmp_path, fonts):
    found = glyphs(printed(tmp_path, fonts, handwriting=False))
    heading = [g for g in found if "Kouzan" in g.font or "kouzan" in g.font.lower()]
    assert "".join(g.text for g in heading) == "暑中お見舞い申し上げます"
    body = [g for g in found if "Klee" in g.font]
    assert min(g.x0 for g in heading) > max(g.x1 for g in body if g.text != "ささき雑貨店")
    assert heading[0].size_mm > max(g.size_mm for g in body)
    name = [g for g in found if g.text in "ささき雑貨店" and g.x1 < 20]
    assert "".join(g.text for g in name) == "ささき雑貨店"
    assert name[-1].bottom == pytest.approx(LAYOUT.height - LAYOUT.bottom, abs=0.05)
    date = [g for g in found if g.text in "令和八年盛夏" and 15 < g.centre[0] < 30]
    assert "".join(g.text for g in date) == "令和八年盛夏"
    assert date[0].top > LAYOUT.top + 40  # in the lower part
    closing = [g for g in found if g.text in "敬具"][-2:]
    assert closing[-1].bottom == pytest.approx(LAYOUT.height - LAYOUT.bottom, abs=0.05)


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
