"""Pages → PDF: each page's drawing operators, the page objects, fonts and images.

In: an iterable of layout Pages. Out: a PDF file written atomically, byte-identical for the
same input (no dates; the file identifier is a digest of the content).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO, NamedTuple

from mailmerge.atomic import atomic_write
from mailmerge.layout.page import Box, GlyphRun, HandSteps, Page
from mailmerge.layout.units import PT_PER_MM, mm_to_pt, page_point
from mailmerge.render.cid_font import EmbeddedFont
from mailmerge.render.images import add_image
from mailmerge.render.pdf_file import PdfFile, text_string
from mailmerge.render.syntax import pdf_number
from mailmerge.typeface.face import FontFace

BEZIER_CIRCLE = 0.5523  # control point distance of a quarter circle, in radii


class FontSet:
    """The faces one document uses, each embedded once."""

    def __init__(self) -> None:
        self._fonts: dict[FontFace, EmbeddedFont] = {}

    def get(self, face: FontFace) -> EmbeddedFont:
        font = self._fonts.get(face)
        if font is None:
            font = self._fonts[face] = EmbeddedFont(face, len(self._fonts) + 1)
        return font

    def write_to(self, pdf: PdfFile) -> dict[str, int]:
        """Embed every font; return the object number of each resource name."""
        numbers: dict[str, int] = {}
        for font in self._fonts.values():
            numbers.update(font.write_to(pdf))
        return numbers


class PdfBuilder:
    """A PDF being drawn page by page (each page is compressed as soon as it is drawn, so
    layout pages can be dropped at once); `save` embeds the font subsets and writes the file
    atomically."""

    def __init__(self, title: str = "hagaki", rotate_even_pages: bool = False) -> None:
        self._pdf = PdfFile()
        self._page_tree = self._pdf.reserve()
        self._resources = self._pdf.reserve()  # shared by every page
        self._page_objects: list[int] = []
        self._fonts = FontSet()
        self._placed: dict[float, dict[GlyphRun, _Placed]] = {}  # page height → placed runs
        self._images: dict[str, tuple[str, int]] = {}  # path → (resource name, object)
        self._title = title
        self._rotate_even_pages = rotate_even_pages

    @property
    def pages(self) -> int:
        return len(self._page_objects)

    def add(self, page: Page) -> None:
        """Draw one page; `rotate_even_pages` turns pages 2, 4 … by 180° (duplex printers
        that flip the sheet on its short edge)."""
        placed = self._placed.get(page.height_mm)
        if placed is None:
            placed = self._placed[page.height_mm] = {}
        operators = page_operators(page, self._fonts, self._image_name, placed)
        contents = self._pdf.add_stream(operators.encode("ascii"))
        rotate = " /Rotate 180" if self._rotate_even_pages and self.pages % 2 else ""
        self._page_objects.append(self._pdf.add(
            f"<< /Type /Page /Parent {self._page_tree} 0 R /MediaBox [0 0 "
            f"{pdf_number(mm_to_pt(page.width_mm))} {pdf_number(mm_to_pt(page.height_mm))}] "
            f"/Resources {self._resources} 0 R /Contents {contents} 0 R{rotate} >>"))

    def _image_name(self, path: str) -> str:
        """The resource name of the image at `path`, embedding it the first time."""
        found = self._images.get(path)
        if found is None:
            found = self._images[path] = (f"Im{len(self._images) + 1}",
                                          add_image(self._pdf, path))
        return found[0]

    def save(self, target: Path, before_replace: Callable[[Path], None] | None = None) -> int:
        """Write the file (atomically; `before_replace` sees the finished temporary file just
        before it takes the target's place); return the number of pages."""
        with atomic_write(target, before_replace) as stream:
            self.write(stream)
        return self.pages

    def write(self, stream: BinaryIO) -> int:
        """Embed the font subsets and images and write the whole file to `stream`; return
        the number of pages."""
        pdf = self._pdf
        fonts = " ".join(f"/{name} {number} 0 R"
                         for name, number in self._fonts.write_to(pdf).items())
        images = " ".join(f"/{name} {number} 0 R" for name, number in self._images.values())
        pdf.put(self._resources, f"<< /Font << {fonts} >> /XObject << {images} >> >>")
        kids = " ".join(f"{number} 0 R" for number in self._page_objects)
        pdf.put(self._page_tree, f"<< /Type /Pages /Kids [{kids}] /Count {self.pages} >>")
        root = pdf.add(f"<< /Type /Catalog /Pages {self._page_tree} 0 R >>")
        info = pdf.add(f"<< /Title {text_string(self._title)} /Creator (hagaki) "
                       "/Producer (hagaki) >>")
        pdf.write(stream, root, info)
        return self.pages


def write_pdf(pages: Iterable[Page], target: Path, title: str = "hagaki",
              before_replace: Callable[[Path], None] | None = None,
              rotate_even_pages: bool = False) -> int:
    """Draw every page into `target` (atomically); return the number of pages."""
    builder = PdfBuilder(title, rotate_even_pages)
    for page in pages:
        builder.add(page)
    return builder.save(target, before_replace)


def page_operators(page: Page, fonts: FontSet, image_name: Callable[[str], str],
                   placed: dict[GlyphRun, _Placed]) -> str:
    """The content stream of one page: boxes, pictures and lines, then every glyph run in
    one text object. PDF's origin is the bottom left, so y is turned over here. `placed`
    keeps the operators of each run without hand-written variation drawn on a page of this
    height (the sender's block, the postal digits and most names recur on every card)."""
    height = page.height_mm
    code: list[str] = []
    for box in page.boxes:
        code.append(_box_operators(box, height))
    for picture in page.pictures:
        x, y = page_point(picture.x_mm, picture.y_mm + picture.height_mm, height)
        code.append(f"q {mm_to_pt(picture.width_mm):.3f} 0 0 {mm_to_pt(picture.height_mm):.3f} "
                    f"{x:.3f} {y:.3f} cm /{image_name(picture.path)} Do Q")
    for line in page.lines:
        (x1, y1), (x2, y2) = (page_point(line.x1_mm, line.y1_mm, height),
                              page_point(line.x2_mm, line.y2_mm, height))
        code.append(f"{_colour(line.color)} RG {mm_to_pt(line.line_mm):.3f} w "
                    f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S")
    if page.runs:
        code.append("BT")
        current: tuple[str, float] | None = None
        for run in page.runs:
            found = placed.get(run) if run.variation is None else None
            if found is None:
                if run.variation is not None:
                    current = _hand_written_ops(code, run, fonts, height, current)
                    continue
                found = placed[run] = _placed_run(run, fonts, height)
            selected, selecting, drawing = found
            code.append(drawing if selected == current else selecting)
            current = selected
        code.append("ET")
    return "\n".join(code)


@functools.lru_cache(maxsize=1024)
def _box_operators(box: Box, page_height_mm: float) -> str:
    """A stroked or (line_mm 0) filled rectangle, rounded with radius_mm. (Cached: the
    postal-code boxes and the barcode's bars stand in the same few places on every card.)"""
    x, y = page_point(box.x_mm, box.y_mm + box.height_mm, page_height_mm)
    width, height = mm_to_pt(box.width_mm), mm_to_pt(box.height_mm)
    if box.radius_mm:
        path = _rounded_rectangle(x, y, width, height, mm_to_pt(box.radius_mm))
    else:
        path = f"{x:.3f} {y:.3f} {width:.3f} {height:.3f} re"
    if box.line_mm == 0:
        return f"{_colour(box.color)} rg {path} f"
    return f"{_colour(box.color)} RG {mm_to_pt(box.line_mm):.3f} w {path} S"


def _rounded_rectangle(x: float, y: float, width: float, height: float, radius: float) -> str:
    """A closed path of four sides and four quarter-circle corners (Bézier curves)."""
    radius = min(radius, width / 2, height / 2)
    near = radius * (1 - BEZIER_CIRCLE)  # control points, measured from the corner
    right, top = x + width, y + height
    points = [
        f"{x + radius:.3f} {y:.3f} m {right - radius:.3f} {y:.3f} l",
        f"{right - near:.3f} {y:.3f} {right:.3f} {y + near:.3f} {right:.3f} {y + radius:.3f} c",
        f"{right:.3f} {top - radius:.3f} l",
        f"{right:.3f} {top - near:.3f} {right - near:.3f} {top:.3f} {right - radius:.3f} "
        f"{top:.3f} c",
        f"{x + radius:.3f} {top:.3f} l",
        f"{x + near:.3f} {top:.3f} {x:.3f} {top - near:.3f} {x:.3f} {top - radius:.3f} c",
        f"{x:.3f} {y + radius:.3f} l",
        f"{x:.3f} {y + near:.3f} {x + near:.3f} {y:.3f} {x + radius:.3f} {y:.3f} c h",
    ]
    return " ".join(points)


@functools.lru_cache(maxsize=64)
def _colour(rgb: tuple[float, float, float]) -> str:
    return " ".join(pdf_number(value) for value in rgb)


# Tm of a tilted glyph: two decimals for the turn and scale (0.5 % of a glyph, never
# visible), one for the origin ('%' formatting: the cheapest, at a hundred thousand glyphs).
TILTED_MATRIX = "%.2f %.2f %.2f %.2f %.1f %.1f Tm"


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
    return TILTED_MATRIX % (cos, sin, -sin * condense, cos * condense, origin_x, origin_y)


class _Placed(NamedTuple):
    """A run's operators: the font it selects, then with and without selecting it."""

    selected: tuple[str, float]
    selecting: str  # Tf, then the run
    drawing: str  # the run alone (its font already selected)


def _placed_run(run: GlyphRun, fonts: FontSet, page_height_mm: float) -> _Placed:
    """The operators of a run without hand-written variation: Tm and TJ (and its colour)."""
    font, name, x, y = _font_and_origin(run, fonts, page_height_mm)
    vertical = run.mode == "vertical"
    if run.tilt_deg:
        matrix = _tilted_matrix(x, y, run.size_pt, 1.0, run.tilt_deg, run.condense, vertical,
                                run.shaped.face, run.shaped.length_units)
    elif run.mode == "rotated":
        matrix = f"0 -{run.condense:.4g} 1 0 {x:.3f} {y:.3f} Tm"
    else:
        matrix = f"1 0 0 {run.condense:.4g} {x:.3f} {y:.3f} Tm"
    drawing = f"{matrix}\n{font.show(run.shaped, run.tracking, vertical)}"
    selecting = f"/{name} {pdf_number(run.size_pt)} Tf\n{drawing}"
    if run.color is None:
        return _Placed((name, run.size_pt), selecting, drawing)
    colour = _colour(run.color)
    return _Placed((name, run.size_pt), f"{colour} rg\n{selecting}\n0 g",
                   f"{colour} rg\n{drawing}\n0 g")


def _font_and_origin(run: GlyphRun, fonts: FontSet, page_height_mm: float
                     ) -> tuple[EmbeddedFont, str, float, float]:
    """The run's embedded font, the resource name of its mode (columns or across) and its
    origin in points from the page's bottom left."""
    font = fonts.get(run.shaped.face)
    name = font.vertical_name if run.mode == "vertical" else font.horizontal_name
    return font, name, run.x_mm * PT_PER_MM, (page_height_mm - run.y_mm) * PT_PER_MM


def _hand_written_ops(code: list[str], run: GlyphRun, fonts: FontSet, page_height_mm: float,
                      current: tuple[str, float] | None) -> tuple[str, float] | None:
    """Append the operators of a hand-written run (and its colour); return the font and
    size now selected."""
    font, name, x, y = _font_and_origin(run, fonts, page_height_mm)
    if run.color is None:
        return _varied_ops(code, run, font, name, x, y, current)
    code.append(f"{_colour(run.color)} rg")
    selected = _varied_ops(code, run, font, name, x, y, current)
    code.append("0 g")
    return selected


def _varied_ops(code: list[str], run: GlyphRun, font: EmbeddedFont, name: str, x: float,
                y: float, current: tuple[str, float] | None) -> tuple[str, float] | None:
    """Each glyph of a hand-written run on its own: nudged, resized and tilted as its two
    bytes pick (HandVariation). The glyph's size goes into its matrix, so the run selects
    its font size once. (This loop draws most glyphs of a card: each pick's matrix text and
    turn are worked out once per run size, see _Hand, and a column's origins are written
    from _tenths.)"""
    shaped = run.shaped
    if not shaped.advances:
        return current
    face = shaped.face
    vertical = run.mode == "vertical"
    size_pt, condense = run.size_pt, run.condense
    selected = (name, round(size_pt) or 1)
    if selected != current:
        code.append(f"/{name} {selected[1]} Tf")
    picks = run.variation.picks
    hand = _hand(size_pt, condense, vertical, face, run.variation.steps)
    turns, centring, nudges = hand.turns, hand.centring_pt, hand.nudges_pt
    step = size_pt / face.units_per_em * (condense if vertical else 1.0)
    append = code.append
    offset = 0.0  # points along the run
    if vertical:
        tenths = _tenths()
        tenths_count = len(tenths)
        for advance, shown, pick, nudge in zip(shaped.advances, font.shown_glyphs(shaped),
                                               picks[::2], picks[1::2], strict=True):
            matrix, across, down = turns[pick] or hand.turn(pick)
            origin_x = round((x + nudges[nudge] + across) * 10)
            origin_y = round((y - centring[pick >> 4] * advance - offset + down) * 10)
            if 0 <= origin_x < tenths_count and 0 <= origin_y < tenths_count:
                append(f"{matrix} {tenths[origin_x]} {tenths[origin_y]} Tm{shown}")
            else:
                append(GLYPH_AT % (matrix, origin_x / 10, origin_y / 10, shown))
            offset += advance * step
        return selected
    half_advance = -0.5 / face.units_per_em
    for advance, shown, pick, nudge in zip(shaped.advances, font.shown_glyphs(shaped),
                                           picks[::2], picks[1::2], strict=True):
        matrix, cos_less, sin, size, ddy = turns[pick] or hand.turn(pick)
        ddx = advance * half_advance * size
        append(GLYPH_AT % (
            matrix, x + centring[pick >> 4] * advance + offset + ddx * cos_less - sin * ddy,
            y - nudges[nudge] + ddy * cos_less + sin * ddx, shown))
        offset += advance * step
    return selected


GLYPH_AT = "%s %.1f %.1f Tm%s"  # a turned glyph's matrix, its origin and its Tj
TENTHS_PT = 9000  # origins up to 900 pt (A4 is 842 pt tall) are written from a table


@functools.cache
def _tenths() -> list[str]:
    """'0.0', '0.1' … '899.9': a glyph origin in tenths of a point, as it is written."""
    return [f"{whole}.{tenth}" for whole in range(TENTHS_PT // 10) for tenth in range(10)]


class _Hand:
    """Hand-written glyphs of one run size in points: each pick's turn (filled as met, see
    turn), each size step's centring move per font unit of advance and each nudge."""

    def __init__(self, size_pt: float, condense: float, vertical: bool, face: FontFace,
                 steps: HandSteps) -> None:
        self.size_pt, self.condense, self.vertical, self.face = size_pt, condense, vertical, face
        self.steps = steps
        self.turns: list[tuple | None] = [None] * 256
        self.centring_pt = [move * PT_PER_MM for move in steps.centring_mm]
        self.nudges_pt = [nudge * PT_PER_MM for nudge in steps.nudges_mm]

    def turn(self, pick: int) -> tuple:
        """The glyph of this pick (its size factor and tilt) turned clockwise about its em
        box's centre, drawn with the run's font size (size_pt rounded): the matrix's first
        four numbers and what moves its origin. Vertical: (matrix, across, down), points
        added to the origin. Horizontal: (matrix, cos − 1, sin, the glyph's size in points,
        the em box's centre above the baseline in points)."""
        scale, tilt_deg = self.steps.scales[pick >> 4], self.steps.tilts[pick & 15]
        size = self.size_pt * scale
        factor = size / (round(self.size_pt) or 1)
        angle = -math.radians(tilt_deg)
        cos, sin = math.cos(angle), math.sin(angle)
        condense = self.condense
        matrix = " ".join(_short(f"{value:.2f}") for value in (
            cos * factor, sin * factor, -sin * factor * condense, cos * factor * condense))
        if self.vertical:
            half = size * condense / 2
            turn = (matrix, -sin * half, cos * half - half)
        else:
            face = self.face
            middle = -(face.ascender + face.descender) / 2 / face.units_per_em
            turn = (matrix, cos - 1, sin, size, middle * size)
        self.turns[pick] = turn
        return turn


def _short(number: str) -> str:
    """A written number without its leading zero ('0.97' → '.97', '-0.01' → '-.01'): a
    hand-written glyph's matrix is most of a card's bytes."""
    if number.startswith("0."):
        return number[1:]
    if number.startswith("-0."):
        return "-" + number[2:]
    return number


@functools.lru_cache(maxsize=64)
def _hand(size_pt: float, condense: float, vertical: bool, face: FontFace,
          steps: HandSteps) -> _Hand:
    return _Hand(size_pt, condense, vertical, face, steps)
