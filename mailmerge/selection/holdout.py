"""Held-out customers: a share of the day's due customers, drawn at random, gets no card this
time, so that the report can compare them with those mailed and say what the cards did.

In: the plan's cards with their campaigns, the day, the share held out per kind of card, the
templates a kind draws among (A/B wording), the send history (who was held out last time)
and a seed. Out: the cards still to print with the template each drew, the customers held
out (NotSent, code held-out) and the draws to log (every randomised customer with their
arm). The same seed and cards give the same draw: the seed is the day's (`day_seed`), so the
plan, the web's previews, a proof and the print of one day agree; the shop never chooses who
is drawn, and the seed is kept in the log.

Never held out: a customer held out of their last draw, of any kind, and mailed no card
since (never twice in a row), and 年賀状 unless the shop's hagaki.toml asks for it
([situations.nenga] holdout); such customers are mailed and not counted (they were not
randomised). A customer whose address came back gets no card at all (plan.barred), so is
never drawn.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from msgspec import Struct

from mailmerge.i18n import _
from mailmerge.models import Customer
from mailmerge.selection.plan import LABELS, History, NotSent, PlanEntry
from mailmerge.sendlog.draws import HELD_OUT, MAILED, Assignment, Draw

NEVER_UNLESS_ASKED = ("nenga",)
HOLDOUT_LIMIT = 50  # percent: more held out than mailed measures nothing better


class Drawn(Struct, frozen=True):
    cards: list[tuple[PlanEntry, str]]  # (entry, campaign) still to print
    held_out: list[NotSent]
    draws: list[Draw]
    templates: dict[tuple[str, str], str]  # (customer id, campaign) → the template drawn


def holdout_share(asked: float | None, configured: dict[str, float]
                  ) -> Callable[[str], float]:
    """The percent held out of each kind of card: --holdout (or the web's choice) for every
    kind but 年賀状, else the kind's `holdout` in hagaki.toml ([situations.KIND])."""
    def share(situation: str) -> float:
        if asked is not None and situation not in NEVER_UNLESS_ASKED:
            return asked
        return configured.get(situation, 0.0)
    return share


def day_seed(on: dt.date) -> str:
    """The seed of the day's draw (each kind of card draws with its own stream of it)."""
    return f"day-{on.isoformat()}"


Shares = tuple[tuple[str, ...], tuple[float, ...]]  # templates and their shares


def draw(cards: list[tuple[PlanEntry, str]], on: dt.date, share: Callable[[str], float],
         history: History, seed: str,
         person: Callable[[Customer], str] = lambda customer: "",
         templates: Callable[[str], Shares] = lambda situation: ((), ())) -> Drawn:
    """Hold out share(situation) percent of each kind's customers that may be held out, and
    draw each mailed card's template where the kind names several (`templates`)."""
    drawn = Drawn([], [], [], {})
    for situation in sorted({entry.situation for entry, _campaign in cards}):
        mine = sorted(((entry, campaign) for entry, campaign in cards
                       if entry.situation == situation),
                      key=lambda pair: pair[0].customer.customer_id)
        percent = share(situation)
        names, weights = templates(situation)
        if percent <= 0 and len(names) < 2:
            drawn.cards.extend(mine)
            continue
        eligible = [pair for pair in mine
                    if percent <= 0 or not _held_out_last(pair[0], history)]
        count = round(len(eligible) * percent / 100)
        chosen = {id(pair[0]) for pair in
                  random.Random(f"{seed}:{situation}").sample(eligible, count)}
        pick = random.Random(f"{seed}:{situation}:templates")
        for entry, campaign in mine:
            if id(entry) in chosen:
                drawn.held_out.append(NotSent(entry.customer, "held-out", _(
                    "はがきの効果を測るため、{card}を送らないお客様にくじで選ばれました"
                    "（次の機会には送ります）", card=_(LABELS.get(situation, situation)))))
                continue
            drawn.cards.append((entry, campaign))
            if len(names) > 1:
                drawn.templates[(entry.customer.customer_id, campaign)] = pick.choices(
                    names, weights)[0]
        assigned = tuple(Assignment(
            entry.customer.customer_id, situation, campaign,
            HELD_OUT if id(entry) in chosen else MAILED, on, person=person(entry.customer),
            customer_name=entry.customer.display_name) for entry, campaign in eligible)
        drawn.draws.append(Draw(situation, seed, percent, names, on, assigned))
    return drawn


def _held_out_last(entry: PlanEntry, history: History) -> bool:
    return history.held_out_last(entry.customer.customer_id)
