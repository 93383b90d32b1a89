"""Every built-in template, to a person and to a company, as columns: where they break."""

from __future__ import annotations

import datetime as dt

import budoux
import pytest

from mailmerge.layout.linebreak import NO_END, NO_START, STOPS
from mailmerge.layout.message_side import (
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.models import Customer, Sale, Sender
from mailmerge.selection.plan import PlanEntry
from mailmerge.shop.settings import Settings
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import BUILTIN, Templates
from mailmerge.typeface.roles import FontRoles

DAYS = {"nenga": dt.date(2026, 12, 20), "kanchu": dt.date(2027, 1, 10),
        "yokan": dt.date(2027, 2, 10), "shochu": dt.date(2026, 7, 20),
        "zansho": dt.date(2026, 8, 20)}
TEMPLATES = sorted(p.name for p in BUILTIN.glob("*.j2"))
PERSON = Customer(row=2, customer_id="C001", family_name="髙橋", given_name="一郎",
                  birthday=dt.date(1980, 12, 1))
COMPANY = Customer(row=3, customer_id="C002", family_name="", given_name="",
                   company="株式会社山田商事", department="総務課")


@pytest.fixture(scope="module")
def fonts():
    roles = FontRoles(Settings())
    return MessageFonts(roles.chain("message"), roles.chain("heading"))


def message_for(name: str, customer: Customer):
    situation = name.split("-")[0]
    day = DAYS.get(situation, dt.date(2026, 11, 23))
    sales = [Sale(2, customer.customer_id, day - dt.timedelta(days=5), "有田焼の湯呑み", 3300)]
    entry = PlanEntry(customer, situation, "test", tuple(sales))
    variables = card_variables(entry, Sender("ささき雑貨店", "1500001", "東京都渋谷区"), day,
                               sales)
    return Templates().render(name, variables)


def body_columns(message, fonts, horizontal=False) -> list[str]:
    """The body's columns (or lines) as set, in reading order."""
    page = message_side(message, "C001", fonts, load_message_layout(),
                        MessageOptions(handwriting=False, horizontal=horizontal))
    key = (lambda run: round(run.y_mm, 2)) if horizontal else (lambda run: -round(run.x_mm, 2))
    lines: dict[float, str] = {}
    for run in page.runs:
        if run.shaped.face is not fonts.heading.primary:
            lines[key(run)] = lines.get(key(run), "") + "".join(run.shaped.texts)
    texts = [lines[k] for k in sorted(lines)]
    body = "".join(message.paragraphs).replace("\n", "")
    return [t for t in texts if t in body]


@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize("customer", [PERSON, COMPANY], ids=["person", "company"])
def test_no_column_splits_a_word_before_its_stop(fonts, customer, horizontal):
    parser = budoux.load_default_japanese_parser()
    breaks = inside = 0
    for name in TEMPLATES:
        message = message_for(name, customer)
        columns = body_columns(message, fonts, horizontal)
        assert columns, name
        for before, after in zip(columns, columns[1:], strict=False):
            if before + after not in "".join(message.paragraphs):
                continue  # a line or paragraph break of the template
            breaks += 1
            assert after[0] not in NO_START and before[-1] not in NO_END, (name, before, after)
            phrases = parser.parse(before + after)
            ends = {sum(map(len, phrases[:i])) for i in range(len(phrases) + 1)}
            if len(before) not in ends:  # inside a phrase: never a word's tail before 、。
                inside += 1
                assert not any(stop in after[:3] for stop in STOPS), (name, before, after)
    assert breaks >= 40
    assert inside <= breaks // 4  # most breaks fall between phrases


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_company_is_addressed_as_kisha_or_minasama_never_onchu(name):
    message = message_for(name, COMPANY)
    text = "".join(message.paragraphs)
    assert "御中" not in text + message.heading + message.closing
    if "髙橋様" in "".join(message_for(name, PERSON).paragraphs):
        assert "皆様" in text or "貴社" in text
