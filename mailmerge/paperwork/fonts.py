"""hagaki's font chains as reportlab fonts: exact text, rare kanji and variation sequences.

In: a FontChain (BIZ UD Mincho, then IPAmj Mincho for 𠮷 and other rare kanji, or the shop's
[fonts] name chain). Out: a font reportlab draws with like any TrueType font (canvas, tables,
paragraphs, charts), registered under a name.

Why not reportlab's own TTFont: it embeds simple TrueType subsets of 256 codes whose ToUnicode
entries are written as 16-bit values (𠮷, U+20BB7, comes out as the 5-digit <20BB7>, which
no reader maps back), it looks characters up one code point at a time (葛 + U+E0100 draws 葛
and then a missing glyph for the selector), and it has no fallback to a second font. Here each
face of the chain is embedded the way hagaki embeds the card fonts (render/cid_font.py): a
CID-keyed Type0 font (Identity-H) with one CID per distinct (glyph, text) pair and a ToUnicode
map holding surrogate pairs and base + selector, so every name copies back as it was typed.
The font is registered with reportlab.pdfbase.pdfmetrics.registerFont (paperwork/document.py).
"""

from __future__ import annotations

import functools
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfdoc

from mailmerge.render.cid_font import EmbeddedFont
from mailmerge.typeface.chain import FontChain, graphemes
from mailmerge.typeface.face import FontFace

NOT_DRAWN = {"\u200b", "\u200c", "\u200d", "\ufeff", "\n", "\r", "\t"}


class _FaceNames:
    """What reportlab reads from a font's `face`: its name and its ascent and descent in
    thousandths of an em."""

    def __init__(self, name: str, face: FontFace) -> None:
        scale = 1000 / face.units_per_em
        self.name = name
        self.ascent = round(face.ascender * scale)
        self.descent = round(face.descender * scale)


class ChainFont:
    """A reportlab dynamic font over a FontChain. Each face of the chain is one 'subset' in
    reportlab's terms; its codes are two-byte CIDs handed out per document."""

    _dynamicFont = 1
    _multiByte = 1
    shapable = False
    substitutionFonts: list = []

    def __init__(self, name: str, chain: FontChain) -> None:
        self.fontName = name
        self.chain = chain
        self.face = _FaceNames(name, chain.primary)
        self._faces: list[FontFace] = [chain.primary]
        self._documents: WeakKeyDictionary = WeakKeyDictionary()

    def glyphs(self, text: str) -> tuple[tuple[int, int, str, int], ...]:
        """(face number, glyph, text, advance in 1/1000 em) for each character of `text` (a
        character with its variation selector is one); a character no face draws gets the
        first face's missing glyph and still reads back as itself."""
        return _glyphs(self, text)

    def _face_number(self, face: FontFace) -> int:
        if face not in self._faces:
            self._faces.append(face)
        return self._faces.index(face)

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:  # noqa: N802
        return sum(advance for *_, advance in self.glyphs(text)) * size / 1000

    def splitString(self, text: str, doc, encoding: str = "utf-8"  # noqa: N802
                    ) -> list[tuple[int, bytes]]:
        """Runs of (face number, two-byte CIDs), as reportlab's text objects show them."""
        fonts = self._in(doc)
        found = fonts.shown.get(text)
        if found is None:
            runs: list[tuple[int, bytearray]] = []
            for number, glyph, piece, _ in self.glyphs(text):
                cid = fonts.embedding(number).cid(glyph, piece)
                if not runs or runs[-1][0] != number:
                    runs.append((number, bytearray()))
                runs[-1][1].extend(cid.to_bytes(2, "big"))
            found = fonts.shown[text] = [(number, bytes(codes)) for number, codes in runs]
        return found

    def getSubsetInternalName(self, subset: int, doc) -> str:  # noqa: N802
        fonts = self._in(doc)
        if fonts.prefix is None:
            fonts.prefix = f"HG{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = f"/{fonts.prefix}"
            doc.delayedFonts.append(self)
        return f"/{fonts.prefix}+{subset}"

    def addObjects(self, doc) -> None:  # noqa: N802
        """Write every face this document used (called by reportlab when it saves)."""
        fonts = self._documents.pop(doc)
        for number, embedding in sorted(fonts.embeddings.items()):
            name = f"{fonts.prefix}+{number}"
            reference = doc.Reference(embedding.pdf_font(doc), name)
            doc.idToObject["BasicFonts"].dict[name] = reference

    def _in(self, doc) -> _DocumentFonts:
        fonts = self._documents.get(doc)
        if fonts is None:
            fonts = self._documents[doc] = _DocumentFonts(self._faces)
        return fonts


