"""Templates: sandboxed, strict, deterministic, and every built-in one renders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mailmerge.errors import TemplateProblem
from mailmerge.models import Customer, Sale, Sender
from mailmerge.selection.plan import PlanEntry
from mailmerge.templates.context import card_variables, dear
from mailmerge.templates.engine import BUILTIN, Templates

DAY = dt.date(2026, 11, 23)
SHOP = Sender("ささき雑貨店", "1500001", "東京都渋谷区神宮前1-2-3")


def variables(situation="thanks", day=DAY, **fields):
    customer = Customer(row=2, customer_id="C001", family_name=fields.pop("family", "髙橋"),
                        given_name="一郎", **fields)
    sales = [Sale(3, "C001", dt.date(2026, 11, 15), "有田焼の湯呑み", 3300),
             Sale(4, "C001", dt.date(2026, 11, 18), "急須", 5500)]
    entry = PlanEntry(customer, situation, "test", tuple(sales) if situation == "thanks" else ())
    return card_variables(entry, SHOP, day, sales)


def write(tmp_path: Path, text: str, name: str = "mine.j2") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in BUILTIN.glob("*.j2")))
def test_every_builtin_template_renders_warm_complete_text(name):
    situation = name.split("-")[0]
    day = {"nenga": dt.date(2026, 12, 20), "kanchu": dt.date(2027, 1, 10),
           "yokan": dt.date(2027, 2, 10), "shochu": dt.date(2026, 7, 20),
           "zansho": dt.date(2026, 8, 20)}.get(situation, DAY)
    message = Templates().render(name, variables(situation, day))
    assert message.signature == "ささき雑貨店"
    assert 40 <= sum(len(p) for p in message.paragraphs) <= 220
    assert message.date_line.startswith("令和")
    if situation == "nenga":
        assert message.date_line == "令和九年　元旦"
        assert not any(mark in p for p in message.paragraphs for mark in "、。")  # 句読点なし
        assert "去年" not in "".join(message.paragraphs)
    if situation in ("kanchu", "yokan", "shochu", "zansho", "nenga"):
        assert message.heading
    if message.closing:
        assert message.closing == "敬具" and message.paragraphs[0].startswith("拝啓")


def test_thanks_mentions_what_was_bought_and_formal_letters_use_the_months_phrase():
    message = Templates().render("thanks-1.j2", variables())
    text = "".join(message.paragraphs)
    assert "有田焼の湯呑みと急須をお買い求めいただき" in text
    assert message.paragraphs[0].startswith("拝啓　晩秋の候、髙橋様には")
    assert message.date_line == "令和八年十一月二十三日"


def test_variants_are_chosen_the_same_way_every_time():
    templates = Templates()
    picks = [templates.choose("thanks", f"C{i:03d}") for i in range(40)]
    assert picks == [Templates().choose("thanks", f"C{i:03d}") for i in range(40)]
    assert set(picks) == {"thanks-1.j2", "thanks-2.j2"}


def test_customer_data_is_never_template_code():
    message = Templates().render("thanks-2.j2", variables(family="{{ 7*7 }}"))
    assert message.paragraphs[0] == "{{ 7*7 }}様"


def test_an_undefined_name_names_the_file_the_line_and_the_name(tmp_path):
    path = write(tmp_path, "{% block body %}\nこんにちは\n{{ nickname }}さん\n{% endblock %}\n")
    with pytest.raises(TemplateProblem, match=r"mine\.j2 3 行目: 変数 'nickname' はありません"):
        Templates(single_file=path).render(path.name, variables())


def test_a_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "{% block body %}\n{% if %}\n{% endblock %}\n")
    with pytest.raises(TemplateProblem, match=r"mine\.j2 2 行目"):
        Templates(single_file=path).render(path.name, variables())


@pytest.mark.parametrize("code", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ dear.__class__.__init__.__globals__ }}",
    "{{ items.append('x') }}",
])
def test_the_sandbox_refuses_python_internals(tmp_path, code):
    path = write(tmp_path, "{% block body %}" + code + "{% endblock %}")
    with pytest.raises(TemplateProblem, match="mine.j2"):
        Templates(single_file=path).render(path.name, variables())


def test_a_templates_folder_overrides_the_builtins(tmp_path):
    write(tmp_path, "{% block body %}{{ dear }}、いつもありがとう。{% endblock %}", "thanks.j2")
    templates = Templates(folder=tmp_path)
    assert templates.names_for("thanks") == ["thanks.j2"]
    assert templates.render("thanks.j2", variables()).paragraphs == ("髙橋様、いつもありがとう。",)
    assert templates.names_for("winback") == ["winback-1.j2", "winback-2.j2"]


def test_filters_for_dates_and_numbers(tmp_path):
    path = write(tmp_path, "{% block body %}{{ today|wareki }} {{ 24|kanji }} "
                 "{{ birthday|month_day }} {{ today|jikou }}{% endblock %}")
    message = Templates(single_file=path).render(
        path.name, variables(birthday=dt.date(1980, 4, 1)))
    assert message.paragraphs == ("令和八年十一月二十三日 二十四 四月一日 晩秋の候",)


def test_a_bag_or_a_fee_rung_up_beside_the_goods_is_never_thanked_for():
    day = dt.date(2026, 12, 10)
    sales = tuple(Sale(row, "M1", day, item, 100) for row, item in
                  enumerate(("カンパーニュ", "クロワッサン", "レジ袋", "送料", "カンパーニュ"), 2))
    entry = PlanEntry(Customer(2, "M1", "森田", "和子"), "thanks", "", sales)
    assert card_variables(entry, Sender(), day, list(sales))["items"] == [
        "カンパーニュ", "クロワッサン"]


def test_a_person_typed_with_onchu_is_sama_in_the_letter():
    person = Customer(2, "C13", "中村", "義男", honorific="御中")
    company = Customer(3, "C14", company="山田商事", honorific="御中")
    assert dear(person) == "中村様"  # the address side prints 御中 as typed, with a warning
    assert dear(company) == "皆様"
