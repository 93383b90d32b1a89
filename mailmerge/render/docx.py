"""The message sides as an editable Word file (python-docx), for shops that touch up text.

In: the rendered Messages. Out: a .docx written atomically: postcard-sized pages (100 × 148
mm), vertical writing (tbRl), one card per page: heading, paragraphs, closing, date, name.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from mailmerge.atomic import atomic_write
from mailmerge.templates.engine import Message

FONT = "Klee One"
HEADING_FONT = "衡山毛筆フォント"
FIXED_TIME = dt.datetime(2000, 1, 1)


def write_docx(messages: list[Message], target: Path) -> None:
    """Write one page per message into `target` (atomically)."""
    with atomic_write(target) as stream:
        stream.write(docx_bytes(messages))


def docx_bytes(messages: list[Message]) -> bytes:
    """The Word file of the messages, one page each; the same messages give the same bytes
    (fixed document dates and zip times)."""
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
        if message.heading:
            _paragraph(document, message.heading, HEADING_FONT, 20)
        for paragraph in message.paragraphs:
            _paragraph(document, paragraph, FONT, 12)
        if message.closing:
            _paragraph(document, message.closing, FONT, 12, WD_ALIGN_PARAGRAPH.RIGHT)
        if message.date_line:
            _paragraph(document, message.date_line, FONT, 10)
        if message.signature:
            _paragraph(document, message.signature, FONT, 13, WD_ALIGN_PARAGRAPH.RIGHT)
        if index < len(messages) - 1:
            document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


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


def _paragraph(document, text: str, font: str, size: int,
               alignment: WD_ALIGN_PARAGRAPH | None = None) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if alignment is not None:
        paragraph.alignment = alignment
