"""料金別納 / 料金後納 marks in place of stamps, for ten cards or more."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from click.testing import CliRunner
from pdfread import glyphs

from mailmerge.cli import main

DATA = Path(__file__).parent / "data"
SENDER = '[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\naddress = "東京都渋谷区神宮前1-2-3"\n'


def test_the_mark_sits_in_the_stamp_corner_with_the_office(tmp_path):
    config = tmp_path / "hagaki.toml"
    config.write_text(SENDER + '[print]\npost_office = "渋谷"\n', encoding="utf-8")
    out = tmp_path / "cards.pdf"
    result = CliRunner().invoke(main, ["print", str(DATA / "customers.csv"), "--indicia",
                                       "kounou", "--config", str(config), "--out", str(out)])
    assert "印刷しました: 12枚" in result.output, result.output
    found = glyphs(out, 0)
    text = "".join(g.text for g in found)
    assert "渋谷局料金後納郵便" in text
    mark = [g for g in found if g.text in "渋谷局料金後納郵便" and g.x1 < 31 and g.bottom < 31]
    assert len(mark) == 9
    for glyph in mark:
        assert 6 <= glyph.x0 and glyph.x1 <= 30 and 6 <= glyph.top and glyph.bottom <= 30
    mm = 72 / 25.4
    with pdfplumber.open(out) as pdf:
        shapes = pdf.pages[0].curves + pdf.pages[0].rects
    boxes = [(s["x0"] / mm, s["top"] / mm, s["x1"] / mm, s["bottom"] / mm) for s in shapes]
    assert any(abs(x0 - 6) < 0.3 and abs(top - 6) < 0.3 and abs(x1 - 30) < 0.3
               and abs(bottom - 30) < 0.3 for x0, top, x1, bottom in boxes), boxes


def test_fewer_than_ten_cards_or_no_office_is_refused(tmp_path):
    few = tmp_path / "few.csv"
    few.write_text("顧客ID,姓,名,郵便番号,住所1\nC1,山田,太郎,160-0023,東京都新宿区西新宿2-8-1\n",
                   encoding="utf-8")
    config = tmp_path / "hagaki.toml"
    config.write_text(SENDER + '[print]\npost_office = "渋谷"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["print", str(few), "--indicia", "betsunou", "--config",
                                       str(config), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "料金別納は 10 通以上" in result.output
    result = CliRunner().invoke(main, ["print", str(DATA / "customers.csv"), "--indicia",
                                       "betsunou", "--out", str(tmp_path / "y.pdf")])
    assert result.exit_code == 1 and "post_office" in result.output
