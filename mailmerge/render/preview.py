"""Contact sheets: a PDF's pages side by side in one PNG, to look at before printing.

In: a PDF and a page range ("1-8", "3", "2,5-6"; 1-based). Out: a PNG written atomically.
Pages are rendered by PDFium (pypdfium2).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from mailmerge.atomic import atomic_write
from mailmerge.errors import HagakiError

COLUMNS = 4
GAP_PX = 16
PAGE_WIDTH_PX = 300


def parse_pages(spec: str | None, count: int) -> list[int]:
    """'1-8' → [0 … 7] (zero-based, within the document); None → every page."""
    if not spec:
        return list(range(count))
    pages: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError:
            raise HagakiError(f"--pages {spec!r}: write pages like 1-8 or 2,5-6") from None
        if start < 1 or end < start:
            raise HagakiError(f"--pages {spec!r}: pages count from 1, low to high")
        pages += [p - 1 for p in range(start, end + 1) if p <= count]
    if not pages:
        raise HagakiError(f"--pages {spec!r}: the PDF has only {count} pages")
    return pages


def contact_sheet(pdf_path: Path, target: Path, pages: str | None = None) -> int:
    """Render the chosen pages into one PNG; return how many pages it shows."""
    try:
        document = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, FileNotFoundError, OSError) as exc:
        raise HagakiError(f"{pdf_path}: not a readable PDF ({exc})") from None
    try:
        chosen = parse_pages(pages, len(document))
        images = []
        for index in chosen:
            page = document[index]
            scale = PAGE_WIDTH_PX / page.get_width()
            images.append(page.render(scale=scale).to_pil().convert("RGB"))
    finally:
        document.close()
    cell_w = max(image.width for image in images)
    cell_h = max(image.height for image in images) + 20
    rows = (len(images) + COLUMNS - 1) // COLUMNS
    columns = min(COLUMNS, len(images))
    sheet = Image.new("RGB", (columns * (cell_w + GAP_PX) + GAP_PX,
                              rows * (cell_h + GAP_PX) + GAP_PX), (200, 200, 200))
    draw = ImageDraw.Draw(sheet)
    for position, (index, image) in enumerate(zip(chosen, images, strict=True)):
        x = GAP_PX + (position % COLUMNS) * (cell_w + GAP_PX)
        y = GAP_PX + (position // COLUMNS) * (cell_h + GAP_PX)
        sheet.paste(image, (x, y))
        draw.text((x, y + image.height + 4), f"page {index + 1}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    with atomic_write(target) as stream:
        stream.write(buffer.getvalue())
    return len(images)
