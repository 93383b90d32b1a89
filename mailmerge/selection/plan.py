"""Who gets which card today, and who does not and why.

In: customers, optionally their sales, a date, a situation (or "auto", or None for a plain
mail-merge), the send history and the rule settings. Out: a Plan: one PlanEntry per card
and one NotSent per customer left out, with a code and a reason a person understands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Protocol

from msgspec import Struct, field

from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _, ngettext
from mailmerge.models import CardRef, Customer, Sale
from mailmerge.selection.exclusions import exclusion_of
from mailmerge.selection.seasons import Override, posting_window, season_plan, season_year
from mailmerge.selection.segments import SegmentRules, segment_of
from mailmerge.selection.situations import SEASONAL as SEASONAL
from mailmerge.selection.situations import SITUATIONS as SITUATIONS

# The rules that keep a card back, in words (the code stays for machines and support).
RULE_WORDS = {
    "already-sent": N_("印刷済み"), "already-thanked": N_("お礼済み"), "cooldown": N_("間をあける"),
    "deceased": N_("死亡"), "do-not-mail": N_("送付停止"), "held-out": N_("対照（送らず）"),
    "left-out": N_("今回は送らない"),
    "mourning": N_("喪中"), "moved": N_("転居"), "no-birthday": N_("誕生日なし"),
    "no-purchase": N_("購入なし"), "no-recent-sale": N_("最近の購入なし"),
    "not-due": N_("まだ時期でない"), "refunded": N_("返品"), "returned": N_("宛所不明"),
    "segment": N_("対象外のお客様"),
}
LABELS = {
    "thanks": N_("お礼状"), "nenga": N_("年賀状"), "kanchu": N_("寒中見舞い"),
    "yokan": N_("余寒見舞い"), "shochu": N_("暑中見舞い"), "zansho": N_("残暑見舞い"),
    "birthday": N_("誕生日"), "dormant": N_("休眠フォロー"), "winback": N_("再来店のお願い"),
    "greeting": N_("ご挨拶"),
}
SEGMENT_NAMES = {"new": N_("新規"), "active": N_("活動中"), "dormant": N_("休眠"),
                 "lapsed": N_("離反"), "no_purchase": N_("購入記録なし")}
# Who a seasonal card is for when sales say who is who (without sales: everyone).
SEASONAL_SEGMENTS = {
    "nenga": {"new", "active", "dormant"},
    "shochu": {"new", "active", "dormant"},
    "zansho": {"new", "active", "dormant"},
}


class History(Protocol):
    """What was sent before (the send log): for cooldowns, 'already thanked' and 'already
    printed'; each answer names the card, so reasons can say which one."""

    def last_card(self, customer_id: str, situation: str) -> CardRef | None: ...

    def sent_in_campaign(self, customer_id: str, campaign: str) -> CardRef | None: ...

    def sent_to_person(self, customer: Customer, campaign: str
                       ) -> tuple[str, CardRef] | None: ...

    def thanked_sales(self, customer_id: str) -> dict[str, CardRef]: ...

    def returned(self, customer: Customer) -> CardRef | None: ...

    def left_out(self, customer_id: str, campaign: str) -> bool: ...

    def held_out_of(self, customer_id: str, campaign: str) -> dt.date | None: ...

    def last_draw(self, customer_id: str, situation: str) -> tuple[dt.date, str] | None: ...

    def held_out_last(self, customer_id: str) -> bool: ...


class NoHistory:
    """No send log: nothing sent before."""

    def last_card(self, customer_id: str, situation: str) -> CardRef | None:
        return None

    def sent_in_campaign(self, customer_id: str, campaign: str) -> CardRef | None:
        return None

    def sent_to_person(self, customer: Customer, campaign: str
                       ) -> tuple[str, CardRef] | None:
        return None

    def thanked_sales(self, customer_id: str) -> dict[str, CardRef]:
        return {}

    def returned(self, customer: Customer) -> CardRef | None:
        return None

    def left_out(self, customer_id: str, campaign: str) -> bool:
        return False

    def held_out_of(self, customer_id: str, campaign: str) -> dt.date | None:
        return None

    def last_draw(self, customer_id: str, situation: str) -> tuple[dt.date, str] | None:
        return None

    def held_out_last(self, customer_id: str) -> bool:
        return False


