"""The paper each kind of card is printed on, as the settings page saves it: [paper] in
hagaki.toml (`nenga = "official"`: 年賀状 on 通常はがき, with the red 年賀).

In: hagaki.toml's path, a kind of card and a paper of layout.paper.PAPERS. Out: the file
rewritten atomically with every other line kept, or ConfigError (nothing written).
"""

from __future__ import annotations

from pathlib import Path

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.layout.paper import PAPERS
from mailmerge.selection.plan import SITUATIONS
from mailmerge.shop.settings import load_settings
from mailmerge.shop.settings_file import set_values


def save_paper(config_path: Path, situation: str, paper: str) -> None:
    """Print `situation`'s cards on `paper` from now on."""
    if situation not in SITUATIONS or paper not in PAPERS:
        raise ConfigError(_("はがきの種類 {situation} と用紙 {paper} の組み合わせは選べません",
                            situation=situation, paper=paper))

    def check(temporary: Path) -> None:
        if load_settings(temporary).papers.get(situation) != paper:
            raise ConfigError(_("{path} の [paper] を書き込めませんでした。ファイルの書き方を"
                                "確かめてください", path=config_path))

    set_values(config_path, "paper", {situation: paper}, check)
