"""The stock-take of customers (顧客の棚卸し), computed from customers, sales and the log.

In: valid customers, their sales, the cards sent (from the send log), the day and the rules.
Out: Measures, every figure the report shows, with stable JSON keys.

Definitions (thresholds from [rules]):
- segment: excluded (送付停止, 死亡, 転居, or a card came back), new (first purchase within
  new_days), active (last purchase within active_days), dormant (up to dormant_days),
  lapsed (longer), no_purchase; each valid customer is in exactly one.
- lost in a month: the customer turned lapsed then (their purchase + dormant_days + 1 fell in
  that month with no purchase in between); a customer who comes back can be lost again later.
- a sale is from a new customer when it falls within new_days of their first purchase.
- win-back response: a customer who got a dormant or win-back card and bought within 90 days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from mailmerge.models import Customer, Sale
from mailmerge.selection.exclusions import exclusion_of
from mailmerge.selection.segments import SegmentRules, segment_of

SEGMENTS = ("excluded", "new", "active", "dormant", "lapsed", "no_purchase")
CONCENTRATION_WARNING = 0.10
RESPONSE_DAYS = 90


@dataclass(frozen=True)
class SentCard:
    customer_id: str
    situation: str
    card_date: dt.date


@dataclass
class CustomerLine:
    customer: Customer
    segment: str
    first_purchase: dt.date | None
    last_purchase: dt.date | None
    purchases: int
    total: float


@dataclass
class Measures:
    date: dt.date
    segments: dict[str, int]
    customers: list[CustomerLine]
    sales_total: float
    sales_count: int
    unknown_sales_total: float
    unknown_sales_count: int
    average_per_sale: float
    average_per_customer: float
    top_customer_share: float
    top10_share: float
    new_sales_share: float
    loss_rate: float
    monthly: list[dict]
    by_gender: dict[str, dict]
    by_age_band: dict[str, dict]
    cards: dict
    winback_response_rate: float
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "segments": self.segments,
            "sales_total": self.sales_total,
            "sales_count": self.sales_count,
            "unknown_customer_sales": {"total": self.unknown_sales_total,
                                       "count": self.unknown_sales_count},
            "average_per_sale": round(self.average_per_sale, 2),
            "average_per_customer": round(self.average_per_customer, 2),
            "top_customer_share": round(self.top_customer_share, 4),
            "top10_share": round(self.top10_share, 4),
            "new_sales_share": round(self.new_sales_share, 4),
            "loss_rate": round(self.loss_rate, 4),
            "monthly": self.monthly,
            "by_gender": self.by_gender,
            "by_age_band": self.by_age_band,
            "cards": self.cards,
            "winback_response_rate": round(self.winback_response_rate, 4),
            "warnings": self.warnings,
        }


def measure(customers: list[Customer], sales: list[Sale], unknown_sales: list[Sale],
            cards: list[SentCard], returned: set[str], on: dt.date,
            rules: SegmentRules | None = None, postage_yen: int = 85) -> Measures:
    """Every figure of the report for the day `on` (sales after it are not counted)."""
    rules = rules or SegmentRules()
    sales = [s for s in sales if s.date <= on]
    by_customer: dict[str, list[Sale]] = defaultdict(list)
    for sale in sorted(sales, key=lambda s: (s.date, s.row)):
        by_customer[sale.customer_id].append(sale)
    lines = [_line(c, by_customer.get(c.customer_id, []), on, rules,
                   c.customer_id in returned) for c in customers]
    segments = {name: 0 for name in SEGMENTS}
    for line in lines:
        segments[line.segment] += 1
    total = sum(line.total for line in lines)
    buyers = sorted((line.total for line in lines if line.purchases), reverse=True)
    top10_count = math.ceil(len(buyers) * 0.10) if buyers else 0
    top_share = buyers[0] / total if buyers and total else 0.0
    top10_share = sum(buyers[:top10_count]) / total if total else 0.0
    first_purchase = {cid: s[0].date for cid, s in by_customer.items()}
    new_sales = sum(_amount(s) for s in sales
                    if (s.date - first_purchase[s.customer_id]).days <= rules.new_days)
    known_ids = {c.customer_id for c in customers}
    known_sales = [s for s in sales if s.customer_id in known_ids]
    monthly = _monthly(by_customer, on, rules, first_purchase)
    warnings = []
    if top_share > CONCENTRATION_WARNING:
        top = max(lines, key=lambda line: line.total)
        warnings.append(f"one customer ({top.customer.label}) brings {top_share:.1%} of sales: "
                        f"more than {CONCENTRATION_WARNING:.0%}")
    if top10_share > CONCENTRATION_WARNING and len(buyers) >= 10:
        warnings.append(f"the top 10% of customers bring {top10_share:.1%} of sales")
    if unknown_sales:
        warnings.append(f"{len(unknown_sales)} sales ({sum(map(_amount, unknown_sales)):,.0f} "
                        "yen) are for customers not in the list and are left out")
    return Measures(
        date=on, segments=segments, customers=lines, sales_total=total,
        sales_count=len(known_sales), unknown_sales_total=sum(map(_amount, unknown_sales)),
        unknown_sales_count=len(unknown_sales),
        average_per_sale=total / len(known_sales) if known_sales else 0.0,
        average_per_customer=total / len(buyers) if buyers else 0.0,
        top_customer_share=top_share, top10_share=top10_share,
        new_sales_share=new_sales / total if total else 0.0,
        loss_rate=_loss_rate(monthly, on), monthly=monthly,
        by_gender=_breakdown(lines, lambda c: c.gender or "不明"),
        by_age_band=_breakdown(lines, lambda c: _age_band(c.birthday, on)),
        cards=_cards(cards, postage_yen),
        winback_response_rate=_response_rate(cards, by_customer),
        warnings=warnings,
    )


def _amount(sale: Sale) -> float:
    return sale.amount or 0.0


def _line(customer: Customer, sales: list[Sale], on: dt.date, rules: SegmentRules,
          returned: bool) -> CustomerLine:
    first = sales[0].date if sales else None
    last = sales[-1].date if sales else None
    if exclusion_of(customer) is not None or returned:
        segment = "excluded"
    else:
        segment = segment_of(first, last, on, rules)
    return CustomerLine(customer, segment, first, last, len(sales), sum(map(_amount, sales)))


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _lapse_days(sales: list[Sale], on: dt.date, rules: SegmentRules) -> list[dt.date]:
    """The days a customer turned lapsed: dormant_days + 1 after a purchase with no other
    purchase in between, up to `on`."""
    days = []
    dates = [s.date for s in sales] + [None]
    for current, following in zip(dates, dates[1:], strict=False):
        lapse = current + dt.timedelta(days=rules.dormant_days + 1)
        if lapse <= on and (following is None or following >= lapse):
            days.append(lapse)
    return days


def _monthly(by_customer: dict[str, list[Sale]], on: dt.date, rules: SegmentRules,
             first_purchase: dict[str, dt.date]) -> list[dict]:
    if not by_customer:
        return []
    start = min(first_purchase.values())
    months = []
    year, month = start.year, start.month
    while (year, month) <= (on.year, on.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    new = Counter(_month(day) for day in first_purchase.values())
    lost = Counter(_month(day) for sales in by_customer.values()
                   for day in _lapse_days(sales, on, rules))
    sales_by_month: dict[str, float] = defaultdict(float)
    new_sales_by_month: dict[str, float] = defaultdict(float)
    for customer_id, sales in by_customer.items():
        for sale in sales:
            sales_by_month[_month(sale.date)] += _amount(sale)
            if (sale.date - first_purchase[customer_id]).days <= rules.new_days:
                new_sales_by_month[_month(sale.date)] += _amount(sale)
    rows = []
    base = 0
    for name in months:
        previous = base
        base += new[name] - lost[name]
        rows.append({
            "month": name, "new": new[name], "lost": lost[name], "total": base,
            "loss_rate": round(lost[name] / previous, 4) if previous else 0.0,
            "sales": sales_by_month[name], "new_customer_sales": new_sales_by_month[name],
        })
    return rows


def _loss_rate(monthly: list[dict], on: dt.date) -> float:
    """Customers lost over the last 12 months, over the customers there were before them."""
    last_year = monthly[-12:]
    if not last_year:
        return 0.0
    index = len(monthly) - len(last_year)
    base = monthly[index - 1]["total"] if index > 0 else 0
    base += sum(row["new"] for row in last_year)  # everyone who was a customer in the year
    lost = sum(row["lost"] for row in last_year)
    return lost / base if base else 0.0


def _breakdown(lines: list[CustomerLine], key) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for line in lines:
        group = groups.setdefault(key(line.customer), {"customers": 0, "sales": 0.0})
        group["customers"] += 1
        group["sales"] += line.total
    return dict(sorted(groups.items()))


def _age_band(birthday: dt.date | None, on: dt.date) -> str:
    if birthday is None:
        return "不明"
    age = on.year - birthday.year - ((on.month, on.day) < (birthday.month, birthday.day))
    if age < 20:
        return "20歳未満"
    if age >= 70:
        return "70歳以上"
    return f"{age // 10 * 10}代"


def _cards(cards: list[SentCard], postage_yen: int) -> dict:
    counts = Counter((card.situation, _month(card.card_date)) for card in cards)
    by_situation = Counter(card.situation for card in cards)
    return {
        "total": len(cards),
        "postage_total": len(cards) * postage_yen,
        "by_situation": dict(sorted(by_situation.items())),
        "by_month": [{"situation": s, "month": m, "cards": n, "postage": n * postage_yen}
                     for (s, m), n in sorted(counts.items(), key=lambda i: (i[0][1], i[0][0]))],
    }


def _response_rate(cards: list[SentCard], by_customer: dict[str, list[Sale]]) -> float:
    """Share of customers sent a dormant/win-back card who bought within 90 days of it."""
    reached = {}
    for card in cards:
        if card.situation in ("winback", "dormant"):
            reached.setdefault(card.customer_id, []).append(card.card_date)
    if not reached:
        return 0.0
    responded = 0
    for customer_id, days in reached.items():
        purchases = [s.date for s in by_customer.get(customer_id, [])]
        if any(0 < (bought - day).days <= RESPONSE_DAYS for day in days for bought in purchases):
            responded += 1
    return responded / len(reached)
