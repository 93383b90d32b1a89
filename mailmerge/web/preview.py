"""One planned card as the browser sees it: a side as a PNG, drawn when it is asked for, and
the card's words (the template's, and the shop's edit of them).

In: the shop (its files, settings and log), the day and kind of card (the situation the
browser chose), the card's customer row, a side
(address or message) and, for a draft, the edit being typed. Out: PNG bytes or CardWords,
made the way a print run makes the card: the plan's entry, its stored edit, laid out by
CardMaker, drawn by render.page_png. The plan and the sales are the Desk's kept
ones, so a thumbnail costs only its own card. Nothing is written or logged.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct
from msgspec.structs import replace

from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.render.page_png import page_png
from mailmerge.runs.cards import CardMaker
from mailmerge.runs.jobs import Job, RunOptions
from mailmerge.selection.plan import PlanEntry, campaign_of
from mailmerge.templates.card_edit import CardEdit, body_text
from mailmerge.web.desk import Desk

SIDES = ("address", "message")


class NoSuchCard(HagakiError):
    """The row asked for has no card in today's plan."""


class CardWords(Struct, frozen=True):
    entry: PlanEntry
    campaign: str
    edit: CardEdit | None
    template_body: str  # the template's own body, paragraphs with a blank line between

    @property
    def body(self) -> str:
        """What the edit box starts with: the shop's body, else the template's."""
        return self.edit.body if self.edit and self.edit.body else self.template_body


def card_png(desk: Desk, on: dt.date, situation: str | None, row: int, side: str,
             draft: CardEdit | None = None) -> bytes:
    """The PNG of one side of the card planned for the customer on `row`, with its stored
    edit (or the `draft` being typed)."""
    if side not in SIDES:
        raise NoSuchCard(_("面は address か message です: {side}", side=side))
    maker, job = _card(desk, on, situation, row, side)
    if draft is not None:
        job = replace(job, edit=replace(draft, customer_id=job.entry.customer.customer_id,
                                        campaign=job.campaign))
    pages, _message = maker.pages(job)
    return page_png(pages[0])


def card_words(desk: Desk, on: dt.date, situation: str | None, row: int) -> CardWords:
    """The card's entry, campaign, stored edit and the template's own words."""
    maker, job = _card(desk, on, situation, row, "message")
    _pages, message = maker.pages(replace(job, edit=None))
    return CardWords(job.entry, job.campaign, job.edit, body_text(message))


def _card(desk: Desk, on: dt.date, situation: str | None, row: int,
          side: str) -> tuple[CardMaker, Job]:
    view = desk.plan(on, situation)
    held = [n.held for n in view.plan.not_sent if n.held is not None]  # left out, for now
    entry = next((e for e in [*view.plan.cards, *held] if e.customer.row == row), None)
    if entry is None:
        raise NoSuchCard(_("{row} 行目のお客様には今日のはがきがありません", row=row))
    maker = CardMaker(desk.shop().settings,
                      RunOptions(side=side, sales=desk.files.sales(), date=on), desk.card_sales())
    campaign = campaign_of(entry, on)
    edit = desk.card_edits([(entry.customer.customer_id, campaign)]).get(
        (entry.customer.customer_id, campaign))
    return maker, Job(entry, on, campaign, edit=edit)

