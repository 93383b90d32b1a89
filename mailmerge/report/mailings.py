"""Cards sent and what they brought back, from the send log's cards.

In: the logged cards (customer, situation, date, status), the day, the postage and each
customer's purchase dates (and amounts). Out: CardCounts, the win-back response rate, each
customer's last card, and what the cards brought by situation (CardResponse).

A card counts as sent when its status is printed, mailed or returned (sendlog.SENT); cancelled,
failed and pending cards do not. Posted (投函済み) counts mailed and returned cards: a card can
only come back after it was posted. Cards dated after the report's day are left out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from msgspec import Struct

from mailmerge.report.flow import month_of
from mailmerge.sendlog.store import SENT

POSTED = ("mailed", "returned")
RESPONSE_DAYS = 90
REPEAT_DAYS = 60  # "what the cards brought": a purchase within 60 days after a card
WINBACK_SITUATIONS = ("winback", "dormant")


class SentCard(Struct, frozen=True):
    customer_id: str
    situation: str
    card_date: dt.date
    status: str = "printed"


class CardCounts(Struct, frozen=True):
    sent: int
    posted: int
    returned: int
    postage_total: int
    by_situation: dict[str, int]
    by_month: list[dict]  # situation, month, cards, postage

    def as_json(self) -> dict:
        return {"total": self.sent, "mailed": self.posted, "returned": self.returned,
                "postage_total": self.postage_total, "by_situation": self.by_situation,
                "by_month": self.by_month}


class CardResponse(Struct, frozen=True):
    """Customers sent a card of one situation, and those who bought within REPEAT_DAYS after
    one of them (with what those purchases came to)."""

    situation: str
    cards: int
    customers: int
    bought_again: int
    sales: float

    @property
    def rate(self) -> float:
        return self.bought_again / self.customers if self.customers else 0.0

    def as_json(self) -> dict:
        return {"situation": self.situation, "cards": self.cards, "customers": self.customers,
                "bought_again": self.bought_again, "rate": round(self.rate, 4),
                "sales": self.sales}


def sent_cards(cards: list[SentCard], on: dt.date) -> list[SentCard]:
    """The cards that went out (printed, mailed or returned) on or before `on`."""
    return [card for card in cards if card.status in SENT and card.card_date <= on]


def count_cards(sent: list[SentCard], postage_yen: int) -> CardCounts:
    """How many cards went out, by situation and month, and their postage."""
    counts = Counter((card.situation, month_of(card.card_date)) for card in sent)
    by_month = [{"situation": situation, "month": month, "cards": n, "postage": n * postage_yen}
                for (situation, month), n in sorted(counts.items(),
                                                    key=lambda item: (item[0][1], item[0][0]))]
    return CardCounts(
        sent=len(sent),
        posted=sum(card.status in POSTED for card in sent),
        returned=sum(card.status == "returned" for card in sent),
        postage_total=len(sent) * postage_yen,
        by_situation=dict(sorted(Counter(card.situation for card in sent).items())),
        by_month=by_month,
    )


def response_rate(sent: list[SentCard], purchases: dict[str, list[dt.date]]) -> float:
    """Share of customers sent a dormant or win-back card who bought within 90 days of it."""
    reached: dict[str, list[dt.date]] = {}
    for card in sent:
        if card.situation in WINBACK_SITUATIONS:
            reached.setdefault(card.customer_id, []).append(card.card_date)
    if not reached:
        return 0.0
    responded = sum(
        any(0 < (bought - day).days <= RESPONSE_DAYS
            for day in days for bought in purchases.get(customer_id, []))
        for customer_id, days in reached.items())
    return responded / len(reached)


def last_cards(sent: list[SentCard]) -> dict[str, SentCard]:
    """Each customer's latest card (the later one in the log on the same day)."""
    latest: dict[str, SentCard] = {}
    for card in sent:
        known = latest.get(card.customer_id)
        if known is None or card.card_date >= known.card_date:
            latest[card.customer_id] = card
    return latest


def responses_by_situation(sent: list[SentCard],
                           purchases: dict[str, list[tuple[dt.date, float]]],
                           days: int = REPEAT_DAYS) -> list[CardResponse]:
    """For each situation: cards, customers, customers who bought within `days` after one of
    their cards of it, and the amount of those purchases (each purchase counted once)."""
    by_situation: dict[str, dict[str, list[dt.date]]] = {}
    for card in sent:
        by_situation.setdefault(card.situation, {}).setdefault(
            card.customer_id, []).append(card.card_date)
    responses = []
    for situation, customers in sorted(by_situation.items()):
        bought = 0
        amounts: list[float] = []
        for customer_id, card_days in customers.items():
            within = [amount for day, amount in purchases.get(customer_id, [])
                      if any(0 < (day - sent_on).days <= days for sent_on in card_days)]
            bought += bool(within)
            amounts += within
        responses.append(CardResponse(situation, sum(map(len, customers.values())),
                                      len(customers), bought, math.fsum(amounts)))
    return responses
