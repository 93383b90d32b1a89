"""Who gets which card on a given day, and who does not and why."""

from __future__ import annotations

import datetime as dt

import pytest

from mailmerge.errors import HagakiError
from mailmerge.models import CardRef, Customer, Sale
from mailmerge.selection.plan import NoHistory, Rules, make_plan, sale_key
from mailmerge.selection.seasons import SeasonWindowError

DAY = dt.date(2026, 11, 23)


def person(customer_id: str, **fields) -> Customer:
    return Customer(row=int(customer_id[1:]) + 1, customer_id=customer_id, family_name="山田",
                    given_name=customer_id, postal_code="1600023",
                    address1="東京都新宿区西新宿2-8-1", **fields)


def sale(customer_id: str, days_ago: int, item: str = "湯呑み", on: dt.date = DAY) -> Sale:
    return Sale(row=days_ago, customer_id=customer_id, date=on - dt.timedelta(days=days_ago),
                item=item, amount=1000)


def cards(plan) -> dict[str, str]:
    return {entry.customer.customer_id: entry.situation for entry in plan.cards}


def not_sent(plan) -> dict[str, str]:
    return {entry.customer.customer_id: entry.code for entry in plan.not_sent}


def test_auto_thanks_recent_sales_once_per_customer_and_follows_up_by_segment():
    customers = [person(f"C{i}") for i in range(1, 9)]
    sales = [sale("C1", 3), sale("C1", 10, "急須"),  # two recent sales: one card
             sale("C2", 14), sale("C3", 15),          # 14 days: thanked; 15: too old
             sale("C4", 180), sale("C5", 181),        # active / dormant boundary
             sale("C6", 365), sale("C7", 366)]        # dormant / lapsed boundary
    plan = make_plan(customers, [s for s in sales], DAY, "auto")
    assert cards(plan) == {"C1": "thanks", "C2": "thanks", "C5": "dormant", "C6": "dormant",
                           "C7": "winback"}
    assert not_sent(plan) == {"C3": "not-due", "C4": "not-due", "C8": "no-purchase"}
    thanks = next(e for e in plan.cards if e.customer.customer_id == "C1")
    assert [s.item for s in thanks.sales] == ["急須", "湯呑み"]


def test_a_first_purchase_within_90_days_is_new_not_dormant():
    plan = make_plan([person("C1")], [sale("C1", 90)], DAY, "auto")
    assert "新規:" in plan.not_sent[0].reason
    plan = make_plan([person("C1")], [sale("C1", 91)], DAY, "auto")
    assert "活動中:" in plan.not_sent[0].reason


class History(NoHistory):
    """A send log in memory: card 7 thanked C1's sale, card 9 came back from C4."""

    def __init__(self, last=None, thanked=(), returned=(), campaigns=None):
        self.last, self.thanked, self.returned_ids = last or {}, set(thanked), set(returned)
        self.campaigns = campaigns or {}
        self.left_out_ids = set()

    def last_card(self, customer_id, situation):
        day = self.last.get((customer_id, situation))
        return CardRef(5, day, "printed") if day else None

    def sent_in_campaign(self, customer_id, campaign):
        day = self.campaigns.get((customer_id, campaign))
        return CardRef(11, day, "mailed") if day else None

    def thanked_sales(self, customer_id):
        return {key: CardRef(7, DAY - dt.timedelta(days=1), "printed") for key in self.thanked}

    def returned(self, customer):
        if customer.customer_id in self.returned_ids:
            return CardRef(9, DAY - dt.timedelta(days=20), "returned")
        return None

    def left_out(self, customer_id, campaign):
        return customer_id in self.left_out_ids


def test_history_stops_repeats_cooldowns_and_returned_addresses():
    customers = [person("C1"), person("C2"), person("C3"), person("C4")]
    sales = [sale("C1", 2), sale("C2", 200), sale("C3", 400), sale("C4", 200)]
    history = History(last={("C2", "dormant"): DAY - dt.timedelta(days=30),
                            ("C3", "winback"): DAY - dt.timedelta(days=180)},
                      thanked={sale_key(sales[0])}, returned={"C4"})
    plan = make_plan(customers, sales, DAY, "auto", history)
    assert cards(plan) == {"C3": "winback"}  # 180 days after the last win-back card
    reasons = {entry.customer.customer_id: entry.reason for entry in plan.not_sent}
    assert "にお礼状を印刷済み（7 番）" in reasons["C1"]
    assert "（9 番）が宛所不明で戻りました" in reasons["C4"]
    assert f"次は {DAY - dt.timedelta(days=30) + dt.timedelta(days=90)} 以降" in reasons["C2"]
    assert not_sent(plan) == {"C1": "already-thanked", "C2": "cooldown", "C4": "returned"}


