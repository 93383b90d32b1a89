"""The difference a card made, with its doubt: pure statistics, no files, no log.

In: counts (who bought again among those mailed and those held out) or each customer's sales
in the window. Out: Interval (the difference and its 95 % range) and how many customers in
all it would take to tell a difference of the size seen from none (the same interval, at a
larger total with the same shares and the same proportion mailed).

- A share (who bought again): Newcombe's hybrid score interval for the difference of two
  proportions (each group's Wilson interval, combined), good with small groups too.
- Sales per customer: a percentile bootstrap of the difference of the two means, seeded so
  that the same log and sales give the same figures every time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from msgspec import Struct

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % range
BOOTSTRAP_ROUNDS = 2000
MOST_CUSTOMERS = 10_000_000  # beyond this, "how many customers it would take" is not said


class Interval(Struct, frozen=True):
    difference: float  # mailed minus held out
    low: float
    high: float
    method: str  # "newcombe" or "bootstrap"

    @property
    def known(self) -> bool:
        """Does the range leave zero out (is there a difference, at 95 %)?"""
        return self.low > 0 or self.high < 0

    def as_json(self, digits: int = 4) -> dict:
        return {"difference": round(self.difference, digits), "low": round(self.low, digits),
                "high": round(self.high, digits), "method": self.method}


def wilson(successes: float, trials: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of one proportion (counts; a projected group's may be
    fractions)."""
    if trials == 0:
        return 0.0, 1.0
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    half /= denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def share_difference(mailed_yes: float, mailed: float, held_yes: float, held: float,
                     z: float = Z95) -> Interval:
    """The difference of two shares (mailed − held out) with Newcombe's 95 % interval."""
    if mailed == 0 or held == 0:
        raise ValueError("both groups need at least one customer")
    p1, p2 = mailed_yes / mailed, held_yes / held
    low1, high1 = wilson(mailed_yes, mailed, z)
    low2, high2 = wilson(held_yes, held, z)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = difference + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return Interval(difference, low, high, "newcombe")


def mean_difference(mailed: Sequence[float], held: Sequence[float], seed: str = "",
                    rounds: int = BOOTSTRAP_ROUNDS) -> Interval:
    """The difference of two means (mailed − held out) with a percentile bootstrap 95 %
    interval; `seed` makes it repeatable."""
    if not mailed or not held:
        raise ValueError("both groups need at least one customer")
    rng = random.Random(f"bootstrap:{seed}:{len(mailed)}:{len(held)}")
    differences = sorted(_mean(rng.choices(mailed, k=len(mailed)))
                         - _mean(rng.choices(held, k=len(held))) for _ in range(rounds))
    tail = int(rounds * 0.025)
    return Interval(_mean(mailed) - _mean(held), differences[tail],
                    differences[rounds - 1 - tail], "bootstrap")


def customers_needed(mailed_yes: int, mailed: int, held_yes: int, held: int,
                     z: float = Z95) -> int | None:
    """The total number of randomised customers (mailed and held out in the same proportion,
    with the shares seen) at which the range of `share_difference` would leave zero out:
    the smallest such total, found by bisection, since the range narrows as the groups grow.
    None when no difference was seen (no number of customers would show one) or when it
    would take more than MOST_CUSTOMERS."""
    if mailed == 0 or held == 0:
        return None
    p1, p2 = mailed_yes / mailed, held_yes / held
    if p1 == p2:
        return None
    ratio = mailed / (mailed + held)

    def settles(total: int) -> bool:
        return settled_at(p1, p2, ratio, total, z)

    low, high = mailed + held, 2 * (mailed + held)
    while not settles(high):
        if high > MOST_CUSTOMERS:
            return None
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if settles(middle) else (middle, high)
    return high


def settled_at(p1: float, p2: float, ratio: float, total: int, z: float = Z95) -> bool:
    """Would `total` customers, `ratio` of them mailed, with shares p1 (mailed) and p2 (held
    out) who bought again, give a range that leaves zero out?"""
    mailed, held = total * ratio, total * (1 - ratio)
    return share_difference(p1 * mailed, mailed, p2 * held, held, z).known


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)
