"""The sample image of a font role: the shop's name and hard kanji set in the role's fonts.

In: the shop's settings and a role (address, name, message, heading). Out: PNG bytes of the
sample page (layout.font_sample), drawn at screen resolution (render.page_png); FontError when
the role's first font cannot be opened.
"""

from __future__ import annotations

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.layout.font_sample import font_sample_page
from mailmerge.render.page_png import page_png
from mailmerge.shop.settings import FONT_ROLES, Settings
from mailmerge.typeface.roles import FontRoles

HARD_KANJI = "謹賀新年 髙橋 山﨑 𠮷田"  # sample text as a card shows it: never translated
NO_NAME = "いろはにほへと ちりぬるを"  # the first line while the shop has no name


def sample_lines(settings: Settings) -> tuple[str, str]:
    return (settings.sender.name or NO_NAME, HARD_KANJI)


def role_sample_png(settings: Settings, role: str) -> bytes:
    """The role's sample (see the module)."""
    if role not in FONT_ROLES:
        raise ConfigError(_("書体の役目が違います: {role}（{roles} のどれか）",
                            role=role, roles="、".join(FONT_ROLES)))
    chain = FontRoles(settings).chain(role)
    return page_png(font_sample_page(chain, sample_lines(settings)), "hagaki font sample")
