"""Atomic file writes: a temporary file beside the target, fsync, then rename.

An interrupted run leaves either the old file or the new one at the target, never half.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(target: Path, before_replace: Callable[[Path], None] | None = None
                 ) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces `target`, on error it is removed.
    `before_replace` sees the complete, synced temporary file just before the rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    os.chmod(temp_name, 0o666 & ~_umask())  # a normal file, as open() would make it
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if before_replace is not None:
            before_replace(Path(temp_name))
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)


def temporary_names(target: Path) -> list[Path]:
    """The temporary files that writes to `target` may have left (a killed run)."""
    if not target.parent.is_dir():
        return []
    return list(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StagedFiles:
    """Several files written as temporaries beside their targets and put in place together
    (`commit`), or all removed (`discard`): a run's files appear all at once or not at all."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []  # (temporary, target)
        self.committing = False  # from the first rename on, files may be in place

    @contextlib.contextmanager
    def write(self, target: Path) -> Iterator[BinaryIO]:
        """Yield a binary file for `target`; on success it waits, complete and synced."""
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                             dir=target.parent)
        os.chmod(temp_name, 0o666 & ~_umask())
        self.staged.append((Path(temp_name), target))
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())

    def temporary(self, target: Path) -> Path:
        return next(temp for temp, final in self.staged if final == target)

    def commit(self, replace: bool = True) -> None:
        """Put every file in place. Without `replace`, a target that exists by now (written
        by another run or program since the run began) stops the commit before any file
        moves (FileExistsError naming it), and no rename overwrites one either."""
        if not replace:
            for _temp, target in self.staged:
                if os.path.lexists(target):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        self.committing = True
        for temp, target in self.staged:
            if replace:
                os.replace(temp, target)
            else:
                _rename_without_overwriting(temp, target)
        for folder in {target.parent for _, target in self.staged}:
            _fsync_directory(folder)
        self.staged = []

    def discard(self) -> None:
        for temp, _ in self.staged:
            with contextlib.suppress(OSError):
                temp.unlink()
        self.staged = []


def _rename_without_overwriting(temp: Path, target: Path) -> None:
    """Rename `temp` to `target`, FileExistsError if `target` exists (a hard link, then
    the temporary's name removed; where a file system has no hard links, a look first)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:  # (no hard links here: FAT, some network shares)
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temp, target)
        return
    temp.unlink()
