"""One planned card as the browser sees it: a side as a PNG, drawn when it is asked for, and
the card's words (the template's, and the shop's edit of them).

In: the shop (its files, settings and log), the day, the card's customer row, a side
(address or message) and, for a draft, the edit being typed. Out: PNG bytes or CardWords,
made the way a print run makes the card: the plan's entry, its stored edit, laid out by
CardMaker, written by PdfBuilder, rendered by PDFium. The plan and the sales are the Desk's kept
ones, so a thumbnail costs only its own card. Nothing is written or logged.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace

import pypdfium2 as pdfium

from mailmerge.cards import CardMaker
from mailmerge.errors import HagakiError
from mailmerge.render.pdf import PdfBuilder
from mailmerge.run import Job, RunOptions
from mailmerge.selection.plan import PlanEntry, campaign_of
from mailmerge.templates.card_edit import CardEdit, body_text
from mailmerge.web.desk import Desk

SIDES = ("address", "message")
SCALE = 1.5  # PDF points to pixels: a 100 × 148 mm card is 425 × 630 px


class NoSuchCard(HagakiError):
    """The row asked for has no card in today's plan."""


@dataclass(frozen=True)
class CardWords:
    entry: PlanEntry
    campaign: str
    edit: CardEdit | None
    template_body: str  # the template's own body, paragraphs with a blank line between

    @property
    def body(self) -> str:
        """What the edit box starts with: the shop's body, else the template's."""
        return self.edit.body if self.edit and self.edit.body else self.template_body


def card_png(desk: Desk, on: dt.date, row: int, side: str,
             draft: CardEdit | None = None) -> bytes:
    """The PNG of one side of the card planned for the customer on `row`, with its stored
    edit (or the `draft` being typed)."""
    if side not in SIDES:
        raise NoSuchCard(f"面は address か message です: {side}")
    maker, job = _card(desk, on, row, side)
    if draft is not None:
        job = replace(job, edit=replace(draft, customer_id=job.entry.customer.customer_id,
                                        campaign=job.campaign))
    pages, _message = maker.pages(job)
    builder = PdfBuilder("hagaki preview")
    builder.add(pages[0])
    pdf = io.BytesIO()
    builder.write(pdf)
    return _png(pdf.getvalue())


def card_words(desk: Desk, on: dt.date, row: int) -> CardWords:
    """The card's entry, campaign, stored edit and the template's own words."""
    maker, job = _card(desk, on, row, "message")
    _pages, message = maker.pages(replace(job, edit=None))
    return CardWords(job.entry, job.campaign, job.edit, body_text(message))


def _card(desk: Desk, on: dt.date, row: int, side: str) -> tuple[CardMaker, Job]:
    view = desk.plan(on)
    held = [n.held for n in view.plan.not_sent if n.held is not None]  # left out, for now
    entry = next((e for e in [*view.plan.cards, *held] if e.customer.row == row), None)
    if entry is None:
        raise NoSuchCard(f"{row} 行目のお客様には今日のはがきがありません")
    maker = CardMaker(desk.shop().settings,
                      RunOptions(side=side, sales=desk.files.sales(), date=on), desk.card_sales())
    campaign = campaign_of(entry, on)
    edit = desk.card_edits([(entry.customer.customer_id, campaign)]).get(
        (entry.customer.customer_id, campaign))
    return maker, Job(entry, on, campaign, edit=edit)


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
