"""Writing a printer's offsets into hagaki.toml without losing anything the user wrote.

In: the settings file, a printer name and offsets (mm). Out: the file with its
[printers.NAME] table's offset_x and offset_y set (the table is added at the end when there
is none); every other line, comments included, stays as it was. The new text is checked by
load_settings before it replaces the file, atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

from mailmerge.atomic import atomic_write
from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.shop.settings import load_settings

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_HEADER = re.compile(r"^\s*\[")


def save_printer_offsets(config_path: Path, name: str, offset_x: float,
                         offset_y: float) -> None:
    """Set [printers.NAME] offset_x / offset_y in `config_path`, keeping every other line."""
    if not _NAME.match(name):
        raise ConfigError(_("プリンター名 {name} は英数字と - _ で付けてください（例: PX-049A）",
                            name=repr(name)))
    text = config_path.read_text("utf-8")
    lines = text.splitlines()
    values = {"offset_x": offset_x, "offset_y": offset_y}
    header = re.compile(rf'^\s*\[\s*printers\s*\.\s*("?){re.escape(name)}\1\s*\]\s*(#.*)?$')
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [f"[printers.{name}]  # hagaki calibrate が書きました（mm、右と下が正）",
                  *(f"{key} = {value:.2f}" for key, value in values.items())]
    else:
        end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])),
                   len(lines))
        for key, value in values.items():
            setting = re.compile(rf"^(\s*{key}\s*=\s*)[^#]*?(\s*#.*)?$")
            found = next((i for i in range(start + 1, end) if setting.match(lines[i])), None)
            if found is None:
                lines.insert(start + 1, f"{key} = {value:.2f}")
                end += 1
            else:
                match = setting.match(lines[found])
                lines[found] = f"{match.group(1)}{value:.2f}{match.group(2) or ''}"
    new_text = "\n".join(lines) + "\n"

    def check(temporary: Path) -> None:
        settings = load_settings(temporary)
        if settings.printers.get(name) != (round(offset_x, 2), round(offset_y, 2)):
            raise ConfigError(_("{path}: [printers.{name}] を書き込めませんでした。"
                                "ファイルの書き方を確かめてください", path=config_path,
                                name=name))

    with atomic_write(config_path, before_replace=check) as stream:
        stream.write(new_text.encode("utf-8"))
