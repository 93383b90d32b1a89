"""The TOML files a person edits (hagaki.toml, layout profiles), read strictly.

In: a file and its schema: each table's keys and the kind of value each expects. Out: the
data, every value of its key's kind; otherwise a ConfigError naming the file, the line, the
key and the kind expected. UTF-8 with or without a BOM (Windows Notepad writes one).
"""

from __future__ import annotations

import math
import re
import reprlib
import tomllib
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from mailmerge.errors import ConfigError
from mailmerge.i18n import N_, _

TOML_WHERE = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")  # tomllib's words
_SHOWN = reprlib.Repr()  # a wrong value is shown shortened
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxstring = 3, 4, 4, 40


class Kind(Struct, frozen=True):
    """What one key's value must be: `words` (a msgid) say it to the user."""

    words: str
    accepts: Callable[[object], bool]


class Each(Struct, frozen=True):
    """A table whose keys the user names ([columns], [printers.NAME]): each value is `value`."""

    value: Kind | dict


class Optional(Struct, frozen=True):
    """A table a file may leave out (a layout's [header])."""

    table: dict


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _numbers(count: int | None = None) -> Callable[[object], bool]:
    return lambda value: isinstance(value, list) and bool(value) \
        and all(_number(item) for item in value) and count in (None, len(value))


TEXT = Kind(N_("引用符（\"）で囲んだ文字"), lambda value: isinstance(value, str))
NUMBER = Kind(N_("数"), _number)
FLAG = Kind(N_("真偽値（true か false）"), lambda value: isinstance(value, bool))
TEXTS = Kind(N_("文字のリスト（[\"…\", \"…\"]）"),
             lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value))
TEXT_OR_TEXTS = Kind(N_("文字か、文字のリスト（[\"…\", \"…\"]）"),
                     lambda value: isinstance(value, str) or TEXTS.accepts(value))
NUMBERS = Kind(N_("数のリスト（[1.0, 2.0]）"), _numbers())
COLOUR = Kind(N_("数 3 個のリスト（赤、緑、青: [0.9, 0.2, 0.1]）"), _numbers(3))
SEVEN_NUMBERS = Kind(N_("数 7 個のリスト（郵便番号の 7 けた）"), _numbers(7))


def read_toml(path: Path, schema: dict, complete: bool = False) -> dict:
    """The file's data, checked against `schema`; with `complete`, every key of the schema
    must be there (but Optional tables)."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(_("{file} を読めません（UTF-8 で保存してください）",
                            file=path)) from None
    except OSError as exc:
        raise ConfigError(_("{file} を読めません（{reason}）", file=path,
                            reason=exc.strerror)) from None
    return parse_toml(text, path, schema, complete)


def parse_toml(text: str, where: Path | str, schema: dict, complete: bool = False) -> dict:
    """`text` (from `where`) as data checked against `schema` (see read_toml)."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_mistake(where, exc)) from None
    except RecursionError:
        raise ConfigError(_("{file}: 括弧の入れ子が深すぎて読めません", file=where)) from None
    _check(data, schema, (), _Source(where, text), complete)
    return data


class _Source(Struct, frozen=True):
    where: Path | str
    text: str


def _check(table: dict, schema: dict, path: tuple[str, ...], source: _Source,
           complete: bool) -> None:
    for key, value in table.items():
        if key not in schema:
            raise ConfigError(_unknown(source, path, key, list(schema)))
        _check_value(value, schema[key], (*path, key), source, complete)
    if complete:
        for key, expected in schema.items():
            if key not in table and not isinstance(expected, Optional):
                raise ConfigError(_missing(source, (*path, key), expected))


def _check_value(value: object, expected: Kind | dict | Each | Optional,
                 path: tuple[str, ...], source: _Source, complete: bool) -> None:
    if isinstance(expected, Kind):
        if not expected.accepts(value):
            raise ConfigError(_("{where}: {name} は{kind}で書いてください（今は {value}）",
                                where=_where(source, path), name=_name(path),
                                kind=_(expected.words), value=_SHOWN.repr(value)))
        return
    if not isinstance(value, dict):
        raise ConfigError(_("{file}: [{name}] は表（[{name}] の見出しの下のキーと値）で"
                            "書いてください", file=_where(source, path), name=".".join(path)))
    if isinstance(expected, Each):
        for key, item in value.items():
            _check_value(item, expected.value, (*path, key), source, complete)
    else:
        _check(value, expected.table if isinstance(expected, Optional) else expected, path,
               source, complete)


def _name(path: tuple[str, ...]) -> str:
    """('printers', 'A', 'offset_x') → [printers.A] offset_x; ('sender',) → [sender]."""
    return f"[{'.'.join(path[:-1])}] {path[-1]}" if len(path) > 1 else f"[{path[0]}]"


def _where(source: _Source, path: tuple[str, ...]) -> str:
    line = _line_of(source.text, path)
    return _("{file} {line} 行目", file=source.where, line=line) if line else str(source.where)


def _missing(source: _Source, path: tuple[str, ...], expected: Kind | dict | Each) -> str:
    kind = _(expected.words) if isinstance(expected, Kind) else _("表")
    return _("{file}: {name} がありません（{kind}で書いてください）", file=source.where,
             name=_name(path), kind=kind)


def _unknown(source: _Source, table: tuple[str, ...], key: str, allowed: list[str]) -> str:
    where, name = _where(source, (*table, key)), _name((*table, key))
    import difflib  # (only a mistake in hagaki.toml needs it)

    near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
    if near:
        return _("{where}: {name} という設定はありません。「{near}」の書き間違いではありませんか？",
                 where=where, name=name, near=near[0])
    return _("{where}: {name} という設定はありません。使えるのは {allowed} です",
             where=where, name=name, allowed=", ".join(allowed))


def _line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line (1-based) where the key at `path` is set (or where the table starts)."""
    *table, key = path
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            current = [part.strip().strip("\"'") for part in header.group(1).split(".")]
            if current == list(path):
                return number
            continue
        assignment = re.match(r"^\s*[\"']?([^\"'=]+?)[\"']?\s*=", line)
        if assignment and current == table and assignment.group(1).strip() == key:
            return number
    return None


def _toml_mistake(where: Path | str, error: tomllib.TOMLDecodeError) -> str:
    """Where the file cannot be read, in the reader's language (tomllib says why in English:
    that part is kept as it is, in parentheses)."""
    found = TOML_WHERE.search(str(error))
    reason = TOML_WHERE.sub("", str(error)).strip()
    if found is None:
        return _("{file}: TOML として読めません（{reason}）", file=where, reason=reason)
    return _("{file} の {line} 行目 {column} 文字目が TOML として読めません（{reason}）。"
             "括弧、引用符、= を確かめてください", file=where, line=found["line"],
             column=found["column"], reason=reason)
