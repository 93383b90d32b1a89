"""The message side (通信面): a card's words set by hand-written rules, vertical or horizontal.

In: a Message (heading, paragraphs, closing, date line, signature), a seed (the customer id:
the same card always comes out the same), the message and heading font chains, the
MessageLayout (layouts/message.toml) and MessageOptions. Out: a Page.

Vertical (the default): the heading in a brush font in the right-most column, the body in
columns right to left with kinsoku and phrase-aware breaks, 敬具 at the foot of the last
column, the date and the shop's name in the lower left. Horizontal: the same top to bottom.
Text that cannot fit even at the smallest size refuses the card (too-long).
"""

from __future__ import annotations

import functools
import math
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mailmerge.errors import ConfigError, TooLongError
from mailmerge.layout.columns import measure_column, place_column
from mailmerge.layout.linebreak import break_paragraph
from mailmerge.layout.page import GlyphRun, Page, Picture
from mailmerge.layout.vertical_text import to_fullwidth
from mailmerge.package_files import package_file
from mailmerge.sources.images import check_image
from mailmerge.templates.engine import Message
from mailmerge.typeface.chain import FontChain, graphemes
from mailmerge.typeface.shaping import shape
from mailmerge.units import mm_to_pt, pt_to_mm

SIZE_STEP_PT = 0.5
MIN_EDGE_MM = 6.0  # nothing closer to the top or bottom edge (hanging 、。 included)
DATE_START = 0.45  # the date column starts this far down the column height


@dataclass(frozen=True)
class MessageLayout:
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    body_size_pt: float
    min_size_pt: float
    pitch_em: float
    heading_size_pt: float
    heading_max_size_pt: float
    heading_gap_em: float
    date_size_pt: float
    name_size_pt: float
    signature_gap_em: float
    image_max_width: float
    image_max_height: float
    variation_offset_mm: float
    variation_size: float
    variation_tilt_deg: float


@dataclass(frozen=True)
class MessageFonts:
    message: FontChain
    heading: FontChain


@dataclass(frozen=True)
class MessageOptions:
    horizontal: bool = False
    handwriting: bool = True  # small per-character variation
    image: Path | None = None

    def __post_init__(self) -> None:
        """The image is checked here, once per run: a bad --image stops the run before any
        card is laid out, written or logged."""
        if self.image is not None:
            _image_size(self.image)


def load_message_layout(path: Path | None = None) -> MessageLayout:
    """The bundled layouts/message.toml, or a user's file of the same shape."""
    try:
        if path is None:
            text = package_file("layouts", "message.toml").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        data = tomllib.loads(text)
        margins, body, heading = data["margins"], data["body"], data["heading"]
        signature, image, variation = data["signature"], data["image"], data["variation"]
        return MessageLayout(
            float(data["card"]["width"]), float(data["card"]["height"]),
            float(margins["top"]), float(margins["bottom"]), float(margins["left"]),
            float(margins["right"]), float(body["size_pt"]), float(body["min_size_pt"]),
            float(body["pitch_em"]), float(heading["size_pt"]), float(heading["max_size_pt"]),
            float(heading["gap_em"]), float(signature["date_size_pt"]),
            float(signature["name_size_pt"]), float(signature["gap_em"]),
            float(image["max_width"]), float(image["max_height"]),
            float(variation["offset_mm"]), float(variation["size"]),
            float(variation["tilt_deg"]))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"message layout {path or 'message.toml'}: {exc}") from exc


def message_side(message: Message, seed: str, fonts: MessageFonts, layout: MessageLayout,
                 options: MessageOptions = MessageOptions()) -> Page:
    """Lay out one message side."""
    page = Page(layout.width, layout.height)
    picture = _picture(options.image, layout) if options.image else None
    if picture is not None:
        page.pictures.append(picture)
    if options.horizontal:
        runs = _horizontal(message, fonts, layout, picture)
    else:
        runs = _vertical(message, fonts, layout, picture)
    if options.handwriting:  # the brush heading has a hand of its own
        rng = random.Random(f"{seed}:{message.template}")
        heading_faces = {fonts.heading.primary}
        runs = [run if run.shaped.face in heading_faces else _handwritten(run, rng, layout)
                for run in runs]
    page.runs.extend(runs)
    return page


def _prepare(text: str, horizontal: bool) -> str:
    """Vertical setting writes ASCII in full-width forms so it stands upright."""
    return text if horizontal else to_fullwidth(text)


