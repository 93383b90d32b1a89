"""The report page's monthly trend, as the geometry of two inline SVG charts: sales per month
(bars, new customers' part and existing customers' part stacked) and customers per month who
were new, came back or were lost (lines, one point per month).

In: the report's monthly rows (Measures.monthly; every value is read, nothing computed but
positions). Out: TrendChart, which the template draws. Like the printed stock-take, the charts
show the last TREND_MONTHS months.
"""

from __future__ import annotations

import math

from msgspec import Struct

from mailmerge.i18n import N_
from mailmerge.report.measures import Month

TREND_MONTHS = 24  # as the printed stock-take's charts
WIDTH, HEIGHT = 900, 240  # the SVG's size in pixels
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 12, 28  # room for the value axis and the month labels
# Heads' fields drawn as lines, with their legend
SERIES = {"new": N_("新規"), "back": N_("復帰"), "lost": N_("離反")}
TICKS = 4


class MonthBar(Struct, frozen=True):
    month: str
    x: float
    width: float
    new_y: float
    new_height: float
    existing_y: float
    existing_height: float
    sales: float
    new_sales: float


class Point(Struct, frozen=True):
    month: str
    x: float
    y: float
    value: int


class TrendChart(Struct, frozen=True):
    months: list[str]
    bars: list[MonthBar]
    lines: dict[str, list[Point]]  # by SERIES name
    sales_ticks: list[tuple[float, float]]  # (y, yen)
    count_ticks: list[tuple[float, int]]  # (y, customers)
    labels: list[tuple[float, str]]  # (x, month) under the axis, at most about 12
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def trend_chart(monthly: list[Month]) -> TrendChart:
    """The charts' geometry for the last TREND_MONTHS of `monthly`."""
    recent = monthly[-TREND_MONTHS:]
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(recent), 1)
    base = HEIGHT - BOTTOM
    top_sales = _round_up(max((max(m.sales, 0.0) for m in recent), default=0.0))
    most = max((getattr(m.heads, name) for m in recent for name in SERIES), default=0)
    top_count = max(TICKS, math.ceil(most / TICKS) * TICKS)  # whole customers on every tick

    def height_of(value: float, top: float) -> float:
        return round(plot_height * max(value, 0.0) / top, 2)

    bars, lines = [], {name: [] for name in SERIES}
    for index, month in enumerate(recent):
        x = LEFT + index * step
        new_height = height_of(month.new_customer_sales, top_sales)
        existing_height = height_of(month.existing_customer_sales, top_sales)
        bars.append(MonthBar(month.month, round(x + step * 0.15, 2), round(step * 0.7, 2),
                             round(base - new_height, 2), new_height,
                             round(base - new_height - existing_height, 2), existing_height,
                             month.sales, month.new_customer_sales))
        for name in SERIES:
            value = getattr(month.heads, name)
            lines[name].append(Point(month.month, round(x + step / 2, 2),
                                     round(base - height_of(value, top_count), 2), value))
    every = math.ceil(len(recent) / 12) or 1
    labels = [(round(LEFT + (index + 0.5) * step, 2), month.month)
              for index, month in enumerate(recent) if index % every == 0]
    return TrendChart([m.month for m in recent], bars, lines,
                      _ticks(top_sales, plot_height, base),
                      [(y, round(value)) for y, value in _ticks(top_count, plot_height, base)],
                      labels)


def _round_up(value: float) -> float:
    """A round top for the value axis: 1, 2 or 5 × a power of ten, at least `value` (and 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(factor * power for factor in (1, 2, 5, 10) if factor * power >= value)


def _ticks(top: float, plot_height: float, base: float) -> list[tuple[float, float]]:
    """(y, value) of the value axis' TICKS + 1 lines, from 0 to `top`."""
    return [(round(base - plot_height * index / TICKS, 2), top * index / TICKS)
            for index in range(TICKS + 1)]
