"""Words that fit what was bought and how: every built-in template, for food, goods and
services, to customers in the shop and by mail order."""

from __future__ import annotations

import datetime as dt
import itertools

import click.testing
import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.errors import ConfigError
from mailmerge.models import Customer, Sale, Sender
from mailmerge.selection.plan import PlanEntry
from mailmerge.selection.wareki import wareki
from mailmerge.shop.settings import load_settings
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import BUILTIN, MAX_MESSAGE_CHARS, Templates
from mailmerge.templates.fit import CHANNELS, ShopFit

TEMPLATES = sorted(p.name for p in BUILTIN.glob("*.j2"))
DAYS = {"nenga": dt.date(2026, 12, 20), "kanchu": dt.date(2027, 1, 10),
        "yokan": dt.date(2027, 2, 10), "shochu": dt.date(2026, 7, 20),
        "zansho": dt.date(2026, 8, 20)}
LAST_VISIT = dt.date(2026, 1, 8)
ITEMS = {"food": ["バゲット", "クロワッサン"], "goods": ["有田焼の湯呑み", "急須"],
         "services": ["カット"], "unknown": ["季節のギフト"]}
PERSON = Customer(row=2, customer_id="C001", family_name="髙橋", given_name="一郎",
                  birthday=dt.date(1980, 12, 1))
COMPANY = Customer(row=3, customer_id="C002", company="株式会社山田商事", department="総務課")
# Words that would not fit: asked of food, of things, of a service, or of a customer who
# never comes to the shop (mail order, or a shop that sells both ways).
NOT_FOR = {
    "food": ("使い心地", "お役に立って", "具合", "ご愛用"),
    "goods": ("お味", "お口に合", "召し上が", "味覚", "メニュー"),
    "services": ("使い心地", "お口に合", "召し上が", "お買い求め", "お求め", "ご愛用"),
    "unknown": ("使い心地", "お口に合", "召し上が", "具合", "ご愛用"),
}
VISITS = ("来店", "お立ち寄り", "お越し", "店頭", "お目にかか", "お顔", "お迎え", "お出かけ",
          "お会い")


def card(name: str, bought: str, channel: str, kind: str = "",
         customer: Customer = PERSON) -> str:
    """The words of one built-in card: heading and body."""
    situation = name.split("-")[0]
    day = DAYS.get(situation, dt.date(2026, 11, 23))
    sales = [Sale(3 + i, customer.customer_id, LAST_VISIT, item, 1000)
             for i, item in enumerate(ITEMS[bought])]
    entry = PlanEntry(customer, situation, "test", tuple(sales) if situation == "thanks" else ())
    variables = card_variables(entry, Sender("ささき商店", "1500001", "東京都渋谷区"), day,
                               sales, ShopFit(kind, channel))
    message = Templates().render(name, variables)
    assert message.length() < MAX_MESSAGE_CHARS
    assert 40 <= sum(len(p) for p in message.paragraphs) <= 220, message
    return message.heading + "\n".join(message.paragraphs)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_fits_what_was_bought_and_how(name):
    for bought, channel, kind_set, customer in itertools.product(
            ITEMS, CHANNELS, (False, True), (PERSON, COMPANY)):
        kind = bought if kind_set and bought != "unknown" else ""
        text = card(name, bought, channel, kind, customer)
        where = f"{name} {bought} {channel} kind={kind!r} {customer.customer_id}"
        for word in NOT_FOR[bought]:
            assert word not in text, f"{where}: {word} in {text}"
        if channel != "store":
            for word in VISITS:
                assert word not in text, f"{where}: {word} in {text}"
        if channel == "both":
            assert "ご注文" not in text, f"{where}: {text}"


def test_a_baguette_is_asked_about_its_taste_and_a_teapot_about_its_use():
    assert "お口に合いましたでしょうか" in card("thanks-1.j2", "food", "store")
    assert "お召し上がり" in card("thanks-1.j2", "food", "store")
    assert "お使い心地はいかがでしょうか" in card("thanks-1.j2", "goods", "store")
    assert "ご満足いただけましたでしょうか" in card("thanks-1.j2", "services", "store")
    assert "お口に合いましたら幸いです" in card("thanks-2.j2", "food", "both")


def test_mail_order_customers_are_thanked_for_their_order():
    assert "バゲットとクロワッサンをご注文いただき" in card("thanks-1.j2", "food", "mail_order")
    assert "またのご注文を" in card("thanks-2.j2", "goods", "mail_order")
    assert "お近くにお越しの際は" in card("thanks-2.j2", "goods", "store")


