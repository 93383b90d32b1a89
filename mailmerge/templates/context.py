"""The variables a template sees for one card. All values are plain data (text, dates,
lists), so a customer's own text can never run as template code.

    dear          山田様 (family name + honorific; a company: 株式会社山田商事 御中)
    family_name, given_name, honorific, company, department
    shop          name, postal_code (〒150-0001), address, address2
    today         the card's date
    season_date   the date line the season's convention asks for: 令和九年 元旦, 令和八年 盛夏 …
    items         what the thanked sales were for; last_item, last_purchase (the latest sale)
    birthday      the customer's birthday (or none); mourning: 喪中 is set
    situation     the situation's Japanese name (お礼状, 年賀状 …)
"""

from __future__ import annotations

import datetime as dt

from mailmerge.layout.recipient import recipient_of
from mailmerge.models import Customer, Sale, Sender
from mailmerge.selection.plan import LABELS, PlanEntry
from mailmerge.selection.wareki import season_date_line


def card_variables(entry: PlanEntry, sender: Sender, today: dt.date,
                   history: list[Sale]) -> dict:
    """Template variables for one planned card; `history` is the customer's sales."""
    customer = entry.customer
    past = sorted((s for s in history if s.date <= today), key=lambda s: (s.date, s.row))
    last = past[-1] if past else None
    items: list[str] = []
    for sale in entry.sales:
        if sale.item and sale.item not in items:
            items.append(sale.item)
    return {
        "dear": dear(customer),
        "family_name": customer.family_name,
        "given_name": customer.given_name,
        "honorific": recipient_of(customer).honorific,
        "company": customer.company,
        "department": customer.department,
        "shop": {
            "name": sender.name,
            "postal_code": _postal(sender.postal_code),
            "address": sender.address,
            "address2": sender.address2,
        },
        "today": today,
        "season_date": season_date_line(entry.situation, today),
        "items": items,
        "last_item": last.item if last else "",
        "last_purchase": last.date if last else None,
        "birthday": customer.birthday,
        "mourning": customer.mourning,
        "situation": LABELS.get(entry.situation, entry.situation),
    }


def dear(customer: Customer) -> str:
    """How the letter addresses the customer: 山田様, 田中先生, 株式会社山田商事 御中."""
    recipient = recipient_of(customer)
    if recipient.people:
        person = recipient.people[0]
        return f"{person.family or person.given}{recipient.honorific}"
    return f"{recipient.organisation_name} {recipient.honorific}"


def _postal(code: str) -> str:
    digits = "".join(c for c in code if c.isdigit())
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else code
