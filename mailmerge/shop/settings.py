"""hagaki.toml → Settings, with defaults for everything and clear errors.

In: an optional path. Out: Settings. Every key has one kind of value (SCHEMA); a wrong kind,
an unknown key or a number out of its range is a ConfigError naming the key. Without a file
(or without a section) the defaults apply, so `hagaki print customers.csv` works on a fresh
machine.

    [sender]            name, postal_code, address, address2: the shop, printed lower left;
                        phone, email, url (optional; shop.contact checks and normalises them)
    [fonts]             address, name, message, heading: font chains (names or paths);
                        paths: extra font files or folders
    [address]           numerals = "kanji" | "kanji_ten" | "arabic"; layout = profile name
    [print]             offset_x, offset_y: millimetres to shift everything (printer feed);
                        postage_yen; post_office (for --indicia)
    [printers.NAME]     offset_x, offset_y of one printer (chosen with --printer NAME;
                        written by `hagaki calibrate --printer NAME --measured-x … -y …`)
    [columns]           "your header" = "field": map any header to a field, named by its
                        field name or a header word we know (e.g. "顧客名" = "family_name",
                        "お客様" = "氏名", "お支払い" = "金額"); fields: customer_id, name, …
    [rules]             thanks_days, birthday_lead_days, matsunouchi_end_day (7 or 15),
                        new_days, active_days, dormant_days; [rules.cooldown_days] per situation
    [templates]         folder: your own SITUATION.j2 / SITUATION-N.j2 files
    [shop]              kind = "food" | "goods" | "services" (what it mostly sells);
                        channel = "store" | "mail_order" | "both" (how customers buy)
    [categories]        food, goods, services: words in item names, added to the built-in ones
    [situations.KIND]   holdout: percent of the due customers held out (no card, to measure);
                        window_days: how long after a card a purchase counts (default 90);
                        templates (and shares): the templates each card draws among (A/B)
"""

from __future__ import annotations

import math
from pathlib import Path

from msgspec import Struct, field

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.layout.paper import PAPERS
from mailmerge.layout.vertical_text import NUMERAL_STYLES
from mailmerge.models import Sender
from mailmerge.selection.plan import SITUATIONS, Rules
from mailmerge.selection.seasons import OVERRIDE_KEYS, season_overrides
from mailmerge.selection.segments import SegmentRules
from mailmerge.shop.contact import CONTACT_FIELDS, ContactRefused, cleaned_contact
from mailmerge.shop.tomlread import NUMBER, NUMBERS, TEXT, TEXT_OR_TEXTS, TEXTS, Each, read_toml
from mailmerge.sources.headers import FIELDS
from mailmerge.sources.sales import SALES_ALIASES, names_a_field
from mailmerge.templates.fit import CATEGORIES, CHANNELS, ShopFit

