"""The rules that keep a customer from being mailed at all, each with a code and a reason.

In: a Customer. Out: the first rule that excludes them, or None.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct

from mailmerge.i18n import N_
from mailmerge.models import Customer


class Exclusion(Struct, frozen=True):
    code: str
    reason: str  # marked with N_: translate where shown


RULES: tuple[tuple[Exclusion, Callable[[Customer], bool]], ...] = (
    (Exclusion("do-not-mail", N_("送付停止の印があります")), lambda c: c.do_not_mail),
    (Exclusion("deceased", N_("死亡の印があります")), lambda c: c.deceased),
    (Exclusion("moved", N_("転居（新しい住所なし）の印があります")), lambda c: c.moved),
)


def exclusion_of(customer: Customer) -> Exclusion | None:
    """The rule that excludes this customer from every mailing, if any."""
    for exclusion, applies in RULES:
        if applies(customer):
            return exclusion
    return None
