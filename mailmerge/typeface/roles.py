"""Font chains per role (address, name, message, heading) from the settings.

In: Settings. Out: FontChain objects, fonts opened once through one FontCatalog. A message
whose first font is handwritten (Klee One) looks for a character it lacks in the other
bundled handwritten faces before the printed ones, so a rare kanji stays in a hand.
"""

from __future__ import annotations

from mailmerge.shop.settings import Settings
from mailmerge.typeface.catalog import HANDWRITTEN, FontCatalog
from mailmerge.typeface.chain import FontChain


class FontRoles:
    """Builds (and keeps) the chain of each role."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = FontCatalog(list(settings.font_paths))
        self._chains: dict[str, FontChain] = {}

    def chain(self, role: str) -> FontChain:
        if role not in self._chains:
            names = self.settings.font_chains[role]
            if role == "message":
                names = with_handwritten_fallback(names)
            loaders = [lambda name=name: self.catalog.face(name) for name in names]
            self._chains[role] = FontChain(role, loaders, names)
        return self._chains[role]


def with_handwritten_fallback(names: tuple[str, ...]) -> tuple[str, ...]:
    """A chain that starts with a handwritten face: the other handwritten faces next."""
    if not names or names[0].casefold() not in {n.casefold() for n in HANDWRITTEN}:
        return names
    given = {name.casefold() for name in names}
    hands = tuple(name for name in HANDWRITTEN if name.casefold() not in given)
    return (names[0], *hands, *names[1:])
