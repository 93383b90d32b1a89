"""The stock-take of customers (顧客の棚卸し): every figure of the report, computed once.

In: every row of the customer list (with its problems and whether a card to it came back),
every dated sale read (for listed and unlisted customers), the logged cards, the day and the
rules. Out: Measures. The text report, the JSON and the workbook only read it.

Definitions (thresholds from [rules]):
- customers: every non-blank row of the list, rows with errors included (they are flagged).
  A sale belongs to the first row with its customer id; sales whose id is blank or on no
  row are unlisted sales, kept apart and named. Sales and cards after the day are left out;
  an amount that is missing or not a finite number counts as a purchase without an amount.
- segment: excluded (送付停止, 死亡, 転居, or a card to the current address came back), new
  (first purchase within new_days), active (last purchase within active_days), dormant (up to
  dormant_days), lapsed (longer), no_purchase; each customer is in exactly one.
- a sale is from a new customer when it falls within new_days of the customer's first purchase,
  otherwise from an existing one; the two add up to the sales total, month by month too.
- concentration: a warning when the single largest customer holds more than 10 % of sales;
  the top 10 %'s share is a figure only (it is never below 10 %).
- shares of sales never leave 0–100 %: the top customer's and the top 10 %'s are shares of the
  sales of customers whose net total is positive (refunds can make a total negative); the new
  customers' share is their positive part over both positive parts.
- the monthly base, the loss rate and the lapsed count come from flow.py over the customers
  who are not excluded, so the last month's lapsed count is the lapsed segment's count.
- win-back response: a customer sent a dormant or win-back card who bought within 90 days.
- 客数 × 客単価 × 頻度 = 売上: buyers (customers with a purchase) × average per priced sale ×
  priced sales per buyer; the base flow over the last 12 months: start + new + back − lost.
- to call (連絡リスト on paper): dormant customers, longest ago first (they lapse next), then
  lapsed ones, most recent first (the likeliest to come back); each with their last card.
- what the cards brought: by situation, customers who bought within 60 days after a card.
- a sales list without amounts (has_amounts False): purchases and segments are measured, but
  no figure of money or of shares of sales is given (None in the JSON, left out of the key
  figures), never 0円.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable

from msgspec import Struct, field

from mailmerge.i18n import N_, _, ngettext, yen
from mailmerge.models import Customer, Problem, Sale
from mailmerge.report.experiments import Experiment
from mailmerge.report.flow import (
    BaseFlow,
    Heads,
    base_flow,
    flow_events,
    loss_rate,
    month_of,
    monthly_heads,
    months_between,
)
from mailmerge.report.mailings import (
    CardCounts,
    CardResponse,
    SentCard,
    count_cards,
    last_cards,
    response_rate,
    responses_by_situation,
    sent_cards,
)
from mailmerge.selection.exclusions import exclusion_of
from mailmerge.selection.segments import SegmentRules, segment_of
from mailmerge.sources.problem_words import problem_word

SEGMENTS = ("excluded", "new", "active", "dormant", "lapsed", "no_purchase")
CONCENTRATION_WARNING = 0.10
UNLISTED_IDS_NAMED = 5
PROBLEM_KINDS = {"missing-address": N_("住所エラー"), "postal-format": N_("住所エラー"),
                 "postal-unknown": N_("住所エラー"), "postal-mismatch": N_("住所エラー"),
                 "missing-name": N_("氏名エラー"), "duplicate": N_("重複エラー")}


class Listed(Struct, frozen=True):
    """One row of the customer list as the report takes it."""

    customer: Customer
    problems: tuple[Problem, ...] = ()
    returned: bool = False  # a card to the current address came back


class CustomerLine(Struct, frozen=True):
    customer: Customer
    name: str
    address: str
    segment: str
    first_purchase: dt.date | None
    last_purchase: dt.date | None
    days_since_last: int | None
    purchases: int
    total: float
    flags: tuple[str, ...]  # the row's errors in words, e.g. "住所エラー: 郵便番号と住所が合わない"
    flag_codes: tuple[str, ...] = ()  # the same errors' codes, e.g. "postal-mismatch"


class Month(Struct, frozen=True):
    month: str
    heads: Heads
    new_customer_sales: float
    existing_customer_sales: float

    @property
    def sales(self) -> float:
        return self.new_customer_sales + self.existing_customer_sales

    def as_json(self, amounts: bool = True) -> dict:
        heads = self.heads
        return {"month": self.month, "new": heads.new, "back": heads.back, "lost": heads.lost,
                "total": heads.customers, "lapsed": heads.lapsed,
                "loss_rate": round(heads.loss_rate, 4),
                "sales": self.sales if amounts else None,
                "new_customer_sales": self.new_customer_sales if amounts else None,
                "existing_customer_sales": self.existing_customer_sales if amounts else None}


class UnlistedSales(Struct, frozen=True):
    customer_id: str  # "" when the sale's id was blank
    count: int
    total: float


class Measures(Struct):
    date: dt.date
    customer_count: int
    flagged_count: int
    segments: dict[str, int]
    segment_shares: dict[str, float]
    customers: list[CustomerLine]
    sales_total: float
    sales_count: int
    new_customer_sales: float
    existing_customer_sales: float
    unlisted: list[UnlistedSales]
    unknown_sales_total: float
    unknown_sales_count: int
    average_per_sale: float
    average_per_customer: float
    top_customer_share: float
    top10_share: float
    new_sales_share: float
    loss_rate: float
    monthly: list[Month]
    by_gender: dict[str, dict]
    by_age_band: dict[str, dict]
    cards: CardCounts
    winback_response_rate: float
    buyer_count: int = 0
    purchase_frequency: float = 0.0  # priced sales per buyer
    base_flow: BaseFlow = BaseFlow(0, 0, 0, 0, 0, 0)
    to_call: list[CustomerLine] = field(default_factory=list)  # dormant, then lapsed
    last_cards: dict[str, SentCard] = field(default_factory=dict)  # by customer id
    card_responses: list[CardResponse] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    has_amounts: bool = True  # False: the sales had no amounts, no figure of money is known
    experiments: list[Experiment] = field(default_factory=list)  # held-out comparisons

    def as_json(self) -> dict:
        """Stable keys, plain JSON values (no NaN, dates as YYYY-MM-DD); without amounts,
        every figure of money or share of sales is null."""
        def money(value: float, digits: int | None = None) -> float | None:
            if not self.has_amounts:
                return None
            return value if digits is None else round(value, digits)

        def groups(breakdown: dict[str, dict]) -> dict[str, dict]:
            return {name: {**group, "sales": money(group["sales"])}
                    for name, group in breakdown.items()}

        return {
            "date": self.date.isoformat(),
            "customer_count": self.customer_count,
            "flagged_customers": self.flagged_count,
            "segments": self.segments,
            "segment_shares": {k: round(v, 4) for k, v in self.segment_shares.items()},
            "sales_total": money(self.sales_total),
            "sales_count": self.sales_count,
            "new_customer_sales": money(self.new_customer_sales),
            "existing_customer_sales": money(self.existing_customer_sales),
            "unknown_customer_sales": {
                "total": money(self.unknown_sales_total), "count": self.unknown_sales_count,
                "customers": [{"customer_id": u.customer_id, "count": u.count,
                               "total": money(u.total)} for u in self.unlisted]},
            "average_per_sale": money(self.average_per_sale, 2),
            "average_per_customer": money(self.average_per_customer, 2),
            "top_customer_share": money(self.top_customer_share, 4),
            "top10_share": money(self.top10_share, 4),
            "new_sales_share": money(self.new_sales_share, 4),
            "loss_rate": round(self.loss_rate, 4),
            "monthly": [month.as_json(self.has_amounts) for month in self.monthly],
            "by_gender": groups(self.by_gender),
            "by_age_band": groups(self.by_age_band),
            "cards": self.cards.as_json(),
            "winback_response_rate": round(self.winback_response_rate, 4),
            "buyer_count": self.buyer_count,
            "purchase_frequency": round(self.purchase_frequency, 4),
            "base_flow": self.base_flow.as_json(),
            "card_responses": [{**response.as_json(), "sales": money(response.sales)}
                               for response in self.card_responses],
            "experiments": [experiment.as_json(self.has_amounts)
                            for experiment in self.experiments],
            "warnings": self.warnings,
        }


def measure(listed: list[Listed], sales: list[Sale], cards: list[SentCard], on: dt.date,
            rules: SegmentRules | None = None, postage_yen: int = 85,
            amounts: bool = True) -> Measures:
    """Every figure of the report for the day `on` (`amounts` False: the sales list had no
    amounts, see the module docstring)."""
    rules = rules or SegmentRules()
    histories, unlisted = _assign(listed, sales, on)
    lines = [_line(entry, history, on, rules)
             for entry, history in zip(listed, histories, strict=True)]
    segments = {name: 0 for name in SEGMENTS}
    for line in lines:
        segments[line.segment] += 1
    count = len(lines)
    new_sales, existing_sales = _split_by_newness(histories, rules)
    new_total, existing_total = math.fsum(new_sales.values()), math.fsum(existing_sales.values())
    total = new_total + existing_total
    positive = sorted((line.total for line in lines if line.total > 0), reverse=True)
    positive_total = math.fsum(positive)
    top_share = positive[0] / positive_total if positive else 0.0
    top10_share = (math.fsum(positive[:math.ceil(len(positive) * 0.10)]) / positive_total
                   if positive else 0.0)
    known_sales = [sale for history in histories for sale in history if not sale.takes_back]
    priced = sum(_amount(sale) is not None for sale in known_sales)
    buyers = sum(1 for line in lines if line.purchases)
    monthly = _monthly(lines, histories, new_sales, existing_sales, on, rules)
    sent = sent_cards(cards, on)
    purchases = {line.customer.customer_id: [s.date for s in history if not s.takes_back]
                 for line, history in zip(lines, histories, strict=True) if history}
    measures = Measures(
        date=on, customer_count=count, flagged_count=sum(1 for line in lines if line.flags),
        segments=segments,
        segment_shares={name: n / count if count else 0.0 for name, n in segments.items()},
        customers=lines,
        sales_total=total, sales_count=len(known_sales),
        new_customer_sales=new_total, existing_customer_sales=existing_total,
        unlisted=_unlisted(unlisted),
        unknown_sales_total=math.fsum(_amount(s) or 0.0 for s in unlisted),
        unknown_sales_count=len(unlisted),
        average_per_sale=total / priced if priced else 0.0,
        average_per_customer=total / buyers if buyers else 0.0,
        top_customer_share=top_share, top10_share=top10_share,
        new_sales_share=_positive_share(new_total, existing_total),
        loss_rate=loss_rate([month.heads for month in monthly]), monthly=monthly,
        by_gender=_breakdown(lines, lambda c: c.gender or "不明"),
        by_age_band=_breakdown(lines, lambda c: _age_band(c.birthday, on)),
        cards=count_cards(sent, postage_yen),
        winback_response_rate=response_rate(sent, purchases),
        buyer_count=buyers, purchase_frequency=priced / buyers if buyers else 0.0,
        base_flow=base_flow([month.heads for month in monthly]), to_call=_to_call(lines),
        last_cards=last_cards(sent),
        card_responses=responses_by_situation(sent, _amounts_by_customer(lines, histories)),
        has_amounts=amounts,
    )
    measures.warnings = _warnings(measures)
    return measures


def _amount(sale: Sale) -> float | None:
    """The sale's amount, or None when it is missing or not a finite number."""
    amount = sale.amount
    if amount is None or not math.isfinite(amount):
        return None
    return float(amount)