def _vertical(message: Message, fonts: MessageFonts, layout: MessageLayout,
              picture: Picture | None) -> list[GlyphRun]:
    runs: list[GlyphRun] = []
    height = layout.height - layout.top - layout.bottom
    right = layout.width - layout.right
    left = layout.left
    heading = _prepare(message.heading, False)
    if heading:
        size = _heading_size(heading, fonts.heading, height, layout)
        em = pt_to_mm(size)
        runs += _column(heading, fonts.heading, right - em / 2, layout.top, size, "見出し")
        right -= em + layout.heading_gap_em * pt_to_mm(layout.body_size_pt)
    date_em = pt_to_mm(layout.date_size_pt)
    name_em = pt_to_mm(layout.name_size_pt)
    signature_x = left + name_em / 2
    date_x = left + name_em + 0.6 * date_em + date_em / 2
    if message.signature or message.date_line:
        left = date_x + date_em / 2 + layout.signature_gap_em * pt_to_mm(layout.body_size_pt)
    if picture is not None:
        left = max(left, picture.x_mm + picture.width_mm + 2.0)
    size, columns = _fit_columns(message, fonts.message, right - left, height, layout)
    em = pt_to_mm(size)
    pitch = em * layout.pitch_em
    x = right - em / 2 + pitch
    for column in columns:
        if not column.same_column:
            x -= pitch
        top = layout.top
        if column.at_foot:
            top = layout.top + height - _length_em(column.text, fonts.message) * em
        runs += _column(column.text, fonts.message, x, top, size, "本文")
    if message.date_line:
        date = _prepare(message.date_line, False)
        length = _length_em(date, fonts.message) * date_em
        top = min(layout.top + height * DATE_START, layout.top + height - length)
        runs += _column(date, fonts.message, date_x, max(layout.top, top), layout.date_size_pt,
                        "日付")
    if message.signature:
        name = _prepare(message.signature, False)
        length = _length_em(name, fonts.message) * name_em
        if length > height:
            raise TooLongError("the shop's name on the message side", "[sender] name")
        runs += _column(name, fonts.message, signature_x, layout.top + height - length,
                        layout.name_size_pt, "[sender] name")
    return runs


def _fit_columns(message: Message, chain: FontChain, width: float, height: float,
                 layout: MessageLayout) -> tuple[float, list[_Column]]:
    """The largest body size at which every column fits between the heading and the date."""
    size = layout.body_size_pt
    while size >= layout.min_size_pt - 1e-9:
        em = pt_to_mm(size)
        if layout.bottom - em >= MIN_EDGE_MM:  # room for a hanging 、。
            columns = _columns(message, chain, height / em)
            count = max(0, math.floor((width - em) / (em * layout.pitch_em)) + 1)
            if sum(1 for c in columns if not c.same_column) <= count:
                return size, columns
        size -= SIZE_STEP_PT
    raise TooLongError("the message", "template")


@dataclass(frozen=True)
class _Column:
    text: str
    at_foot: bool = False  # set at the bottom of the column (敬具)
    same_column: bool = False  # shares the previous column (a short last line leaves room)


def _columns(message: Message, chain: FontChain, room_em: float) -> list[_Column]:
    """The body's columns: paragraphs broken by the rules, then the closing (敬具) at the
    foot of the last column when it fits after a space, else at the foot of its own."""
    columns = [_Column(text) for paragraph in message.paragraphs
               for text in _broken(_prepare(paragraph, False), room_em, chain)]
    closing = _prepare(message.closing, False)
    if closing:
        fits = bool(columns) and (_length_em(columns[-1].text, chain) + 1
                                  + _length_em(closing, chain) <= room_em)
        columns.append(_Column(closing, at_foot=True, same_column=fits))
    return columns


@functools.lru_cache(maxsize=4096)
def _broken(paragraph: str, room_em: float, chain: FontChain) -> tuple[str, ...]:
    """A paragraph's columns (the same paragraph on many cards is broken once)."""
    return tuple(break_paragraph(paragraph, room_em, functools.partial(_grapheme_em, chain)))


