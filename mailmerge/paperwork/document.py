"""The A4 page every paper document shares: fonts, styles, tables and writing the file.

In: Settings (for the shop's name font chain), a title and flowables. Out: the PDF bytes,
A4 portrait, the title and page number on every page, written atomically to the target.
Tables flow over pages with their header row repeated.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from mailmerge.atomic import atomic_write
from mailmerge.i18n import _, language
from mailmerge.paperwork.fonts import ChainFont
from mailmerge.shop.settings import Settings
from mailmerge.typeface.roles import FontRoles

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MIN_HEADER_PT = 5.0
HEADER_FILL = colors.HexColor("#DDE8F0")
STRIPE_FILL = colors.HexColor("#F5F8FA")
ROWS_PER_TABLE = 400  # long lists as consecutive tables: splitting one table is quadratic


_REGISTERED: dict[tuple, str] = {}  # (font names, font paths) → reportlab font name


def font_name(settings: Settings) -> str:
    """The reportlab name of the shop's name font chain (registered once per chain)."""
    key = (tuple(settings.font_chains["name"]), tuple(settings.font_paths))
    if key not in _REGISTERED:
        name = f"hagaki-name-{len(_REGISTERED) + 1}"
        pdfmetrics.registerFont(ChainFont(name, FontRoles(settings).chain("name")))
        _REGISTERED[key] = name
    return _REGISTERED[key]


class Styles:
    """The paragraph styles of one document, in its font."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22,
                                    spaceAfter=4 * mm)
        self.heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=16,
                                      spaceBefore=5 * mm, spaceAfter=2 * mm)
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13,
                                   wordWrap="CJK")
        self.note = ParagraphStyle("note", parent=self.body, textColor=colors.HexColor("#A00000"))


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (markup characters are shown as they are)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def tables(font: str, headers: Sequence[str], rows: Sequence[Sequence], widths_mm: Sequence[float],
           right: Sequence[int] = (), size: float = 8) -> list[Table]:
    """The rows as tables of plain text cells (fast for thousands of rows) that flow over
    pages with the header repeated; columns in `right` are right-aligned (numbers). Header
    cells wrap within their column (English headings are longer than Japanese ones)."""
    style = [("FONT", (0, 0), (-1, -1), font, size),
             ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
             ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_FILL]),
             ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
             ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.black),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
    widths = [w * mm for w in widths_mm]
    heading = [_header_cell(text, font, size, column in right, width)
               for column, (text, width) in enumerate(zip(headers, widths, strict=True))]
    chunks = [rows[start:start + ROWS_PER_TABLE]
              for start in range(0, len(rows), ROWS_PER_TABLE)] or [[]]
    made = []
    for chunk in chunks:
        table = Table([heading, *chunk], colWidths=widths, repeatRows=1,
                      rowHeights=[None] + [size * 1.9] * len(chunk), hAlign="LEFT")
        table.setStyle(TableStyle(style))
        made.append(table)
    return made


def _header_cell(text: str, font: str, size: float, right: bool, width: float) -> Paragraph:
    """A heading that wraps between words, set smaller when one word is wider than its
    column (never below MIN_HEADER_PT)."""
    room = width - 12  # the cell's default left and right padding
    widest = max((pdfmetrics.stringWidth(word, font, size) for word in text.split()),
                 default=0.0)
    if widest > room:
        size = max(MIN_HEADER_PT, size * room / widest)
    style = ParagraphStyle("header", fontName=font, fontSize=size, leading=size * 1.25,
                           alignment=2 if right else 0,
                           wordWrap="CJK" if language() == "ja" else None)
    return paragraph(text, style)


def pdf_bytes(flowables: list[Flowable], title: str, font: str, subject: str = "") -> bytes:
    """The flowables on A4 pages with the title and the page number at the foot."""
    buffer = io.BytesIO()

    def foot(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, MARGIN / 2, title)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN / 2,
                               _("{page} ページ", page=document.page))
        canvas.restoreState()

    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN, bottomMargin=MARGIN, title=title,
                                 subject=subject, author="hagaki", creator="hagaki",
                                 invariant=True, initialFontName=font)
    document.build(flowables, onFirstPage=foot, onLaterPages=foot)
    return buffer.getvalue()


def write_pdf(data: bytes, target: Path) -> None:
    """Write the document atomically (the old file stays whole until the new one is)."""
    with atomic_write(target) as stream:
        stream.write(data)
