"""Reading printed PDFs back, in millimetres from the card's top-left corner.

Two independent readers:
- pdfplumber (pdfminer) for the text, fonts and each glyph's em box. pdfminer boxes a
  vertical (Identity-V) glyph |descent| too high (it ignores the font's descent), so for
  vertical glyphs the box is taken from the glyph's origin in the text matrix, where the PDF
  puts the top-centre of the em box;
- PDFium (pypdfium2) for the ink: the tight box of every glyph as it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

MM = 72 / 25.4


@dataclass(frozen=True)
class Glyph:
    text: str
    font: str
    size_mm: float  # em size
    x0: float
    x1: float
    top: float
    bottom: float
    vertical: bool

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


def glyphs(path: Path, page: int = 0) -> list[Glyph]:
    """Every glyph of a page, in content-stream (drawing) order, with its em box in mm."""
    with pdfplumber.open(path) as pdf:
        sheet = pdf.pages[page]
        height = float(sheet.height)
        found = []
        for char in sheet.chars:
            a, b, c, d, e, f = char["matrix"]
            vertical = char["adv"] < 0
            size = char["size"] / MM
            if vertical:
                top = (height - f) / MM
                found.append(Glyph(char["text"], char["fontname"], size, e / MM - size / 2,
                                   e / MM + size / 2, top, top + -char["adv"] * d / MM, True))
            else:
                found.append(Glyph(char["text"], char["fontname"], size, char["x0"] / MM,
                                   char["x1"] / MM, char["top"] / MM, char["bottom"] / MM,
                                   False))
        return found


def page_size_mm(path: Path, page: int = 0) -> tuple[float, float]:
    with pdfplumber.open(path) as pdf:
        sheet = pdf.pages[page]
        return float(sheet.width) / MM, float(sheet.height) / MM


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def ink_boxes(path: Path, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of each drawn glyph's ink, per PDFium, in mm."""
    document = pdfium.PdfDocument(str(path))
    try:
        sheet = document[page]
        height = sheet.get_height()
        text_page = sheet.get_textpage()
        boxes = []
        for index in range(text_page.count_chars()):
            text = text_page.get_text_range(index, 1)
            if text.strip() == "":
                continue
            left, bottom, right, top = text_page.get_charbox(index)
            boxes.append((text, left / MM, (height - top) / MM, right / MM,
                          (height - bottom) / MM))
        return boxes
    finally:
        document.close()


def render_png(path: Path, page: int, scale: float = 2.0):
    """A PIL image of one page (greyscale), rendered by PDFium."""
    document = pdfium.PdfDocument(str(path))
    try:
        return document[page].render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
