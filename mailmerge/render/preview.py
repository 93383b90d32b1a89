"""Contact sheets: a PDF's pages side by side in PNGs, to look at before printing.

In: a PDF and a page range ("1-8", "3", "2,5-6", "all"; 1-based; by default the first
DEFAULT_PAGES pages). Out: PNGs of at most SHEET_PAGES pages each, written atomically
(`contact_sheets`: sheet.png when one is enough, else sheet-1.png, sheet-2.png …), so a run of
thousands of cards gives many small images instead of one huge one.
Pages are rendered by PDFium (pypdfium2) one at a time: each is drawn, shrunk into the sheet
and released before the next, so memory stays bounded whatever the PDF's length. When the
sheet does not show every page, a line at its top says which pages it shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw, ImageFont

from mailmerge.atomic import atomic_write
from mailmerge.errors import HagakiError
from mailmerge.i18n import _, ngettext
from mailmerge.package_files import package_file

DEFAULT_PAGES = 48  # without --pages: enough to judge a run, small enough to look at
SHEET_PAGES = DEFAULT_PAGES  # pages per image when a range is paged into several images
COLUMNS = 4  # at least; long sheets get more, so they stay about as wide as tall
GAP_PX = 16
LABEL_PX = 20
NOTE_PX = 40
PAGE_WIDTH_PX = 300
SMALL_PAGE_WIDTH_PX = 180  # for sheets of more than DEFAULT_PAGES pages
PAGE_HEIGHT_MAX_PX = 600  # a page much taller than a card is shrunk to this
BACKGROUND = (200, 200, 200)
NOTE_FONT = ("fonts", "BIZUDMincho-Regular.ttf")
END_BYTES = 1024  # %PDF- and %%EOF are looked for this near the start and the end


def parse_pages(spec: str | None, count: int) -> list[int]:
    """'1-8' → [0 … 7] (zero-based, within the document); None → the first DEFAULT_PAGES;
    'all' → every page."""
    if not spec:
        return list(range(min(count, DEFAULT_PAGES)))
    if spec.strip().lower() == "all":
        spec = f"1-{count}"
    pages: list[int] = []
    for part in spec.split(","):
        first, _dash, last = part.strip().partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError:
            raise HagakiError(_("--pages {spec}: 1-8 や 2,5-6 のように書いてください",
                                spec=repr(spec))) from None
        if start < 1 or end < start:
            raise HagakiError(_("--pages {spec}: ページは 1 から数え、小さい番号を先に書いて"
                                "ください", spec=repr(spec)))
        pages += range(start - 1, min(end, count))
    if not pages:
        raise HagakiError(ngettext("--pages {spec}: この PDF は {n} ページしかありません",
                                   "--pages {spec}: この PDF は {n} ページしかありません",
                                   count, spec=repr(spec)))
    return pages


def sheet_paths(target: Path, sheets: int) -> list[Path]:
    """sheet.png for one sheet; sheet-1.png, sheet-2.png … for several."""
    if sheets == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{number}{target.suffix}")
            for number in range(1, sheets + 1)]


def contact_sheets(pdf_path: Path, target: Path, pages: str | None = None,
                   check_targets: Callable[[list[Path]], None] | None = None
                   ) -> list[tuple[Path, int]]:
    """Render the chosen pages (any number) into sheets of at most SHEET_PAGES pages, each
    drawn, written and released before the next; `check_targets` sees every path before
    anything is written. Returns (path, pages shown) per sheet."""
    document = _open(pdf_path)
    try:
        total = len(document)
        if total == 0:
            raise HagakiError(_("{path}: ページが 1 枚もない PDF です", path=pdf_path))
        chosen = parse_pages(pages, total)
        groups = [chosen[start:start + SHEET_PAGES]
                  for start in range(0, len(chosen), SHEET_PAGES)]
        paths = sheet_paths(target, len(groups))
        if check_targets is not None:
            check_targets(paths)
        for path, group in zip(paths, groups, strict=True):
            sheet = _draw_sheet(document, pdf_path, group, total)
            with atomic_write(path) as stream:
                sheet.save(stream, format="PNG")
            sheet.close()
    finally:
        document.close()
    return [(path, len(group)) for path, group in zip(paths, groups, strict=True)]


def _open(pdf_path: Path) -> pdfium.PdfDocument:
    """The document, or one HagakiError line: missing, not a PDF, cut short, encrypted or
    damaged."""
    _check_ends(pdf_path)
    try:
        return pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise HagakiError(_("{path}: パスワードで保護された PDF はプレビューできません。"
                                "保護を外した PDF を指定してください", path=pdf_path)) from None
        raise HagakiError(_("{path}: PDF として読めません（PDF でないか、壊れています）",
                            path=pdf_path)) from None


def _check_ends(pdf_path: Path) -> None:
    """A PDF starts with %PDF- and ends with %%EOF: a file cut short is refused here, even
    when PDFium could patch up what is left."""
    if not pdf_path.is_file():
        raise HagakiError(_("{path}: ファイルが見つかりません", path=pdf_path))
    try:
        with pdf_path.open("rb") as stream:
            head = stream.read(END_BYTES)
            stream.seek(max(0, pdf_path.stat().st_size - END_BYTES))
            tail = stream.read()
    except OSError as error:
        raise HagakiError(_("{path}: 読めません（{reason}）", path=pdf_path,
                            reason=error.strerror or error)) from None
    if b"%PDF-" not in head:
        raise HagakiError(_("{path}: PDF ではありません。hagaki print で作った PDF を"
                            "指定してください", path=pdf_path))
    if b"%%EOF" not in tail:
        raise HagakiError(_("{path}: PDF が途中で切れています（最後の %%EOF がありません）。"
                            "作り直すかコピーし直してください", path=pdf_path))


def _draw_sheet(document: pdfium.PdfDocument, pdf_path: Path, chosen: list[int],
                total: int) -> Image.Image:
    """The sheet with every chosen page pasted in, each page released once pasted."""
    width = PAGE_WIDTH_PX if len(chosen) <= DEFAULT_PAGES else SMALL_PAGE_WIDTH_PX
    height = PAGE_HEIGHT_MAX_PX * width // PAGE_WIDTH_PX
    scales = [_scale(document, pdf_path, index, width, height) for index in chosen]
    cell_w = width + GAP_PX
    cell_h = max(math.ceil(scale * size[1]) for scale, size in scales) + LABEL_PX + GAP_PX
    columns = min(len(chosen), max(COLUMNS, round(math.sqrt(len(chosen)))))
    rows = math.ceil(len(chosen) / columns)
    top = NOTE_PX if len(chosen) < total else 0
    sheet = Image.new("RGB", (columns * cell_w + GAP_PX, top + rows * cell_h + GAP_PX),
                      BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for position, (index, (scale, _size)) in enumerate(zip(chosen, scales, strict=True)):
        x = GAP_PX + (position % columns) * cell_w
        y = top + GAP_PX + (position // columns) * cell_h
        thumbnail = _render(document, pdf_path, index, scale)
        thumbnail.thumbnail((width, cell_h - LABEL_PX - GAP_PX))  # a rotated page still fits
        sheet.paste(thumbnail, (x, y))
        draw.text((x, y + thumbnail.height + 4), f"{index + 1}", fill=(0, 0, 0))
    if top:
        if _consecutive(chosen):
            note = _("全 {total:,} ページのうち {first}〜{last} ページ目（{shown} ページ）。"
                     "ほかのページは --pages で選べます", total=total, first=chosen[0] + 1,
                     last=chosen[-1] + 1, shown=len(chosen))
        else:
            note = _("全 {total:,} ページのうち 一部の ページ目（{shown} ページ）。"
                     "ほかのページは --pages で選べます", total=total, shown=len(chosen))
        font = ImageFont.truetype(str(package_file(*NOTE_FONT)), 18)
        draw.text((GAP_PX, GAP_PX // 2 + 4), note, fill=(0, 0, 0), font=font)
    return sheet


def _scale(document: pdfium.PdfDocument, pdf_path: Path, index: int, width: int,
           height: int) -> tuple[float, tuple[float, float]]:
    """(scale, page size in points) that fits page `index` in width × height pixels; the
    size is read without loading the page."""
    try:
        size = document.get_page_size(index)
    except pdfium.PdfiumError:
        raise _damaged(pdf_path, index) from None
    if size[0] <= 0 or size[1] <= 0:
        raise _damaged(pdf_path, index)
    return min(width / size[0], height / size[1]), size


def _render(document: pdfium.PdfDocument, pdf_path: Path, index: int,
            scale: float) -> Image.Image:
    """One page as an RGB image; PDFium's page and bitmap are closed before returning."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        raise _damaged(pdf_path, index) from None
    try:
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            return bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    except pdfium.PdfiumError:
        raise _damaged(pdf_path, index) from None
    finally:
        page.close()


def _consecutive(chosen: list[int]) -> bool:
    return chosen == list(range(chosen[0], chosen[0] + len(chosen)))


def _damaged(pdf_path: Path, index: int) -> HagakiError:
    return HagakiError(_("{path}: {page} ページ目が壊れていて描けません。"
                         "PDF を作り直してください", path=pdf_path, page=index + 1))