FONT_ROLES = ("address", "name", "message", "heading")
DEFAULT_CHAINS = {
    "address": ("BIZ UD Mincho", "IPAmj Mincho"),
    "name": ("BIZ UD Mincho", "IPAmj Mincho"),
    "message": ("Klee One", "BIZ UD Mincho", "IPAmj Mincho"),
    "heading": ("Kouzan Mouhitsu", "Klee One", "BIZ UD Mincho", "IPAmj Mincho"),
}
# Every key hagaki.toml may hold, and the kind of its value (mailmerge.shop.tomlread).
SCHEMA = {
    "sender": dict.fromkeys(("name", "postal_code", "address", "address2", *CONTACT_FIELDS),
                            TEXT),
    "fonts": {**dict.fromkeys(FONT_ROLES, TEXT_OR_TEXTS), "paths": TEXTS},
    "address": dict.fromkeys(("numerals", "layout"), TEXT),
    "print": {**dict.fromkeys(("offset_x", "offset_y", "postage_yen"), NUMBER),
              "post_office": TEXT},
    "columns": Each(TEXT),
    "rules": {**dict.fromkeys(("thanks_days", "birthday_lead_days", "matsunouchi_end_day",
                               "new_days", "active_days", "dormant_days"), NUMBER),
              "cooldown_days": Each(NUMBER)},
    "templates": {"folder": TEXT},
    "shop": dict.fromkeys(("kind", "channel"), TEXT),
    "categories": dict.fromkeys(CATEGORIES, TEXTS),
    "seasons": Each(dict.fromkeys(OVERRIDE_KEYS, TEXT)),
    "printers": Each(dict.fromkeys(("offset_x", "offset_y"), NUMBER)),
    "paper": Each(TEXT),  # kind of card → paper: nenga = "official" (年賀状 on 通常はがき)
    "situations": Each({"holdout": NUMBER, "window_days": NUMBER, "templates": TEXTS,
                        "shares": NUMBERS}),
}
# (lowest, highest) of each number; offsets are printer corrections, not layout moves.
RANGES = {
    "offset_x": (-20, 20), "offset_y": (-20, 20), "postage_yen": (0, 10_000),
    "thanks_days": (1, 365), "birthday_lead_days": (0, 60), "new_days": (1, 3650),
    "active_days": (1, 3650), "dormant_days": (1, 3650), "cooldown_days": (0, 3650),
    "holdout": (0, 50), "window_days": (1, 730),
}
WINDOW_DAYS = 90  # a purchase within this many days after the draw counts (the report)


class Situation(Struct, frozen=True):
    """[situations.KIND]: the share held out of this kind of card, and the report's window."""

    holdout: float = 0.0
    window_days: int = WINDOW_DAYS
    templates: tuple[str, ...] = ()  # A/B wording: each card draws one of these
    shares: tuple[float, ...] = ()  # their shares (default: equal)


class Settings(Struct, frozen=True):
    path: Path | None = None
    sender: Sender = field(default_factory=Sender)
    font_chains: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_CHAINS))
    font_paths: tuple[Path, ...] = ()
    numerals: str = "kanji"
    layout: str = "official"
    offset_x: float = 0.0
    offset_y: float = 0.0
    columns: dict[str, str] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    templates_folder: Path | None = None
    postage_yen: int = 85
    post_office: str = ""  # for 料金別納/料金後納 marks
    printers: dict[str, tuple[float, float]] = field(default_factory=dict)  # name: (x, y) mm
    papers: dict[str, str] = field(default_factory=dict)  # kind of card: paper ([paper])
    fit: ShopFit = field(default_factory=ShopFit)  # [shop] and [categories]: words that fit
    situations: dict[str, Situation] = field(default_factory=dict)  # [situations.KIND]

    def window_days(self, situation: str) -> int:
        """How long after the draw a purchase counts for this kind of card (the report)."""
        return self.situations.get(situation, Situation()).window_days


def load_settings(path: Path | None) -> Settings:
    """Read hagaki.toml (or return the defaults when `path` is None)."""
    if path is None:
        return Settings()
    if not path.is_file():
        raise ConfigError(_("設定ファイルがありません: {file}", file=path))
    return _settings(read_toml(path, SCHEMA), path)