def test_a_campaign_already_printed_is_named_with_its_card_unless_forced():
    customers = [person("C1"), person("C2")]
    history = History(campaigns={("C1", "greeting-" + DAY.isoformat()): DAY})
    plan = make_plan(customers, None, DAY, None, history)
    assert cards(plan) == {"C2": "greeting"}
    assert not_sent(plan) == {"C1": "already-sent"}
    assert "印刷済み（11 番）" in plan.not_sent[0].reason
    forced = make_plan(customers, None, DAY, None, history, force=True)
    assert cards(forced) == {"C1": "greeting", "C2": "greeting"}




def test_without_sales_or_situation_everyone_mailable_gets_a_card():
    customers = [person("C1"), person("C2", do_not_mail=True), person("C3", deceased=True),
                 person("C4", moved=True)]
    plan = make_plan(customers, None, DAY, None)
    assert cards(plan) == {"C1": "greeting"}
    assert not_sent(plan) == {"C2": "do-not-mail", "C3": "deceased", "C4": "moved"}


def test_nenga_skips_mourning_and_offers_kanchu_with_its_dates():
    customers = [person("C1"), person("C2", mourning=True), person("C3")]
    plan = make_plan(customers, [sale("C1", 30, on=dt.date(2026, 12, 20)),
                                 sale("C2", 30, on=dt.date(2026, 12, 20)),
                                 sale("C3", 400, on=dt.date(2026, 12, 20))],
                     dt.date(2026, 12, 20), "nenga")
    assert cards(plan) == {"C1": "nenga"}
    assert not_sent(plan) == {"C2": "mourning", "C3": "segment"}
    mourning = next(n for n in plan.not_sent if n.code == "mourning")
    assert "寒中見舞いを 2027-01-08 … 2027-02-03 に投函してください" in mourning.reason
    kanchu = make_plan([person("C2", mourning=True)], None, dt.date(2027, 1, 10), "kanchu")
    assert kanchu.cards[0].reason == "喪中のため年賀状の代わりに寒中見舞い"


@pytest.mark.parametrize(
    ("situation", "day", "message"),
    [("nenga", dt.date(2026, 10, 31), "年賀状はまだ印刷できません.*投函は 2026-12-15 … 2026-12-25"),
     ("shochu", dt.date(2026, 8, 7), "暑中見舞いの時期.*投函 2026-07-07 … 2026-08-06"),
     ("zansho", dt.date(2027, 7, 14), "残暑見舞いはまだ.*投函は 2027-08-08 … 2027-08-31"),
     ("kanchu", dt.date(2027, 2, 4), "寒中見舞いの時期.*投函 2027-01-08 … 2027-02-03"),
     ("yokan", dt.date(2026, 1, 14), "余寒見舞いはまだ.*投函は 2026-02-04 … 2026-02-28")],
)
def test_a_seasonal_card_outside_its_window_is_refused_with_the_window(situation, day,
                                                                         message):
    with pytest.raises(SeasonWindowError, match=message):
        make_plan([person("C1")], None, day, situation)


def test_risshu_moves_between_years():
    assert cards(make_plan([person("C1")], None, dt.date(2026, 8, 7), "zansho")) == {
        "C1": "zansho"}
    assert cards(make_plan([person("C1")], None, dt.date(2027, 8, 7), "shochu")) == {
        "C1": "shochu"}


def test_matsunouchi_to_the_15th_moves_kanchu():
    plan = make_plan([person("C1")], None, dt.date(2027, 1, 10), "kanchu",
                     rules=Rules(matsunouchi_end_day=15))
    assert plan.notes[0].startswith("1月16日〜2月3日に投函してください")


def test_birthday_cards_two_weeks_ahead():
    customers = [person("C1", birthday=dt.date(1980, 12, 7)),
                 person("C2", birthday=dt.date(1990, 12, 8)), person("C3")]
    plan = make_plan(customers, None, DAY, "birthday")
    assert cards(plan) == {"C1": "birthday"}
    assert not_sent(plan) == {"C2": "not-due", "C3": "no-birthday"}


def test_auto_needs_sales_and_unknown_situations_are_refused():
    for situation in ("auto", "thanks", "dormant", "winback"):
        with pytest.raises(HagakiError, match=f"--situation {situation} には売上リストが要ります"):
            make_plan([person("C1")], None, DAY, situation)
    with pytest.raises(HagakiError, match="--situation .* はありません"):
        make_plan([person("C1")], None, DAY, "christmas")


def test_a_refund_is_never_thanked():
    refund = Sale(row=3, customer_id="C1", date=DAY - dt.timedelta(days=2), item="返品",
                  amount=-1000)
    plan = make_plan([person("C1")], [refund], DAY, "thanks")
    assert not_sent(plan) == {"C1": "no-recent-sale"}


