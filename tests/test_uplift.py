"""The uplift's interval on simulated shops whose true effect is known."""

from __future__ import annotations

import random

import pytest

from mailmerge.report.uplift import (
    customers_needed,
    mean_difference,
    settled_at,
    share_difference,
    wilson,
)

SIMULATIONS = 100


def _shop(seed: int, customers: int, base: float, effect: float, held_share: float = 0.5):
    """One simulated draw: who bought again among mailed and held-out customers."""
    rng = random.Random(seed)
    held = round(customers * held_share)
    mailed = customers - held
    mailed_yes = sum(rng.random() < base + effect for _ in range(mailed))
    held_yes = sum(rng.random() < base for _ in range(held))
    return mailed_yes, mailed, held_yes, held


def test_a_ten_point_effect_is_covered_and_seen():
    covered = excluded_zero = 0
    for seed in range(SIMULATIONS):
        interval = share_difference(*_shop(seed, 800, 0.20, 0.10))
        covered += interval.low <= 0.10 <= interval.high
        excluded_zero += interval.known
    assert covered >= 90
    assert excluded_zero >= 80


def test_no_effect_is_rarely_taken_for_one():
    false_alarms = sum(share_difference(*_shop(seed, 800, 0.25, 0.0)).known
                       for seed in range(1000, 1000 + SIMULATIONS))
    assert false_alarms <= 8


def test_a_small_held_out_group_still_covers_the_truth():
    covered = sum(share_difference(*_shop(seed, 800, 0.20, 0.10, 0.1)).low <= 0.10
                  <= share_difference(*_shop(seed, 800, 0.20, 0.10, 0.1)).high
                  for seed in range(SIMULATIONS))
    assert covered >= 90


def test_sales_per_customer_bootstrap_covers_a_known_difference():
    covered = 0
    for seed in range(40):
        rng = random.Random(seed)
        mailed = [rng.expovariate(1 / 1500) if rng.random() < 0.3 else 0.0 for _ in range(400)]
        held = [rng.expovariate(1 / 1500) if rng.random() < 0.2 else 0.0 for _ in range(400)]
        interval = mean_difference(mailed, held, seed=str(seed), rounds=400)
        assert interval.method == "bootstrap"
        covered += interval.low <= 150.0 <= interval.high  # 0.3·1500 − 0.2·1500
    assert covered >= 35


def test_the_bootstrap_is_repeatable():
    mailed, held = [0, 0, 1000, 2500, 0], [0, 500, 0, 0]
    assert mean_difference(mailed, held, "x") == mean_difference(mailed, held, "x")


def test_the_interval_of_a_known_case():
    # Newcombe (1998), method 10, example (a): 56/70 vs 48/80 → 0.0524 to 0.3339
    interval = share_difference(56, 70, 48, 80)
    assert interval.difference == pytest.approx(0.2)
    assert interval.low == pytest.approx(0.0524, abs=5e-4)
    assert interval.high == pytest.approx(0.3339, abs=5e-4)


def test_wilson_stays_within_zero_and_one():
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == pytest.approx(1.0)
    low, high = wilson(3, 10)
    assert 0 < low < 0.3 < high < 1


def test_how_many_customers_it_would_take():
    needed = customers_needed(22, 100, 10, 60)  # 22 % vs 16.7 %: not yet clear
    assert not share_difference(22, 100, 10, 60).known
    assert needed == 927  # the usual two-share sample size (Wald, ratio kept) says 871
    assert customers_needed(10, 100, 5, 50) is None  # the same share: no size shows one


@pytest.mark.parametrize("counts", [(22, 100, 10, 60), (3, 5, 1, 3), (9, 30, 6, 30),
                                    (0, 4, 1, 4), (40, 200, 1, 20)])
def test_the_total_needed_is_the_least_at_which_the_same_range_leaves_zero_out(counts):
    mailed_yes, mailed, held_yes, held = counts
    needed = customers_needed(*counts)
    shares, ratio = (mailed_yes / mailed, held_yes / held), mailed / (mailed + held)
    assert settled_at(*shares, ratio, needed)
    assert not settled_at(*shares, ratio, needed - 1)
    assert needed > mailed + held
    m = needed * ratio  # the same shares at that total: the interval leaves zero out
    assert share_difference(shares[0] * m, m, shares[1] * (needed - m), needed - m).known


def test_empty_groups_are_refused():
    with pytest.raises(ValueError):
        share_difference(0, 0, 1, 2)