def _assign(listed: list[Listed], sales: list[Sale], on: dt.date
            ) -> tuple[list[list[Sale]], list[Sale]]:
    """Each row's sales up to `on` (by date), and the sales that belong to no row."""
    owner: dict[str, int] = {}
    for index, entry in enumerate(listed):
        if entry.customer.customer_id:
            owner.setdefault(entry.customer.customer_id, index)
    histories: list[list[Sale]] = [[] for _ in listed]
    unlisted: list[Sale] = []
    for sale in sorted((s for s in sales if s.date <= on), key=lambda s: (s.date, s.row)):
        index = owner.get(sale.customer_id) if sale.customer_id else None
        (unlisted if index is None else histories[index]).append(sale)
    return histories, unlisted


def _line(entry: Listed, sales: list[Sale], on: dt.date, rules: SegmentRules) -> CustomerLine:
    customer = entry.customer
    bought = [sale for sale in sales if not sale.takes_back]
    first = bought[0].date if bought else None
    last = bought[-1].date if bought else None
    if exclusion_of(customer) is not None or entry.returned:
        segment = "excluded"
    else:
        segment = segment_of(first, last, on, rules)
    codes = tuple(dict.fromkeys(p.code for p in entry.problems if p.severity == "error"))
    flags = dict.fromkeys(_("{kind}: {problem}", kind=_(PROBLEM_KINDS.get(code, N_("入力エラー"))),
                            problem=problem_word(code)) for code in codes)
    return CustomerLine(
        customer=customer,
        name=f"{customer.family_name} {customer.given_name}".strip() or customer.company,
        address=f"{customer.address1} {customer.address2}".strip(),
        segment=segment, first_purchase=first, last_purchase=last,
        days_since_last=(on - last).days if last else None, purchases=len(bought),
        total=math.fsum(_amount(s) or 0.0 for s in sales), flags=tuple(flags), flag_codes=codes)


