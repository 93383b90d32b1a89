"""Unicode's Vertical_Orientation property (UAX #50) from the bundled VerticalOrientation.txt.

In: a character. Out: "U" (upright), "R" (rotated 90° clockwise), "Tu" or "Tr" (use the
font's vertical form; fall back to upright or rotated).
"""

from __future__ import annotations

import bisect
import functools
import re

from mailmerge.package_files import package_file

_LINE = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*(U|R|Tu|Tr)\b")
_MISSING = re.compile(r"^# @missing: [0-9A-F]+\.\.[0-9A-F]+; (U|R|Tu|Tr)")


@functools.cache
def _table() -> tuple[list[int], list[int], list[str], str]:
    text = package_file("data", "VerticalOrientation.txt").read_text("utf-8")
    starts: list[int] = []
    ends: list[int] = []
    values: list[str] = []
    default = "R"
    for line in text.splitlines():
        missing = _MISSING.match(line)
        if missing:
            default = missing.group(1)
            continue
        match = _LINE.match(line)
        if match:
            start = int(match.group(1), 16)
            starts.append(start)
            ends.append(int(match.group(2), 16) if match.group(2) else start)
            values.append(match.group(3))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return ([starts[i] for i in order], [ends[i] for i in order], [values[i] for i in order],
            default)


def vertical_orientation(char: str) -> str:
    """The Vertical_Orientation value of `char`."""
    starts, ends, values, default = _table()
    code = ord(char)
    index = bisect.bisect_right(starts, code) - 1
    if index >= 0 and code <= ends[index]:
        return values[index]
    return default
