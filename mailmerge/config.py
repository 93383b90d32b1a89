"""hagaki.toml → Settings, with defaults for everything and clear errors.

In: an optional path. Out: Settings. Without a file (or without a section) the defaults
apply, so `hagaki print customers.csv` works on a fresh machine.

    [sender]            name, postal_code, address, address2: the shop, printed lower left
    [fonts]             address, name, message, heading: font chains (names or paths);
                        paths: extra font files or folders
    [address]           numerals = "kanji" | "kanji_ten" | "arabic"; layout = profile name
    [print]             offset_x, offset_y: millimetres to shift everything (printer feed);
                        postage_yen; post_office (for --indicia)
    [printers.NAME]     offset_x, offset_y of one printer (chosen with --printer NAME;
                        written by `hagaki calibrate --printer NAME --measured-x … -y …`)
    [columns]           "your header" = "field": map any header to a field (e.g. "お名前" =
                        "name"); fields: customer_id, name, family_name, given_name, …
    [rules]             thanks_days, birthday_lead_days, matsunouchi_end_day (7 or 15),
                        new_days, active_days, dormant_days; [rules.cooldown_days] per situation
    [templates]         folder: your own SITUATION.j2 / SITUATION-N.j2 files
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.layout.vertical_text import NUMERAL_STYLES
from mailmerge.models import Sender
from mailmerge.selection.plan import Rules
from mailmerge.selection.seasons import season_overrides
from mailmerge.selection.segments import SegmentRules
from mailmerge.sources.headers import FIELDS
from mailmerge.sources.sales import SALES_ALIASES

FONT_ROLES = ("address", "name", "message", "heading")
DEFAULT_CHAINS = {
    "address": ("BIZ UD Mincho", "IPAmj Mincho"),
    "name": ("BIZ UD Mincho", "IPAmj Mincho"),
    "message": ("Klee One", "BIZ UD Mincho", "IPAmj Mincho"),
    "heading": ("Kouzan Mouhitsu", "Klee One", "IPAmj Mincho"),
}
# Every key hagaki.toml may hold, per table; None: any key (mappings and nested tables).
KNOWN_KEYS: dict[str, tuple[str, ...] | None] = {
    "sender": ("name", "postal_code", "address", "address2"),
    "fonts": (*FONT_ROLES, "paths"),
    "address": ("numerals", "layout"),
    "print": ("offset_x", "offset_y", "postage_yen", "post_office"),
    "columns": None,
    "rules": ("thanks_days", "birthday_lead_days", "matsunouchi_end_day", "new_days",
              "active_days", "dormant_days", "cooldown_days"),
    "templates": ("folder",),
    "seasons": None,
    "printers": None,  # [printers.NAME] tables, each checked by _printers
}
PRINTER_KEYS = ("offset_x", "offset_y")
TOML_WHERE = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")  # tomllib's words
# (lowest, highest) of each number; offsets are printer corrections, not layout moves.
RANGES = {
    "offset_x": (-20, 20), "offset_y": (-20, 20), "postage_yen": (0, 10_000),
    "thanks_days": (1, 365), "birthday_lead_days": (0, 60), "new_days": (1, 3650),
    "active_days": (1, 3650), "dormant_days": (1, 3650), "cooldown_days": (0, 3650),
}


@dataclass(frozen=True)
class Settings:
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


def _toml_mistake(path: Path, error: tomllib.TOMLDecodeError) -> str:
    """Where hagaki.toml cannot be read, in the reader's language (tomllib says why in
    English: that part is kept as it is, in parentheses)."""
    where = TOML_WHERE.search(str(error))
    reason = TOML_WHERE.sub("", str(error)).strip()
    if where is None:
        return _("{file}: TOML として読めません（{reason}）", file=path, reason=reason)
    return _("{file} の {line} 行目 {column} 文字目が TOML として読めません（{reason}）。"
             "括弧、引用符、= を確かめてください", file=path, line=where["line"],
             column=where["column"], reason=reason)


def load_settings(path: Path | None) -> Settings:
    """Read hagaki.toml (or return the defaults when `path` is None)."""
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(_("設定ファイルがありません: {file}", file=path)) from None
    except (OSError, UnicodeDecodeError):
        raise ConfigError(_("設定ファイル {file} を読めません（UTF-8 で保存してください）",
                            file=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_mistake(path, exc)) from None
    _check_keys(data, path.read_text("utf-8"), path)
    return _settings(data, path)


def _check_keys(data: dict, text: str, path: Path) -> None:
    """Unknown tables and keys are errors naming the line and the nearest valid key."""
    for table, value in data.items():
        if table not in KNOWN_KEYS:
            raise ConfigError(_unknown(path, text, table, None, list(KNOWN_KEYS)))
        allowed = KNOWN_KEYS[table]
        if allowed is None or not isinstance(value, dict):
            continue
        for key in value:
            if key not in allowed:
                raise ConfigError(_unknown(path, text, key, table, list(allowed)))


def _unknown(path: Path, text: str, key: str, table: str | None, allowed: list[str]) -> str:
    line = _line_of(text, key, table)
    where = _("{file} {line} 行目", file=path, line=line) if line else str(path)
    name = f"[{table}] {key}" if table else f"[{key}]"
    near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
    if near:
        return _("{where}: {name} という設定はありません。「{near}」の書き間違いではありませんか？",
                 where=where, name=name, near=near[0])
    return _("{where}: {name} という設定はありません。使えるのは {allowed} です",
             where=where, name=name, allowed=", ".join(allowed))


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """The line (1-based) where `key` is set inside [table] (or where [key] starts)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            current = header.group(1).split(".")[0].strip().strip('"')
            if table is None and current == key:
                return number
            continue
        assignment = re.match(r'^\s*"?([^"=]+?)"?\s*=', line)
        if table is not None and current == table and assignment and \
                assignment.group(1).strip() == key:
            return number
    return None


