"""Pages → PDF, with reportlab as the document writer and our own CID fonts for text.

In: an iterable of layout Pages. Out: a PDF file written atomically, byte-identical for the
same input (reportlab's invariant mode: fixed dates and document id).
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from mailmerge.atomic import atomic_write
from mailmerge.layout.page import GlyphRun, Page
from mailmerge.render.cid_font import EmbeddedFont
from mailmerge.render.syntax import pdf_number
from mailmerge.typeface.face import FontFace
from mailmerge.units import PT_PER_MM, mm_to_pt, page_point


class _TextCanvas(Canvas):
    """A canvas that starts pages without selecting a standard font (so no stray Helvetica)."""

    def _make_preamble(self) -> None:
        self._preamble = "1 0 0 1 0 0 cm"


class FontSet:
    """The faces one document uses, each embedded once."""

    def __init__(self) -> None:
        self._fonts: dict[FontFace, EmbeddedFont] = {}

    def get(self, face: FontFace) -> EmbeddedFont:
        font = self._fonts.get(face)
        if font is None:
            font = self._fonts[face] = EmbeddedFont(face, len(self._fonts) + 1)
        return font

    def embed(self, canvas: Canvas) -> None:
        doc = canvas._doc
        resources = doc.idToObject["BasicFonts"]
        for font in self._fonts.values():
            font.add_to(doc, resources)


class PdfBuilder:
    """A PDF being drawn page by page (layout pages can be dropped as soon as they are
    drawn); `save` embeds the font subsets and writes the file atomically."""

    def __init__(self, title: str = "hagaki", rotate_even_pages: bool = False) -> None:
        rl_config.useA85 = 0  # plain Flate streams: smaller and faster than ASCII85 on top
        self._buffer = io.BytesIO()
        self._canvas = _TextCanvas(self._buffer, invariant=1, pageCompression=1)
        self._canvas.setTitle(title)
        self._canvas.setCreator("hagaki")
        self._canvas.setProducer("hagaki")
        self._fonts = FontSet()
        self._rotate_even_pages = rotate_even_pages
        self.pages = 0

    def add(self, page: Page) -> None:
        """Draw one page; `rotate_even_pages` turns pages 2, 4 … by 180° (duplex printers
        that flip the sheet on its short edge)."""
        self._canvas.setPageRotation(180 if self._rotate_even_pages and self.pages % 2 else 0)
        draw_page(self._canvas, page, self._fonts)
        self._compress_last_page()
        self.pages += 1

    def _compress_last_page(self) -> None:
        """Deflate the page just drawn now rather than at save: reportlab would keep every
        page's text uncompressed until the end, and memory would grow with the run."""
        page = self._canvas._doc.Pages.pages[-1]
        stream = pdfdoc.PDFStream(content=zlib.compress(page.stream.encode("latin-1"), 6))
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        page.Contents = stream
        page.stream = None

    def save(self, target: Path, before_replace: Callable[[Path], None] | None = None) -> int:
        """Write the file (atomically; `before_replace` sees the finished temporary file just
        before it takes the target's place); return the number of pages."""
        self._fonts.embed(self._canvas)
        self._canvas.save()
        with atomic_write(target, before_replace) as stream:
            stream.write(self._buffer.getvalue())
        return self.pages


def write_pdf(pages: Iterable[Page], target: Path, title: str = "hagaki",
              before_replace: Callable[[Path], None] | None = None,
              rotate_even_pages: bool = False) -> int:
    """Draw every page into `target` (atomically); return the number of pages."""
    builder = PdfBuilder(title, rotate_even_pages)
    for page in pages:
        builder.add(page)
    return builder.save(target, before_replace)


def _tilted_matrix(x: float, y: float, size_pt: float, scale: float, tilt_deg: float,
                   condense: float, vertical: bool, face: FontFace, advance: int) -> str:
    """Tm for a glyph drawn at size_pt (= scale × the selected font size) and turned clockwise
    by tilt_deg about its em box's centre; (x, y) is its origin in points, `advance` its
    advance in font units (for the centre of a horizontal glyph)."""
    angle = -math.radians(tilt_deg)
    cos, sin = math.cos(angle), math.sin(angle)
    if vertical:  # the origin is the top of the em box, on its centre line
        half = size_pt * condense / 2
        origin_x, origin_y = x - sin * half, y - half + cos * half
    else:
        dx = -advance / face.units_per_em * size_pt / 2
        dy = -(face.ascender + face.descender) / 2 / face.units_per_em * size_pt
        origin_x, origin_y = x - dx + cos * dx - sin * dy, y - dy + sin * dx + cos * dy
    cos, sin = cos * scale, sin * scale
    return (f"{cos:.3f} {sin:.3f} {-sin * condense:.3f} {cos * condense:.3f} "
            f"{origin_x:.1f} {origin_y:.1f} Tm")


