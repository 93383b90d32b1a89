"""The files hagaki ships inside its package (fonts, layouts, sample data).

In: a path relative to the package, e.g. ("layouts", "official.toml"). Out: its path on disk.
(Found beside this module: cheaper at start-up than importlib.resources, and the package is
always installed as plain files.)
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def package_file(*parts: str) -> Path:
    """The path of a file or folder shipped in the package."""
    return PACKAGE_DIR.joinpath(*parts)
