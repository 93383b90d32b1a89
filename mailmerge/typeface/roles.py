"""Font chains per role (address, name, message, heading) from the settings.

In: Settings. Out: FontChain objects, fonts opened once through one FontCatalog.
"""

from __future__ import annotations

from mailmerge.shop.settings import Settings
from mailmerge.typeface.catalog import FontCatalog
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
            loaders = [lambda name=name: self.catalog.face(name) for name in names]
            self._chains[role] = FontChain(role, loaders, names)
        return self._chains[role]
