"""A batch's cards as the send log's rows, made ready to insert where the batch was drawn.

In: the run's id, the id the batch's first card is expected to get, the batch's LoggedCards
and the time. Out: CardRows — each card's row with its check value as 'pending', the check
value it takes once 'printed' and its thanked sales — which a worker process makes beside
its drawing, so the run only inserts them (sendlog.store). The ids are a guess made before
the earlier batches were drawn (each full, no card refused); `numbered_from` gives the
rows the ids they really get when an earlier batch refused a card.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from mailmerge.sendlog.checks import CARD_COLUMNS, row_check

_STATUS = CARD_COLUMNS.index("status")
_CHECKED = len(CARD_COLUMNS)  # a row: the checked columns, then updated_at, person, name, check


class LoggedCard(Struct, frozen=True):
    customer_id: str
    situation: str
    campaign: str
    template: str
    card_date: dt.date
    page: int
    address_key: str
    sale_keys: tuple[str, ...] = ()
    batch: int = 1
    sides: str = ""  # address, message or both
    message: str | None = None  # the card's words as JSON, for exact reprints
    reprint_of: int | None = None
    person: str = ""  # person_key(): name and address identity, whatever the customer id
    customer_name: str = ""  # as printed: 髙橋 一郎, or the company


class CardRows(Struct):
    first_id: int
    cards: list[tuple]  # CARD_COLUMNS, updated_at, person, customer_name, row_check
    printed: list[tuple[str, int]]  # (the row's check value once printed, its id)
    sales: list[tuple[int, str]]  # (card id, sale key)

    def numbered_from(self, first_id: int) -> CardRows:
        """The same rows with ids counted from `first_id` (their check values again)."""
        if first_id == self.first_id:
            return self
        shift = first_id - self.first_id
        numbered = CardRows(first_id, [], [], [(card + shift, key) for card, key in self.sales])
        for row in self.cards:
            numbered._add((row[0] + shift, *row[1:_CHECKED]), row[_CHECKED:-1])
        return numbered

    def _add(self, checked: tuple, unchecked: tuple) -> None:
        self.cards.append((*checked, *unchecked, row_check(*checked)))
        printed = (*checked[:_STATUS], "printed", *checked[_STATUS + 1:])
        self.printed.append((row_check(*printed), checked[0]))


def card_rows(run_id: int, first_id: int, cards: list[LoggedCard], now: str) -> CardRows:
    """The cards' rows, 'pending', with ids from `first_id` and updated at `now`."""
    rows = CardRows(first_id, [], [], [])
    for card_id, card in enumerate(cards, first_id):
        rows._add((card_id, run_id, card.customer_id, card.situation, card.campaign,
                   card.template, card.card_date.isoformat(), card.page, card.address_key,
                   "pending", card.batch, card.sides, card.message, card.reprint_of),
                  (now, card.person, card.customer_name))
        rows.sales += [(card_id, key) for key in card.sale_keys]
    return rows
