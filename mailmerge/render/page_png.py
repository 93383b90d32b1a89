"""One laid-out page as a PNG for a screen, drawn by the PDF writer and rendered by PDFium.

In: a Page (mm). Out: PNG bytes of SCREEN_SCALE pixels per PDF point (a 100 × 148 mm card is
425 × 630 px), the same pipeline the card previews use: PdfBuilder, then PDFium.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from mailmerge.layout.page import Page
from mailmerge.render.pdf import PdfBuilder

SCREEN_SCALE = 1.5  # pixels per PDF point


def page_png(page: Page, title: str = "hagaki preview") -> bytes:
    """The page drawn as an RGB PNG at SCREEN_SCALE."""
    builder = PdfBuilder(title)
    builder.add(page)
    pdf = io.BytesIO()
    builder.write(pdf)
    document = pdfium.PdfDocument(pdf.getvalue())
    try:
        pdf_page = document[0]
        try:
            bitmap = pdf_page.render(scale=SCREEN_SCALE, may_draw_forms=False)
            try:
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            pdf_page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
