"""Unicode's Vertical_Orientation property (UAX #50), from the bundled VerticalOrientation.txt.

In: a character. Out: "U" (upright), "R" (rotated 90° clockwise), "Tu" or "Tr" (use the
font's vertical form; fall back to upright or rotated).
"""

from __future__ import annotations

import bisect
import functools
import json

from mailmerge.package_files import package_file


@functools.cache
def _table() -> tuple[list[int], list[int], list[str], str]:
    """Each range's first and last code point and value, by first code point, and the value
    of code points in no range (built from the UCD file by tools/build_orientation_table.py)."""
    table = json.loads(package_file("data", "vertical_orientation.json").read_text("utf-8"))
    starts, ends, values = (list(column) for column in zip(*table["ranges"], strict=True))
    return starts, ends, values, table["default"]


def vertical_orientation(char: str) -> str:
    """The Vertical_Orientation value of `char`."""
    starts, ends, values, default = _table()
    code = ord(char)
    index = bisect.bisect_right(starts, code) - 1
    if index >= 0 and code <= ends[index]:
        return values[index]
    return default
