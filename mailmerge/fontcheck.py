"""`hagaki fonts --check`: which characters of a customer list each font cannot draw.

In: a customer file and the settings. Out: report lines, per font of the address and name
chains, and a final verdict per chain (a character no font in the chain has stops the card).
"""

from __future__ import annotations

from pathlib import Path

from mailmerge.config import Settings
from mailmerge.layout.vertical_text import prepare_address
from mailmerge.models import Customer
from mailmerge.sources.customers import read_customers
from mailmerge.typeface.chain import graphemes
from mailmerge.typeface.roles import FontRoles


def address_side_texts(customer: Customer, numerals: str) -> list[tuple[str, str, str]]:
    """(font role, column, text) of everything this customer's address side draws."""
    names = [("姓", customer.family_name), ("名", customer.given_name),
             ("敬称", customer.honorific), ("会社名", customer.company),
             ("部署", customer.department), ("役職", customer.title),
             *[("連名", joint) for joint in customer.joint_names]]
    return [*[("name", column, text) for column, text in names],
            ("address", "住所1", prepare_address(customer.address1, numerals)),
            ("address", "住所2", prepare_address(customer.address2, numerals))]


def check_fonts(path: Path, settings: Settings) -> list[str]:
    """Report lines: for each font, the characters it lacks and the rows that use them."""
    customers = read_customers(path).customers
    roles = FontRoles(settings)
    uses: dict[str, dict[str, list[int]]] = {"name": {}, "address": {}}  # role → char → rows
    for customer in customers:
        for role, _, text in address_side_texts(customer, settings.numerals):
            for grapheme in graphemes(text):
                rows = uses[role].setdefault(grapheme, [])
                if customer.row not in rows:
                    rows.append(customer.row)
    lines: list[str] = []
    for role in ("name", "address"):
        chain = roles.chain(role)
        role_uses = uses[role]
        lines.append(f"[{role}] {len(role_uses)} distinct characters in {path}")
        for label, face in zip(chain.labels, chain.faces, strict=True):
            lacking = [g for g in role_uses
                       if not face.has_sequence(g[0], g[1] if len(g) > 1 else None)]
            verdict = "draws every character" if not lacking else f"lacks {len(lacking)}:"
            lines.append(f"  {label}: {verdict}")
            lines.extend(f"    {_describe(g)}  rows {_rows(role_uses[g])}" for g in lacking)
        unprintable = [g for g in role_uses if chain.face_for(g) is None]
        if unprintable:
            lines.append(f"  no font in the {role} chain draws {len(unprintable)}; "
                         "these cards will be refused:")
            lines.extend(f"    {_describe(g)}  rows {_rows(role_uses[g])}" for g in unprintable)
        else:
            lines.append(f"  the {role} chain draws everything")
    return lines


def _describe(grapheme: str) -> str:
    return f"{grapheme} ({' '.join(f'U+{ord(c):04X}' for c in grapheme)})"


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" … ({len(rows)} rows)" if len(rows) > 10 else "")
