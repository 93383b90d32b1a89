"""The send log as one plan asks it, customer after customer.

In: an open SendLog (which nothing writes to while the plan is made), the customers it
mentions and the people it sent cards to. Out: a History (the selection rules' questions)
that answers at once for a customer the log never mentions (no card, no draw, no edit) and
for a person it never sent a card to, and asks the log about the others: seven questions a
customer become two queries a plan (a list of 50,000 on a first run asks the log nothing
more).
"""

from __future__ import annotations

import datetime as dt

from mailmerge.japanese.address_identity import person_key
from mailmerge.models import CardRef, Customer
from mailmerge.selection.plan import History


class PlanView:
    """The History of one plan over `log`, which mentions only `customer_ids` and has sent
    cards only to `people` (person keys); make it again for the next plan."""

    def __init__(self, log: History, customer_ids: set[str], people: set[str]) -> None:
        self.log = log
        self.customer_ids = customer_ids
        self.people = people

    def last_card(self, customer_id: str, situation: str) -> CardRef | None:
        if customer_id not in self.customer_ids:
            return None
        return self.log.last_card(customer_id, situation)

    def sent_in_campaign(self, customer_id: str, campaign: str) -> CardRef | None:
        if customer_id not in self.customer_ids:
            return None
        return self.log.sent_in_campaign(customer_id, campaign)

    def sent_to_person(self, customer: Customer, campaign: str
                       ) -> tuple[str, CardRef] | None:
        if person_key(customer) not in self.people:
            return None
        return self.log.sent_to_person(customer, campaign)

    def thanked_sales(self, customer_id: str) -> dict[str, CardRef]:
        if customer_id not in self.customer_ids:
            return {}
        return self.log.thanked_sales(customer_id)

    def returned(self, customer: Customer) -> CardRef | None:
        if customer.customer_id not in self.customer_ids:
            return None
        return self.log.returned(customer)

    def left_out(self, customer_id: str, campaign: str) -> bool:
        return customer_id in self.customer_ids and self.log.left_out(customer_id, campaign)

    def held_out_of(self, customer_id: str, campaign: str) -> dt.date | None:
        if customer_id not in self.customer_ids:
            return None
        return self.log.held_out_of(customer_id, campaign)

    def last_draw(self, customer_id: str, situation: str) -> tuple[dt.date, str] | None:
        if customer_id not in self.customer_ids:
            return None
        return self.log.last_draw(customer_id, situation)

    def held_out_last(self, customer_id: str) -> bool:
        return customer_id in self.customer_ids and self.log.held_out_last(customer_id)
