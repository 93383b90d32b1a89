"""The message side (通信面): a card's words composed the way a typesetter sets a card.

In: a Message (heading, paragraphs of lines, closing, date line, signature), a seed (the
customer id: the same card always comes out the same), the message and heading font chains,
the MessageLayout (layouts/message.toml) and MessageOptions. Out: a Page.

Vertical (the default), right to left: the heading in a brush font, the body in columns
(every line of the template starts a column; kinsoku, phrase-aware breaks, 追い込み and
ぶら下げ, see linebreak), 敬具 at the foot of the last column, the date one column after the
body and `date_drop_em` characters down, the shop's name at the foot of the next column. The
body takes the largest size from `max_size_pt` down at which the whole block fits between the
margins (short greetings come out large), the date and name scale with it, and the block is
centred on the card both ways as it is seen: by its ink, a hanging 、。 included. Numbers
follow the numeral style and Latin words lie sideways (message_text). Horizontal: heading,
body, closing, date and name top to bottom, the block centred on the card. Text that cannot
fit even at the smallest size refuses the card.
"""

from __future__ import annotations

import functools
import random
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from msgspec import Struct

from mailmerge.errors import ConfigError, TooLongError
from mailmerge.i18n import _
from mailmerge.layout.columns import (
    Piece,
    column_length_em,
    measure_column,
    place_column,
    squeeze_pieces,
)
from mailmerge.layout.linebreak import HANGING, SQUEEZABLE, break_paragraph, squeeze_em
from mailmerge.layout.message_text import prepare_message
from mailmerge.layout.page import GlyphRun, HandSteps, HandVariation, Page, Picture
from mailmerge.layout.units import mm_to_pt, pt_to_mm
from mailmerge.package_files import package_file
from mailmerge.sources.images import check_image
from mailmerge.templates.engine import Message
from mailmerge.typeface.chain import FontChain
from mailmerge.typeface.shaping import shape

SIZE_STEP_PT = 0.5
T = TypeVar("T")
MIN_EDGE_MM = 6.0  # nothing closer to the top or bottom edge (hanging 、。 included)
PICTURE_GAP_MM = 2.0
HALF_WIDTH = frozenset(SQUEEZABLE)


class MessageLayout(Struct, frozen=True, cache_hash=True):
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
    max_size_pt: float = 0.0  # the largest body size (short text); 0: body_size_pt
    date_drop_em: float = 2.0  # the date starts this many body characters down

    @property
    def largest_pt(self) -> float:
        return max(self.max_size_pt, self.body_size_pt)

    def date_pt(self, body_pt: float) -> float:
        """The date's size for a body size (date_size_pt goes with body_size_pt)."""
        return self.date_size_pt * body_pt / self.body_size_pt

    def name_pt(self, body_pt: float) -> float:
        return self.name_size_pt * body_pt / self.body_size_pt


class MessageFonts(Struct, frozen=True):
    message: FontChain
    heading: FontChain


class MessageOptions(Struct, frozen=True):
    horizontal: bool = False
    handwriting: bool = True  # small per-character variation
    image: Path | None = None
    numerals: str = "kanji"  # numbers in vertical text: kanji, kanji_ten or arabic

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
            float(variation["tilt_deg"]), float(body.get("max_size_pt", 0.0)),
            float(signature.get("date_drop_em", 2.0)))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(_("文面のレイアウト {file} を読めません: {reason}",
                            file=path or "message.toml", reason=exc)) from exc


def message_side(message: Message, seed: str, fonts: MessageFonts, layout: MessageLayout,
                 options: MessageOptions = MessageOptions()) -> Page:
    """Lay out one message side."""
    page = Page(layout.width, layout.height)
    picture = _picture(options.image, layout) if options.image else None
    if picture is not None:
        page.pictures.append(picture)
    runs = _set_words(message, fonts, layout, picture, options.horizontal, options.numerals)
    if options.handwriting:  # the brush heading has a hand of its own
        rng = random.Random(f"{seed}:{message.template}")
        heading_faces = {fonts.heading.primary}
        runs = [run if run.shaped.face in heading_faces else _handwritten(run, rng, layout)
                for run in runs]
    page.runs.extend(runs)
    return page


