"""Where fonts come from: bundled with hagaki, installed on the system, or named by path.

In: a font name ("Klee One") or a file path. Out: an opened FontFace, each file opened once
per process. `list_fonts` describes every font hagaki can use, for `hagaki fonts`.
"""

from __future__ import annotations

import os
from pathlib import Path

import uharfbuzz as hb
from msgspec import Struct

from mailmerge.errors import FontError
from mailmerge.i18n import _
from mailmerge.package_files import package_file
from mailmerge.typeface.face import FontFace, family_name, open_face

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# Bundled font files, by the family name users write in hagaki.toml.
BUNDLED = {
    "Klee One": "KleeOne-Regular.ttf",
    "BIZ UD Mincho": "BIZUDMincho-Regular.ttf",
    "IPAmj Mincho": "ipamjm.ttf",
    "Kouzan Mouhitsu": "KouzanMouhitsu.ttf",
}
# The bundled faces written by hand (pen, brush): a character a handwritten message's font
# lacks is looked for in these before any printed face (typeface.roles).
HANDWRITTEN = ("Klee One", "Kouzan Mouhitsu")


class FontEntry(Struct, frozen=True):
    """A font hagaki can use: its family name, file and where it came from."""

    name: str
    path: Path
    origin: str  # "bundled", "system" or "configured"
    index: int = 0


def bundled_dir() -> Path:
    """The folder of fonts shipped inside the package."""
    return package_file("fonts")


def system_font_dirs() -> list[Path]:
    """The usual fontconfig folders on Linux, macOS and Windows that exist here."""
    home = Path.home()
    candidates = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
    ]
    windir = os.environ.get("WINDIR")
    if windir:
        candidates.append(Path(windir) / "Fonts")
    return [path for path in candidates if path.is_dir()]


def bundled_entries() -> list[FontEntry]:
    folder = bundled_dir()
    return [FontEntry(name, folder / file, "bundled") for name, file in BUNDLED.items()]


def scan_entries(paths: list[Path], origin: str) -> list[FontEntry]:
    """Font files under the given files/folders, with their family names."""
    entries: list[FontEntry] = []
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.suffix.lower() in FONT_SUFFIXES:
                entries.extend(_describe(path, origin))
    return entries


def _describe(path: Path, origin: str) -> list[FontEntry]:
    """One entry per face in the file (collections hold several); none if unreadable."""
    try:
        blob = hb.Blob.from_file_path(str(path))
    except hb.HarfBuzzError:
        return []
    entries = []
    for index in range(hb.Face(blob).count):
        face = hb.Face(blob, index)
        if "name" in face.table_tags:
            entries.append(FontEntry(family_name(face) or path.stem, path, origin, index))
    return entries


class FontCatalog:
    """Resolves font names and paths to opened faces; opens every file once."""

    def __init__(self, configured_paths: list[Path] | None = None) -> None:
        self.configured_paths = list(configured_paths or [])
        self._faces: dict[tuple[Path, int], FontFace] = {}
        self._system: list[FontEntry] | None = None

    def list_fonts(self) -> list[FontEntry]:
        """Every usable font: bundled first, then configured paths, then system fonts."""
        return bundled_entries() + self._configured() + self._system_entries()

    def face(self, name_or_path: str) -> FontFace:
        """Open the font called `name_or_path` (family name or file path)."""
        entry = self._find(name_or_path)
        key = (entry.path, entry.index)
        if key not in self._faces:
            self._faces[key] = open_face(entry.path, entry.index)
        return self._faces[key]

    def _find(self, name_or_path: str) -> FontEntry:
        as_path = Path(name_or_path).expanduser()
        if as_path.suffix.lower() in FONT_SUFFIXES:
            if not as_path.is_file():
                raise FontError(_("フォントのファイルがありません: {file}", file=as_path))
            return FontEntry(as_path.stem, as_path, "configured")
        wanted = name_or_path.casefold()
        for entry in bundled_entries() + self._configured():
            if entry.name.casefold() == wanted:
                return entry
        for entry in self._system_entries():
            if entry.name.casefold() == wanted:
                return entry
        raise FontError(_("フォント {name!r} が見つかりません（同梱、[fonts] paths、システムの"
                          "フォントを探しました）。使えるフォントは hagaki fonts で表示します",
                          name=name_or_path))

    def _configured(self) -> list[FontEntry]:
        return scan_entries(self.configured_paths, "configured")

    def _system_entries(self) -> list[FontEntry]:
        if self._system is None:
            self._system = scan_entries(system_font_dirs(), "system")
        return self._system
