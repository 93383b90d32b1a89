"""FontFace: one opened font file with what layout and render need from it.

In: a path to a TrueType/OpenType font (index for collections). Out: coverage queries
(code point, variation sequence), the HarfBuzz font for shaping and subsetting, and metrics
in font units; names, embedding rights and em box read from the font's tables once.
"""

from __future__ import annotations

import re
import struct
import weakref
from pathlib import Path

import uharfbuzz as hb
from msgspec import Struct, field

from mailmerge.errors import FontError
from mailmerge.i18n import _

FSTYPE_RESTRICTED = 0x0002  # OS/2 fsType bit 1: no embedding allowed
# Byte offsets of the fields read from the font's tables (OpenType specification).
OS2_FS_TYPE = 8
OS2_TYPO_ASCENDER = 68  # then sTypoDescender
HEAD_BBOX = 36  # xMin, yMin, xMax, yMax
HHEA_ASCENT = 4  # then descent
_NOT_IN_POSTSCRIPT_NAME = re.compile(r"[^!-~]|[\[\](){}<>/%]")


class FontFace(Struct, eq=False, weakref=True):
    """An opened font. Identity is the object itself; `key` is stable across runs. It is
    pickled as a reference to itself, for processes forked from this one only (the pages a
    helper process lays out come back drawn with this process's faces)."""

    path: Path
    index: int = 0
    family: str = ""
    postscript_name: str = ""
    units_per_em: int = 1000
    ascender: int = 880
    descender: int = -120
    bounding_box: tuple[int, int, int, int] = (0, -120, 1000, 880)
    truetype_outlines: bool = True
    hb_font: hb.Font | None = None
    _coverage: dict[tuple[str, str | None], bool] = field(default_factory=dict)
    _v_metrics: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    _h_advances: dict[int, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.path.name}#{self.index}"

    def __reduce__(self):
        return _opened_face, (id(self),)

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


# every face open, by id (see FontFace.__reduce__); a face no longer used drops out
_OPENED: weakref.WeakValueDictionary[int, FontFace] = weakref.WeakValueDictionary()


def _opened_face(identity: int) -> FontFace:
    return _OPENED[identity]


def open_face(path: Path, index: int = 0) -> FontFace:
    """Open a font file; raise FontError if it is unreadable or forbids embedding."""
    try:
        blob = hb.Blob.from_file_path(str(path))
    except hb.HarfBuzzError as exc:
        raise FontError(_("フォント {file} を開けません: {reason}", file=path, reason=exc)) from exc
    face = hb.Face(blob, index)
    tags = set(face.table_tags)
    if not {"head", "hhea", "cmap"} <= tags:
        if index:
            raise FontError(_("フォント {file} を開けません: TrueType/OpenType のフォントでは"
                              "ありません（{index} 番のフォントがありません）", file=path,
                              index=index))
        raise FontError(_("フォント {file} を開けません: TrueType/OpenType のフォントでは"
                          "ありません", file=path))
    try:
        os2 = face.reference_table("OS/2").data if "OS/2" in tags else b""
        fs_type = struct.unpack_from(">H", os2, OS2_FS_TYPE)[0] if len(os2) >= 10 else 0
        bounding_box = struct.unpack_from(">4h", face.reference_table("head").data, HEAD_BBOX)
        ascender, descender = _em_box(face, os2)
    except struct.error:
        raise FontError(_("フォント {file} を開けません: head か hhea の表が途中で切れています",
                          file=path)) from None
    if fs_type & 0x000F == FSTYPE_RESTRICTED:
        raise FontError(_("フォント {file} は PDF への埋め込みが許されていません"
                          "（OS/2 fsType {fs_type:#06x}）。別のフォントを使ってください",
                          file=path, fs_type=fs_type))
    if not face.unicodes:
        raise FontError(_("フォント {file} には Unicode の文字の表（cmap）がありません",
                          file=path))
    opened = FontFace(
        path=path,
        index=index,
        family=family_name(face) or path.stem,
        postscript_name=_postscript_name(face, path),
        units_per_em=face.upem,
        ascender=ascender,
        descender=descender,
        bounding_box=bounding_box,
        truetype_outlines="glyf" in tags,
        hb_font=hb.Font(face),
    )
    _OPENED[id(opened)] = opened
    return opened


def family_name(face: hb.Face) -> str | None:
    """The family name users know the font by (typographic family first), English if any."""
    return (face.get_name(hb.OTNameIdPredefined.TYPOGRAPHIC_FAMILY)
            or face.get_name(hb.OTNameIdPredefined.FONT_FAMILY))


def _postscript_name(face: hb.Face, path: Path) -> str:
    """The PostScript name, kept to the characters such names may have (printable ASCII but
    []{}()<>/% and spaces), so it can name the font inside a PDF."""
    name = face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or path.stem
    return _NOT_IN_POSTSCRIPT_NAME.sub("", name) or "Font"


def _em_box(face: hb.Face, os2: bytes) -> tuple[int, int]:
    """Ideographic em box (ascender, descender) in font units; they span one em for CJK fonts:
    OS/2's typographic ascender and descender, else hhea's."""
    if len(os2) >= OS2_TYPO_ASCENDER + 4:
        ascender, descender = struct.unpack_from(">hh", os2, OS2_TYPO_ASCENDER)
        if ascender - descender > 0:
            return ascender, descender
    return struct.unpack_from(">hh", face.reference_table("hhea").data, HHEA_ASCENT)
