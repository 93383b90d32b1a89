"""The A4 page every paper document shares: fonts, styles, tables and writing the file.

In: Settings (for the shop's name font chain), a title and flowables. Out: the PDF bytes,
A4 portrait, the title and page number on every page, written atomically to the target.
Tables flow over pages with their header row repeated.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from mailmerge.atomic import atomic_write
from mailmerge.i18n import _
from mailmerge.paperwork.fonts import ChainFont
from mailmerge.shop.settings import Settings
from mailmerge.typeface.roles import FontRoles

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MIN_HEADER_PT = 5.0
HEADER_FILL = colors.HexColor("#DDE8F0")
STRIPE_FILL = colors.HexColor("#F5F8FA")
PADDING = 12  # a cell's default left and right padding, together
ROWS_PER_TABLE = 400  # long lists as consecutive tables: splitting one table is quadratic


_BREAKS = re.compile(r"(?<=\s)|(?=[（(［\[])")
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
    return Paragraph(_escaped(text), style)


def tables(font: str, headers: Sequence[str], rows: Sequence[Sequence], widths_mm: Sequence[float],
           right: Sequence[int] = (), size: float = 8) -> list[Table]:
    """The rows as tables of text cells that flow over pages with the header repeated;
    columns in `right` are right-aligned (numbers). A column is widened to its heading's
    widest word (within the text width); a cell too wide for its column wraps within it, or
    is set smaller when it is a number: nothing is drawn over the next column."""
    style = [("FONT", (0, 0), (-1, -1), font, size),
             ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
             ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_FILL]),
             ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
             ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.black),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
    widths = _fit_widths([w * mm for w in widths_mm],
                        [_widest_word(text, font, size) + PADDING for text in headers])
    heading = [_header_cell(text, font, size, column in right, width)
               for column, (text, width) in enumerate(zip(headers, widths, strict=True))]
    cells = [[_cell(str(text), font, size, width, column in right)
              for column, (text, width) in enumerate(zip(row, widths, strict=True))]
             for row in rows]
    chunks = [cells[start:start + ROWS_PER_TABLE]
              for start in range(0, len(cells), ROWS_PER_TABLE)] or [[]]
    made = []
    for chunk in chunks:
        heights = [None if any(isinstance(cell, Paragraph) for cell in row) else size * 1.9
                   for row in chunk]
        table = Table([heading, *chunk], colWidths=widths, repeatRows=1,
                      rowHeights=[None, *heights], hAlign="LEFT")
        table.setStyle(TableStyle(style))
        made.append(table)
    return made


def _fit_widths(widths: list[float], needs: list[float]) -> list[float]:
    """Each column at least its need, the table no wider than the text width (or than it was
    asked to be): what a column needs more is taken from the columns with room to spare, and
    when no column has enough, every column gets its share of the width."""
    limit = max(sum(widths), TEXT_WIDTH)
    fitted = [max(width, need) for width, need in zip(widths, needs, strict=True)]
    over = sum(fitted) - limit
    if over <= 0:
        return fitted
    spare = [width - need for width, need in zip(fitted, needs, strict=True)]
    if sum(spare) >= over:
        return [width - room * over / sum(spare) for width, room in zip(fitted, spare,
                                                                          strict=True)]
    return [need * limit / sum(needs) for need in needs]


def _words(text: str) -> list[str]:
    """The pieces a heading may break between: at spaces and before an opening bracket
    (購入合計（円） breaks only before （)."""
    return [piece for piece in _BREAKS.split(text) if piece.strip()]


def _widest_word(text: str, font: str, size: float) -> float:
    return max((pdfmetrics.stringWidth(word.strip(), font, size) for word in _words(text)),
               default=0.0)


def _header_cell(text: str, font: str, size: float, right: bool, width: float) -> Paragraph:
    """A heading set in lines of whole words, smaller when one word is wider than its column
    (never below MIN_HEADER_PT)."""
    room = width - PADDING
    widest = _widest_word(text, font, size)
    if widest > room:
        size = max(MIN_HEADER_PT, size * room / widest)
    lines: list[str] = []
    for word in _words(text):
        joined = (lines[-1] + word) if lines else word
        if lines and pdfmetrics.stringWidth(joined.strip(), font, size) <= room:
            lines[-1] = joined
        else:
            lines.append(word)
    return Paragraph("<br/>".join(_escaped(line.strip()) for line in lines),
                     _style(font, size, right, wrap=False))


def _cell(text: str, font: str, size: float, width: float, right: bool) -> str | Paragraph:
    """The text as it is when it fits its column; else a paragraph that wraps within the
    column, or for a number (right-aligned) one line set smaller."""
    room = width - PADDING
    if len(text) * size <= room:  # no glyph is wider than its em: it fits
        return text
    drawn = pdfmetrics.stringWidth(text, font, size)
    if drawn <= room:
        return text
    if right:
        return Paragraph(_escaped(text), _style(font, size * room / drawn, right, wrap=False))
    return Paragraph(_escaped(text), _style(font, size, right, wrap=True))


@functools.lru_cache(maxsize=256)
def _style(font: str, size: float, right: bool, wrap: bool) -> ParagraphStyle:
    """A cell's paragraph style; `wrap` breaks lines between any two characters (CJK)."""
    return ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.25,
                          alignment=2 if right else 0, wordWrap="CJK" if wrap else None)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
