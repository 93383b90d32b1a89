"""The shop folder: where hagaki.toml and the send log are, found the same way by every command.

In: what the person passed (--config, --log) and the customer list they named. Out: Shop,
with the settings, the config file used (or none), the send log's path and the folder where
a run's files go by default.

Discovery order: --config, else $HAGAKI_CONFIG, else hagaki.toml beside the customer list or
in a folder above it, else hagaki.toml in the current folder, else the defaults (and the send
log in the current folder). The send log lives beside the hagaki.toml that was used.
"""

from __future__ import annotations

import os
from pathlib import Path

from msgspec import Struct

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.shop.settings import Settings, load_settings

CONFIG_NAME = "hagaki.toml"
LOG_NAME = "hagaki-log.sqlite"
LIST_KINDS = ("customers", "sales")  # the shop's own lists: customers.csv, sales.xlsx …
LIST_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


class Shop(Struct, frozen=True):
    settings: Settings
    config_path: Path | None
    log_path: Path
    folder: Path  # the shop folder: new run files go here unless --out says otherwise

    def lists(self) -> list[Path]:
        """Every name the shop's own customer and sales lists may have in its folder (as
        `hagaki serve` reads them): never an output, whether there or not yet."""
        return [self.folder / f"{kind}{suffix}" for kind in LIST_KINDS
                for suffix in LIST_SUFFIXES]

    def describe(self) -> str:
        """The one line every run prints: which settings and which log it used."""
        config = str(self.config_path) if self.config_path else _("なし（既定の設定）")
        return _("設定: {config} ／ 送付記録: {log}", config=config, log=self.log_path)


def find_config(explicit: Path | None = None, near: Path | None = None) -> Path | None:
    """The hagaki.toml to use, in the discovery order; None when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(_("設定ファイルがありません: {path}", path=explicit))
        return explicit.resolve()
    from_environment = os.environ.get("HAGAKI_CONFIG")
    if from_environment:
        path = Path(from_environment).expanduser()
        if not path.is_file():
            raise ConfigError(_("HAGAKI_CONFIG の設定ファイルがありません: {path}", path=path))
        return path.resolve()
    if near is not None:
        start = near.resolve().parent
        for folder in (start, *start.parents):
            candidate = folder / CONFIG_NAME
            if candidate.is_file():
                return candidate
    candidate = Path.cwd() / CONFIG_NAME
    return candidate.resolve() if candidate.is_file() else None


def log_beside(config_path: Path | None) -> Path:
    """The send log of a shop: beside its hagaki.toml (or in the current folder)."""
    folder = config_path.parent if config_path is not None else Path.cwd()
    return folder / LOG_NAME


def open_shop(config: Path | None = None, near: Path | None = None,
              log: Path | None = None) -> Shop:
    """Find and read the shop's settings; say where its log is."""
    config_path = find_config(config, near)
    settings = load_settings(config_path)
    log_path = log.expanduser().absolute() if log is not None else log_beside(config_path)
    folder = config_path.parent if config_path is not None else Path.cwd()
    return Shop(settings, config_path, log_path, folder)
