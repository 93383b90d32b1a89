"""Backups of the send log, and the temporary files an interrupted run leaves behind.

In: the log's connection and path. Out: a consistent copy in `<log>-backups/` (the newest
KEEP are kept), the newest one's path, a lost or damaged log restored from it (or set aside
on purpose so that a new log begins), and removal of a target's leftover temporaries.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from mailmerge import clock
from mailmerge.atomic import atomic_write, temporary_names

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


def restore(log_path: Path, backup: Path) -> list[Path]:
    """Copy `backup` to `log_path` (atomically), after moving the lost log and its SQLite
    side files (-wal, -shm) aside; return the paths they were moved to."""
    moved = _set_aside([log_path, *_side_files(log_path)], "lost")
    with atomic_write(log_path) as stream, backup.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            stream.write(block)
    return moved


def start_new(log_path: Path) -> list[Path]:
    """Set the backups folder and any lost log aside (renamed, never deleted) so that the next
    run begins a new, empty log; return where they went."""
    return _set_aside([log_path, *_side_files(log_path), backup_folder(log_path)], "old")


def _side_files(log_path: Path) -> list[Path]:
    return [log_path.with_name(log_path.name + suffix) for suffix in ("-wal", "-shm")]


def _set_aside(paths: list[Path], why: str) -> list[Path]:
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    moved = []
    for path in paths:
        if path.exists():
            target = path.with_name(f"{path.name}.{why}-{stamp}")
            os.replace(path, target)
            moved.append(target)
    return moved


def remove_temporaries(target: Path) -> None:
    """Delete the temporary files an interrupted write to `target` left beside it."""
    for leftover in temporary_names(target):
        with contextlib.suppress(OSError):
            leftover.unlink()
