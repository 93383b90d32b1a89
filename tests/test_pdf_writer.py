"""The PDF writer: pages, boxes, lines, images, rotation and metadata, read back by pypdf,
pdfplumber and PDFium."""

from __future__ import annotations

import pdfplumber
import pytest
from pdfread import MM, page_size_mm, render_png
from PIL import Image
from pypdf import PdfReader

from mailmerge.layout.page import Box, Line, Page, Picture
from mailmerge.render.pdf import write_pdf

BLACK, RED = (0.0, 0.0, 0.0), (1.0, 0.0, 0.0)


def card(**parts) -> Page:
    page = Page(100.0, 148.0)
    for name, items in parts.items():
        getattr(page, name).extend(items)
    return page


def test_pages_have_the_card_size_and_boxes_sit_at_their_millimetres(tmp_path):
    path = tmp_path / "boxes.pdf"
    write_pdf([card(boxes=[Box(44.0, 12.0, 5.7, 8.0, RED, 0.3),
                           Box(10.0, 130.0, 0.6, 3.6, BLACK, 0.0)])], path)
    assert page_size_mm(path) == pytest.approx((100.0, 148.0), abs=0.001)
    with pdfplumber.open(path) as pdf:
        stroked, filled = sorted(pdf.pages[0].rects, key=lambda r: r["fill"])
    assert (stroked["x0"] / MM, stroked["top"] / MM) == pytest.approx((44.0, 12.0), abs=0.002)
    assert (stroked["width"] / MM, stroked["height"] / MM) == pytest.approx((5.7, 8.0), abs=0.002)
    assert stroked["stroking_color"] == (1, 0, 0) and stroked["linewidth"] == pytest.approx(0.3 * MM, abs=0.001)
    assert (filled["x0"] / MM, filled["bottom"] / MM) == pytest.approx((10.0, 133.6), abs=0.002)


def test_a_round_box_is_drawn_as_a_circle(tmp_path):
    path = tmp_path / "circle.pdf"
    write_pdf([card(boxes=[Box(40.0, 60.0, 20.0, 20.0, BLACK, 0.0, radius_mm=10.0)])], path)
    image = render_png(path, 0, scale=4.0).convert("L")
    px_per_mm = image.size[0] / 100.0
    centre = (round(50 * px_per_mm), round(70 * px_per_mm))
    assert image.getpixel(centre) < 50
    corner = (round(41 * px_per_mm), round(61 * px_per_mm))  # inside the square, outside the circle
    assert image.getpixel(corner) > 200
    with pdfplumber.open(path) as pdf:
        shape = pdf.pages[0].curves[0]
    assert (shape["x0"] / MM, shape["top"] / MM, shape["x1"] / MM, shape["bottom"] / MM) == (
        pytest.approx((40.0, 60.0, 60.0, 80.0), abs=0.01))


def test_lines_run_between_their_ends(tmp_path):
    path = tmp_path / "line.pdf"
    write_pdf([card(lines=[Line(10.0, 20.0, 90.0, 20.0, BLACK, 0.2)])], path)
    with pdfplumber.open(path) as pdf:
        line = pdf.pages[0].lines[0]
    assert (line["x0"] / MM, line["x1"] / MM, line["top"] / MM) == pytest.approx(
        (10.0, 90.0, 20.0), abs=0.002)


def test_images_are_embedded_once_jpeg_as_it_is_and_png_with_its_transparency(tmp_path):
    photo, logo = tmp_path / "photo.jpg", tmp_path / "logo.png"
    Image.new("RGB", (120, 80), (200, 30, 30)).save(photo, quality=90)
    transparent = Image.new("RGBA", (60, 30), (0, 0, 255, 255))
    transparent.putpixel((0, 0), (0, 0, 0, 0))
    transparent.save(logo)
    path = tmp_path / "images.pdf"
    pictures = [Picture(str(photo), 5.0, 5.0, 30.0, 20.0), Picture(str(logo), 50.0, 5.0, 40.0, 20.0)]
    write_pdf([card(pictures=pictures), card(pictures=pictures)], path)
    reader = PdfReader(path)
    objects = reader.pages[0]["/Resources"]["/XObject"]
    assert reader.pages[1]["/Resources"]["/XObject"] == objects  # shared, not repeated
    jpeg, png = (objects[name].get_object() for name in sorted(objects))
    assert jpeg["/Filter"] == "/DCTDecode" and jpeg.get_data() == photo.read_bytes()
    assert (png["/Width"], png["/Height"]) == (60, 30) and "/SMask" in png
    with pdfplumber.open(path) as pdf:
        placed = sorted(pdf.pages[0].images, key=lambda i: i["x0"])
    assert [(i["x0"] / MM, i["top"] / MM, i["width"] / MM) for i in placed] == [
        pytest.approx((5.0, 5.0, 30.0), abs=0.002), pytest.approx((50.0, 5.0, 40.0), abs=0.002)]


def test_even_pages_are_turned_for_short_edge_duplex(tmp_path):
    path = tmp_path / "flip.pdf"
    write_pdf([card(), card(), card()], path, rotate_even_pages=True)
    assert [page.get("/Rotate", 0) for page in PdfReader(path).pages] == [0, 180, 0]


def test_the_title_is_kept_in_japanese_and_the_output_is_byte_identical(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for path in (first, second):
        write_pdf([card(boxes=[Box(1.0, 1.0, 5.0, 5.0, BLACK, 0.2)])], path,
                  title="hagaki: 顧客名簿.csv")
    assert PdfReader(first).metadata.title == "hagaki: 顧客名簿.csv"
    assert first.read_bytes() == second.read_bytes()


def test_page_objects_are_packed_into_object_streams(tmp_path):
    path = tmp_path / "packed.pdf"
    write_pdf([card() for _ in range(450)], path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-1.5") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /ObjStm") == 3  # 450 pages + tree + resources, 200 a stream
    assert b"/Type /Page " not in data  # no page dictionary is left in the clear
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) == 450
    assert page_size_mm(path, 449) == pytest.approx((100.0, 148.0), abs=0.001)
