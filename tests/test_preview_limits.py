"""Contact sheets of long PDFs: bounded memory, capped page counts with a clear message, and
one clear error line for a file that is not a usable PDF."""

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
from mailmerge.render.preview import (
    DEFAULT_PAGES,
    MAX_PAGES,
    contact_sheet,
    parse_pages,
)

MEMORY_BOUND_MB = 200  # measured: about 100 MB for a 200-page sheet


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
        from mailmerge.render.preview import contact_sheet
        first = contact_sheet(Path({str(long_pdf)!r}), Path({str(tmp_path / 'a.png')!r}))
        most = contact_sheet(Path({str(long_pdf)!r}), Path({str(tmp_path / 'b.png')!r}),
                             "1-200")
        peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status")
                       if line.startswith("VmHWM:"))
        print(first, most, peak_kb // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    first, most, peak_mb = map(int, result.stdout.split())
    assert (first, most) == (DEFAULT_PAGES, MAX_PAGES) == (48, 200)
    assert peak_mb < MEMORY_BOUND_MB


def test_without_pages_the_sheet_shows_the_first_48_and_says_so(long_pdf, tmp_path):
    target = tmp_path / "sheet.png"
    assert contact_sheet(long_pdf, target) == 48
    with Image.open(target) as sheet:
        # 7 columns × 7 rows of 300 × 444 px pages, 20 px labels, 16 px gaps, a 40 px note
        assert sheet.size == (7 * 316 + 16, 40 + 7 * 480 + 16)
        assert sheet.getpixel((16 + 316 + 5, 40 + 16 + 5)) == (255, 255, 255)  # page 2
        assert sheet.crop((0, 0, 900, 40)).convert("L").getextrema()[0] < 100  # the note


def test_a_short_pdf_is_shown_whole_without_a_note(tmp_path):
    pdf = cards_pdf(tmp_path / "six.pdf", 6)
    target = tmp_path / "sheet.png"
    assert contact_sheet(pdf, target) == 6
    with Image.open(target) as sheet:
        assert sheet.size == (4 * 316 + 16, 2 * 480 + 16)


def test_more_than_200_pages_is_refused_with_what_to_do(long_pdf, tmp_path):
    target = tmp_path / "sheet.png"
    with pytest.raises(HagakiError, match="200 ページまで") as raised:
        contact_sheet(long_pdf, target, "1-150,200-260")
    assert "--pages 1-200" in str(raised.value)
    assert not target.exists()


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
    ("11-12", "10 ページしかありません"), ("1-201", "200 ページまで"),
])
def test_wrong_page_ranges(spec, words):
    with pytest.raises(HagakiError, match=words):
        parse_pages(spec, 10 if spec != "1-201" else 1000)


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
        contact_sheet(bad, target)
    assert str(raised.value).startswith(f"{bad}: ") and "\n" not in str(raised.value)
    assert not target.exists()