@functools.lru_cache(maxsize=256)
def _set_words(message: Message, fonts: MessageFonts, layout: MessageLayout,
               picture: Picture | None, horizontal: bool, numerals: str
               ) -> tuple[GlyphRun, ...]:
    """The message's runs before the hand-written variation. (Cached: cards that say the
    same words, such as a template without the customer's name or customers of one family
    name, are set once.)"""
    if horizontal:
        return tuple(_horizontal(message, fonts, layout, picture))
    return tuple(_vertical(message, fonts, layout, picture, numerals))


class _Column(Struct, frozen=True):
    text: str
    at_foot: bool = False  # set at the bottom of the column (敬具)
    same_column: bool = False  # shares the previous column (a short last line leaves room)
    squeeze_em: float = 0.0  # how much shorter than its natural length it is set (追い込み)


class _Set(Struct, frozen=True):
    """One column of a vertical block: its centre from the block's right edge (negative),
    its top from the block's top (None: at the block's foot), its size."""

    text: str
    chain: FontChain
    field: str
    centre: float
    top: float | None
    size_pt: float
    squeeze_em: float = 0.0

    @property
    def em(self) -> float:
        return pt_to_mm(self.size_pt)


class _Block(Struct, frozen=True):
    size_pt: float
    width: float  # mm, from the heading's right edge to the name's left edge
    length: float  # mm, the longest column
    columns: tuple[_Set, ...]


def _vertical(message: Message, fonts: MessageFonts, layout: MessageLayout,
              picture: Picture | None, numerals: str) -> list[GlyphRun]:
    """The block at the largest size that fits, centred on the card (beside the picture)."""
    left = layout.left
    if picture is not None:
        left = max(left, picture.x_mm + picture.width_mm + PICTURE_GAP_MM)
    right = layout.width - layout.right

    def block_at(size: float) -> _Block | None:
        em = pt_to_mm(size)
        margin = max(layout.top, layout.bottom, MIN_EDGE_MM + em)  # room for a hanging 、。
        block = _vertical_block(message, fonts, layout, size, layout.height - 2 * margin,
                                numerals)
        return block if block is not None and block.width <= right - left + 1e-9 else None

    block = _largest_fitting(layout, block_at)
    if block is not None:
        runs = _placed(block, (left + right + block.width) / 2,
                       (layout.height - block.length) / 2)
        ink_left, ink_top, ink_right, ink_bottom = _ink_box(runs)
        dx = (left + right - ink_left - ink_right) / 2  # centred as it is seen: a
        dy = (layout.height - ink_top - ink_bottom) / 2  # hanging 、。 counts
        return [run._replace(x_mm=run.x_mm + dx, y_mm=run.y_mm + dy) for run in runs]
    name = prepare_message(message.signature, numerals)
    name_mm = _length_em(name, fonts.message) * pt_to_mm(layout.name_pt(layout.min_size_pt))
    if name_mm > layout.height - 2 * max(layout.top, layout.bottom):
        raise TooLongError(_("文面のお店の名前"), "[sender] name")
    raise TooLongError(_("文面"), "template")


def _placed(block: _Block, right: float, top: float) -> list[GlyphRun]:
    runs: list[GlyphRun] = []
    for column in block.columns:
        pieces = _pieces(column.text, column.chain, column.field, column.squeeze_em)
        if column.top is None:
            column_top = top + block.length - column_length_em(pieces) * column.em
        else:
            column_top = top + column.top
        placed, _bottom = place_column(pieces, right + column.centre, column_top, column.size_pt)
        runs += placed
    return runs