def _split_by_newness(histories: list[list[Sale]], rules: SegmentRules
                      ) -> tuple[dict[str, float], dict[str, float]]:
    """Sales by month from new customers (within new_days of their first purchase) and from
    existing ones."""
    new: dict[str, float] = defaultdict(float)
    existing: dict[str, float] = defaultdict(float)
    for history in histories:
        for sale in history:
            amount = _amount(sale)
            if amount is None:
                continue
            is_new = (sale.date - history[0].date).days <= rules.new_days
            (new if is_new else existing)[month_of(sale.date)] += amount
    return new, existing


def _monthly(lines: list[CustomerLine], histories: list[list[Sale]],
             new_sales: dict[str, float], existing_sales: dict[str, float], on: dt.date,
             rules: SegmentRules) -> list[Month]:
    firsts = [line.first_purchase for line in lines if line.first_purchase]
    if not firsts:
        return []
    months = months_between(min(firsts), on)
    events = [event for line, history in zip(lines, histories, strict=True)
              if history and line.segment != "excluded"
              for event in flow_events([s.date for s in history if not s.takes_back], on,
                                       rules)]
    return [Month(name, heads, new_sales.get(name, 0.0), existing_sales.get(name, 0.0))
            for name, heads in zip(months, monthly_heads(months, events), strict=True)]


