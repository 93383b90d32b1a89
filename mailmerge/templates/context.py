"""The variables a template sees for one card. All values are plain data (text, dates,
lists), so a customer's own text can never run as template code.

    dear          山田様 (family name + honorific); a company (no person named): 皆様.
                  御中 belongs on the address side only, never in the words of a card.
    salutation    the opening line: 山田様; a company: 株式会社山田商事　総務課の皆様
    business      true when the card goes to a company (write 貴社 / 皆様)
    family_name, given_name, honorific, company, department
    shop          name, postal_code (〒150-0001), address, address2, and the [sender]
                  contact: phone (03-1234-5678), email, url ("" when not set; the phone is
                  also on the address side, the e-mail and web address only here)
    today         the card's date
    season_date   the date line the season's convention asks for: 令和九年 元旦, 令和八年 盛夏 …
    items         what the thanked sales were for; last_item, last_purchase (the latest sale:
                  the built-in words never quote its date, a shop's own template may)
    bought        what the card's items are (items, else last_item): "food", "goods",
                  "services", or "" when unknown or mixed (templates.fit)
    shop_kind     what the shop mostly sells ([shop] kind): a category, or "" when not set
    channel       how the customer buys: "store", "mail_order" or "both" ([shop] channel)
    birthday      the customer's birthday (or none); mourning: 喪中 is set
    note          the customer's ひとこと / メモ / 備考 column: a personal line for the card
    situation     the situation's Japanese name (お礼状, 年賀状 …)
"""

from __future__ import annotations

import datetime as dt
import re

from mailmerge.layout.recipient import GROUP_HONORIFICS, Recipient, recipient_of
from mailmerge.models import Customer, Sale, Sender
from mailmerge.selection.plan import LABELS, PlanEntry
from mailmerge.selection.wareki import season_date_line
from mailmerge.templates.fit import ShopFit

# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
# What a register rings up beside the goods, never named on a thank-you card.
NOT_THANKED_FOR = ("レジ袋|ショッピングバッグ|紙袋|手提げ袋|袋代|送料|配送料|手数料|"
                             "ポイント|値引|割引|クーポン|消費税")


def card_variables(entry: PlanEntry, sender: Sender, today: dt.date,
                   history: list[Sale], fit: ShopFit | None = None) -> dict:
    """Template variables for one planned card; `history` is the customer's sales, `fit`
    the shop's kind, channel and keywords (Settings.fit)."""
    fit = fit or ShopFit()
    customer = entry.customer
    past = sorted((s for s in history if s.date <= today), key=lambda s: (s.date, s.row))
    last = past[-1] if past else None
    items: list[str] = []
    for sale in entry.sales:
        if sale.item and sale.item not in items and not re.search(NOT_THANKED_FOR, sale.item):
            items.append(sale.item)
    recipient = recipient_of(customer)
    return {
        "dear": _dear(recipient),
        "salutation": _salutation(recipient),
        "business": not recipient.people,
        "family_name": customer.family_name,
        "given_name": customer.given_name,
        "honorific": recipient.honorific,
        "company": customer.company,
        "department": customer.department,
        "shop": {
            "name": sender.name,
            "postal_code": _postal(sender.postal_code),
            "address": sender.address,
            "address2": sender.address2,
            "phone": sender.phone,
            "email": sender.email,
            "url": sender.url,
        },
        "today": today,
        "season_date": season_date_line(entry.situation, today),
        "items": items,
        "last_item": last.item if last else "",
        "last_purchase": last.date if last else None,
        "bought": fit.category_of(items or ([last.item] if last else [])),
        "shop_kind": fit.kind,
        "channel": fit.channel,
        "birthday": customer.birthday,
        "mourning": customer.mourning,
        "note": customer.note,
        "situation": LABELS.get(entry.situation, entry.situation),
    }


COMPANY_READERS = "皆様"


def dear(customer: Customer) -> str:
    """How the words address the reader: 山田様, 田中先生; a company: 皆様."""
    return _dear(recipient_of(customer))


def _dear(recipient: Recipient) -> str:
    if recipient.people:
        person = recipient.people[0]
        honorific = ("様" if recipient.honorific in GROUP_HONORIFICS  # 御中 typed for a person:
                     else recipient.honorific)  # the address side keeps it, the letter not
        return f"{person.family or person.given}{honorific}"
    return COMPANY_READERS


def _salutation(recipient: Recipient) -> str:
    """The card's opening line: 山田様; a company: 株式会社山田商事　総務課の皆様."""
    if recipient.people:
        return _dear(recipient)
    names = [line for line in (*recipient.organisation_lines, recipient.organisation_name)
             if line]
    return f"{'　'.join(names)}の{COMPANY_READERS}" if names else COMPANY_READERS


def _postal(code: str) -> str:
    digits = "".join(c for c in code if c.isdigit())
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else code
