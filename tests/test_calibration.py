"""The calibration card (measured on the PDF) and `hagaki calibrate --measured-x/-y`, which
saves a named printer's offsets in hagaki.toml without losing the user's comments."""

from __future__ import annotations

import tomllib

import pdfplumber
import pytest
from click.testing import CliRunner
from pdfread import MM, glyphs

from mailmerge.cli import main
from mailmerge.layout.calibration import REFERENCE, offsets_from
from mailmerge.shop.settings import load_settings

CONFIG = """# うちの店の設定
[sender]
name = "ささき雑貨店"  # 差出人
postal_code = "150-0001"
address = "東京都渋谷区神宮前1-2-3"

[printers.OLD]
offset_y = 0.50  # 去年測った
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_card_has_numbered_scales_a_cross_an_arrow_and_instructions(tmp_path):
    out = tmp_path / "cal.pdf"
    assert run("calibrate", "--out", str(out)).exit_code == 0
    text = "".join(g.text for g in glyphs(out))
    assert "給紙方向" in text and "--measured-x" in text and "十字" in text
    for number in ("10", "50", "90", "130"):
        assert number in text
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        lines = [((ln["x0"] / MM, ln["top"] / MM), (ln["x1"] / MM, ln["bottom"] / MM))
                 for ln in page.lines]
        boxes = [(r["x0"] / MM, r["top"] / MM, r["x1"] / MM, r["bottom"] / MM)
                 for r in page.rects]
    top_ticks = sorted(round(a[0], 2) for a, b in lines if abs(a[0] - b[0]) < 1e-6 and a[1] < 8)
    left_ticks = sorted(round(a[1], 2) for a, b in lines if abs(a[1] - b[1]) < 1e-6 and a[0] < 8)
    assert top_ticks == [float(x) for x in range(1, 100)]  # every millimetre along the top
    assert left_ticks == [float(y) for y in range(1, 148)]  # and down the left edge
    x, y = REFERENCE
    cross = [(a, b) for a, b in lines if a[0] - 0.01 <= x <= b[0] + 0.01
             and a[1] - 0.01 <= y <= b[1] + 0.01 and max(b[0] - a[0], b[1] - a[1]) > 10]
    assert len(cross) == 2  # the reference cross at (50, 74)
    assert len(boxes) == 14
    for left, top, right, bottom in boxes:  # no scale line touches a box
        for (x0, y0), (x1, y1) in lines:
            assert x1 < left or x0 > right or y1 < top or y0 > bottom


def test_offsets_from_the_measured_cross():
    assert offsets_from(51.5, 73.0, (0.0, 0.0)) == (-1.5, 1.0)
    assert offsets_from(50.5, 74.0, (-1.5, 1.0)) == (-2.0, 1.0)


def test_calibrate_saves_a_named_printer_and_keeps_the_comments(tmp_path):
    config = tmp_path / "hagaki.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = run("calibrate", "--config", str(config), "--printer", "PX-049A",
                 "--measured-x", "51.5", "--measured-y", "73.0")
    assert result.exit_code == 0, result.output
    text = config.read_text("utf-8")
    assert text.startswith(CONFIG)  # every line the user wrote, comments included
    assert tomllib.loads(text)["printers"]["PX-049A"] == {"offset_x": -1.5, "offset_y": 1.0}
    # measured again on a card printed with those offsets: the table is updated in place
    result = run("calibrate", "--config", str(config), "--printer", "OLD",
                 "--measured-x", "50.0", "--measured-y", "74.5")
    assert result.exit_code == 0, result.output
    text = config.read_text("utf-8")
    assert "offset_y = 0.00  # 去年測った" in text and text.count("[printers.OLD]") == 1
    assert load_settings(config).printers == {"OLD": (0.0, 0.0), "PX-049A": (-1.5, 1.0)}
    assert not list(tmp_path.glob(".hagaki.toml.*"))  # no temporary left behind


def test_print_with_a_printer_uses_its_offsets(tmp_path, customers_csv):
    config = tmp_path / "hagaki.toml"
    config.write_text(CONFIG + "\n[printers.P1]\noffset_x = 2.0\noffset_y = -1.0\n",
                      encoding="utf-8")
    plain, moved = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out, extra in ((plain, []), (moved, ["--printer", "P1"])):
        result = run("print", str(customers_csv), "--config", str(config), "--out", str(out),
                     "--log", str(tmp_path / f"{out.stem}.sqlite"), *extra)
        assert result.exit_code in (0, 1), result.output
    first, second = glyphs(plain)[0], glyphs(moved)[0]
    assert (second.x0 - first.x0, second.top - first.top) == pytest.approx((2.0, -1.0), abs=0.01)
    result = CliRunner().invoke(main, ["print", str(customers_csv), "--config", str(config),
                                       "--printer", "NONE", "--out", str(tmp_path / "c.pdf")])
    assert result.exit_code == 1 and "NONE" in result.output and "P1" in result.output


def test_an_unknown_key_in_a_printer_table_is_named(tmp_path):
    config = tmp_path / "hagaki.toml"
    config.write_text("[printers.P1]\noffset_z = 1.0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["calibrate", "--config", str(config), "--out",
                                       str(tmp_path / "c.pdf")])
    assert result.exit_code == 1 and "offset_z" in result.output and "2 行目" in result.output
