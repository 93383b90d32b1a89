"""Backups of the send log, and the temporary files an interrupted run leaves behind.

In: the log's connection and path. Out: a consistent copy in `<log>-backups/` (the newest
KEEP are kept), the newest one's path, and removal of a target's leftover temporaries.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from mailmerge import clock
from mailmerge.atomic import temporary_names

KEEP = 5


def backup_folder(log_path: Path) -> Path:
    return log_path.with_name(f"{log_path.stem}-backups")


def write_backup(db: sqlite3.Connection, log_path: Path) -> Path:
    """Snapshot the log with SQLite's backup API into a temporary file, then rename it."""
    folder = backup_folder(log_path)
    folder.mkdir(exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{log_path.stem}-{stamp}.sqlite"
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        copy = sqlite3.connect(temporary)
        try:
            db.backup(copy)
        finally:
            copy.close()
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    for old in _backups(log_path)[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def latest_backup(log_path: Path) -> Path | None:
    found = _backups(log_path)
    return found[-1] if found else None


def _backups(log_path: Path) -> list[Path]:
    folder = backup_folder(log_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{log_path.stem}-*.sqlite"))


def remove_temporaries(target: Path) -> None:
    """Delete the temporary files an interrupted write to `target` left beside it."""
    for leftover in temporary_names(target):
        with contextlib.suppress(OSError):
            leftover.unlink()
