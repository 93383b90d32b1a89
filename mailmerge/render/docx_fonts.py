"""Fonts embedded in a Word file the way Word embeds them (ISO/IEC 29500-1 §17.8.1).

In: the faces a document uses and the characters set in each (EmbeddedFonts.use), then the
saved .docx. Out: the same .docx with, for each TrueType face, a subset of the characters
used (layout features such as `vert` and variation sequences kept) obfuscated as
word/fonts/fontN.odttf, a font relationship from fontTable.xml, a w:font entry with
w:embedRegular (r:id, w:fontKey, w:subsetted) and <w:embedTrueTypeFonts/> <w:saveSubsetFonts/>
in settings.xml. Obfuscation: the first 32 bytes of the font XORed with the 16 bytes of the
font key GUID read backwards (obfuscate() is its own inverse). The key is derived from the
subset's bytes, so the same document always gives the same file.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
import zipfile

from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import etree

from mailmerge.typeface.face import FontFace

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_RELATIONSHIP = f"{R}/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
OBFUSCATED_BYTES = 32
# settings.xml elements that come before embedTrueTypeFonts (CT_Settings sequence).
_SETTINGS_BEFORE = ("writeProtection", "view", "zoom", "removePersonalInformation",
                    "removeDateAndTime", "doNotDisplayPageBoundaries",
                    "displayBackgroundShape", "printPostScriptOverText",
                    "printFractionalCharacterWidth", "printFormsData")


def obfuscate(data: bytes, font_key: str) -> bytes:
    """XOR the first 32 bytes with the key GUID's bytes in reverse order (and back again)."""
    key = bytes.fromhex(font_key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ key[index % len(key)]
                 for index, byte in enumerate(data[:OBFUSCATED_BYTES]))
    return head + data[OBFUSCATED_BYTES:]


def subset_font(face: FontFace, characters: set[str]) -> bytes:
    """The face cut down to `characters` (code points, variation selectors included), keeping
    its names, layout features and variation sequences; no hinting."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = False
    options.recalc_timestamp = False
    options.recalc_bounds = False
    options.drop_tables += ["gasp", "mort", "morx", "hdmx", "LTSH", "VDMX"]  # hinting, legacy
    quiet = logging.getLogger("fontTools")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its notes on dropped tables are not the user's business
    try:
        font = TTFont(face.path, fontNumber=face.index, recalcTimestamp=False,
                      recalcBBoxes=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in characters}))
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
    finally:
        quiet.setLevel(level)
    return buffer.getvalue()


class EmbeddedFonts:
    """The faces one document uses, with the characters set in each, in order of first use."""

    def __init__(self) -> None:
        self._faces: dict[FontFace, set[str]] = {}

    def use(self, face: FontFace, text: str) -> str:
        """Note that `text` is set in `face`; return the font name runs should give."""
        self._faces.setdefault(face, set()).update(text)
        return face.family

    def embed_into(self, docx: bytes) -> bytes:
        """The .docx with every TrueType face used embedded (subset, obfuscated)."""
        fonts = [(face, characters) for face, characters in self._faces.items()
                 if face.truetype_outlines]
        if not fonts:
            return docx
        parts: dict[str, bytes] = {}
        entries = []
        for number, (face, characters) in enumerate(fonts, start=1):
            data = subset_font(face, characters)
            key = "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"
            parts[f"word/fonts/font{number}.odttf"] = obfuscate(data, key)
            entries.append((face.family, f"rIdFont{number}", f"fonts/font{number}.odttf", key))
        with zipfile.ZipFile(io.BytesIO(docx)) as source:
            members = {info.filename: source.read(info) for info in source.infolist()}
        members["word/fontTable.xml"] = _font_table(members["word/fontTable.xml"], entries)
        members["word/_rels/fontTable.xml.rels"] = _font_relationships(entries)
        members["word/settings.xml"] = _settings(members["word/settings.xml"])
        members["[Content_Types].xml"] = _content_types(members["[Content_Types].xml"])
        members.update(parts)
        result = io.BytesIO()
        with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in members.items():
                target.writestr(name, data)
        return result.getvalue()


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _font_table(xml: bytes, entries: list[tuple[str, str, str, str]]) -> bytes:
    root = etree.fromstring(xml)
    for name, relationship, _, key in entries:
        for old in root.findall(f"{{{W}}}font[@{{{W}}}name='{name}']"):
            root.remove(old)
        font = etree.SubElement(root, f"{{{W}}}font", {f"{{{W}}}name": name})
        etree.SubElement(font, f"{{{W}}}charset", {f"{{{W}}}val": "80"})  # SHIFTJIS_CHARSET
        etree.SubElement(font, f"{{{W}}}family", {f"{{{W}}}val": "auto"})
        etree.SubElement(font, f"{{{W}}}pitch", {f"{{{W}}}val": "variable"})
        etree.SubElement(font, f"{{{W}}}embedRegular", {
            f"{{{R}}}id": relationship, f"{{{W}}}fontKey": key, f"{{{W}}}subsetted": "1"})
    return _xml(root)


def _font_relationships(entries: list[tuple[str, str, str, str]]) -> bytes:
    root = etree.Element(f"{{{PACKAGE_RELATIONSHIPS}}}Relationships",
                         nsmap={None: PACKAGE_RELATIONSHIPS})
    for _, relationship, target, _ in entries:
        etree.SubElement(root, f"{{{PACKAGE_RELATIONSHIPS}}}Relationship",
                         {"Id": relationship, "Type": FONT_RELATIONSHIP, "Target": target})
    return _xml(root)


def _settings(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    position = 0
    for index, child in enumerate(root):
        if etree.QName(child).localname in _SETTINGS_BEFORE:
            position = index + 1
    for offset, name in enumerate(("embedTrueTypeFonts", "saveSubsetFonts")):
        if root.find(f"{{{W}}}{name}") is None:
            root.insert(position + offset, etree.Element(f"{{{W}}}{name}"))
    return _xml(root)


def _content_types(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    if root.find(f"{{{CONTENT_TYPES}}}Default[@Extension='odttf']") is None:
        root.insert(0, etree.Element(f"{{{CONTENT_TYPES}}}Default",
                                     {"Extension": "odttf", "ContentType": OBFUSCATED_FONT}))
    return _xml(root)