@pytest.mark.parametrize("name", [n for n in TEMPLATES if n.startswith(("dormant", "winback"))])
def test_follow_ups_never_quote_the_last_visits_date(name):
    for channel in CHANNELS:
        text = card(name, "goods", channel)
        assert wareki(LAST_VISIT, "kanji") not in text and "一月八日" not in text
        if name != "winback-2.j2":
            expected = ("しばらくお目にかかっておりませんが" if channel == "store"
                        else "しばらくご無沙汰しておりますが")
            assert expected in text


def test_a_shops_own_template_may_still_ask_for_the_date(tmp_path):
    path = tmp_path / "dormant.j2"
    path.write_text("{% block body %}{{ last_purchase|wareki }}以来です。{% endblock %}",
                    encoding="utf-8")
    sales = [Sale(3, "C001", LAST_VISIT, "急須", 1000)]
    variables = card_variables(PlanEntry(PERSON, "dormant", "test"), Sender(),
                               dt.date(2026, 11, 23), sales)
    message = Templates(single_file=path).render(path.name, variables)
    assert message.paragraphs == ("令和八年一月八日以来です。",)


@pytest.mark.parametrize(("item", "category"), [
    ("バゲット", "food"), ("抹茶ロールケーキ", "food"), ("緑茶ティーバッグ", "food"),
    ("カップケーキ", "food"), ("有田焼の湯呑み", "goods"), ("コーヒーカップ", "goods"),
    ("茶碗", "goods"), ("フライパン", "goods"), ("カットソー", "goods"),
    ("カット", "services"), ("パン教室", "services"), ("季節のギフト", ""),
])
def test_an_items_category_is_the_keyword_its_name_ends_with(item, category):
    assert ShopFit().category(item) == category


def test_the_shops_kind_and_keywords_decide_what_no_builtin_keyword_names():
    assert ShopFit(kind="food").category("季節のギフト") == "food"
    assert ShopFit(keywords={"food": ("ギフト",)}).category("季節のギフト") == "food"
    assert ShopFit(keywords={"goods": ("茶",)}).category("お茶") == "goods"  # the shop's own
    assert ShopFit().category_of(["バゲット", "急須"]) == ""  # a mix: words that suit both
    assert ShopFit().category_of(["バゲット", "ﾊﾟﾝ"]) == "food"
    assert ShopFit().category_of(["バゲット・急須"]) == ""  # one order of an EC export
    assert ShopFit().category_of(["ハム・ソーセージ"]) == "food"


def test_settings_read_the_kind_the_channel_and_the_keywords(tmp_path):
    path = tmp_path / "hagaki.toml"
    path.write_text('[shop]\nkind = "food"\nchannel = "mail_order"\n\n'
                    '[categories]\nfood = ["ギフト"]\n', encoding="utf-8")
    fit = load_settings(path).fit
    assert (fit.kind, fit.channel, fit.keywords) == ("food", "mail_order",
                                                     {"food": ("ギフト",)})
    path.write_text('[shop]\nchannel = "online"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[shop\] channel = 'online'.*store, mail_order"):
        load_settings(path)
    assert load_settings(None).fit == ShopFit("", "both")


SHOP_OPTIONS = ["--name", "ささき商店", "--postal-code", "150-0001", "--address",
                "東京都渋谷区神宮前1-2-3"]


def test_init_writes_the_kind_and_channel_given_as_options(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "a"), *SHOP_OPTIONS,
                                       "--kind", "food", "--channel", "mail_order"])
    assert result.exit_code == 0, result.output
    assert load_settings(tmp_path / "a" / "hagaki.toml").fit == ShopFit("food", "mail_order")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "b"), *SHOP_OPTIONS])
    assert result.exit_code == 0, result.output  # not asked: words that suit either way
    assert load_settings(tmp_path / "b" / "hagaki.toml").fit == ShopFit("", "both")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "c"), *SHOP_OPTIONS,
                                       "--channel", "online"])
    assert result.exit_code == 2


def test_init_asks_what_kind_of_shop_in_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    result = CliRunner().invoke(main, ["init", str(tmp_path), *SHOP_OPTIONS],
                                input="services\nstore\n")
    assert result.exit_code == 0, result.output
    assert "主に扱うもの" in result.output and "お客様の買い方" in result.output
    assert load_settings(tmp_path / "hagaki.toml").fit == ShopFit("services", "store")