def test_a_sale_taken_back_is_not_thanked_the_others_are():
    def sold(customer_id, days, item, amount, row):
        return Sale(row=row, customer_id=customer_id, date=DAY - dt.timedelta(days=days),
                    item=item, amount=amount)

    sales = [sold("C1", 5, "リース", 6600, 1), sold("C1", 4, "リース", -6600, 2),  # same item
             sold("C2", 5, "花瓶", 8800, 3), sold("C2", 3, "返品", -8800, 4),  # same amount
             sold("C3", 6, "急須", 5500, 5), sold("C3", 5, "湯呑み", 3300, 6),
             sold("C3", 2, "湯呑み", -3300, 7),  # one of two taken back
             sold("C4", 3, "皿", 2000, 8), sold("C4", 5, "皿", -2000, 9)]  # refund before it
    plan = make_plan([person(c) for c in ("C1", "C2", "C3", "C4")], sales, DAY, "thanks")
    assert cards(plan) == {"C3": "thanks", "C4": "thanks"}
    assert [s.item for s in plan.cards[0].sales] == ["急須"]
    assert not_sent(plan) == {"C1": "refunded", "C2": "refunded"}
    reason = next(n.reason for n in plan.not_sent if n.customer.customer_id == "C1")
    assert reason == f"{DAY - dt.timedelta(days=5)} の購入は返品されたので、お礼状は送りません"


def test_force_prints_a_thanked_sale_again_but_never_to_a_returned_address():
    customers = [person("C1"), person("C4")]
    sales = [sale("C1", 6), sale("C4", 6)]
    history = History(thanked={sale_key(sales[0])}, returned={"C4"})
    assert not_sent(make_plan(customers, sales, DAY, "thanks", history)) == {
        "C1": "already-thanked", "C4": "returned"}
    forced = make_plan(customers, sales, DAY, "thanks", history, force=True)
    assert cards(forced) == {"C1": "thanks"} and not_sent(forced) == {"C4": "returned"}


def test_a_thank_you_card_covers_a_sale_from_another_file_dated_before_it():
    customers = [person("C1")]
    history = History(last={("C1", "thanks"): DAY - dt.timedelta(days=2)})
    earlier, later = sale("C1", 5, "急須"), sale("C1", 1, "湯呑み")
    plan = make_plan(customers, [earlier], DAY, "thanks", history)
    assert not_sent(plan) == {"C1": "already-thanked"}
    assert "（5 番）" in plan.not_sent[0].reason
    plan = make_plan(customers, [earlier, later], DAY, "thanks", history)
    assert [s.item for s in plan.cards[0].sales] == ["湯呑み"]


def test_a_card_the_shop_left_out_stays_out_even_when_forced():
    history = History()
    history.left_out_ids = {"C1"}
    for force in (False, True):
        plan = make_plan([person("C1"), person("C2")], None, DAY, None, history, force=force)
        assert cards(plan) == {"C2": "greeting"} and not_sent(plan) == {"C1": "left-out"}


def test_a_refund_without_an_amount_takes_back_the_purchase_it_names():
    bought = Sale(2, "C1", DAY - dt.timedelta(days=3), "食パン", None)
    returned = Sale(3, "C1", DAY - dt.timedelta(days=3), "食パン", None, refund=True)
    plan = make_plan([person("C1")], [bought, returned], DAY, "thanks")
    assert not_sent(plan) == {"C1": "refunded"}


def test_a_part_returned_leaves_the_purchase_thanked():
    bought = Sale(2, "C1", DAY - dt.timedelta(days=3), "クッキー詰め合わせ", 1200)
    part = Sale(3, "C1", DAY - dt.timedelta(days=2), "クッキー詰め合わせ", -300, refund=True)
    plan = make_plan([person("C1")], [bought, part], DAY, "thanks")
    assert cards(plan) == {"C1": "thanks"}
    whole = Sale(3, "C1", DAY - dt.timedelta(days=2), "クッキー詰め合わせ", -1200, refund=True)
    assert not_sent(make_plan([person("C1")], [bought, whole], DAY, "thanks")) == {
        "C1": "refunded"}


def test_a_refund_is_never_a_visit():
    customers = [person("C1"), person("C2")]
    refund_only = Sale(row=2, customer_id="C1", date=DAY - dt.timedelta(days=187), amount=-3240)
    bought = sale("C2", 200)
    later_refund = Sale(row=3, customer_id="C2", date=DAY - dt.timedelta(days=198),
                        item="湯呑み", amount=-500, refund=True)
    plan = make_plan(customers, [refund_only, bought, later_refund], DAY, "dormant",
                     History())
    [card] = plan.cards
    assert card.customer.customer_id == "C2"
    assert f"最後の購入 {bought.date}（200 日前）" in card.reason  # not the refund's day
    [not_sent] = plan.not_sent
    assert not_sent.customer.customer_id == "C1" and not_sent.code == "segment"