def _settings(data: dict, path: Path) -> Settings:
    """Settings from data whose every value has its key's kind (tomlread checked it)."""
    sender = data.get("sender", {})
    fonts = data.get("fonts", {})
    address = data.get("address", {})
    printing = data.get("print", {})
    columns = data.get("columns", {})
    templates = data.get("templates", {})
    for header, target in columns.items():
        if not names_a_field(target):
            raise ConfigError(_("{file}: [columns] {header!r} = {target!r}: その項目は"
                                "ありません。使えるのは {fields}（売上は {sales_fields}）です",
                                file=path, header=header, target=target,
                                fields=", ".join(FIELDS), sales_fields=", ".join(SALES_ALIASES)))
    chains = dict(DEFAULT_CHAINS)
    for role in FONT_ROLES:
        if role in fonts:
            names = (fonts[role],) if isinstance(fonts[role], str) else fonts[role]
            if not names:
                raise ConfigError(_("{file}: [fonts] {role} はフォントの名前か、名前のリストで"
                                    "書いてください", file=path, role=role))
            chains[role] = tuple(_resolve(n, path) for n in names)
    numerals = address.get("numerals", "kanji")
    if numerals not in NUMERAL_STYLES:
        raise ConfigError(_("{file}: [address] numerals = {value!r} は使えません。使えるのは "
                            "{allowed} です", file=path, value=numerals,
                            allowed=", ".join(NUMERAL_STYLES)))
    return Settings(
        path=path,
        sender=_sender(sender, path),
        font_chains=chains,
        font_paths=tuple(Path(_resolve(p, path)) for p in fonts.get("paths", [])),
        numerals=numerals,
        layout=_resolve(address.get("layout", "official"), path),
        offset_x=_number(printing, "offset_x", path),
        offset_y=_number(printing, "offset_y", path),
        columns=dict(columns),
        rules=_rules(data.get("rules", {}), path,
                     season_overrides(data.get("seasons", {}), str(path))),
        templates_folder=(_folder(templates["folder"], path)
                          if "folder" in templates else None),
        postage_yen=int(_number(printing, "postage_yen", path, 85)),
        post_office=printing.get("post_office", "").strip(),
        printers={name: (_number(offsets, "offset_x", path), _number(offsets, "offset_y", path))
                  for name, offsets in data.get("printers", {}).items()},
        papers=_papers(data.get("paper", {}), path),
        fit=_fit(data.get("shop", {}), data.get("categories", {}), path),
        situations=_situations(data.get("situations", {}), path),
    )


def _situations(table: dict[str, dict], path: Path) -> dict[str, Situation]:
    """[situations.KIND]: each a kind of card hagaki knows, its numbers within RANGES."""
    found = {}
    for situation, values in table.items():
        if situation not in SITUATIONS:
            raise ConfigError(_("{file}: [situations.{situation}]: はがきの種類は {situations} "
                                "のどれかです", file=path, situation=situation,
                                situations=", ".join(SITUATIONS)))
        templates = tuple(name.strip() for name in values.get("templates", []))
        shares = tuple(values.get("shares", [1.0] * len(templates)))
        if any(not name.endswith(".j2") or "/" in name or "\\" in name for name in templates):
            raise ConfigError(_("{file}: [situations.{situation}] templates: テンプレートは"
                                "テンプレートのフォルダにあるファイルの名前"
                                "（例: \"{situation}-1.j2\"）で書いてください",
                                file=path, situation=situation))
        if len(shares) != len(templates) or any(share <= 0 for share in shares):
            raise ConfigError(_("{file}: [situations.{situation}] shares: templates と同じ数の、"
                                "0 より大きい数のリストにしてください（例: [50, 50]）。数は割合"
                                "で、合計が 100 でなくてもかまいません（[1, 3] なら 4 枚に 1 枚"
                                "と 3 枚）", file=path, situation=situation))
        found[situation] = Situation(
            _number(values, "holdout", path),
            int(_number(values, "window_days", path, WINDOW_DAYS)), templates,
            tuple(float(share) for share in shares))
    return found


def _sender(table: dict[str, str], path: Path) -> Sender:
    """[sender]: each text without surrounding spaces; phone, email and url as shop.contact
    saves them (a wrong one is a ConfigError naming the file and the key)."""
    texts = {key: table.get(key, "").strip() for key in ("name", "postal_code", "address",
                                                         "address2")}
    for key in CONTACT_FIELDS:
        try:
            texts[key] = cleaned_contact(key, table.get(key, ""))
        except ContactRefused as refused:
            raise ConfigError(_("{file}: [sender] {key}: {problem}", file=path, key=key,
                                problem=refused)) from None
    return Sender(**texts)