def _ink_box(runs: list[GlyphRun]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the ink of a vertical block's runs, in mm (sideways
    and 縦中横 runs by their em boxes)."""
    boxes = [box for run in runs for box in _run_ink(run)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _run_ink(run: GlyphRun) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of each inked glyph of a run in a column, in mm."""
    face = run.shaped.face
    scale = pt_to_mm(run.size_pt) / face.units_per_em
    length = run.shaped.length_units * scale
    if run.mode == "rotated":  # lying on its baseline: the em box spans from x_mm
        return [(run.x_mm + face.descender * scale, run.y_mm,
                 run.x_mm + face.ascender * scale, run.y_mm + length)]
    if run.mode == "horizontal":
        top = run.y_mm - face.ascender * scale
        return [(run.x_mm, top, run.x_mm + length, top + face.units_per_em * scale)]
    boxes = []
    y = run.y_mm
    for glyph, advance in zip(run.shaped.glyphs, run.shaped.advances, strict=True):
        x_min, y_min, x_max, y_max = face.glyph_bounds(glyph)
        if y_max > y_min:
            _advance, origin_x, origin_y = face.v_metrics(glyph)
            boxes.append((run.x_mm + (x_min - origin_x) * scale,
                          y + (origin_y - y_max) * scale,
                          run.x_mm + (x_max - origin_x) * scale,
                          y + (origin_y - y_min) * scale))
        y += advance * scale
    return boxes


def _vertical_block(message: Message, fonts: MessageFonts, layout: MessageLayout,
                    size: float, room: float, numerals: str) -> _Block | None:
    """Every column of the message at one body size, or None when one is too long."""
    em = pt_to_mm(size)
    pitch = em * layout.pitch_em
    sets: list[_Set] = []
    edge = 0.0  # the left edge of what is set so far
    heading = prepare_message(message.heading, numerals)
    if heading:
        heading_size = _heading_size(heading, fonts.heading, room, layout)
        heading_em = pt_to_mm(heading_size)
        sets.append(_Set(heading, fonts.heading, "見出し", -heading_em / 2, 0.0, heading_size))
        edge = -heading_em - layout.heading_gap_em * em
    centre = edge - em / 2 + pitch
    for column in _columns(message, fonts.message, room / em, numerals):
        if not column.same_column:
            centre -= pitch
        sets.append(_Set(column.text, fonts.message, "本文", centre,
                         None if column.at_foot else 0.0, size, column.squeeze_em))
    extents = [_extent(s) for s in sets]
    if any(length > room + 1e-9 for _, length in extents):
        return None
    date = prepare_message(message.date_line, numerals)
    if date:
        date_size = layout.date_pt(size)
        length = _length_em(date, fonts.message) * pt_to_mm(date_size)
        if length > room + 1e-9:
            return None
        centre -= pitch
        top = max(0.0, min(layout.date_drop_em * em, room - length))
        sets.append(_Set(date, fonts.message, "日付", centre, top, date_size))
        extents.append(_extent(sets[-1]))
    name = prepare_message(message.signature, numerals)
    if name:
        name_size = layout.name_pt(size)
        if _length_em(name, fonts.message) * pt_to_mm(name_size) > room + 1e-9:
            return None
        centre -= pitch
        sets.append(_Set(name, fonts.message, "[sender] name", centre, None, name_size))
        extents.append(_extent(sets[-1]))
    length = max(top + length for top, length in extents)
    width = -min(s.centre - s.em / 2 for s in sets)
    return _Block(size, width, length, tuple(sets))


def _extent(column: _Set) -> tuple[float, float]:
    """(top, length) of a column in mm, a hanging 、。 not counted; a column at the foot
    counts from 0."""
    standing = _standing_em(column.text, column.chain, column.squeeze_em)
    return column.top or 0.0, standing * column.em


@functools.lru_cache(maxsize=8192)
def _standing_em(text: str, chain: FontChain, squeeze: float) -> float:
    """Length in em of a column squeezed by `squeeze`, a hanging 、。 not counted."""
    length = _length_em(text, chain) - squeeze
    if text[-1:] in HANGING:
        length -= _length_em(text[-1], chain)
    return length


def _columns(message: Message, chain: FontChain, room_em: float, numerals: str
             ) -> list[_Column]:
    """The body's columns: every line broken by the rules, then the closing (敬具) at the
    foot of the last column when it fits after a space, else at the foot of its own."""
    columns = []
    for paragraph in message.paragraphs:
        for line in paragraph.split("\n"):
            for text, squeeze in _broken(prepare_message(line, numerals), room_em, chain):
                columns.append(_Column(text, squeeze_em=squeeze))
    closing = prepare_message(message.closing, numerals)
    if closing:
        last = columns[-1] if columns else None
        fits = last is not None and not last.squeeze_em and (
            _length_em(last.text, chain) + 1 + _length_em(closing, chain) <= room_em)
        columns.append(_Column(closing, at_foot=True, same_column=fits))
    return columns


