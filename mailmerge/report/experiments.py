"""Did the cards work? Customers hagaki drew at random (mailed or held out) compared, for
each kind of card and each template.

In: the log's assignments (every randomised customer: arm, kind of card, template, the day
of the draw), the sales (matched to customers as the plan matches them, refunds as negative
amounts), the report's day, each kind's window in days, the postage. Out: one Experiment per
kind of card (and per template where a kind drew among several): customers mailed and held
out, the share who bought again within the window, sales per customer, the difference with
its 95 % range (uplift.py), the cards and postage it took.

Honest by construction: only randomised customers count (a customer mailed without a draw
is in no group); both groups' windows start on the day of their draw, the same day for both,
and only draws whose window has ended count (the others are said as still running); a sale
counts in (draw day, draw day + window]; refunds in the window are netted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable

from msgspec import Struct
from msgspec.structs import replace

from mailmerge.models import Sale
from mailmerge.report.uplift import Interval, customers_needed, mean_difference, share_difference
from mailmerge.sendlog.draws import HELD_OUT, MAILED, Assignment


class Arm(Struct, frozen=True):
    """One group of an experiment: how many, how many bought again, what they spent (net)."""

    customers: int
    bought: int
    sales: float

    @property
    def bought_share(self) -> float:
        return self.bought / self.customers if self.customers else 0.0

    @property
    def sales_per_customer(self) -> float:
        return self.sales / self.customers if self.customers else 0.0

    def as_json(self, amounts: bool) -> dict:
        return {"customers": self.customers, "bought_again": self.bought,
                "bought_share": round(self.bought_share, 4),
                "sales": round(self.sales, 2) if amounts else None,
                "sales_per_customer": round(self.sales_per_customer, 2) if amounts else None}


class Experiment(Struct, frozen=True):
    situation: str
    template: str  # "" for every template of the kind together
    template_title: str  # the template as people name it: 文面 2, 店の文面 1 ("" as above)
    window_days: int
    mailed: Arm
    held_out: Arm
    running: int  # randomised customers whose window has not ended yet (not counted)
    cards: int
    postage: int
    bought_uplift: Interval | None  # None until both groups have a customer
    sales_uplift: Interval | None  # None as well without amounts
    needed: int | None  # about how many customers in all it would take to tell (when unknown)
    not_randomised: int = 0  # mailed in its runs without a draw (held out the time before)

    @property
    def more_needed(self) -> int | None:
        """How many randomised customers beyond those counted it would take to tell."""
        if self.needed is None:
            return None
        return max(self.needed - self.mailed.customers - self.held_out.customers, 0)

    @property
    def extra_sales_per_yen(self) -> float | None:
        """The sales the cards added (the difference per customer × customers mailed) for
        each yen of postage."""
        if self.sales_uplift is None or not self.postage:
            return None
        return self.sales_uplift.difference * self.mailed.customers / self.postage

    @property
    def sales_per_yen(self) -> float | None:
        """The mailed customers' sales in the window for each yen of postage."""
        return self.mailed.sales / self.postage if self.postage else None

    def as_json(self, amounts: bool = True) -> dict:
        def rounded(value: float | None) -> float | None:
            return None if value is None or not amounts else round(value, 4)

        return {
            "situation": self.situation, "template": self.template,
            "template_title": self.template_title,
            "window_days": self.window_days,
            "mailed": self.mailed.as_json(amounts), "held_out": self.held_out.as_json(amounts),
            "still_running": self.running,
            "bought_uplift": self.bought_uplift.as_json() if self.bought_uplift else None,
            "bought_uplift_known": bool(self.bought_uplift and self.bought_uplift.known),
            "customers_needed": self.needed, "customers_more": self.more_needed,
            "not_randomised": self.not_randomised,
            "sales_uplift": (self.sales_uplift.as_json(2)
                             if self.sales_uplift and amounts else None),
            "cards": self.cards, "postage": self.postage,
            "sales_per_yen": rounded(self.sales_per_yen),
            "extra_sales_per_yen": rounded(self.extra_sales_per_yen),
        }


