"""Contact sheets of long PDFs: bounded memory, sheets of at most 48 pages, and one clear
error line for a file that is not a usable PDF."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from mailmerge.errors import HagakiError
from mailmerge.layout.page import Box, Page
from mailmerge.render.pdf import write_pdf
from mailmerge.render.preview import DEFAULT_PAGES, contact_sheets, parse_pages

MEMORY_BOUND_MB = 200  # measured: about 100 MB for 400 pages in 9 sheets


def cards_pdf(path: Path, count: int) -> Path:
    """`count` postcard-sized pages, each with a red block that moves along."""
    pages = []
    for number in range(count):
        page = Page(100.0, 148.0)
        page.boxes.append(Box(5.0 + number % 60, 10.0, 20.0, 30.0, (0.8, 0.0, 0.0), 0.0))
        pages.append(page)
    write_pdf(pages, path)
    return path


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return cards_pdf(tmp_path_factory.mktemp("preview") / "long.pdf", 400)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_long_pdf_is_previewed_in_bounded_memory(long_pdf, tmp_path):
    """Peak resident size of a fresh process (VmHWM: ru_maxrss would count the forked
    pytest process too)."""
    script = textwrap.dedent(f"""
        from pathlib import Path
        from mailmerge.render.preview import contact_sheets
        first = contact_sheets(Path({str(long_pdf)!r}), Path({str(tmp_path / 'a.png')!r}))
        every = contact_sheets(Path({str(long_pdf)!r}), Path({str(tmp_path / 'b.png')!r}),
                               "all")
        peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status")
                       if line.startswith("VmHWM:"))
        print(len(first), first[0][1], len(every), sum(n for _, n in every), peak_kb // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    sheets, shown, every_sheets, every_shown, peak_mb = map(int, result.stdout.split())
    assert (sheets, shown) == (1, DEFAULT_PAGES) == (1, 48)
    assert (every_sheets, every_shown) == (9, 400)  # 8 × 48 + 16
    assert peak_mb < MEMORY_BOUND_MB


def test_without_pages_the_sheet_shows_the_first_48_and_says_so(long_pdf, tmp_path):
    target = tmp_path / "sheet.png"
    assert contact_sheets(long_pdf, target) == [(target, 48)]
    with Image.open(target) as sheet:
        # 7 columns × 7 rows of 300 × 444 px pages, 20 px labels, 16 px gaps, a 40 px note
        assert sheet.size == (7 * 316 + 16, 40 + 7 * 480 + 16)
        assert sheet.getpixel((16 + 316 + 5, 40 + 16 + 5)) == (255, 255, 255)  # page 2
        assert sheet.crop((0, 0, 900, 40)).convert("L").getextrema()[0] < 100  # the note


def test_a_short_pdf_is_shown_whole_without_a_note(tmp_path):
    pdf = cards_pdf(tmp_path / "six.pdf", 6)
    target = tmp_path / "sheet.png"
    assert contact_sheets(pdf, target) == [(target, 6)]
    with Image.open(target) as sheet:
        assert sheet.size == (4 * 316 + 16, 2 * 480 + 16)


@pytest.mark.parametrize(("spec", "count", "pages"), [
    ("1-3", 10, [0, 1, 2]),
    ("2,5-6", 10, [1, 4, 5]),
    ("8-1000000000", 10, [7, 8, 9]),  # clipped to the document at once, not counted up to
    (None, 10, list(range(10))),
    (None, 1000, list(range(48))),
    ("1-200", 1000, list(range(200))),
])
def test_page_ranges(spec, count, pages):
    assert parse_pages(spec, count) == pages


@pytest.mark.parametrize(("spec", "words"), [
    ("a-b", "1-8 や 2,5-6"), ("0-3", "1 から数え"), ("5-3", "小さい番号を先に"),
    ("11-12", "10 ページしかありません"),
])
def test_wrong_page_ranges(spec, words):
    with pytest.raises(HagakiError, match=words):
        parse_pages(spec, 10)


def encrypted(path: Path, source: Path) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(path)
    return path


def missing_page_object(path: Path) -> Path:
    """A PDF whose page tree names a second page that does not exist."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R 9 0 R] /Count 2 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 283 420] >>"]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 4\n0000000000 65535 f \n"
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("make", "words"), [
    (lambda folder, pdf: (folder / "a.pdf").write_text("hello") and folder / "a.pdf",
     "PDF ではありません"),
    (lambda folder, pdf: (folder / "cut.pdf").write_bytes(pdf.read_bytes()[:600])
     and folder / "cut.pdf", "途中で切れています"),
    (lambda folder, pdf: (folder / "junk.pdf").write_bytes(b"%PDF-1.5\n" + b"junk " * 300
                                                          + b"%%EOF\n") and folder / "junk.pdf",
     "PDF として読めません"),
    (lambda folder, pdf: encrypted(folder / "locked.pdf", pdf), "パスワードで保護された"),
    (lambda folder, pdf: missing_page_object(folder / "hole.pdf"), "2 ページ目が壊れて"),
    (lambda folder, pdf: folder / "gone.pdf", "見つかりません"),
    (lambda folder, pdf: folder, "見つかりません"),
])
def test_a_pdf_that_cannot_be_previewed_is_one_clear_line(tmp_path, make, words):
    pdf = cards_pdf(tmp_path / "cards.pdf", 3)
    bad = make(tmp_path, pdf)
    target = tmp_path / "sheet.png"
    with pytest.raises(HagakiError, match=words) as raised:
        contact_sheets(bad, target)
    assert str(raised.value).startswith(f"{bad}: ") and "\n" not in str(raised.value)
    assert not target.exists()


def test_print_preview_shows_every_page_of_the_run_in_sheets_of_48(tmp_path):
    """`print --preview` of 30 two-sided cards (60 pages): two PNGs named after the run's PDF,
    48 pages and 12, each a bounded image."""
    from click.testing import CliRunner

    from mailmerge.cli import main

    rows = "".join(f"K{number:03d},山田,太郎{number},160-0023,東京都新宿区西新宿2-8-{number}\n"
                   for number in range(1, 31))
    customers = tmp_path / "customers.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\n" + rows, encoding="utf-8")
    out = tmp_path / "cards.pdf"
    result = CliRunner().invoke(main, ["print", str(customers), "--side", "both", "--no-sender",
                                       "--out", str(out), "--preview"])
    assert result.exit_code == 0, result.output
    sheets = sorted(tmp_path.glob("cards-*.png"))
    assert [path.name for path in sheets] == ["cards-1.png", "cards-2.png"]
    assert "見本画像 2 枚 → " in result.output
    with Image.open(sheets[0]) as first, Image.open(sheets[1]) as second:
        assert first.size[0] * first.size[1] < 10_000_000
        assert second.size[1] < first.size[1]  # 12 pages: fewer rows