def _settings(data: dict, path: Path) -> Settings:
    sender = _table(data, "sender", path)
    fonts = _table(data, "fonts", path)
    address = _table(data, "address", path)
    printing = _table(data, "print", path)
    columns = _table(data, "columns", path)
    templates = _table(data, "templates", path)
    for header, target in columns.items():
        if target not in FIELDS and target not in SALES_ALIASES:
            raise ConfigError(_("{file}: [columns] {header!r} = {target!r}: その項目は"
                                "ありません。使えるのは {fields}（売上は {sales_fields}）です",
                                file=path, header=header, target=target,
                                fields=", ".join(FIELDS), sales_fields=", ".join(SALES_ALIASES)))
    chains = dict(DEFAULT_CHAINS)
    for role in FONT_ROLES:
        if role in fonts:
            value = fonts[role]
            names = (value,) if isinstance(value, str) else value
            if not names or not all(isinstance(n, str) for n in names):
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
        sender=Sender(
            name=_text(sender, "name", path),
            postal_code=_text(sender, "postal_code", path),
            address=_text(sender, "address", path),
            address2=_text(sender, "address2", path),
        ),
        font_chains=chains,
        font_paths=tuple(Path(_resolve(p, path)) for p in fonts.get("paths", [])),
        numerals=numerals,
        layout=_resolve(str(address.get("layout", "official")), path),
        offset_x=_number(printing, "offset_x", path),
        offset_y=_number(printing, "offset_y", path),
        columns={str(header): str(target) for header, target in columns.items()},
        rules=_rules(_table(data, "rules", path), path, _seasons(data, path)),
        templates_folder=(Path(_resolve(str(templates["folder"]), path))
                          if "folder" in templates else None),
        postage_yen=int(_number(printing, "postage_yen", path, 85)),
        post_office=_text(printing, "post_office", path),
        printers=_printers(_table(data, "printers", path), path),
    )


def _printers(table: dict, path: Path) -> dict[str, tuple[float, float]]:
    """[printers.NAME] tables: each printer's offsets (mm), only offset_x and offset_y."""
    printers = {}
    for name, values in table.items():
        if not isinstance(values, dict):
            raise ConfigError(_("{file}: [printers] {name} は [printers.{name}] の表で書いて"
                                "ください（offset_x と offset_y）", file=path, name=name))
        for key in values:
            if key not in PRINTER_KEYS:
                raise ConfigError(_unknown(path, path.read_text("utf-8"), key,
                                           "printers", list(PRINTER_KEYS)))
        printers[str(name)] = (_number(values, "offset_x", path),
                               _number(values, "offset_y", path))
    return printers


def printer_offsets(settings: Settings, name: str) -> tuple[float, float]:
    """The offsets of the printer called `name` in hagaki.toml ([printers.NAME])."""
    if name not in settings.printers:
        known = _("、").join(settings.printers) or _("まだありません")
        raise ConfigError(_("プリンター {name!r} は {file} の [printers] にありません"
                            "（登録済み: {known}）。hagaki calibrate --printer {name} "
                            "--measured-x … --measured-y … で登録してください", name=name,
                            file=settings.path or "hagaki.toml", known=known))
    return settings.printers[name]


def _seasons(data: dict, path: Path) -> dict:
    return season_overrides(_table(data, "seasons", path), str(path))


def _table(data: dict, name: str, path: Path) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(_("{file}: [{name}] は表（[{name}] の見出しの下のキーと値）で"
                            "書いてください", file=path, name=name))
    return value


def _text(table: dict, key: str, path: Path) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(_("{file}: {key} は引用符（\"）で囲んだ文字で書いてください",
                            file=path, key=key))
    return value.strip()


def _number(table: dict, key: str, path: Path, default: float = 0.0,
            limits: str | None = None) -> float:
    """A finite number within RANGES[limits or key]; ConfigError naming the key otherwise."""
    value = table.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) \
            or not math.isfinite(value):
        raise ConfigError(_("{file}: {key} は数で書いてください（今は {value!r}）", file=path,
                            key=key, value=value))
    low, high = RANGES.get(limits or key, (-math.inf, math.inf))
    if not low <= value <= high:
        raise ConfigError(_("{file}: {key} = {value} は {low}〜{high} の範囲で指定してください",
                            file=path, key=key, value=value, low=low, high=high))
    return float(value)


def _rules(table: dict, path: Path, seasons: dict) -> Rules:
    """[rules]: every threshold of the selection rules, each defaulting as in the spec."""
    defaults = Rules()
    cooldowns = dict(defaults.cooldown_days)
    for situation, days in _table(table, "cooldown_days", path).items():
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


def _resolve(value: str, config_path: Path) -> str:
    """A relative file path in the config is relative to the config file's folder."""
    candidate = Path(value).expanduser()
    if candidate.suffix and not candidate.is_absolute():
        return str(config_path.parent / candidate)
    return str(candidate) if candidate.suffix else value