def experiments(assigned: Iterable[Assignment], sales: Iterable[Sale], on: dt.date,
                window_days: Callable[[str], int], postage_yen: int,
                same_customer: Callable[[Assignment], str] = lambda a: a.customer_id,
                title: Callable[[str, str], str] = lambda name, situation: name,
                unrandomised: Iterable[str] = ()) -> list[Experiment]:
    """Every kind of card with a held-out group, and each of its templates where mailed
    customers drew among several; `same_customer` gives the customer id an assignment's
    customer has in today's list (the plan's identity rules), `title` a template's title
    from its file name and kind; `unrandomised` the kind of each card mailed without a draw
    (counted, not compared)."""
    skipped = Counter(unrandomised)
    by_customer: dict[str, list[Sale]] = {}
    for sale in sales:
        by_customer.setdefault(sale.customer_id, []).append(sale)
    groups: dict[str, list[Assignment]] = {}
    for one in assigned:
        groups.setdefault(one.situation, []).append(one)
    found = []
    for situation in sorted(groups):
        days = window_days(situation)
        rows = groups[situation]
        done = [a for a in rows if a.drawn_on + dt.timedelta(days=days) <= on]
        counted = {id(a) for a in done}
        outcomes = {id(a): _outcome(by_customer.get(same_customer(a), []), a.drawn_on, days)
                    for a in done}
        held = [a for a in done if a.arm == HELD_OUT]
        mailed = [a for a in done if a.arm == MAILED]
        running = len(rows) - len(done)
        if not any(a.arm == HELD_OUT for a in rows):
            continue
        found.append(replace(_experiment(situation, ("", ""), days, mailed, held, outcomes,
                                         running, postage_yen),
                             not_randomised=skipped[situation]))
        templates = sorted({a.template for a in rows if a.arm == MAILED})
        if len(templates) > 1:
            for template in templates:
                mine = [a for a in mailed if a.template == template]
                waiting = sum(1 for a in rows
                              if a.template == template and id(a) not in counted)
                found.append(_experiment(situation, (template, title(template, situation)),
                                         days, mine, held, outcomes,
                                         waiting, postage_yen))
    return found


def _experiment(situation: str, template: tuple[str, str], days: int, mailed: list[Assignment],
                held: list[Assignment], outcomes: dict[int, tuple[bool, float]],
                running: int, postage_yen: int) -> Experiment:
    mailed_arm, held_arm = _arm(mailed, outcomes), _arm(held, outcomes)
    both = mailed_arm.customers and held_arm.customers
    bought = share_difference(mailed_arm.bought, mailed_arm.customers, held_arm.bought,
                              held_arm.customers) if both else None
    spent = mean_difference([outcomes[id(a)][1] for a in mailed],
                            [outcomes[id(a)][1] for a in held],
                            seed=f"{situation}:{template[0]}") if both else None
    needed = None
    if bought is not None and not bought.known:
        needed = customers_needed(mailed_arm.bought, mailed_arm.customers, held_arm.bought,
                                  held_arm.customers)
    return Experiment(situation, *template, days, mailed_arm, held_arm, running,
                      mailed_arm.customers, mailed_arm.customers * postage_yen, bought, spent,
                      needed)


def _arm(members: list[Assignment], outcomes: dict[int, tuple[bool, float]]) -> Arm:
    return Arm(len(members), sum(1 for a in members if outcomes[id(a)][0]),
               sum(outcomes[id(a)][1] for a in members))


def _outcome(sales: list[Sale], drawn_on: dt.date, days: int) -> tuple[bool, float]:
    """Did the customer buy again in (drawn_on, drawn_on + days], and what did they spend,
    refunds netted? A purchase a refund in the window takes all back is no purchase."""
    last = drawn_on + dt.timedelta(days=days)
    inside = [sale for sale in sales if drawn_on < sale.date <= last]
    net = sum(_signed(sale) for sale in inside)
    purchases = [sale for sale in inside if not sale.takes_back]
    unpriced = any(sale.amount is None for sale in purchases)
    return bool(purchases) and (net > 0 or unpriced), net


def _signed(sale: Sale) -> float:
    if sale.amount is None:
        return 0.0
    return -abs(sale.amount) if sale.refund else sale.amount
