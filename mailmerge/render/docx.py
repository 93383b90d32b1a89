"""The message sides as an editable Word file (python-docx), for shops that touch up text.

In: the rendered Messages and the message and heading font chains. Out: a .docx written
atomically: postcard-sized pages (100 × 148 mm), vertical writing (tbRl), one card per page:
heading, paragraphs (a template's line breaks kept), closing, date, name. Each run names the
font the PDF uses for it (a word that needs a fallback font is one run in that font), and
every font used is embedded the way Word embeds fonts (ISO/IEC 29500-1 §17.8.1): a subset
with only the characters used, obfuscated (docx_fonts) in word/fonts/, named in fontTable.xml
with w:embedRegular and its key, so Word on a PC without Klee One shows the same letters.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from msgspec.structs import replace

from mailmerge.layout.message_text import prepare_message
from mailmerge.render.docx_fonts import EmbeddedFonts
from mailmerge.templates.engine import Message
from mailmerge.typeface.chain import FontChain

FIXED_TIME = dt.datetime(2000, 1, 1)


def docx_bytes(messages: list[Message], message_chain: FontChain | None = None,
               heading_chain: FontChain | None = None, numerals: str = "kanji") -> bytes:
    """The Word file of the messages, one page each, with the words the cards print
    (numbers in the shop's numeral style); the same messages give the same bytes (fixed
    document dates and zip times, fonts subset the same way). Without chains, the default
    message and heading fonts."""
    if message_chain is None or heading_chain is None:
        from mailmerge.shop.settings import Settings
        from mailmerge.typeface.roles import FontRoles

        roles = FontRoles(Settings())
        message_chain = message_chain or roles.chain("message")
        heading_chain = heading_chain or roles.chain("heading")
    fonts = EmbeddedFonts()
    document = Document()
    properties = document.core_properties
    properties.created = properties.modified = FIXED_TIME
    properties.last_modified_by, properties.revision = "hagaki", 1
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(100), Mm(148)
    for side in ("top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    section.left_margin = section.right_margin = Mm(8)
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRl")
    section._sectPr.append(direction)
    for index, message in enumerate(messages):
        message = _as_printed(message, numerals)
        if message.heading:
            _paragraph(document, message.heading, heading_chain, fonts, 20)
        for paragraph in message.paragraphs:
            _paragraph(document, paragraph, message_chain, fonts, 12)
        if message.closing:
            _paragraph(document, message.closing, message_chain, fonts, 12,
                       WD_ALIGN_PARAGRAPH.RIGHT)
        if message.date_line:
            _paragraph(document, message.date_line, message_chain, fonts, 10)
        if message.signature:
            _paragraph(document, message.signature, message_chain, fonts, 13,
                       WD_ALIGN_PARAGRAPH.RIGHT)
        if index < len(messages) - 1:
            document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(fonts.embed_into(buffer.getvalue()))


def _as_printed(message: Message, numerals: str) -> Message:
    """The message's texts as the card sets them: 3,000円 → 三千円 in the kanji styles."""
    def printed(text: str) -> str:
        return "\n".join(prepare_message(line, numerals) for line in text.split("\n"))

    return replace(message, heading=printed(message.heading),
                   paragraphs=tuple(printed(p) for p in message.paragraphs),
                   closing=printed(message.closing), date_line=printed(message.date_line),
                   signature=printed(message.signature))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every member dated FIXED_TIME, in the same order."""
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return result.getvalue()


def _paragraph(document, text: str, chain: FontChain, fonts: EmbeddedFonts, size: int,
               alignment: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """A paragraph of runs, one per font (as the PDF chooses them), lines kept."""
    paragraph = document.add_paragraph()
    for number, line in enumerate(text.split("\n")):
        if number:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        for face, part in chain.split(line, "docx"):
            name = fonts.use(face, part)
            run = paragraph.add_run(part)
            run.font.name = name
            run.font.size = Pt(size)
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if alignment is not None:
        paragraph.alignment = alignment