class Forced(NoHistory):
    """--force: what was printed before does not hold a card back (already printed, already
    thanked, cooldowns); an address that came back, or a card the shop left out, still
    does."""

    def __init__(self, history: History) -> None:
        self.history = history

    def returned(self, customer: Customer) -> CardRef | None:
        return self.history.returned(customer)

    def left_out(self, customer_id: str, campaign: str) -> bool:
        return self.history.left_out(customer_id, campaign)


class Rules(Struct, frozen=True):
    """Rule settings ([rules] in hagaki.toml)."""

    thanks_days: int = 14
    birthday_lead_days: int = 14
    cooldown_days: dict[str, int] = field(default_factory=lambda: {
        "dormant": 90, "winback": 180, "birthday": 300, "greeting": 0})
    segments: SegmentRules = field(default_factory=SegmentRules)
    matsunouchi_end_day: int = 7
    seasons: dict[str, Override] = field(default_factory=dict)  # [seasons] print windows


class PlanEntry(Struct, frozen=True):
    customer: Customer
    situation: str
    reason: str
    sales: tuple[Sale, ...] = ()  # the sales a thank-you card is for
    template: str = ""  # the template a draw chose (A/B wording); else the usual choice


class NotSent(Struct, frozen=True):
    customer: Customer
    code: str
    reason: str
    held: PlanEntry | None = None  # left-out: the card the shop set aside (to put back)