def draw_page(canvas: Canvas, page: Page, fonts: FontSet) -> None:
    """Draw one page: boxes and lines, then every glyph run in one text object."""
    canvas.setPageSize((mm_to_pt(page.width_mm), mm_to_pt(page.height_mm)))
    for box in page.boxes:
        x, y = page_point(box.x_mm, box.y_mm + box.height_mm, page.height_mm)
        filled = box.line_mm == 0
        if filled:
            canvas.setFillColorRGB(*box.color)
        else:
            canvas.setStrokeColorRGB(*box.color)
            canvas.setLineWidth(mm_to_pt(box.line_mm))
        size = (mm_to_pt(box.width_mm), mm_to_pt(box.height_mm))
        if box.radius_mm:
            canvas.roundRect(x, y, *size, mm_to_pt(box.radius_mm), stroke=0 if filled else 1,
                             fill=1 if filled else 0)
        else:
            canvas.rect(x, y, *size, stroke=0 if filled else 1, fill=1 if filled else 0)
    for picture in page.pictures:
        x, y = page_point(picture.x_mm, picture.y_mm + picture.height_mm, page.height_mm)
        canvas.drawImage(picture.path, x, y, mm_to_pt(picture.width_mm),
                         mm_to_pt(picture.height_mm), mask="auto")
    for line in page.lines:
        canvas.setStrokeColorRGB(*line.color)
        canvas.setLineWidth(mm_to_pt(line.line_mm))
        canvas.line(*page_point(line.x1_mm, line.y1_mm, page.height_mm),
                    *page_point(line.x2_mm, line.y2_mm, page.height_mm))
    if page.runs:
        code = ["BT"]
        current: tuple[str, float] | None = None
        for run in page.runs:
            current = _text_ops(code, run, fonts, page.height_mm, current)
        code.append("ET")
        canvas._code.append(" ".join(code))
    canvas.showPage()


def _text_ops(code: list[str], run: GlyphRun, fonts: FontSet, page_height_mm: float,
              current: tuple[str, float] | None) -> tuple[str, float]:
    """Append the operators that draw one run; return the font and size now selected."""
    font = fonts.get(run.shaped.face)
    vertical = run.mode == "vertical"
    name = font.vertical_name if vertical else font.horizontal_name
    x = run.x_mm * PT_PER_MM
    y = (page_height_mm - run.y_mm) * PT_PER_MM
    if run.variation is not None:
        return _varied_ops(code, run, font, name, x, y, current)
    selected = (name, run.size_pt)
    if selected != current:
        code.append(f"/{name} {pdf_number(run.size_pt)} Tf")
    if run.tilt_deg:
        code.append(_tilted_matrix(x, y, run.size_pt, 1.0, run.tilt_deg, run.condense,
                                   vertical, run.shaped.face, run.shaped.length_units))
    elif run.mode == "rotated":
        code.append(f"0 -{pdf_number(run.condense)} 1 0 {pdf_number(x)} {pdf_number(y)} Tm")
    else:
        code.append(f"1 0 0 {pdf_number(run.condense)} {pdf_number(x)} {pdf_number(y)} Tm")
    code.append(font.show(run.shaped, run.tracking, vertical))
    return selected


def _varied_ops(code: list[str], run: GlyphRun, font: EmbeddedFont, name: str, x: float,
                y: float, current: tuple[str, float] | None) -> tuple[str, float]:
    """Each glyph of a hand-written run on its own: moved, resized and tilted. The glyph's
    size goes into its matrix, so the font size changes only when its rounding does."""
    shaped = run.shaped
    face = shaped.face
    vertical = run.mode == "vertical"
    step_scale = run.size_pt / face.units_per_em
    offset = 0.0  # points along the run
    for glyph, advance, text, (dx, dy, scale, tilt) in zip(
            shaped.glyphs, shaped.advances, shaped.texts, run.variation,
            strict=True):
        size = run.size_pt * scale
        font_size = float(max(round(size), 1))
        if (name, font_size) != current:
            current = (name, font_size)
            code.append(f"/{name} {font_size:g} Tf")
        glyph_x = x + dx * PT_PER_MM + (0.0 if vertical else offset)
        glyph_y = y - dy * PT_PER_MM - (offset if vertical else 0.0)
        code.append(_tilted_matrix(glyph_x, glyph_y, size, size / font_size, tilt,
                                   run.condense, vertical, face, advance))
        code.append(f"[<{font.cid(glyph, text):04X}>] TJ")
        offset += advance * step_scale * (run.condense if vertical else 1.0)
    return current
