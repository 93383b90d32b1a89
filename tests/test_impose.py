"""--impose a4: private cards (郵便はがき and red boxes on every profile) with crop marks
along the cuts inside the area a printer can print, measured on the PDF (that no mark falls
on a card: test_paper_layout.py)."""

from __future__ import annotations

import pdfplumber
import pytest
from pdfread import MM, glyphs, page_size_mm
from tests_data import SENDER_TOML

from mailmerge.layout.impose import crop_marks, load_sheet
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.shop.settings import load_settings

RED = (0.902, 0.243, 0.133)


@pytest.mark.parametrize("profile", ["official", "nenga", "plain"])
def test_imposed_cards_are_private_cards_with_printable_crop_marks(tmp_path, customers_csv,
                                                                   profile):
    config = tmp_path / "hagaki.toml"
    config.write_text(SENDER_TOML, encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    print_cards(customers_csv, out, load_settings(config), RunOptions(
        layout=profile, impose="a4", sort="id", log=tmp_path / "log.sqlite"))
    assert page_size_mm(out) == pytest.approx((210.0, 297.0), abs=0.01)
    text = "".join(g.text for g in glyphs(out, 0))
    assert text.count("郵便はがき") == 4  # a privately made card must say so
    sheet = load_sheet("a4")
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        red = [r for r in page.rects if r["stroke"] and tuple(
            round(c, 3) for c in r["stroking_color"]) == RED]
        assert len(red) == 4 * 14  # 7 recipient + 7 sender boxes per card
        marks = [line for line in page.lines if line["stroking_color"] in ((0,), [0], (0, 0, 0))]
    assert len(marks) == len(crop_marks(sheet))
    margin = sheet.printable_margin
    for mark in marks:
        x0, x1 = mark["x0"] / MM, mark["x1"] / MM
        top, bottom = mark["top"] / MM, mark["bottom"] / MM
        assert x0 >= margin - 0.01 and x1 <= sheet.width - margin + 0.01  # never in the
        assert top >= margin - 0.01 and bottom <= sheet.height - margin + 0.01  # blank border
        on_a_cut = (any(abs(x0 - x) < 0.01 and abs(x1 - x) < 0.01 for x in sheet.cuts_x)
                    or any(abs(top - y) < 0.01 and abs(bottom - y) < 0.01
                           for y in sheet.cuts_y))
        assert on_a_cut
        assert max(x1 - x0, bottom - top) <= sheet.mark_length + 0.01