@functools.lru_cache(maxsize=65536)
def _glyphs(font: ChainFont, text: str) -> tuple[tuple[int, int, str, int], ...]:
    chain = font.chain
    if chain.covers(text):  # words kept in one face, as on the cards
        runs = chain.split(text)
    else:
        runs = [(chain.face_for(piece) or chain.primary, piece) for piece in graphemes(text)]
    found = []
    for face, run in runs:
        number = font._face_number(face)
        hb_font = face.hb_font
        for piece in graphemes(run):
            if piece in NOT_DRAWN:
                continue
            glyph = None
            if len(piece) > 1:
                glyph = hb_font.get_variation_glyph(ord(piece[0]), ord(piece[1]))
            if glyph is None:
                glyph = hb_font.get_nominal_glyph(ord(piece[0])) or 0
            advance = round(face.h_advance(glyph) * 1000 / face.units_per_em)
            found.append((number, glyph, piece, advance))
    return tuple(found)


class _DocumentFonts:
    """One document's use of a chain: the CIDs each face handed out, and its PDF name."""

    def __init__(self, faces: list[FontFace]) -> None:
        self.faces = faces
        self.prefix: str | None = None
        self.embeddings: dict[int, _Embedding] = {}
        self.shown: dict[str, list[tuple[int, bytes]]] = {}  # text → its runs of CIDs

    def embedding(self, number: int) -> _Embedding:
        found = self.embeddings.get(number)
        if found is None:
            found = self.embeddings[number] = _Embedding(self.faces[number], number)
        return found


class _Embedding(EmbeddedFont):
    """hagaki's CID embedding of one face (CIDs, subset, widths, ToUnicode), written as
    reportlab objects: a Type0 font with Identity-H over one CIDFontType2."""

    def pdf_font(self, doc) -> pdfdoc.PDFDictionary:
        face = self.face
        font_file, new_gid = self._subset()
        base_name = f"{self._subset_tag()}+{face.postscript_name}"
        scale = 1000 / face.units_per_em
        file_stream = _stream(font_file, {"Length1": len(font_file)})
        descriptor = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("FontDescriptor"),
            "FontName": pdfdoc.PDFName(base_name),
            "Flags": 4,
            "FontBBox": pdfdoc.PDFArray([round(v * scale) for v in face.bounding_box]),
            "ItalicAngle": 0,
            "Ascent": round(face.ascender * scale),
            "Descent": round(face.descender * scale),
            "CapHeight": round(face.ascender * scale),
            "StemV": 80,
            "FontFile2": doc.Reference(file_stream),
        })
        cid_to_gid = b"".join(new_gid[g].to_bytes(2, "big") for g in self._glyph_of_cid)
        cid_font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("CIDFontType2"),
            "BaseFont": pdfdoc.PDFName(base_name),
            "CIDSystemInfo": pdfdoc.PDFDictionary({
                "Registry": pdfdoc.PDFString("Adobe"), "Ordering": pdfdoc.PDFString("Identity"),
                "Supplement": 0}),
            "FontDescriptor": doc.Reference(descriptor),
            "DW": 1000,
            "W": _Raw(f"[{self._widths(scale)}]"),
            "CIDToGIDMap": doc.Reference(_stream(cid_to_gid)),
        })
        return pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("Type0"),
            "BaseFont": pdfdoc.PDFName(f"{base_name}-Identity-H"),
            "Encoding": pdfdoc.PDFName("Identity-H"),
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font)]),
            "ToUnicode": doc.Reference(_stream(self._to_unicode_cmap().encode("ascii"))),
        })


def _stream(content: bytes, entries: dict | None = None) -> pdfdoc.PDFStream:
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary(entries or {}), content, [pdfdoc.PDFZCompress])


class _Raw(pdfdoc.PDFObject):
    """PDF syntax written as it is (a long width array, formatted once)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def format(self, document) -> bytes:
        return self.text.encode("ascii")
