"""FontFace: one opened font file with what layout and render need from it.

In: a path to a TrueType/OpenType font (index for collections). Out: coverage queries
(code point, variation sequence), the HarfBuzz font for shaping and subsetting, and metrics
in font units (names and embedding rights are read once with fontTools).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont, TTLibError

from mailmerge.errors import FontError

FSTYPE_RESTRICTED = 0x0002  # OS/2 fsType bit 1: no embedding allowed


def is_variation_selector(char: str) -> bool:
    """True for the standardized (U+FE00..FE0F) and ideographic (U+E0100..E01EF) selectors."""
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@dataclass(eq=False)
class FontFace:
    """An opened font. Identity is the object itself; `key` is stable across runs."""

    path: Path
    index: int = 0
    family: str = ""
    postscript_name: str = ""
    units_per_em: int = 1000
    ascender: int = 880
    descender: int = -120
    bounding_box: tuple[int, int, int, int] = (0, -120, 1000, 880)
    truetype_outlines: bool = True
    hb_font: hb.Font | None = field(default=None, repr=False)
    _coverage: dict[tuple[str, str | None], bool] = field(default_factory=dict, repr=False)
    _v_metrics: dict[int, tuple[int, int, int]] = field(default_factory=dict, repr=False)
    _h_advances: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        return f"{self.path.name}#{self.index}"

    def has_sequence(self, base: str, selector: str | None = None) -> bool:
        """Can this font draw `base` (followed by the variation selector, if any)?"""
        key = (base, selector)
        found = self._coverage.get(key)
        if found is None:
            if selector is None:
                glyph = self.hb_font.get_nominal_glyph(ord(base))
            else:
                glyph = self.hb_font.get_variation_glyph(ord(base), ord(selector))
            found = self._coverage[key] = glyph is not None
        return found

    def glyph_bounds(self, glyph_id: int) -> tuple[int, int, int, int]:
        """Ink box (x_min, y_min, x_max, y_max) of a glyph in font units."""
        ext = self.hb_font.get_glyph_extents(glyph_id)
        return ext.x_bearing, ext.y_bearing + ext.height, ext.x_bearing + ext.width, ext.y_bearing

    def h_advance(self, glyph_id: int) -> int:
        advance = self._h_advances.get(glyph_id)
        if advance is None:
            advance = self._h_advances[glyph_id] = self.hb_font.get_glyph_h_advance(glyph_id)
        return advance

    def v_metrics(self, glyph_id: int) -> tuple[int, int, int]:
        """(vertical advance, origin x, origin y) of a glyph in font units (HarfBuzz's view)."""
        metrics = self._v_metrics.get(glyph_id)
        if metrics is None:
            origin_x, origin_y = self.hb_font.get_glyph_v_origin(glyph_id)
            advance = -self.hb_font.get_glyph_v_advance(glyph_id)
            metrics = self._v_metrics[glyph_id] = (advance, origin_x, origin_y)
        return metrics



def open_face(path: Path, index: int = 0) -> FontFace:
    """Open a font file; raise FontError if it is unreadable or forbids embedding."""
    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as tt:
            names = tt["name"]
            family = names.getBestFamilyName() or path.stem
            postscript = (names.getDebugName(6) or path.stem).replace(" ", "")
            fs_type = tt["OS/2"].fsType if "OS/2" in tt else 0
            head = tt["head"]
            units = head.unitsPerEm
            bounding_box = (head.xMin, head.yMin, head.xMax, head.yMax)
            ascender, descender = _em_box(tt)
            truetype = "glyf" in tt
    except (OSError, TTLibError, KeyError, AssertionError) as exc:
        raise FontError(f"cannot open font {path}: {exc}") from exc
    if fs_type & 0x000F == FSTYPE_RESTRICTED:
        raise FontError(f"font {path} forbids embedding (OS/2 fsType {fs_type:#06x})")
    blob = hb.Blob.from_file_path(str(path))
    hb_font = hb.Font(hb.Face(blob, index))
    if not hb_font.face.unicodes:
        raise FontError(f"font {path} has no Unicode character map")
    return FontFace(
        path=path,
        index=index,
        family=family,
        postscript_name=postscript,
        units_per_em=units,
        ascender=ascender,
        descender=descender,
        bounding_box=bounding_box,
        truetype_outlines=truetype,
        hb_font=hb_font,
    )


def _em_box(tt: TTFont) -> tuple[int, int]:
    """Ideographic em box (ascender, descender) in font units; they span one em for CJK fonts."""
    os2 = tt["OS/2"] if "OS/2" in tt else None
    if os2 is not None and os2.sTypoAscender - os2.sTypoDescender > 0:
        return os2.sTypoAscender, os2.sTypoDescender
    return tt["hhea"].ascent, tt["hhea"].descent
