"""The layout's output: pages of placed glyph runs and boxes, in millimetres.

Coordinates: origin at the card's top-left corner, x to the right, y downward.
(x, y) is the run's PDF text origin:
- vertical run: the first glyph's vertical origin (centre of the column, top of the em box);
- horizontal run: the first glyph's baseline origin;
- rotated run (sideways text in a column, turned 90° clockwise): its baseline origin.
`condense` scales glyphs in the page's y direction, the way columns run (平体 in vertical
setting); `tracking` adds space after every glyph, in em; `tilt_deg` turns a (one-glyph) run
clockwise about the centre of its em box. `variation`, for a hand-written look, gives every
glyph its own size, tilt and nudge (HandVariation: two bytes a glyph picking from the steps
of HandSteps): each glyph is drawn on its own, moved across the line by its nudge, resized
about its em box's centre and turned about it.
"""

from __future__ import annotations

import functools
from typing import Literal, NamedTuple

from msgspec import Struct, field
from msgspec.structs import replace

from mailmerge.typeface.shaping import ShapedRun

RunMode = Literal["vertical", "horizontal", "rotated"]


class HandSteps(Struct, frozen=True, cache_hash=True):
    """What a hand-written glyph picks from: 16 size factors, 16 tilts (degrees clockwise),
    for each size the move along the line that keeps the glyph centred (mm per font unit of
    its advance), and 256 nudges across the line (mm). (Its hash is kept: the renderer looks
    its steps up once per run.)"""

    scales: tuple[float, ...]
    tilts: tuple[float, ...]
    centring_mm: tuple[float, ...]
    nudges_mm: tuple[float, ...]


class HandVariation(NamedTuple):
    """A hand-written run's variation: two bytes a glyph, the first picking its size
    (high four bits) and tilt (low four), the second its nudge, from `steps`."""

    picks: bytes
    steps: HandSteps

    def glyphs(self, advances: tuple[int, ...], vertical: bool
               ) -> list[tuple[float, float, float, float]]:
        """Each glyph's (dx mm, dy mm, size factor, tilt degrees) from its place in the run."""
        steps, found = self.steps, []
        for advance, pick, nudge in zip(advances, self.picks[::2], self.picks[1::2],
                                        strict=True):
            along = steps.centring_mm[pick >> 4] * advance
            across = steps.nudges_mm[nudge]
            found.append((across, along, steps.scales[pick >> 4], steps.tilts[pick & 15])
                          if vertical else
                          (along, across, steps.scales[pick >> 4], steps.tilts[pick & 15]))
        return found


class GlyphRun(NamedTuple):
    """One run of glyphs placed on the page (a named tuple: cards have thousands)."""

    shaped: ShapedRun
    x_mm: float
    y_mm: float
    size_pt: float
    mode: RunMode
    condense: float = 1.0
    tracking: float = 0.0
    tilt_deg: float = 0.0
    variation: HandVariation | None = None
    color: tuple[float, float, float] | None = None  # None: black


class Picture(Struct, frozen=True):
    """A raster image (PNG/JPEG) drawn in a box; (x, y) is the box's top-left corner."""

    path: str
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float


class Box(Struct, frozen=True):
    """A rectangle: stroked (postal-code boxes) or, with line_mm 0, filled (barcode bars);
    rounded with radius_mm (half its width: a circle)."""

    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    color: tuple[float, float, float]
    line_mm: float
    radius_mm: float = 0.0


class Line(Struct, frozen=True):
    x1_mm: float
    y1_mm: float
    x2_mm: float
    y2_mm: float
    color: tuple[float, float, float]
    line_mm: float


class Page(Struct):
    width_mm: float
    height_mm: float
    runs: list[GlyphRun] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)

    def shifted(self, dx_mm: float, dy_mm: float) -> Page:
        """The same page with everything moved by (dx, dy): a printer's feed correction."""
        if not dx_mm and not dy_mm:
            return self
        return Page(
            self.width_mm,
            self.height_mm,
            [GlyphRun(run.shaped, run.x_mm + dx_mm, run.y_mm + dy_mm, *run[3:])
             for run in self.runs],
            [_move(box, dx_mm, dy_mm) for box in self.boxes],
            [
                Line(ln.x1_mm + dx_mm, ln.y1_mm + dy_mm, ln.x2_mm + dx_mm, ln.y2_mm + dy_mm,
                     ln.color, ln.line_mm)
                for ln in self.lines
            ],
            [_move(picture, dx_mm, dy_mm) for picture in self.pictures],
        )


@functools.lru_cache(maxsize=1024)
def _move(item, dx_mm: float, dy_mm: float):
    """A box or picture moved. (Cached: the bars and postal-code boxes stand in the same
    places on every card.)"""
    return replace(item, x_mm=item.x_mm + dx_mm, y_mm=item.y_mm + dy_mm)
