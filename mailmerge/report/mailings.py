"""Cards sent and what they brought back, from the send log's cards.

In: the logged cards (customer, situation, date, status), the day, the postage and each
customer's purchase dates. Out: CardCounts and the win-back response rate.

A card counts as sent when its status is printed, mailed or returned (sendlog.SENT); cancelled,
failed and pending cards do not. Posted (投函済み) counts mailed and returned cards: a card can
only come back after it was posted. Cards dated after the report's day are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from mailmerge.report.flow import month_of
from mailmerge.sendlog.store import SENT

POSTED = ("mailed", "returned")
RESPONSE_DAYS = 90
WINBACK_SITUATIONS = ("winback", "dormant")


@dataclass(frozen=True)
class SentCard:
    customer_id: str
    situation: str
    card_date: dt.date
    status: str = "printed"


@dataclass(frozen=True)
class CardCounts:
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