def _positive_share(part: float, rest: float) -> float:
    """part's share of part + rest, counting only what is positive of each."""
    part, rest = max(part, 0.0), max(rest, 0.0)
    return part / (part + rest) if part + rest else 0.0


def _to_call(lines: list[CustomerLine]) -> list[CustomerLine]:
    dormant = sorted((line for line in lines if line.segment == "dormant"),
                     key=lambda line: (line.last_purchase, line.customer.row))
    lapsed = sorted((line for line in lines if line.segment == "lapsed"),
                    key=lambda line: (-line.last_purchase.toordinal(), line.customer.row))
    return dormant + lapsed


def _amounts_by_customer(lines: list[CustomerLine], histories: list[list[Sale]]
                         ) -> dict[str, list[tuple[dt.date, float]]]:
    """Each listed customer's purchases as (day, amount; 0 when it has none)."""
    return {line.customer.customer_id: [(s.date, _amount(s) or 0.0) for s in history]
            for line, history in zip(lines, histories, strict=True) if history}


def _unlisted(sales: list[Sale]) -> list[UnlistedSales]:
    groups: dict[str, list[float]] = defaultdict(list)
    for sale in sales:
        groups[sale.customer_id].append(_amount(sale) or 0.0)
    return [UnlistedSales(customer_id, len(amounts), math.fsum(amounts))
            for customer_id, amounts in sorted(groups.items())]


def _breakdown(lines: list[CustomerLine], key: Callable[[Customer], str]) -> dict[str, dict]:
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


def _warnings(measures: Measures) -> list[str]:
    """What the shop owner should look at, in the reader's language. Concentration: only the
    single largest customer over 10 % of sales (the top tenth of customers always holds at
    least a tenth of sales, so its share is a figure, never a warning)."""
    warnings = []
    if measures.top_customer_share > CONCENTRATION_WARNING:
        top = max(measures.customers, key=lambda line: line.total)
        warnings.append(_("1人の顧客 ({customer}) が売上の{share:.1%}を占めています "
                          "({limit:.0%}超)。", customer=top.customer.label,
                          share=measures.top_customer_share, limit=CONCENTRATION_WARNING))
    if measures.unlisted:
        named = "、".join(u.customer_id or _("(空欄)")
                         for u in measures.unlisted[:UNLISTED_IDS_NAMED])
        more = _(" ほか") if len(measures.unlisted) > UNLISTED_IDS_NAMED else ""
        warnings.append(ngettext(
            "名簿にない顧客の売上が{n}件 ({total}) あります (顧客ID: {named}{more})。"
            "集計とは別にしています。名簿に追加するか、売上の顧客IDを直してください。",
            "名簿にない顧客の売上が{n}件 ({total}) あります (顧客ID: {named}{more})。"
            "集計とは別にしています。名簿に追加するか、売上の顧客IDを直してください。",
            measures.unknown_sales_count, total=yen(measures.unknown_sales_total),
            named=named, more=more))
    if measures.flagged_count:
        warnings.append(ngettext(
            "名簿の{n}人に住所などの誤りがあります。集計には含め、連絡リストに印を付けました。"
            "直す箇所は、顧客リストの問題の一覧で確かめてください。",
            "名簿の{n}人に住所などの誤りがあります。集計には含め、連絡リストに印を付けました。"
            "直す箇所は、顧客リストの問題の一覧で確かめてください。", measures.flagged_count))
    return warnings
