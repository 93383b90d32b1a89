"""Choosing the font of a role (address, name, message, heading) from outside the file.

In: the shop's hagaki.toml path and settings, a role and a font name. Out: the fonts the shop
can choose from (bundled, configured and installed fonts that draw Japanese, by family name),
and the file with [fonts] ROLE set to the chosen font followed by the role's other fonts (so
rare characters still find a font), written keeping every other line; ConfigError, nothing
written, for an unknown role or a font that is not among the choices.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from mailmerge.errors import ConfigError, FontError
from mailmerge.i18n import _
from mailmerge.shop.settings import DEFAULT_CHAINS, FONT_ROLES, Settings, load_settings
from mailmerge.shop.settings_file import set_values
from mailmerge.typeface.catalog import FontCatalog
from mailmerge.typeface.face import open_face

JAPANESE_PROBE = "あア様"  # a font that draws these can set a card's Japanese


def font_choices(settings: Settings) -> list[str]:
    """The family names the shop can choose, bundled fonts first, each once."""
    names: list[str] = []
    for entry in FontCatalog(list(settings.font_paths)).list_fonts():
        if entry.name in names:
            continue
        try:
            face = open_face(entry.path, entry.index)
        except FontError:
            continue
        if all(face.has_sequence(char) for char in JAPANESE_PROBE):
            names.append(entry.name)
    return names


def chosen_chain(config_path: Path, role: str, font: str) -> list[str]:
    """The role's chain with `font` first: the file's own names (not resolved paths),
    else the default chain, without `font` repeated."""
    data = tomllib.loads(config_path.read_text("utf-8"))
    written = data.get("fonts", {}).get(role, list(DEFAULT_CHAINS[role]))
    chain = [written] if isinstance(written, str) else list(written)
    return [font, *(name for name in chain if name != font)]


def save_font(config_path: Path, settings: Settings, role: str, font: str) -> None:
    """Make `font` the first font of `role` in `config_path` (see the module)."""
    if role not in FONT_ROLES:
        raise ConfigError(_("書体の役目が違います: {role}（{roles} のどれか）",
                            role=role, roles="、".join(FONT_ROLES)))
    if font not in font_choices(settings):
        raise ConfigError(_("フォント「{font}」は選べません。hagaki fonts で使えるフォントを"
                            "確かめてください", font=font))
    chain = chosen_chain(config_path, role, font)

    def check(temporary: Path) -> None:
        if load_settings(temporary).font_chains[role][0] != font:
            raise ConfigError(_("{path} の [fonts] を書き込めませんでした。ファイルの書き方を"
                                "確かめてください", path=config_path))

    set_values(config_path, "fonts", {role: chain}, check)
