"""A TrueType font embedded as a CID-keyed Type0 font, for vertical and horizontal text.

In: a FontFace and the glyphs a document draws (with the text each glyph stands for).
Out: PDF objects written into a PdfFile: two Type0 fonts (Identity-V for columns,
Identity-H for 縦中横, postal digits and sideways text) sharing one CIDFontType2 with
vertical metrics (W2), a ToUnicode CMap (surrogate pairs for characters beyond the BMP,
base + variation selector for IVS glyphs), a CIDToGIDMap and the subset font file.

CIDs are handed out per document in drawing order, one per distinct (glyph, text) pair, so
two spellings drawn with one glyph (葛 and 葛 + VS) still copy back as what was typed.
"""

from __future__ import annotations

import hashlib
import string

import uharfbuzz as hb

from mailmerge.errors import FontError
from mailmerge.i18n import _
from mailmerge.render.pdf_file import PdfFile
from mailmerge.render.syntax import pdf_number
from mailmerge.typeface.face import FontFace
from mailmerge.typeface.shaping import ShapedRun

TOUNICODE_BLOCK = 100  # bfchar entries per block (the CMap format's limit)
# Tables a PDF does not read (layout, vertical metrics: W2 carries them, hinting, legacy).
DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG", "DSIG",
                  "meta", "gasp", "hdmx", "LTSH", "VDMX", "PCLT", "mort", "morx", "kern")