@functools.lru_cache(maxsize=4096)
def _broken(line: str, room_em: float, chain: FontChain) -> tuple[tuple[str, float], ...]:
    """A line's columns, each with how much it must be squeezed (the same line on many cards
    is broken once)."""
    width = functools.partial(_unit_em, chain)
    return tuple((text, squeeze_em(text, room_em, width))
                 for text in break_paragraph(line, room_em, width))


@functools.lru_cache(maxsize=4096)
def _pieces(text: str, chain: FontChain, field: str, squeeze: float) -> tuple[Piece, ...]:
    """A column's measured pieces, `squeeze` em shorter (the same column on many cards is
    measured and squeezed once)."""
    pieces = measure_column(text, chain, field, tcy=field != "見出し")
    return squeeze_pieces(pieces, squeeze, HALF_WIDTH) if squeeze else pieces


def _unit_em(chain: FontChain, unit: str) -> float:
    """Length of one unbreakable unit (a character, a Latin word, a number) in a column."""
    return _length_em(unit, chain)


@functools.lru_cache(maxsize=8192)
def _length_em(text: str, chain: FontChain) -> float:
    """Length of text set in a column, in em (a missing glyph raises MissingGlyphError)."""
    return column_length_em(measure_column(text, chain, None, tcy=True))


def _heading_size(heading: str, chain: FontChain, room: float, layout: MessageLayout
                  ) -> float:
    length = column_length_em(measure_column(heading, chain, "見出し", tcy=False))
    largest = layout.heading_max_size_pt if length <= 6 else layout.heading_size_pt
    return min(largest, mm_to_pt(room / length))


class _Line(Struct, frozen=True):
    text: str
    chain: FontChain
    field: str
    size_pt: float
    align: str  # "left", "right" or "centre"
    squeeze_em: float = 0.0
    indent_em: float = 0.0


def _horizontal(message: Message, fonts: MessageFonts, layout: MessageLayout,
                picture: Picture | None) -> list[GlyphRun]:
    """Lines top to bottom at the largest size that fits, the block centred on the card."""
    top = layout.top + (picture.height_mm + PICTURE_GAP_MM if picture is not None else 0.0)
    bottom = layout.height - layout.bottom
    left, right = layout.left, layout.width - layout.right

    def lines_at(size: float) -> tuple[list[tuple[_Line, float]], float] | None:
        lines = _horizontal_lines(message, fonts, layout, size, right - left)
        last, last_advance = lines[-1]
        height = sum(advance for _, advance in lines) - last_advance + pt_to_mm(last.size_pt)
        return (lines, height) if height <= bottom - top + 1e-9 else None

    found = _largest_fitting(layout, lines_at)
    if found is None:
        raise TooLongError(_("文面"), "template")
    lines, height = found
    return _placed_lines(lines, left, right, top + (bottom - top - height) / 2)


def _largest_fitting(layout: MessageLayout, attempt: Callable[[float], T | None]) -> T | None:
    """The result of `attempt` at the largest size (largest_pt down to min_size_pt, in
    SIZE_STEP_PT steps) where it fits, or None. A smaller size fits whatever a larger one
    fits, so the sizes are searched by halving: about 4 layouts per card instead of 9."""
    steps = round((layout.largest_pt - layout.min_size_pt) / SIZE_STEP_PT)
    low, high, best = 0, steps, None  # step k is the size largest_pt - k * SIZE_STEP_PT
    while low <= high:
        middle = (low + high) // 2
        result = attempt(layout.largest_pt - middle * SIZE_STEP_PT)
        if result is not None:
            best, high = result, middle - 1
        else:
            low = middle + 1
    return best


