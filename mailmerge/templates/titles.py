"""A template as a person names it, never its file name: 文面 2, 店の文面 2, 店の文面.

In: the template's file name, its kind of card and the shop's templates folder. Out: the
title the plan, the web, the report and the log's exports show (the file's name stays in
their columns for programs).
"""

from __future__ import annotations

import re
from pathlib import Path

from mailmerge.i18n import _


def template_title(name: str, situation: str, own_folder: Path | None) -> str:
    """文面 2 for the built-in thanks-2.j2, 店の文面 2 when the shop's templates folder has its
    own (店の文面 for its thanks.j2: built-in ones are always numbered), the file's name for
    any other file."""
    variant = re.fullmatch(rf"{re.escape(situation)}(?:-(\d+))?\.j2", name)
    if variant is None:
        return name
    if variant.group(1) is None:
        return _("店の文面")
    number = int(variant.group(1))
    if own_folder is not None and (own_folder / name).is_file():
        return _("店の文面 {n}", n=number)
    return _("文面 {n}", n=number)