class EmbeddedFont:
    """One face as used in one PDF: CID assignment while drawing, PDF objects at save."""

    def __init__(self, face: FontFace, number: int) -> None:
        if not face.truetype_outlines:
            raise FontError(_("フォント {name} は PostScript (CFF) のアウトラインです。hagaki が"
                              "埋め込めるのは TrueType のアウトラインのフォントだけです。"
                              ".ttf のフォントを選んでください", name=face.path.name))
        self.face = face
        self.vertical_name = f"FV{number}"
        self.horizontal_name = f"FH{number}"
        self._cids = _Cids(self)
        self._glyph_of_cid: list[int] = [0]
        self._text_of_cid: list[str] = [""]
        self._shown_glyphs: dict[ShapedRun, tuple[str, ...]] = {}

    def cid(self, glyph: int, text: str) -> int:
        """The CID that draws `glyph` and reads back as `text`."""
        return int(self._cids[glyph, text], 16)

    def _new_cid(self, glyph: int, text: str) -> int:
        self._glyph_of_cid.append(glyph)
        self._text_of_cid.append(text)
        return len(self._glyph_of_cid) - 1

    def shown_glyphs(self, shaped: ShapedRun) -> tuple[str, ...]:
        """A Tj operator for each glyph of the run on its own (hand-written runs). (Cached:
        the same words are drawn on every card.)"""
        found = self._shown_glyphs.get(shaped)
        if found is None:
            codes = self._cids
            found = self._shown_glyphs[shaped] = tuple(
                f"<{codes[pair]}>Tj" for pair in zip(shaped.glyphs, shaped.texts, strict=True))
        return found

    def show(self, shaped: ShapedRun, tracking: float, vertical: bool) -> str:
        """A TJ operator drawing the run: adjusted where shaping differs from the font's
        nominal advance, plus tracking (in vertical mode positive numbers move down, in
        horizontal mode they move left)."""
        codes = list(map(self._cids.__getitem__, zip(shaped.glyphs, shaped.texts, strict=True)))
        face = self.face
        nominal = (tuple(face.v_metrics(glyph)[0] for glyph in shaped.glyphs) if vertical
                   else tuple(map(face.h_advance, shaped.glyphs)))
        if not tracking and nominal == shaped.advances:  # the usual case
            return f"[<{''.join(codes)}>] TJ"
        scale = 1000 / face.units_per_em
        parts: list[str] = []
        chunk: list[str] = []
        last = len(codes) - 1
        for index, (code, advance, natural) in enumerate(
                zip(codes, shaped.advances, nominal, strict=True)):
            chunk.append(code)
            extra = (advance - natural) * scale + (tracking * 1000 if index < last else 0)
            if abs(extra) > 0.01:
                parts.append(f"<{''.join(chunk)}>")
                parts.append(pdf_number(extra if vertical else -extra))
                chunk = []
        if chunk:
            parts.append(f"<{''.join(chunk)}>")
        return f"[{' '.join(parts)}] TJ"

    def write_to(self, pdf: PdfFile) -> dict[str, int]:
        """Write the font objects; return the object number of each font resource name."""
        font_file, new_gid = self._subset()
        base_name = f"{self._subset_tag()}+{self.face.postscript_name}"
        scale = 1000 / self.face.units_per_em
        cid_to_gid = b"".join(new_gid[g].to_bytes(2, "big") for g in self._glyph_of_cid)
        cid_font = pdf.add(
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base_name} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {self._descriptor(pdf, base_name, font_file, scale)} 0 R "
            f"/DW 1000 /W [{self._widths(scale)}] "
            f"/DW2 [{round(self.face.ascender * scale)} -1000] "
            f"/W2 [{self._vertical_metrics(scale)}] "
            f"/CIDToGIDMap {pdf.add_stream(cid_to_gid)} 0 R >>")
        to_unicode = pdf.add_stream(self._to_unicode_cmap().encode("ascii"))
        return {
            name: pdf.add(f"<< /Type /Font /Subtype /Type0 /BaseFont /{base_name}-{encoding} "
                          f"/Encoding /{encoding} /DescendantFonts [{cid_font} 0 R] "
                          f"/ToUnicode {to_unicode} 0 R >>")
            for name, encoding in ((self.vertical_name, "Identity-V"),
                                   (self.horizontal_name, "Identity-H"))
        }

    def _subset(self) -> tuple[bytes, dict[int, int]]:
        """The font cut down to the used glyphs (HarfBuzz's subsetter: milliseconds where
        fontTools takes a third of a second on a large CJK font), and each original glyph
        id's new id."""
        used = sorted(set(self._glyph_of_cid))
        request = hb.SubsetInput()
        for glyph in used:
            request.glyph_set.add(glyph)
        request.flags = (hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
                         | hb.SubsetFlags.NO_LAYOUT_CLOSURE)
        for tag in DROPPED_TABLES:
            request.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
        plan = hb.SubsetPlan(self.face.hb_font.face, request)
        subset_face = plan.execute()
        mapping = plan.old_to_new_glyph_mapping
        return subset_face.blob.data, {glyph: mapping[glyph] for glyph in used}

    def _subset_tag(self) -> str:
        """Six capitals derived from the font and its glyphs: stable between runs."""
        digest = hashlib.sha256(self.face.key.encode())
        digest.update(repr(self._glyph_of_cid).encode())
        value = int.from_bytes(digest.digest()[:8], "big")
        letters = []
        for _letter in range(6):
            value, rest = divmod(value, 26)
            letters.append(string.ascii_uppercase[rest])
        return "".join(letters)

    def _descriptor(self, pdf: PdfFile, base_name: str, font_file: bytes,
                    scale: float) -> int:
        bbox = " ".join(str(round(v * scale)) for v in self.face.bounding_box)
        ascent = round(self.face.ascender * scale)
        file_number = pdf.add_stream(font_file, f"/Length1 {len(font_file)}")
        return pdf.add(
            f"<< /Type /FontDescriptor /FontName /{base_name} /Flags 4 /FontBBox [{bbox}] "
            f"/ItalicAngle 0 /Ascent {ascent} /Descent {round(self.face.descender * scale)} "
            f"/CapHeight {ascent} /StemV 80 /FontFile2 {file_number} 0 R >>")

    def _widths(self, scale: float) -> str:
        """W entries: each CID's horizontal advance in 1/1000 em."""
        return " ".join(f"{cid} [{round(self.face.h_advance(glyph) * scale)}]"
                        for cid, glyph in enumerate(self._glyph_of_cid[1:], start=1))

    def _vertical_metrics(self, scale: float) -> str:
        """W2 entries: each CID's vertical advance and origin in 1/1000 em."""
        entries = []
        for cid, glyph in enumerate(self._glyph_of_cid[1:], start=1):
            advance, origin_x, origin_y = self.face.v_metrics(glyph)
            entries.append(f"{cid} {cid} {round(-advance * scale)} {round(origin_x * scale)} "
                           f"{round(origin_y * scale)}")
        return " ".join(entries)

    def _to_unicode_cmap(self) -> str:
        entries = [
            f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>"
            for cid, text in enumerate(self._text_of_cid)
            if cid and text
        ]
        blocks = []
        for start in range(0, len(entries), TOUNICODE_BLOCK):
            chunk = entries[start : start + TOUNICODE_BLOCK]
            blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
        return "\n".join([
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ])


class _Cids(dict):
    """(glyph, text) → its CID as four hex digits, handed out by `font` when first asked."""

    def __init__(self, font: EmbeddedFont) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, pair: tuple[int, str]) -> str:
        code = self[pair] = f"{self.font._new_cid(*pair):04X}"
        return code

