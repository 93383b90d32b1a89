"""Golden images of every built-in template's message side (hand-written variation on).

Regenerate after an intended change: HAGAKI_UPDATE_GOLDEN=1 pytest tests/test_golden_messages.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from pdfread import render_png
from PIL import Image, ImageChops

from mailmerge.layout.message_side import (
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.models import Customer, Sale, Sender
from mailmerge.render.pdf import write_pdf
from mailmerge.selection.plan import PlanEntry
from mailmerge.shop.settings import Settings
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import BUILTIN, Templates
from mailmerge.typeface.roles import FontRoles

GOLDEN = Path(__file__).parent / "golden"
DAYS = {"nenga": dt.date(2026, 12, 20), "kanchu": dt.date(2027, 1, 10),
        "yokan": dt.date(2027, 2, 10), "shochu": dt.date(2026, 7, 20),
        "zansho": dt.date(2026, 8, 20)}
TEMPLATES = sorted(p.name for p in BUILTIN.glob("*.j2"))


@pytest.fixture(scope="module")
def fonts():
    roles = FontRoles(Settings())
    return MessageFonts(roles.chain("message"), roles.chain("heading"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_message_side_looks_as_approved(tmp_path, fonts, name):
    situation = name.split("-")[0]
    day = DAYS.get(situation, dt.date(2026, 11, 23))
    customer = Customer(row=2, customer_id="C001", family_name="髙橋", given_name="一郎",
                        birthday=dt.date(1980, 12, 1))
    sales = [Sale(2, "C001", day - dt.timedelta(days=5), "有田焼の湯呑み", 3300)]
    entry = PlanEntry(customer, situation, "golden", tuple(sales))
    variables = card_variables(entry, Sender("ささき雑貨店", "1500001", "東京都渋谷区"), day,
                               sales)
    message = Templates().render(name, variables)
    page = message_side(message, customer.customer_id, fonts, load_message_layout(),
                        MessageOptions())
    path = tmp_path / "card.pdf"
    write_pdf([page], path)
    image = render_png(path, 0, scale=1.5)
    golden = GOLDEN / f"message-{name.removesuffix('.j2')}.png"
    if os.environ.get("HAGAKI_UPDATE_GOLDEN"):
        image.save(golden)
    approved = Image.open(golden).convert("L")
    assert approved.size == image.size
    different = ImageChops.difference(approved, image).point(lambda v: 255 if v > 64 else 0)
    share = different.histogram()[255] / (image.size[0] * image.size[1])
    assert share <= 0.002, f"{share:.2%} of pixels differ from {golden.name}"
