"""The send log as one plan asks it, customer after customer, under every id a person had.

In: an open SendLog (which nothing writes to while the plan is made) and the plan's
customers. Out: a History (the selection rules' questions) that answers at once for a
customer the log never mentions, and asks the log about the others under each customer id
the same person had in it: the same name (髙/高 alike, 佐藤花子 in one column or 佐藤 花子 in
two) at the same place (a building or room written in one list and not in the other) on a
card or in a draw. A customer renumbered between two lists is still the one whose card came
back, whose last card holds the next one back, who was held out, and who already got this
campaign's card. A first run asks the log two queries in all, whatever the list's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from msgspec.structs import replace

from mailmerge.japanese.address_identity import (
    has_address,
    person_bucket,
    person_identity,
    same_place,
)
from mailmerge.models import CardRef, Customer
from mailmerge.selection.plan import History


class PlanHistory:
    """The History of one plan over `log`; make it again for the next plan."""

    def __init__(self, log: History, customers: Iterable[Customer], mentioned: set[str],
                 people: dict[tuple[str, ...], list[tuple[str, str]]]) -> None:
        """`mentioned`: every customer id the log holds; `people`: the log's people by
        person_bucket, each as (address identity, customer id)."""
        self.log = log
        self.ids: dict[str, set[str]] = {}  # customer id → the ids the log knows them by
        for customer in customers:
            ids = {customer.customer_id} if customer.customer_id in mentioned else set()
            if people:  # (a log with no cards yet knows no one by name and address)
                identity = person_identity(customer)
                family, given, company, place = identity
                if (family or given or company) and has_address(place):
                    ids |= {other for logged, other in people.get(person_bucket(identity), ())
                            if same_place(logged, place)}
            if ids:
                self.ids[customer.customer_id] = ids

    def _own(self, customer_id: str) -> bool:
        return customer_id in self.ids.get(customer_id, ())

    def last_card(self, customer_id: str, situation: str) -> CardRef | None:
        return _latest(self.log.last_card(other, situation)
                       for other in self.ids.get(customer_id, ()))

    def sent_in_campaign(self, customer_id: str, campaign: str) -> CardRef | None:
        if not self._own(customer_id):
            return None
        return self.log.sent_in_campaign(customer_id, campaign)

    def sent_to_person(self, customer: Customer, campaign: str
                       ) -> tuple[str, CardRef] | None:
        """A card of this campaign to the same person under another id."""
        found = [(other, card) for other in self.ids.get(customer.customer_id, ())
                 if other != customer.customer_id
                 and (card := self.log.sent_in_campaign(other, campaign)) is not None]
        return max(found, key=lambda pair: (pair[1].card_date, pair[1].card_id),
                   default=None)

    def thanked_sales(self, customer_id: str) -> dict[str, CardRef]:
        return self.log.thanked_sales(customer_id) if self._own(customer_id) else {}

    def returned(self, customer: Customer) -> CardRef | None:
        return _latest(self.log.returned(replace(customer, customer_id=other))
                       for other in self.ids.get(customer.customer_id, ()))

    def left_out(self, customer_id: str, campaign: str) -> bool:
        return self._own(customer_id) and self.log.left_out(customer_id, campaign)

    def held_out_of(self, customer_id: str, campaign: str) -> dt.date | None:
        return max((day for other in self.ids.get(customer_id, ())
                    if (day := self.log.held_out_of(other, campaign)) is not None),
                   default=None)

    def last_draw(self, customer_id: str, situation: str) -> tuple[dt.date, str] | None:
        return max((drawn for other in self.ids.get(customer_id, ())
                    if (drawn := self.log.last_draw(other, situation)) is not None),
                   key=lambda drawn: drawn[0], default=None)

    def held_out_last(self, customer_id: str) -> bool:
        return self._own(customer_id) and self.log.held_out_last(customer_id)


def _latest(cards: Iterable[CardRef | None]) -> CardRef | None:
    return max((card for card in cards if card is not None),
               key=lambda card: (card.card_date, card.card_id), default=None)
