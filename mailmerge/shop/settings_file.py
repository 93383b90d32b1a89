"""Setting values in one table of hagaki.toml without losing anything else the user wrote.

In: the settings file, a table name ("sender", "fonts") and the values to set (text, numbers
or lists of text). Out: the file rewritten atomically: each value replaced where it stands (a
comment after it is kept), a missing key added after the table's last key, a missing table
added at the end. Every other line stays as it was. Before the new file takes the old one's
place it is read back: it must hold exactly the old data with those values set, and pass
`check` (the caller's load_settings and whatever else); otherwise nothing is written.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from msgspec import Struct

from mailmerge.atomic import atomic_write
from mailmerge.errors import ConfigError
from mailmerge.i18n import _

Value = str | float | int | list[str] | tuple[str, ...]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_HEADER = re.compile(r"\[\[?\s*([^\]]*?)\s*\]\]?")
_KEY = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\-\s"']+?)\s*=[ \t]*""")


class _Entry(Struct, frozen=True):
    table: str | None  # the [table] the key is in (None: before any table)
    key: str
    value_start: int  # offsets of the value in the text
    value_end: int


def set_values(config_path: Path, table: str, values: Mapping[str, Value],
               check: Callable[[Path], None] | None = None) -> None:
    """Set `values` in [table] of `config_path`, keeping every other line (see the module)."""
    old_text = config_path.read_text("utf-8-sig")  # a BOM is not written back
    new_text = edited_text(old_text, table, values)
    expected = tomllib.loads(old_text)
    expected.setdefault(table, {}).update({key: _plain(value) for key, value in values.items()})

    def verify(temporary: Path) -> None:
        try:
            written = tomllib.loads(temporary.read_text("utf-8"))
        except tomllib.TOMLDecodeError:
            written = None
        if written != expected:
            raise ConfigError(_("{path} の [{table}] を書き換えられませんでした（書き方が"
                                "複雑です）。ファイルを直接編集してください",
                                path=config_path, table=table))
        if check is not None:
            check(temporary)

    with atomic_write(config_path, before_replace=verify) as stream:
        stream.write(new_text.encode("utf-8"))


def edited_text(text: str, table: str, values: Mapping[str, Value]) -> str:
    """`text` with `values` set in [table] (the text alone: no reading back, no writing)."""
    entries = [entry for entry in _entries(text) if entry.table == table]
    header_end = _header_end(text, table)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied back to front
    missing = []
    for key, value in values.items():
        found = next((entry for entry in entries if _bare(entry.key) == key), None)
        if found is None:
            missing.append(f"{_toml_key(key)} = {_toml(value)}")
        else:
            edits.append((found.value_start, found.value_end, _toml(value)))
    newline = "\r\n" if "\r\n" in text else "\n"
    if missing and header_end is None:
        ending = "" if not text or text.endswith("\n") else newline
        gap = newline if text.strip() else ""
        edits.append((len(text), len(text),
                      ending + gap + newline.join([f"[{table}]", *missing]) + newline))
    elif missing:
        after = max([header_end, *(_line_end(text, entry.value_end) for entry in entries)])
        added = newline.join(missing) + newline
        if after >= len(text):
            added = ("" if text.endswith("\n") else newline) + added
        edits.append((after, after, added))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _entries(text: str) -> list[_Entry]:
    """Every key = value of the text, with the table it sits in; multi-line values skipped."""
    entries = []
    table: str | None = None
    position = 0
    while position < len(text):
        end = _line_end(text, position)
        line = text[position:end]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            position = end
            continue
        if stripped.startswith("["):
            header = _HEADER.match(stripped)
            table = header.group(1).strip() if header else None
            position = end
            continue
        key = _KEY.match(line)
        if key is None:
            position = end
            continue
        value_start = position + key.end()
        value_end = _value_end(text, value_start)
        entries.append(_Entry(table, key.group(1).strip(), value_start, value_end))
        position = _line_end(text, value_end)
    return entries


def _header_end(text: str, table: str) -> int | None:
    """Where the line after the [table] header starts, or None without that header."""
    position = 0
    while position < len(text):
        end = _line_end(text, position)
        header = _HEADER.match(text[position:end].strip())
        if header and not text[position:end].strip().startswith("[[") \
                and header.group(1).strip() == table:
            return end
        position = end
    return None


def _value_end(text: str, start: int) -> int:
    """Where the TOML value starting at `start` ends (strings, arrays and inline tables may
    hold '#', ']' and, for arrays and triple-quoted strings, line breaks)."""
    depth = 0
    position = start
    while position < len(text):
        char = text[position]
        if text.startswith(('"""', "'''"), position):
            quote = text[position:position + 3]
            position = _closing(text, position + 3, quote, quote == '"""')
        elif char in "\"'":
            position = _closing(text, position + 1, char, char == '"')
        elif char in "[{":
            depth += 1
            position += 1
        elif char in "]}":
            depth -= 1
            position += 1
        elif depth and char == "#":
            position = _line_end(text, position)
        elif not depth and char in " \t\r\n#":
            return position
        else:
            position += 1
        if depth <= 0 and position > start and text[position - 1] in "]}\"'":
            return position
    return position


def _closing(text: str, position: int, quote: str, escapes: bool) -> int:
    """The position just after the string's closing `quote` (extra quotes of a triple-quoted
    string's end belong to it)."""
    while position < len(text):
        if escapes and text[position] == "\\":
            position += 2
            continue
        if text.startswith(quote, position):
            position += len(quote)
            while len(quote) == 3 and text.startswith(quote[0], position) \
                    and not text.startswith(quote, position + 1):
                position += 1
            return position
        position += 1
    return position


def _line_end(text: str, position: int) -> int:
    """The start of the line after the one `position` is on (or the text's end)."""
    newline = text.find("\n", position)
    return len(text) if newline < 0 else newline + 1


def _bare(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'" else key


def _toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be (offset_x), else quoted ("お名前")."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _toml(value: Value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def _plain(value: Value):
    return list(value) if isinstance(value, list | tuple) else value
