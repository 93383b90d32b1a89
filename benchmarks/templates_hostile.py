"""Benchmark: what the template limits cost an ordinary card, and how fast hostile templates end.

Prints milliseconds per card for the built-in templates, then each hostile template's
outcome (error code) and seconds, then how long the message side takes to lay out a message
at MAX_MESSAGE_CHARS and what it says about it. --record appends the lines to
benchmarks/RESULTS.md.
Usage: python benchmarks/templates_hostile.py [--cards 2000] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine  # noqa: E402

from mailmerge.errors import CardError, TemplateProblem  # noqa: E402
from mailmerge.layout.message_side import (  # noqa: E402
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.models import Customer, Sale, Sender  # noqa: E402
from mailmerge.selection.plan import PlanEntry  # noqa: E402
from mailmerge.shop.settings import Settings  # noqa: E402
from mailmerge.templates.context import card_variables  # noqa: E402
from mailmerge.templates.engine import MAX_MESSAGE_CHARS, Message, Templates  # noqa: E402
from mailmerge.typeface.roles import FontRoles  # noqa: E402

DAY = dt.date(2026, 11, 23)
SHOP = Sender("ささき雑貨店", "1500001", "東京都渋谷区神宮前1-2-3")
HOSTILE = {
    "recursive macro": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}",
    "includes itself": "{% include 'mine.j2' %}",
    "10**5000": "{{ 10**5000 }}",
    "'あ'*10**8": "{{ 'あ' * 10**8 }}",
    "range(100000) x2": "{% for i in range(100000) %}{% for j in range(100000) %}"
                        "{% endfor %}{% endfor %}",
    "range(1000) x2": "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}"
                      "{% endfor %}",
    "lipsum(n=20000)": "{{ lipsum(n=20000) }}",
    "20,000 characters": "{% for i in range(20) %}{{ 'あ' * 1000 }}{% endfor %}",
    "include customers.csv": "{% include 'customers.csv' %}",
    "slow filter x10,000": "{% set s = 'a.' * 2000 %}{% for i in range(1000) %}"
                           "{% for j in range(10) %}{{ (s|urlize)[:1] }}{% endfor %}{% endfor %}",
}


def variables(index: int) -> dict:
    customer = Customer(row=index + 2, customer_id=f"C{index:05d}", family_name="髙橋",
                        given_name="一郎")
    sales = (Sale(3, customer.customer_id, dt.date(2026, 11, 15), "有田焼の湯呑み", 3300),)
    return card_variables(PlanEntry(customer, "thanks", "test", sales), SHOP, DAY, list(sales))


def per_card_ms(cards: int) -> float:
    templates = Templates()
    names = ["thanks-1.j2", "thanks-2.j2", "dormant-1.j2", "winback-2.j2"]
    for name in names:  # compile outside the clock
        templates.render(name, variables(0))
    start = time.perf_counter()
    for index in range(cards):
        templates.render(names[index % len(names)], variables(index))
    return (time.perf_counter() - start) / cards * 1000


def hostile_lines() -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mine.j2"
        (Path(folder) / "customers.csv").write_text("顧客ID,姓\nC001,髙橋\n", encoding="utf-8")
        for label, code in HOSTILE.items():
            path.write_text("{% block body %}" + code + "{% endblock %}", encoding="utf-8")
            start = time.perf_counter()
            try:
                Templates(single_file=path).render(path.name, variables(0))
                outcome = "printed"
            except CardError as error:
                outcome = f"card error {error.code}"
            except TemplateProblem:
                outcome = "template problem (run stops)"
            lines.append(f"- {label}: {outcome} in {time.perf_counter() - start:.3f} s")
    return lines


def layout_seconds() -> tuple[float, str]:
    """Laying out the longest message the engine lets through, in one paragraph (the
    slowest case; it never fits)."""
    roles = FontRoles(Settings())
    fonts = MessageFonts(roles.chain("message"), roles.chain("heading"))
    text = ("いつもありがとうございます。" * MAX_MESSAGE_CHARS)[:MAX_MESSAGE_CHARS]
    message = Message("long.j2", "", (text,), "", "令和八年十一月", "ささき雑貨店")
    start = time.perf_counter()
    try:
        message_side(message, "C1", fonts, load_message_layout(), MessageOptions())
        outcome = "fits"
    except CardError as error:
        outcome = error.code
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    seconds, outcome = layout_seconds()
    lines = [f"Templates ({machine()}): built-in templates {per_card_ms(args.cards):.2f} ms "
             f"per card over {args.cards:,} cards; a {MAX_MESSAGE_CHARS:,}-character message "
             f"laid out in {seconds:.2f} s ({outcome})", *hostile_lines()]
    print("\n".join(lines))
    if args.record:
        with args.record.open("a", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
