"""One planned card's side as a PNG for the browser, drawn when it is asked for.

In: the shop (its files and settings), the day, the card's customer row and a side (address
or message). Out: PNG bytes, made the way a print run makes the card: the plan's entry, laid
out by CardMaker, written by PdfBuilder, rendered by PDFium. Nothing is written or logged.
"""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2 as pdfium

from mailmerge.cards import CardMaker
from mailmerge.errors import HagakiError
from mailmerge.render.pdf import PdfBuilder
from mailmerge.run import Job, RunOptions
from mailmerge.selection.plan import campaign_of
from mailmerge.sources.customers import read_customers
from mailmerge.sources.sourceset import sales_for
from mailmerge.web.desk import Desk

SIDES = ("address", "message")
SCALE = 1.5  # PDF points to pixels: a 100 × 148 mm card is 425 × 630 px


class NoSuchCard(HagakiError):
    """The row asked for has no card in today's plan."""


def card_png(desk: Desk, on: dt.date, row: int, side: str) -> bytes:
    """The PNG of one side of the card planned for the customer on `row`."""
    if side not in SIDES:
        raise NoSuchCard(f"面は address か message です: {side}")
    view = desk.plan(on)
    entry = next((e for e in view.plan.cards if e.customer.row == row), None)
    if entry is None:
        raise NoSuchCard(f"{row} 行目のお客様には今日のはがきがありません")
    shop = desk.shop()
    sales_path = desk.files.sales()
    read_options = desk.read_options(shop)
    customers = read_customers(desk.customers(), read_options)
    sales = sales_for(customers.sources, customers.ids, sales_path, read_options)
    maker = CardMaker(shop.settings, RunOptions(side=side, sales=sales_path, date=on),
                      sales.sales if sales is not None else [])
    pages, _message = maker.pages(Job(entry, on, campaign_of(entry, on)))
    builder = PdfBuilder("hagaki preview")
    builder.add(pages[0])
    pdf = io.BytesIO()
    builder.write(pdf)
    return _png(pdf.getvalue())


def _png(pdf: bytes) -> bytes:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        try:
            bitmap = page.render(scale=SCALE, may_draw_forms=False)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
        finally:
            page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