def _fit(shop: dict[str, str], categories: dict[str, list[str]], path: Path) -> ShopFit:
    """[shop] kind and channel, each one of its words, and [categories]' keywords."""
    kind, channel = shop.get("kind", "").strip(), shop.get("channel", "both").strip()
    for key, value, allowed in (("kind", kind, ("", *CATEGORIES)),
                                ("channel", channel, CHANNELS)):
        if value not in allowed:
            raise ConfigError(_("{file}: [shop] {key} = {value!r} は使えません。使えるのは "
                                "{allowed} です", file=path, key=key, value=value,
                                allowed=", ".join(filter(None, allowed))))
    keywords = {category: tuple(word.strip() for word in words if word.strip())
                for category, words in categories.items()}
    return ShopFit(kind, channel, keywords)


def _papers(table: dict[str, str], path: Path) -> dict[str, str]:
    """[paper]: each kind of card (thanks, nenga …, or default) with a paper of PAPERS."""
    for situation, paper in table.items():
        if situation not in (*SITUATIONS, "default") or paper not in PAPERS:
            raise ConfigError(_("{file}: [paper] {situation} = {paper!r}: はがきの種類は "
                                "{situations}、用紙は {papers} のどれかです", file=path,
                                situation=situation, paper=paper,
                                situations=", ".join((*SITUATIONS, "default")),
                                papers=", ".join(PAPERS)))
    return dict(table)


def printer_offsets(settings: Settings, name: str) -> tuple[float, float]:
    """The offsets of the printer called `name` in hagaki.toml ([printers.NAME])."""
    if name not in settings.printers:
        known = _("、").join(settings.printers) or _("まだありません")
        raise ConfigError(_("プリンター {name!r} は {file} の [printers] にありません"
                            "（登録済み: {known}）。hagaki calibrate --printer {name} "
                            "--measured-x … --measured-y … で登録してください", name=name,
                            file=settings.path or "hagaki.toml", known=known))
    return settings.printers[name]


def _number(table: dict, key: str, path: Path, default: float = 0.0,
            limits: str | None = None) -> float:
    """The number (checked by tomlread) within RANGES[limits or key]."""
    value = table.get(key, default)
    low, high = RANGES.get(limits or key, (-math.inf, math.inf))
    if not low <= value <= high:
        raise ConfigError(_("{file}: {key} = {value} は {low}〜{high} の範囲で指定してください",
                            file=path, key=key, value=value, low=low, high=high))
    return float(value)


def _rules(table: dict, path: Path, seasons: dict) -> Rules:
    """[rules]: every threshold of the selection rules, each defaulting as in the spec."""
    defaults = Rules()
    cooldowns = dict(defaults.cooldown_days)
    for situation, days in table.get("cooldown_days", {}).items():
        cooldowns[situation] = int(_number({situation: days}, situation, path,
                                           limits="cooldown_days"))
    segments = SegmentRules(
        new_days=int(_number(table, "new_days", path, defaults.segments.new_days)),
        active_days=int(_number(table, "active_days", path, defaults.segments.active_days)),
        dormant_days=int(_number(table, "dormant_days", path, defaults.segments.dormant_days)),
    )
    matsunouchi = int(_number(table, "matsunouchi_end_day", path, defaults.matsunouchi_end_day))
    if matsunouchi not in (7, 15):
        raise ConfigError(_("{file}: [rules] matsunouchi_end_day は 7 か 15 にしてください",
                            file=path))
    return Rules(
        thanks_days=int(_number(table, "thanks_days", path, defaults.thanks_days)),
        birthday_lead_days=int(_number(table, "birthday_lead_days", path,
                                       defaults.birthday_lead_days)),
        cooldown_days=cooldowns,
        segments=segments,
        matsunouchi_end_day=matsunouchi,
        seasons=seasons,
    )


def _folder(value: str, config_path: Path) -> Path:
    """A folder named in the config: a relative one is in the config file's folder."""
    folder = Path(value).expanduser()
    return folder if folder.is_absolute() else config_path.parent / folder


def _resolve(value: str, config_path: Path) -> str:
    """A relative file path in the config is relative to the config file's folder."""
    candidate = Path(value).expanduser()
    if candidate.suffix and not candidate.is_absolute():
        return str(config_path.parent / candidate)
    return str(candidate) if candidate.suffix else value