def _horizontal_lines(message: Message, fonts: MessageFonts, layout: MessageLayout,
                      size: float, width: float) -> list[tuple[_Line, float]]:
    """The lines at one body size, each with the distance to the next line's top (mm)."""
    em = pt_to_mm(size)
    pitch = em * layout.pitch_em
    lines: list[tuple[_Line, float]] = []
    if message.heading:
        heading_em = _line_em(message.heading, fonts.heading)
        heading_size = min(layout.heading_size_pt, mm_to_pt(width / max(heading_em, 1)))
        lines.append((_Line(message.heading, fonts.heading, "見出し", heading_size, "centre"),
                      pt_to_mm(heading_size) + em))
    measure = functools.partial(_line_em, chain=fonts.message)
    for paragraph in message.paragraphs:
        for line in paragraph.split("\n"):
            for text in break_paragraph(line, width / em, measure):
                lines.append((_Line(text, fonts.message, "本文", size, "left",
                                    squeeze_em(text, width / em, measure)), pitch))
    if message.closing:
        lines.append((_Line(message.closing, fonts.message, "本文", size, "right"), pitch))
    if lines:
        last, _advance = lines[-1]
        lines[-1] = (last, pitch + layout.signature_gap_em * em)
    if message.date_line:
        date_size = layout.date_pt(size)
        lines.append((_Line(message.date_line, fonts.message, "日付", date_size, "left",
                            indent_em=1.0), pt_to_mm(date_size) * layout.pitch_em))
    if message.signature:
        lines.append((_Line(message.signature, fonts.message, "[sender] name",
                            layout.name_pt(size), "right"), 0.0))
    return lines


def _placed_lines(lines: list[tuple[_Line, float]], left: float, right: float,
                  top: float) -> list[GlyphRun]:
    runs: list[GlyphRun] = []
    y = top
    for line, advance in lines:
        em = pt_to_mm(line.size_pt)
        pieces = tuple(Piece(shaped, "upright", shaped.length_em()) for shaped in
                       (shape(face, part, False)
                        for face, part in line.chain.split(line.text, line.field)))
        if line.squeeze_em:
            pieces = squeeze_pieces(pieces, line.squeeze_em, HALF_WIDTH)
        length = sum(piece.length_em for piece in pieces) * em
        x = {"left": left + line.indent_em * em, "right": right - length,
             "centre": (left + right - length) / 2}[line.align]
        for piece in pieces:
            face = piece.shaped.face
            baseline = y + face.ascender / face.units_per_em * em
            runs.append(GlyphRun(piece.shaped, x, baseline, line.size_pt, "horizontal"))
            x += piece.length_em * em
        y += advance
    return runs


@functools.lru_cache(maxsize=8192)
def _line_em(text: str, chain: FontChain) -> float:
    """Width of text set in a horizontal line, in em."""
    return sum(shape(face, part, False).length_em() for face, part in chain.split(text))


# A glyph's size and tilt take one of 16 steps across their ranges: finer than the two
# decimals its matrix is written with, and the renderer works each step out once. Its nudge
# across the line takes one of 256 steps (0.0014 mm each at offset_mm 0.18: finer than the
# 0.1 pt its origin is written with).
VARIATION_STEPS = [2 * step / 15 - 1 for step in range(16)]
NUDGE_STEPS = [2 * step / 255 - 1 for step in range(256)]


def _handwritten(run: GlyphRun, rng: random.Random, layout: MessageLayout) -> GlyphRun:
    """The run with every glyph nudged across the line, resized about its centre and tilted
    a little (deterministic: the generator is seeded by the customer): two random bytes a
    glyph, which the renderer turns into its size, tilt and nudge."""
    if run.mode == "rotated":
        return run
    steps = _hand_steps(layout, run.size_pt, run.shaped.face.units_per_em)
    return run._replace(variation=HandVariation(rng.randbytes(2 * len(run.shaped.advances)),
                                                steps))


@functools.lru_cache(maxsize=64)
def _hand_steps(layout: MessageLayout, size_pt: float, units_per_em: int) -> HandSteps:
    """The steps a hand-written glyph of this size picks from."""
    em = pt_to_mm(size_pt)
    scales = tuple(1 + layout.variation_size * step for step in VARIATION_STEPS)
    return HandSteps(scales, tuple(layout.variation_tilt_deg * step for step in VARIATION_STEPS),
                     tuple((1 - scale) * em / units_per_em / 2 for scale in scales),
                     tuple(layout.variation_offset_mm * step for step in NUDGE_STEPS))


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