class Plan(Struct):
    date: dt.date
    situation: str | None
    cards: list[PlanEntry] = field(default_factory=list)
    not_sent: list[NotSent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. when to post a seasonal card


def sale_key(sale: Sale) -> str:
    """A sale's identity in the send log, stable when the sales file is exported again."""
    amount = "" if sale.amount is None else f"{sale.amount:g}"
    return f"{sale.date.isoformat()}|{sale.item}|{amount}"


def campaign_of(entry: PlanEntry, on: dt.date) -> str:
    """The campaign a card belongs to, so the same card is never printed twice:
    nenga-2027, shochu-2026, birthday-2026, thanks-<its sales>, dormant-2026-11-23 …"""
    situation = entry.situation
    if situation in SEASONAL:
        return f"{situation}-{season_year(situation, on)}"
    if situation == "birthday" and entry.customer.birthday is not None:
        return f"birthday-{_next_birthday(entry.customer.birthday, on).year}"
    if situation == "thanks":
        keys = "\n".join(sorted(sale_key(sale) for sale in entry.sales))
        return f"thanks-{hashlib.sha256(keys.encode()).hexdigest()[:12]}"
    return f"{situation}-{on.isoformat()}"


def make_plan(customers: Iterable[Customer], sales: list[Sale] | None, on: dt.date,
              situation: str | None, history: History | None = None,
              rules: Rules | None = None, force: bool = False,
              to_recipients: bool = False) -> Plan:
    """Decide every customer's card for the day `on`. `to_recipients` (--ship-to): the
    customers are gift recipients, who bought nothing, so no thank-you card is made."""
    history = history or NoHistory()
    if force:
        history = Forced(history)
    rules = rules or Rules()
    if situation in ("auto", "thanks", "dormant", "winback") and sales is None:
        raise HagakiError(_("--situation {situation} には売上リストが要ります（--sales FILE）",
                            situation=situation))
    if situation is None and sales is not None:
        situation = "auto"
    if to_recipients and situation in ("auto", "thanks"):
        raise HagakiError(_("--ship-to では贈り先に送ります。お礼状は買った方へのはがきなので"
                            "作れません。季節のはがき（--situation kanchu など）と一緒に"
                            "使ってください"))
    notes: list[str] = []
    if situation in SEASONAL:
        notes.append(season_plan(situation, on, rules.matsunouchi_end_day, rules.seasons).note)
    if situation not in (None, "auto", *SITUATIONS):
        raise HagakiError(_("--situation {situation} はありません。auto か {known} の"
                            "どれかにしてください", situation=situation,
                            known=", ".join(SITUATIONS)))
    by_customer: dict[str, list[Sale]] = {}
    for sale in sales or []:
        if sale.date <= on:
            by_customer.setdefault(sale.customer_id, []).append(sale)
    plan = Plan(on, situation, notes=notes)
    for customer in customers:
        decision = _decide(customer, by_customer.get(customer.customer_id, []),
                           sales is not None, on, situation, history, rules)
        if isinstance(decision, PlanEntry):
            decision = _unless_printed_or_held(decision, campaign_of(decision, on), history)
        (plan.cards if isinstance(decision, PlanEntry) else plan.not_sent).append(decision)
    return plan


def barred(customer: Customer, situation: str | None, on: dt.date, history: History,
           rules: Rules) -> NotSent | None:
    """The rule that keeps this kind of card from the customer on any day, if one does: an
    exclusion (送付停止, 死亡, 転居), an address a card came back from, 喪中 for a 年賀状.
    The plan and every reprint follow them."""
    exclusion = exclusion_of(customer)
    if exclusion is not None:
        return NotSent(customer, exclusion.code, _(exclusion.reason))
    returned = history.returned(customer)
    if returned is not None:
        return NotSent(customer, "returned",
                       _("{date} のはがき（{number} 番）が宛所不明で戻りました: "
                         "住所を直してから送ります", date=returned.card_date,
                         number=returned.card_id))
    if situation == "nenga" and customer.mourning:
        kanchu = posting_window("kanchu", season_year("nenga", on), rules.matsunouchi_end_day)
        return NotSent(customer, "mourning", _(
            "喪中のため年賀状は送りません。代わりに寒中見舞いを {first} … {last} に"
            "投函してください", first=kanchu.first, last=kanchu.last))
    return None


def _decide(customer: Customer, sales: list[Sale], have_sales: bool, on: dt.date,
            situation: str | None, history: History, rules: Rules) -> PlanEntry | NotSent:
    refused = barred(customer, situation, on, history, rules)
    if refused is not None:
        return refused
    if situation is None:
        return PlanEntry(customer, "greeting", _("送れるお客様全員に送るはがき"))
    segment = _segment(customer, sales, on, rules) if have_sales else None
    if situation == "auto":
        return _auto(customer, sales, segment, on, history, rules)
    if situation == "thanks":
        return _thanks(customer, sales, on, history, rules) or NotSent(
            customer, "no-recent-sale",
            ngettext("直近 {n} 日にお礼状を送る売上がありません",
                     "直近 {n} 日にお礼状を送る売上がありません", rules.thanks_days))
    if situation in SEASONAL:
        return _seasonal(customer, segment, situation)
    if situation == "birthday":
        return _birthday(customer, on, history, rules)
    wanted = {"dormant": "dormant", "winback": "lapsed"}[situation]
    if segment != wanted:
        return NotSent(customer, "segment", _(
            "{card}は{wanted}のお客様に送ります（このお客様は{segment}）",
            card=_(LABELS[situation]), wanted=_(SEGMENT_NAMES[wanted]),
            segment=_segment_name(segment)))
    reason = _("{segment}: {since}", segment=_segment_name(segment),
               since=_since_last(sales, on))
    return _with_cooldown(customer, situation, reason, on, history, rules)


def _segment(customer: Customer, sales: list[Sale], on: dt.date, rules: Rules) -> str:
    dates = [sale.date for sale in sales if not sale.takes_back]
    return segment_of(min(dates, default=None), max(dates, default=None), on, rules.segments,
                      customer.registered)


def _auto(customer: Customer, sales: list[Sale], segment: str | None, on: dt.date,
          history: History, rules: Rules) -> PlanEntry | NotSent:
    thanks = _thanks(customer, sales, on, history, rules)
    if isinstance(thanks, PlanEntry):
        return thanks
    if segment == "dormant":
        return _with_cooldown(customer, "dormant", _(
            "{segment}: {since}", segment=_segment_name(segment), since=_since_last(sales, on)),
            on, history, rules)
    if segment == "lapsed":
        return _with_cooldown(customer, "winback", _(
            "{segment}: {since}", segment=_segment_name(segment), since=_since_last(sales, on)),
            on, history, rules)
    if segment == "no_purchase":
        return NotSent(customer, "no-purchase",
                       _("購入の記録がないので、送るはがきはありません"))
    if thanks is not None:
        return thanks  # already thanked: say so rather than "not due"
    return NotSent(customer, "not-due", _("{segment}: {since}。今日送るはがきはありません",
                                          segment=_segment_name(segment),
                                          since=_since_last(sales, on)))


def _thanks(customer: Customer, sales: list[Sale], on: dt.date, history: History,
            rules: Rules) -> PlanEntry | NotSent | None:
    """One thank-you card for every recent sale not yet thanked (one card per customer; a
    refund, a negative amount, is never thanked, nor is a sale it takes back). A sale is
    thanked by the card that named it, and also by any thank-you card dated on or after it (a
    sale that reached hagaki later, from another file, is not thanked twice). NotSent when
    every recent sale has been thanked or taken back; None without a recent sale."""
    since = on - dt.timedelta(days=rules.thanks_days)
    bought = [s for s in sales if s.date >= since and not s.takes_back]
    if not bought:  # (most customers: no need to ask the send log)
        return None
    recent = _kept(bought, [s for s in sales if s.takes_back])
    if not recent:
        return NotSent(customer, "refunded", _(
            "{days} の購入は返品されたので、お礼状は送りません",
            days=", ".join(sorted({s.date.isoformat() for s in bought}))))
    thanked = history.thanked_sales(customer.customer_id)
    last = history.last_card(customer.customer_id, "thanks")

    def card_for(sale: Sale) -> CardRef | None:
        if sale_key(sale) in thanked:
            return thanked[sale_key(sale)]
        return last if last is not None and last.card_date >= sale.date else None

    due = tuple(sorted((s for s in recent if card_for(s) is None),
                       key=lambda s: (s.date, s.row)))
    if not due:
        card = max((card_for(s) for s in recent), key=lambda c: c.card_id)
        return NotSent(customer, "already-thanked",
                       _("{date} に{card}を印刷済み（{number} 番）", date=card.card_date,
                         card=_(LABELS["thanks"]), number=card.card_id))
    days = ", ".join(sorted({s.date.isoformat() for s in due}))
    return PlanEntry(customer, "thanks", _("{days} の購入のお礼がまだです", days=days), due)


def _kept(bought: list[Sale], refunds: list[Sale]) -> list[Sale]:
    """The sales not taken back: a refund on or after a sale cancels it when it names the
    same item and takes back all of it (or its amount is unknown), or takes back exactly its
    amount; a part returned leaves the sale thanked (each refund one sale, latest first)."""
    kept = sorted(bought, key=lambda s: (s.date, s.row))
    for refund in sorted(refunds, key=lambda s: (s.date, s.row)):
        for sale in reversed(kept):
            if sale.date <= refund.date and _takes_back(refund, sale):
                kept.remove(sale)
                break
    return kept


def _takes_back(refund: Sale, sale: Sale) -> bool:
    whole = (refund.amount is None or sale.amount is None
             or -refund.amount >= sale.amount)
    same_item = bool(refund.item) and refund.item == sale.item
    same_amount = (refund.amount is not None and sale.amount is not None
                   and sale.amount == -refund.amount)
    return (same_item and whole) or same_amount


def _seasonal(customer: Customer, segment: str | None, situation: str
              ) -> PlanEntry | NotSent:
    allowed = SEASONAL_SEGMENTS.get(situation)
    if segment is not None and allowed is not None and segment not in allowed:
        return NotSent(customer, "segment", _(
            "{card}は活動中・休眠のお客様に送ります（このお客様は{segment}）",
            card=_(LABELS[situation]), segment=_segment_name(segment)))
    reason = _(LABELS[situation])
    if segment:
        reason = _("{card}（{segment}のお客様）", card=reason, segment=_segment_name(segment))
    if situation == "kanchu" and customer.mourning:
        reason = _("喪中のため年賀状の代わりに寒中見舞い")
    return PlanEntry(customer, situation, reason)


def _birthday(customer: Customer, on: dt.date, history: History, rules: Rules
              ) -> PlanEntry | NotSent:
    if customer.birthday is None:
        return NotSent(customer, "no-birthday", _("誕生日の記録がありません"))
    next_birthday = _next_birthday(customer.birthday, on)
    days = (next_birthday - on).days
    if days > rules.birthday_lead_days:
        return NotSent(customer, "not-due", ngettext(
            "誕生日 {birthday} まであと {n} 日です", "誕生日 {birthday} まであと {n} 日です",
            days, birthday=next_birthday))
    return _with_cooldown(customer, "birthday", _("誕生日 {birthday}", birthday=next_birthday),
                          on, history, rules)


def _next_birthday(birthday: dt.date, on: dt.date) -> dt.date:
    for year in (on.year, on.year + 1):
        day = 28 if (birthday.month, birthday.day) == (2, 29) else birthday.day
        try:
            candidate = dt.date(year, birthday.month, birthday.day)
        except ValueError:
            candidate = dt.date(year, birthday.month, day)
        if candidate >= on:
            return candidate
    return candidate


def _with_cooldown(customer: Customer, situation: str, reason: str, on: dt.date,
                   history: History, rules: Rules) -> PlanEntry | NotSent:
    last = history.last_card(customer.customer_id, situation)
    cooldown = rules.cooldown_days.get(situation, 0)
    drawn = history.last_draw(customer.customer_id, situation)
    if (drawn is not None and drawn[1] == "held-out" and (on - drawn[0]).days < cooldown
            and (last is None or last.card_date < drawn[0])):
        return NotSent(customer, "held-out", _(
            "{date} に{card}の対照（送らず）に選ばれました: 次は {until} 以降",
            card=_(LABELS[situation]), date=drawn[0],
            until=drawn[0] + dt.timedelta(days=cooldown)))
    if last is not None and (on - last.card_date).days < cooldown:
        until = last.card_date + dt.timedelta(days=cooldown)
        return NotSent(customer, "cooldown", _(
            "{card}を {date} に送りました（{number} 番）: 次は {until} 以降",
            card=_(LABELS[situation]), date=last.card_date, number=last.card_id, until=until))
    return PlanEntry(customer, situation, reason)


def _unless_printed_or_held(entry: PlanEntry, campaign: str, history: History
                            ) -> PlanEntry | NotSent:
    """The entry, unless the customer already got a card of its campaign (--force or
    --reprint prints it again), the shop left them out of it, or they were held out of it."""
    decision = _unless_printed(entry, campaign, history)
    if isinstance(decision, NotSent):
        return decision
    if history.left_out(entry.customer.customer_id, campaign):
        return NotSent(entry.customer, "left-out",
                       _("「今日のはがき」の画面で、今回は送らないことにしました"), held=entry)
    return _unless_held_out(entry, campaign, history)


def _unless_printed(entry: PlanEntry, campaign: str, history: History) -> PlanEntry | NotSent:
    """A card of a campaign the customer already got is not printed again."""
    sent = history.sent_in_campaign(entry.customer.customer_id, campaign)
    if sent is not None:
        return NotSent(entry.customer, "already-sent",
                       _("{card}は {date} に印刷済み（{number} 番）", card=_card_name(entry),
                         date=sent.card_date, number=sent.card_id))
    other = history.sent_to_person(entry.customer, campaign)
    if other is not None:
        other_id, sent = other
        return NotSent(entry.customer, "already-sent", _(
            "{card}は {date} に顧客ID {other_id}（同じ名前・住所）として印刷済み（{number} 番）。"
            "顧客IDが変わったようなので、同じお客様に二度は送りません", card=_card_name(entry),
            date=sent.card_date, other_id=other_id, number=sent.card_id))
    return entry


def _unless_held_out(entry: PlanEntry, campaign: str, history: History) -> PlanEntry | NotSent:
    """A customer held out of this campaign (to measure what the cards do) stays without
    its card: mailing them later would spoil the comparison (--force prints it)."""
    day = history.held_out_of(entry.customer.customer_id, campaign)
    if day is None:
        return entry
    return NotSent(entry.customer, "held-out", _(
        "{date} に対照（送らず）に選ばれました: はがきの効果を測るため、この{card}は送りません",
        date=day, card=_card_name(entry)))


def _card_name(entry: PlanEntry) -> str:
    """The kind of card, as the reader's language names it."""
    return _(LABELS[entry.situation]) if entry.situation in LABELS else entry.situation


def _segment_name(segment: str | None) -> str:
    """The segment as the reader's language names it (an unknown code as it is)."""
    name = SEGMENT_NAMES.get(segment or "")
    return _(name) if name else str(segment)


def _since_last(sales: list[Sale], on: dt.date) -> str:
    last = max((sale.date for sale in sales if not sale.takes_back), default=None)
    if last is None:
        return _("購入の記録なし")
    return ngettext("最後の購入 {last}（{n} 日前）", "最後の購入 {last}（{n} 日前）",
                    (on - last).days, last=last)