def _horizontal(message: Message, fonts: MessageFonts, layout: MessageLayout,
                picture: Picture | None) -> list[GlyphRun]:
    runs: list[GlyphRun] = []
    top = layout.top + (picture.height_mm + 2.0 if picture is not None else 0.0)
    left, right = layout.left, layout.width - layout.right
    width = right - left
    if message.heading:
        heading_em = _length_em(message.heading, fonts.heading, False)
        size = min(layout.heading_size_pt, mm_to_pt(width / max(heading_em, 1)))
        em = pt_to_mm(size)
        line_width = heading_em * em
        runs += _line(message.heading, fonts.heading, left + (width - line_width) / 2, top, size,
                      "見出し")
        top += em * 1.6
    bottom = layout.height - layout.bottom - pt_to_mm(layout.name_size_pt) * 1.8
    size = layout.body_size_pt
    width_fn = functools.partial(_grapheme_em, fonts.message, horizontal=True)
    while True:
        em = pt_to_mm(size)
        lines = [line for paragraph in message.paragraphs
                 for line in break_paragraph(paragraph, width / em, width_fn)]
        lines_needed = len(lines) + (1 if message.closing else 0)
        if top + lines_needed * em * layout.pitch_em <= bottom:
            break
        size -= SIZE_STEP_PT
        if size < layout.min_size_pt:
            raise TooLongError("the message", "template")
    y = top
    for line in lines:
        runs += _line(line, fonts.message, left, y, size, "本文")
        y += em * layout.pitch_em
    if message.closing:
        closing_width = _length_em(message.closing, fonts.message, False) * em
        runs += _line(message.closing, fonts.message, right - closing_width, y, size, "本文")
    name_em = pt_to_mm(layout.name_size_pt)
    foot = layout.height - layout.bottom - name_em
    if message.date_line:
        runs += _line(message.date_line, fonts.message, left, foot, layout.date_size_pt, "日付")
    if message.signature:
        name_width = _length_em(message.signature, fonts.message, False) * name_em
        runs += _line(message.signature, fonts.message, right - name_width, foot,
                      layout.name_size_pt, "[sender] name")
    return runs


def _column(text: str, chain: FontChain, x: float, top: float, size_pt: float,
            field: str) -> list[GlyphRun]:
    runs, _ = place_column(measure_column(text, chain, field, tcy=False), x, top, size_pt)
    return runs


def _line(text: str, chain: FontChain, x: float, top: float, size_pt: float,
          field: str) -> list[GlyphRun]:
    """A horizontal line whose em box starts at `top`."""
    runs = []
    em = pt_to_mm(size_pt)
    for face, part in chain.split(text, field):
        shaped = shape(face, part, False)
        baseline = top + face.ascender / face.units_per_em * em
        runs.append(GlyphRun(shaped, x, baseline, size_pt, "horizontal"))
        x += shaped.length_em() * em
    return runs


def _heading_size(heading: str, chain: FontChain, height: float, layout: MessageLayout
                  ) -> float:
    length = _length_em(heading, chain)
    largest = layout.heading_max_size_pt if length <= 6 else layout.heading_size_pt
    return min(largest, mm_to_pt(height / length))


def _length_em(text: str, chain: FontChain, vertical: bool = True) -> float:
    return sum(_grapheme_em(chain, g, horizontal=not vertical) for g in graphemes(text))


def _grapheme_em(chain: FontChain, grapheme: str, horizontal: bool = False) -> float:
    """Advance of one character in em, from the font that will draw it."""
    face = chain.face_for(grapheme)
    if face is None:
        return 1.0  # reported as glyph-missing when the column is set
    return shape(face, grapheme, not horizontal).length_em()


def _handwritten(run: GlyphRun, rng: random.Random, layout: MessageLayout) -> GlyphRun:
    """The run with every glyph nudged across the line, resized about its centre and tilted
    a little (deterministic: the generator is seeded by the customer)."""
    if run.mode == "rotated":
        return run
    em = pt_to_mm(run.size_pt)
    face = run.shaped.face
    vertical = run.mode == "vertical"
    size_range, offset_range = layout.variation_size, layout.variation_offset_mm
    tilt_range = layout.variation_tilt_deg
    random_number = rng.random
    variation = []
    for advance in run.shaped.advances:
        step = advance / face.units_per_em * em
        scale = 1 + size_range * (2 * random_number() - 1)
        nudge = offset_range * (2 * random_number() - 1)
        tilt = tilt_range * (2 * random_number() - 1)
        along = (1 - scale) * step / 2  # keep the smaller or larger glyph centred
        variation.append((nudge, along, scale, tilt) if vertical else (along, nudge, scale, tilt))
    return run._replace(variation=tuple(variation))


def _picture(path: Path, layout: MessageLayout) -> Picture:
    """The image scaled to fit its box at the top left, keeping its proportions."""
    width_px, height_px = _image_size(path)
    scale = min(layout.image_max_width / width_px, layout.image_max_height / height_px)
    return Picture(str(path), layout.left, layout.top, width_px * scale, height_px * scale)


def _image_size(path: Path) -> tuple[int, int]:
    """Pixel size of a placeable PNG or JPEG, or an ImageInputError naming the file."""
    try:
        modified = path.stat().st_mtime_ns
    except OSError:
        modified = 0  # check_image says what is wrong
    return _checked_size(path, modified)


@functools.lru_cache(maxsize=8)
def _checked_size(path: Path, modified_ns: int) -> tuple[int, int]:
    """(Cached: every card of a run places the same image; `modified_ns` makes a changed
    file be checked again.)"""
    return check_image(path)
