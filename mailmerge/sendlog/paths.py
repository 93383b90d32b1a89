"""Where a run's files are, as the send log keeps them: relative to the log's folder when they
are inside it (so a shop folder moved or copied whole still finds its files), absolute
otherwise.

In: a file's path (or a stored path) and the log's folder. Out: the stored text (or the path).
"""

from __future__ import annotations

from pathlib import Path

RUN_SHEET_SUFFIX = "-sheet.pdf"  # the run sheet beside a run's cards: paperwork, not cards



def stored(path: Path, folder: Path) -> str:
    """'cards-2026-12-01-run0018.pdf' for a file in `folder` (or 'sub/…'), else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(resolved)


def located(text: str, folder: Path) -> Path:
    """The file a stored path names, for the log in `folder`."""
    path = Path(text)
    return path if path.is_absolute() else folder / path
