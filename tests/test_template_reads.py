"""A run writes each template's words once per distinct set of the values it reads."""

from __future__ import annotations

import datetime as dt

from mailmerge.models import Customer, Sender
from mailmerge.selection.plan import PlanEntry
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import Templates
from mailmerge.templates.reads import values_key, variables_read

SHOP = Sender("ささき雑貨店", "1500001", "東京都渋谷区神宮前1-2-3")
SUMMER = dt.date(2026, 7, 20)


def variables(family: str, given: str, note: str = "") -> dict:
    customer = Customer(row=2, customer_id=f"C-{family}-{given}", family_name=family,
                        given_name=given, note=note)
    return card_variables(PlanEntry(customer, "shochu", "2026-shochu", ()), SHOP, SUMMER, [])


def test_a_builtin_seasonal_template_reads_the_name_the_date_and_the_shop():
    templates = Templates()
    assert variables_read(templates.environment, "shochu-1.j2") == (
        "business", "dear", "season_date", "shop")


def test_what_a_template_extends_and_includes_is_read_too(tmp_path):
    (tmp_path / "base.j2").write_text(
        "{% block body %}{{ dear }}{% endblock %}{% block signature %}{{ shop.name }}"
        "{% endblock %}", encoding="utf-8")
    (tmp_path / "part.j2").write_text("{{ note }}", encoding="utf-8")
    (tmp_path / "mine.j2").write_text(
        '{% extends "base.j2" %}{% block body %}{{ given_name }}{% include "part.j2" %}'
        "{% endblock %}", encoding="utf-8")
    templates = Templates(tmp_path)
    assert variables_read(templates.environment, "mine.j2") == (
        "dear", "given_name", "note", "shop")


def test_a_template_named_by_an_expression_keeps_nothing(tmp_path):
    (tmp_path / "mine.j2").write_text(
        '{% block body %}{% include note ~ ".j2" %}{% endblock %}', encoding="utf-8")
    assert variables_read(Templates(tmp_path).environment, "mine.j2") is None


def test_cards_that_read_the_same_values_share_their_words_and_others_do_not():
    templates = Templates()
    first = templates.render("shochu-1.j2", variables("髙橋", "一郎"))
    same_family = templates.render("shochu-1.j2", variables("髙橋", "花子", note="常連"))
    other_family = templates.render("shochu-1.j2", variables("佐藤", "一郎"))
    assert same_family is first  # the template reads dear (髙橋様), not the given name
    assert "佐藤様" in "".join(other_family.paragraphs)
    assert "髙橋様" in "".join(first.paragraphs)


def test_a_template_that_reads_the_given_name_writes_each_card_for_it(tmp_path):
    (tmp_path / "shochu.j2").write_text(
        "{% block body %}{{ family_name }} {{ given_name }}様{% endblock %}", encoding="utf-8")
    templates = Templates(tmp_path)
    one = templates.render("shochu.j2", variables("髙橋", "一郎"))
    other = templates.render("shochu.j2", variables("髙橋", "花子"))
    assert (one.paragraphs, other.paragraphs) == (("髙橋 一郎様",), ("髙橋 花子様",))


def test_values_that_cannot_be_a_key_are_not_kept():
    assert values_key({"shop": {"name": "店"}, "items": ["湯呑み"]}, ("items", "shop")) == (
        ("list", ("湯呑み",)), ("dict", (("name", "店"),)))
    assert values_key({"odd": object()}, ("odd",)) is None


def test_a_template_that_extends_another_inherits_the_blocks_it_does_not_write(tmp_path):
    (tmp_path / "base.j2").write_text(
        "{% block heading %}{{ given_name }}さま{% endblock %}"
        "{% block body %}既定の本文{% endblock %}{% block signature %}{{ shop.name }}"
        "{% endblock %}", encoding="utf-8")
    (tmp_path / "shochu.j2").write_text(
        '{% extends "base.j2" %}{% block body %}{{ family_name }}様、ありがとうございました。'
        "{% endblock %}", encoding="utf-8")
    message = Templates(tmp_path).render("shochu.j2", variables("髙橋", "花子"))
    assert (message.heading, message.paragraphs, message.signature) == (
        "花子さま", ("髙橋様、ありがとうございました。",), "ささき雑貨店")


def test_what_a_templates_top_level_imports_and_sets_is_seen_by_its_blocks(tmp_path):
    (tmp_path / "parts.j2").write_text(
        "{% macro greet() %}{{ given_name }}さん、こんにちは{% endmacro %}", encoding="utf-8")
    (tmp_path / "shochu.j2").write_text(
        '{% import "parts.j2" as parts with context %}{% set closing_words = "敬具" %}'
        "{% block body %}{{ parts.greet() }}{% endblock %}"
        "{% block closing %}{{ closing_words }}{% endblock %}", encoding="utf-8")
    templates = Templates(tmp_path)
    one = templates.render("shochu.j2", variables("髙橋", "一郎"))
    other = templates.render("shochu.j2", variables("髙橋", "花子"))
    assert (one.paragraphs, one.closing) == (("一郎さん、こんにちは",), "敬具")
    assert other.paragraphs == ("花子さん、こんにちは",)


def test_values_that_compare_equal_but_print_apart_are_other_keys():
    from mailmerge.templates.reads import values_key

    keys = {values_key({"n": value}, ("n",)) for value in (1, 1.0, True)}
    assert len(keys) == 3
    assert values_key({"n": 2}, ("n",)) == values_key({"n": 2}, ("n",))
