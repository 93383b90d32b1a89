"""Breaking a paragraph into columns (or lines) the way a Japanese typesetter does.

In: a paragraph, the room of one column in em, the width of each character in em. Out: the
column texts. Breaks fall between BudouX phrases where that leaves the column reasonably
full, else between characters; then kinsoku (禁則処理) moves them: no 、。」ー or small kana at
the top of a column, no 「（ at the end; 、。 may hang below the column's end (ぶら下げ).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import budoux

from mailmerge.typeface.chain import graphemes

NO_START = set("、。，．・：；？！゛゜ヽヾゝゞ々〻ー」』）｝〕〉》】〙〗”’)]}…‥〜～"
               "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
NO_END = set("「『（｛〔〈《【〘〖“‘([{")
HANGING = set("、。，．")
PHRASE_FILL = 0.6  # break between phrases only if the column is at least this full


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def break_paragraph(text: str, room_em: float, width: Callable[[str], float]) -> list[str]:
    """Column texts for one paragraph; each fits `room_em`, plus at most one hanging 、。."""
    units = list(graphemes(text))
    if not units:
        return []
    phrase_ends = _phrase_ends(units)
    columns: list[str] = []
    start = 0
    while start < len(units):
        end = _fill(units, start, room_em, width)
        if end < len(units):
            end = _prefer_phrase(start, end, phrase_ends, room_em, units, width)
            end = _kinsoku(units, start, end)
        columns.append("".join(units[start:end]))
        start = end
    return columns


def _fill(units: list[str], start: int, room_em: float, width: Callable[[str], float]) -> int:
    """The first index that no longer fits in a column starting at `start`."""
    used = 0.0
    index = start
    while index < len(units) and used + width(units[index]) <= room_em + 1e-9:
        used += width(units[index])
        index += 1
    return max(index, start + 1)


def _phrase_ends(units: list[str]) -> set[int]:
    """Unit indexes where a BudouX phrase ends (a good place to break)."""
    ends = set()
    position = 0
    text_index = 0
    lengths = [len(u) for u in units]
    for phrase in _parser().parse("".join(units)):
        position += len(phrase)
        while text_index < len(units) and sum(lengths[: text_index + 1]) <= position:
            text_index += 1
        ends.add(text_index)
    return ends


def _prefer_phrase(start: int, end: int, phrase_ends: set[int], room_em: float,
                   units: list[str], width: Callable[[str], float]) -> int:
    """Move the break back to the last phrase end if the column stays full enough."""
    for candidate in range(end, start, -1):
        if candidate in phrase_ends:
            filled = sum(width(u) for u in units[start:candidate])
            if filled >= room_em * PHRASE_FILL:
                return candidate
            break
    return end


def _kinsoku(units: list[str], start: int, end: int) -> int:
    """Adjust a break so no column starts or ends with a forbidden character."""
    if units[end] in HANGING:
        return end + 1  # hang 、。 below the column instead of starting the next with it
    adjusted = end
    while adjusted - 1 > start and (units[adjusted] in NO_START or units[adjusted - 1] in NO_END):
        adjusted -= 1  # push the previous character to the next column (追い出し)
    return adjusted if adjusted > start else end
