"""The start-up's Vertical_Orientation table is Unicode's file, every code point alike."""

from __future__ import annotations

import sys
from pathlib import Path

from mailmerge.layout import orientation
from mailmerge.layout.orientation import vertical_orientation

TOOLS = Path(__file__).resolve().parent.parent / "tools"


def test_the_shipped_table_is_built_from_unicodes_file():
    sys.path.insert(0, str(TOOLS))
    from build_orientation_table import OUT, SOURCE, orientation_table

    built = orientation_table(SOURCE.read_text("utf-8"))
    assert orientation._table() == ([first for first, _last, _value in built["ranges"]],
                                    [last for _first, last, _value in built["ranges"]],
                                    [value for _first, _last, value in built["ranges"]],
                                    built["default"])
    assert OUT.name == "vertical_orientation.json" and built["default"] == "R"


def test_values_of_characters_a_card_sets():
    assert [vertical_orientation(c) for c in "東あア𠮷Aー、「１"] == [
        "U", "U", "U", "U", "R", "Tr", "Tu", "Tr", "U"]
