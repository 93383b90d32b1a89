"""`hagaki fonts --check`: which characters of a customer list each font cannot draw.

In: a customer file and the settings. Out: report lines, per font of the address and name
chains, and a final verdict per chain (a character no font in the chain has stops the card).
The list is read once, row by row, and each distinct character is checked once against each
font, so the time is linear in the rows and the memory bounded by the distinct characters
(for each, the first ROWS_SHOWN rows and a count; at most CHARACTERS_SHOWN listed per font).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from msgspec import Struct, field

from mailmerge.i18n import N_, _, ngettext
from mailmerge.layout.vertical_text import prepare_address
from mailmerge.models import Customer
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sourceset import scan_customers
from mailmerge.typeface.chain import graphemes
from mailmerge.typeface.roles import FontRoles

ROWS_SHOWN = 10
ROLE_WORDS = {"name": N_("お名前"), "address": N_("住所")}  # the font chains, as a person says
CHARACTERS_SHOWN = 100


class Uses(Struct):
    """Where one character occurs: the first ROWS_SHOWN rows, and how many rows in all."""

    rows: list[int] = field(default_factory=list)
    count: int = 0
    last_row: int = 0


def address_side_texts(customer: Customer, numerals: str) -> list[tuple[str, str, str]]:
    """(font role, column, text) of everything this customer's address side draws."""
    names = [("姓", customer.family_name), ("名", customer.given_name),
             ("敬称", customer.honorific), ("会社名", customer.company),
             ("部署", customer.department), ("役職", customer.title),
             *[("連名", joint) for joint in customer.joint_names]]
    return [*[("name", column, text) for column, text in names],
            ("address", "住所1", prepare_address(customer.address1, numerals)),
            ("address", "住所2", prepare_address(customer.address2, numerals))]


def collect_uses(customers: Iterable[Customer], numerals: str) -> dict[str, dict[str, Uses]]:
    """role → character (with its variation selectors) → Uses, in one pass over the rows.
    (Rows come in order, so comparing with the last row counts each row once.)"""
    uses: dict[str, dict[str, Uses]] = {"name": {}, "address": {}}
    for customer in customers:
        row = customer.row
        for role, _column, text in address_side_texts(customer, numerals):
            role_uses = uses[role]
            for grapheme in graphemes(text):
                found = role_uses.get(grapheme)
                if found is None:
                    found = role_uses[grapheme] = Uses()
                elif found.last_row == row:
                    continue
                found.last_row = row
                found.count += 1
                if len(found.rows) < ROWS_SHOWN:
                    found.rows.append(row)
    return uses


def check_fonts(path: Path, settings: Settings) -> list[str]:
    """Report lines: for each font, the characters it lacks and the rows that use them."""
    uses = collect_uses(_printable(path, settings), settings.numerals)
    roles = FontRoles(settings)
    lines: list[str] = []
    for role in ("name", "address"):
        chain = roles.chain(role)
        role_uses = uses[role]
        said = _(ROLE_WORDS[role])
        lines.append(ngettext("[{role}] {path} の文字: {n:,}種類",
                              "[{role}] {path} の文字: {n:,}種類", len(role_uses),
                              role=said, path=path))
        for label, face in zip(chain.labels, chain.faces, strict=True):
            lacking = [g for g in role_uses
                       if not face.has_sequence(g[0], g[1] if len(g) > 1 else None)]
            verdict = (_("すべての文字を描けます") if not lacking else
                       ngettext("{n:,}文字がありません:", "{n:,}文字がありません:", len(lacking)))
            lines.append(f"  {label}: {verdict}")
            lines.extend(_listed(lacking, role_uses))
        unprintable = [g for g in role_uses if chain.face_for(g) is None]
        if unprintable:
            lines.append(ngettext("  {role} のどのフォントにもない文字が {n:,}個あります。"
                                  "次のはがきは刷れません:",
                                  "  {role} のどのフォントにもない文字が {n:,}個あります。"
                                  "次のはがきは刷れません:", len(unprintable), role=said))
            lines.extend(_listed(unprintable, role_uses))
        else:
            lines.append(_("  {role} のフォントですべての文字を描けます", role=said))
    return lines


def _printable(path: Path, settings: Settings) -> Iterator[Customer]:
    """The customers `hagaki print` would lay out (rows without errors), one at a time."""
    for customer, problems in scan_customers(path, ReadOptions(columns=settings.columns)):
        if not any(problem.severity == "error" for problem in problems):
            yield customer


def _listed(characters: list[str], role_uses: dict[str, Uses]) -> list[str]:
    lines = [ngettext("    {character}  行 {rows}", "    {character}  行 {rows}",
                      role_uses[g].count, character=_describe(g), rows=_rows(role_uses[g]))
             for g in characters[:CHARACTERS_SHOWN]]
    if len(characters) > CHARACTERS_SHOWN:
        lines.append(ngettext("    …ほか {n:,}文字（最初の {shown}文字だけを表示）",
                              "    …ほか {n:,}文字（最初の {shown}文字だけを表示）",
                              len(characters) - CHARACTERS_SHOWN, shown=CHARACTERS_SHOWN))
    return lines


def _describe(grapheme: str) -> str:
    return f"{grapheme} ({' '.join(f'U+{ord(c):04X}' for c in grapheme)})"


def _rows(uses: Uses) -> str:
    shown = ", ".join(str(r) for r in uses.rows)
    more = ngettext(" …（全 {n:,}行）", " …（全 {n:,}行）", uses.count)
    return shown + (more if uses.count > len(uses.rows) else "")
