"""`hagaki preview` pages a long PDF into several images of at most 48 pages each."""

from __future__ import annotations

from click.testing import CliRunner
from PIL import Image
from test_preview_limits import cards_pdf

from mailmerge.cli import main
from mailmerge.render.preview import SHEET_PAGES, contact_sheets


def test_all_pages_are_paged_into_bounded_sheets(tmp_path):
    pdf = cards_pdf(tmp_path / "run.pdf", 100)
    result = CliRunner().invoke(main, ["preview", str(pdf), "--out", str(tmp_path / "sheet.png"),
                                       "--pages", "all"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.glob("sheet*.png"))
    assert names == ["sheet-1.png", "sheet-2.png", "sheet-3.png"]
    assert "4 ページを並べました" in result.output  # 48 + 48 + 4
    sizes = []
    for name in names:
        with Image.open(tmp_path / name) as sheet:
            sizes.append(sheet.size)
    assert sizes[0] == sizes[1]
    assert max(w * h for w, h in sizes) < 8_000_000  # pixels: each image bounded (7.6 MP)


def test_one_sheet_keeps_the_name_asked_for(tmp_path):
    pdf = cards_pdf(tmp_path / "run.pdf", 10)
    written = contact_sheets(pdf, tmp_path / "sheet.png", "2-9")
    assert written == [(tmp_path / "sheet.png", 8)]
    assert SHEET_PAGES == 48


def test_every_sheet_is_checked_before_any_is_written(tmp_path):
    pdf = cards_pdf(tmp_path / "run.pdf", 60)
    (tmp_path / "sheet-2.png").write_bytes(b"keep")
    result = CliRunner().invoke(main, ["preview", str(pdf), "--out", str(tmp_path / "sheet.png"),
                                       "--pages", "all"])
    assert result.exit_code == 1
    assert not (tmp_path / "sheet-1.png").exists()
    assert (tmp_path / "sheet-2.png").read_bytes() == b"keep"
