"""Build mailmerge/data/vertical_orientation.json from Unicode's VerticalOrientation.txt.

In: mailmerge/data/VerticalOrientation.txt (UAX #50, bundled with its licence). Out: the
JSON table mailmerge.layout.orientation reads at start-up: the value of code points the file
leaves out, and each range of code points with one value (neighbouring ranges of one value
joined), by first code point. Parsing the text file took a run 4 ms; the table loads in a
tenth of one. tests/test_orientation_table.py checks that the two agree.

Usage: python tools/build_orientation_table.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "mailmerge" / "data"
SOURCE = DATA / "VerticalOrientation.txt"
OUT = DATA / "vertical_orientation.json"
_ENTRY = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*(U|R|Tu|Tr)\b", re.M)
_MISSING = re.compile(r"^# @missing: [0-9A-F]+\.\.[0-9A-F]+; (U|R|Tu|Tr)", re.M)


def orientation_table(text: str) -> dict:
    """{"default": value, "ranges": [[first, last, value], …]} from the UCD file's text."""
    entries = sorted((int(first, 16), int(last or first, 16), value)
                     for first, last, value in _ENTRY.findall(text))
    ranges: list[list] = []
    for first, last, value in entries:
        if ranges and ranges[-1][2] == value and ranges[-1][1] + 1 == first:
            ranges[-1][1] = last
        else:
            ranges.append([first, last, value])
    missing = _MISSING.search(text)
    return {"default": missing.group(1) if missing else "R", "ranges": ranges}


def main() -> None:
    table = orientation_table(SOURCE.read_text("utf-8"))
    OUT.write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(table['ranges'])} ranges)")


if __name__ == "__main__":
    main()
