"""Hostile and broken templates: each ends, fast, in one clear error of the right kind.

A template that is wrong for every card is a TemplateProblem (the run stops); one that fails
for one customer's data or goes past a limit is a CardError with a stable code (the card is
skipped). None of them may hang, fill the memory or end in a Python traceback.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import msgspec
import pytest

from mailmerge.errors import CardError, TemplateProblem
from mailmerge.models import Customer, Sender
from mailmerge.selection.plan import PlanEntry
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import MAX_MESSAGE_CHARS, Templates
from mailmerge.templates.sandbox import Limits

DAY = dt.date(2026, 11, 23)
SHOP = Sender("ささき雑貨店", "1500001", "東京都渋谷区神宮前1-2-3")
BOUND_SECONDS = 5.0  # generous: every case here takes milliseconds


def variables(birthday: dt.date | None = None) -> dict:
    customer = Customer(row=2, customer_id="C001", family_name="髙橋", given_name="一郎",
                        birthday=birthday)
    return card_variables(PlanEntry(customer, "thanks", "test", ()), SHOP, DAY, [])


def body(code: str) -> str:
    return "{% block body %}\n" + code + "\n{% endblock %}"


def render(folder: Path, text: str, limits: Limits | None = None, **values):
    """Render `text` as mine.j2 (a customers.csv lies beside it); the error or the Message."""
    (folder / "customers.csv").write_text("顧客ID,姓\nC001,髙橋\n", encoding="utf-8")
    path = folder / "mine.j2"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    try:
        result = Templates(single_file=path, limits=limits).render(path.name, variables(**values))
    except (CardError, TemplateProblem) as error:
        result = error
    assert time.perf_counter() - start < BOUND_SECONDS
    return result


def card_error(folder: Path, text: str, **options) -> CardError:
    error = render(folder, text, **options)
    assert isinstance(error, CardError), error
    assert error.field == "template"
    return error


LIMIT_ATTACKS = {
    "recursive-macro": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}",
    "includes-itself": "x{% include 'mine.j2' %}",
    "huge-power": "{{ 10**5000 }}",
    "huge-repeat": "{{ 'あ' * 10**8 }}",
    "list-repeat": "{{ ['x'] * 10**7 }}",
    "big-range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "range-overflow": "{{ range(10**30) }}",
    "nested-loops": "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
    "growing-number": "{% set ns = namespace(n=3) %}{% for i in range(100) %}"
                      "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
    "doubling-list": "{% set ns = namespace(l=[1]) %}{% for i in range(60) %}"
                     "{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l|length }}",
    "doubling-text": "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
                     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "big-dict": "{{ dict.fromkeys(range(1000), 'x' * 100)|length }}",
    "big-namespace": "{% set ns = namespace(a='x' * 3000, b='y' * 3000) %}{{ ns }}",
    "big-join": "{{ range(1000)|map('string')|join('x' * 1000) }}",
    "replace-blowup": "{% set s = 'a' * 2000 %}{{ s|replace('a', s) }}",
    "center-filter": "{{ 'x'|center(1000000000) }}",
    "ljust-method": "{{ 'x'.ljust(1000000000) }}",
    "batch-fill": "{{ items|batch(1000000000, 'x')|list }}",
    "slice-count": "{{ items|slice(1000000000)|list }}",
    "format-width": "{{ '{:>100000000}'.format(1) }}",
    "format-nested-width": "{{ '{:{}}'.format(1, 100000000) }}",
    "percent-width": "{{ '%0100000000d' % 1 }}",
    "percent-star": "{{ '%*d'|format(100000000, 1) }}",
    "set-block-output": "{% set x %}{% for i in range(1000) %}" + "y" * 100
                        + "{% endfor %}{% endset %}ok",
}


@pytest.mark.parametrize("code", LIMIT_ATTACKS.values(), ids=LIMIT_ATTACKS.keys())
def test_a_template_past_a_limit_skips_the_card(tmp_path, code):
    error = card_error(tmp_path, body(code))
    assert error.code == "template-limit"
    assert str(error).startswith("mine.j2 2 行目: ")
    assert "テンプレートを見直してください" in str(error)


def test_a_template_that_includes_another_that_includes_it_stops_at_the_load_limit(tmp_path):
    (tmp_path / "ping.j2").write_text("{% include 'pong.j2' %}", encoding="utf-8")
    (tmp_path / "pong.j2").write_text("{% include 'ping.j2' %}", encoding="utf-8")
    error = card_error(tmp_path, body("{% include 'ping.j2' %}"))
    assert error.code == "template-limit" and "50個" in str(error)


def test_a_slow_template_is_stopped_by_the_clock(tmp_path):
    slow = ("{% set s = 'a.' * 2000 %}{% for i in range(1000) %}{% for j in range(10) %}"
            "{{ (s|urlize)[:1] }}{% endfor %}{% endfor %}")
    start = time.perf_counter()
    error = card_error(tmp_path, body(slow), limits=Limits(seconds=0.2))
    assert time.perf_counter() - start < 2.0
    assert error.code == "template-limit" and "0.2秒" in str(error)
    assert Limits().seconds == 2.0


DATA_ERRORS = {
    "no-birthday": ("{{ birthday|month_day }}", "month_day には日付を渡してください（渡されたのは空の値）"),
    "text-as-date": ("{{ 'x'|wareki }}", "wareki には日付を渡してください（渡されたのは文字列「x」）"),
    "before-meiji": ("{{ today.replace(year=1800)|wareki }}", "明治より前"),
    "wrong-style": ("{{ today|wareki('roman') }}", "wareki の書き方は kanji か arabic"),
    "jikou-none": ("{{ last_purchase|jikou }}", "jikou には日付を"),
    "kanji-too-big": ("{{ 100000|kanji }}", "kanji には 0 から 9,999 までの整数"),
    "kanji-text": ("{{ 'abc'|kanji }}", "渡されたのは文字列「abc」"),
    "join-text": ("{{ dear|join_ja }}", "join_ja にはリスト"),
    "join-none": ("{{ last_purchase|join_ja }}", "渡されたのは空の値"),
    "zero-division": ("{{ 1 / 0 }}", "このお客様のデータでは文面が作れません"),
    "none-attribute": ("{{ last_purchase.year }}", "このお客様のデータでは文面が作れません"),
    "float-overflow": ("{{ 10.0 ** 400 }}", "このお客様のデータでは文面が作れません"),
}


@pytest.mark.parametrize(("code", "message"), DATA_ERRORS.values(), ids=DATA_ERRORS.keys())
def test_a_value_the_template_cannot_use_skips_the_card(tmp_path, code, message):
    error = card_error(tmp_path, body(code))
    assert error.code == "template-error"
    assert str(error).startswith("mine.j2 2 行目: ")
    assert message in str(error)


def test_the_same_template_prints_for_a_customer_with_a_birthday(tmp_path):
    message = render(tmp_path, body("{{ birthday|month_day }}"), birthday=dt.date(1980, 4, 1))
    assert message.paragraphs == ("四月一日",)


def test_the_error_names_the_line_inside_an_included_template(tmp_path):
    (tmp_path / "part.j2").write_text("いつも\n{{ birthday|month_day }}\n", encoding="utf-8")
    error = card_error(tmp_path, body("{% include 'part.j2' %}"))
    assert error.code == "template-error" and str(error).startswith("part.j2 2 行目: ")


def test_an_empty_message_is_a_card_error(tmp_path):
    error = card_error(tmp_path, body("{% if mourning %}喪中お見舞い{% endif %}   "))
    assert error.code == "empty-message" and str(error).startswith("mine.j2: 本文が空")


def test_a_message_longer_than_any_card_holds_is_refused(tmp_path):
    fits = render(tmp_path, body(f"{{{{ 'あ' * {MAX_MESSAGE_CHARS} }}}}"))
    assert len(fits.paragraphs[0]) == MAX_MESSAGE_CHARS
    error = card_error(tmp_path, body("{% for i in range(20) %}{{ 'あ' * 1000 }}{% endfor %}"))
    assert error.code == "message-too-long" and "20,000字" in str(error)
    error = card_error(tmp_path, "{% block heading %}寒中{% endblock %}"
                       + body(f"{{{{ 'あ' * {MAX_MESSAGE_CHARS - 1} }}}}"))
    assert error.code == "message-too-long" and "1,501字" in str(error)


PROBLEMS = {
    "include-data-file": ("{% include 'customers.csv' %}", "mine.j2 2 行目: customers.csv はテンプレートではありません"),
    "import-data-file": ("{% import 'customers.csv' as c %}", "mine.j2 2 行目: customers.csv はテンプレートではありません"),
    "include-missing": ("{% include 'nope.j2' %}", "mine.j2 2 行目: テンプレート nope.j2 が見つかりません"),
    "include-outside": ("{% include '../mine.j2' %}", "mine.j2 2 行目: テンプレート ../mine.j2 が見つかりません"),
    "lipsum": ("{{ lipsum(n=20000) }}", "mine.j2 2 行目: 変数 'lipsum' はありません"),
    "random": ("{{ items|random }}", "mine.j2 2 行目: No filter named 'random'"),
    "deep-loops": ("{% for a in [1] %}" * 25 + "x" + "{% endfor %}" * 25, "入れ子が深すぎて"),
    "deep-parentheses": ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}", "入れ子が深すぎて"),
    "deeper-parentheses": ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "入れ子が深すぎて"),
    "class-of-text": ("{{ ''.__class__.__mro__ }}", "サンドボックスが止めました"),
    "format-internals": ("{{ '{0.__class__}'.format(dear) }}", "サンドボックスが止めました"),
    "format-map-internals": ("{{ '{x.__class__}'.format_map({'x': dear}) }}", "サンドボックスが止めました"),
    "global-internals": ("{{ cycler.__init__.__globals__ }}", "サンドボックスが止めました"),
    "namespace-internals": ("{{ namespace.__init__.__globals__ }}", "サンドボックスが止めました"),
    "attr-filter": ("{{ dear|attr('__class__') }}", "サンドボックスが止めました"),
    "map-attribute": ("{{ [dear]|map(attribute='__class__')|list }}", "サンドボックスが止めました"),
    "joined-map": ("{{ 'x' ~ [dear]|map(attribute='__class__')|list }}", "サンドボックスが止めました"),
    "text-encode": ("{{ dear.encode('utf-8') }}", "サンドボックスが止めました"),
    "text-translate": ("{{ dear.translate({39640: 'x' * 1000}) }}", "サンドボックスが止めました"),
    "mutate-list": ("{{ items.append('x') }}", "サンドボックスが止めました"),
}


@pytest.mark.parametrize(("code", "message"), PROBLEMS.values(), ids=PROBLEMS.keys())
def test_a_template_wrong_for_every_card_stops_the_run(tmp_path, code, message):
    problem = render(tmp_path, body(code))
    assert isinstance(problem, TemplateProblem)
    assert message in str(problem)


def test_a_template_that_is_not_utf8_stops_the_run_naming_the_line(tmp_path):
    path = tmp_path / "mine.j2"
    path.write_bytes("{% block body %}\nこんにちは\n{% endblock %}".encode("cp932"))
    with pytest.raises(TemplateProblem, match=r"^mine\.j2 2 行目: UTF-8 ではありません"):
        Templates(single_file=path).render(path.name, variables())


def test_an_included_template_with_a_mistake_stops_the_run_naming_its_line(tmp_path):
    (tmp_path / "part.j2").write_text("いつも\n{% if %}\n", encoding="utf-8")
    problem = render(tmp_path, body("{% include 'part.j2' %}"))
    assert isinstance(problem, TemplateProblem) and str(problem).startswith("part.j2 2 行目: ")


def test_ordinary_templates_still_do_ordinary_things(tmp_path):
    (tmp_path / "part.j2").write_text("{{ dear }}、", encoding="utf-8")
    text = ("\ufeff{% block body %}{% include 'part.j2' %}{% set ns = namespace(n=0) %}"
            "{% for item in items %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}点 "
            "{{ '%d円' % 120000 }} {{ '{:,}円'.format(120000) }} {{ 2**10 }} "
            "{{ ['a', 'b']|join('/') }} {{ (dear ~ '!')|center(8) }} {{ '-' * 3 }}"
            "{% for i in range(3) %}{{ i|kanji }}{% endfor %}{% endblock %}")
    message = render(tmp_path, text)
    assert message.paragraphs == ("髙橋様、0点 120000円 120,000円 1024 a/b   髙橋様!   ---〇一二",)


def test_a_range_may_have_a_thousand_numbers_not_more(tmp_path):
    assert render(tmp_path, body("{{ range(1000)|length }}")).paragraphs == ("1000",)
    error = card_error(tmp_path, body("{{ range(1001)|length }}"))
    assert error.code == "template-limit" and "1,000個まで" in str(error)


def test_limits_are_per_card(tmp_path):
    path = tmp_path / "mine.j2"
    path.write_text(body("{% for i in range(1000) %}{% for j in range(6) %}{% endfor %}"
                         "{% endfor %}ok"), encoding="utf-8")
    templates = Templates(single_file=path)
    for _ in range(3):  # 6,000 iterations each: fine per card, 18,000 over the three
        assert templates.render(path.name, variables()).paragraphs == ("ok",)
    small = msgspec.structs.replace(Limits(), iterations=5_000)
    with pytest.raises(CardError, match="5,000回"):
        Templates(single_file=path, limits=small).render(path.name, variables())
