"""Breaking a paragraph into columns (or lines) the way a Japanese typesetter does.

In: one line of text, the room of one column in em, the width of each unit in em. Out: the
column texts. Units are characters (with their variation selectors), except that a Latin word
or a number (3,000 / 10 / OFF) is one unit: never broken. For each column, in this order:

1. it ends where the room ends, if that is a BudouX phrase end, or hangs a 、。 below the
   column's end (ぶら下げ);
2. else it takes the rest of the phrase when squeezing the column fits it (追い込み): each
   、。」』） inside gives up half its em, every unit a little (TIGHTEN_EM), and a final 、。
   hangs. A column that needs squeezing is longer than the room: squeeze_em() says by how
   much, for the layout to take back;
3. else the phrase moves to the next column (追い出し) if this one stays PHRASE_FILL full;
4. else it breaks inside the phrase before a subsidiary verb (お変わり｜ございませんか), or
   pushes the phrase if the column stays LOOSE_FILL full;
5. else (a phrase longer than the column) it breaks between characters, never leaving one or
   two characters before a 、。 for the next column (「…まいりまし｜た。」).
Kinsoku (禁則処理) holds throughout: no 、。」ー or small kana at the top of a column, no 「（
at its end.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import budoux

NO_START = set("、。，．・：；？！゛゜ヽヾゝゞ々〻ー」』）｝〕〉》】〙〗”’)]}…‥〜～"
               "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
NO_END = set("「『（｛〔〈《【〘〖“‘([{")
HANGING = set("、。，．")
SQUEEZABLE = set("、。，．」』）")  # their ink fills the upper half of the em: half can go
STOPS = set("、。，．！？")
PHRASE_FILL = 0.6  # push a phrase to the next column only if this one stays this full
LOOSE_FILL = 0.3  # … or this full, rather than break a word
# Subsidiary verbs a phrase may be broken before: お変わり｜ございません, お買い求め｜いただき.
SUBSIDIARY = ("ござ", "いただ", "頂", "くださ", "下さ", "いたし", "致し", "まいり", "参り",
              "申し", "存じ", "おり")
TIGHTEN_EM = 0.06  # what every unit may give up when a column is squeezed
SHORT_TAIL = 2  # never leave this many characters (or fewer) before a 、。 to the next column
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_WORD = "0-9A-Za-z\u00c0-\u024f"
_UNIT = re.compile(rf"[{_WORD}](?:[{_WORD}'’&\-]|[.,](?=[{_WORD}]))*|(?s:.)[{_SELECTORS}]*")


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def break_units(text: str) -> list[str]:
    """The unbreakable units of a line: characters, Latin words and numbers."""
    return _UNIT.findall(text)


def squeezable_em(units: Sequence[str]) -> float:
    """How much a column of these units can be squeezed, in em (a final 、。 hangs, so it
    is not counted)."""
    inner = units[:-1] if units and units[-1] in HANGING else units
    return sum(0.5 for u in inner if u in SQUEEZABLE) + TIGHTEN_EM * len(inner)


def squeeze_em(column: str, room_em: float, width: Callable[[str], float]) -> float:
    """How much longer than the room a column is (a final 、。 hangs and is not counted):
    what the layout must squeeze out of it; 0 when it fits."""
    units = break_units(column)
    if units and units[-1] in HANGING:
        units = units[:-1]
    return max(0.0, sum(map(width, units)) - room_em)


def break_paragraph(text: str, room_em: float, width: Callable[[str], float]) -> list[str]:
    """Column texts for one line of text; each fits `room_em` (after squeezing, see
    squeeze_em), plus at most one hanging 、。."""
    units = break_units(text)
    if not units:
        return []
    widths = [width(u) for u in units]
    phrase_ends = _phrase_ends(text)
    columns: list[str] = []
    start = 0
    while start < len(units):
        end = _column_end(units, widths, start, room_em, phrase_ends)
        columns.append("".join(units[start:end]))
        start = end
    return columns


def _column_end(units: list[str], widths: list[float], start: int, room_em: float,
                phrase_ends: frozenset[int]) -> int:
    """Where the column starting at `start` ends (the rules of the module docstring)."""
    end = _fill(widths, start, room_em)
    if end >= len(units):
        return len(units)
    if units[end] in HANGING and (end + 1 >= len(units) or units[end + 1] not in NO_START):
        return end + 1
    if end in phrase_ends and _allowed(units, start, end):
        return end
    squeezed = _squeeze_to_phrase(units, widths, start, end, room_em, phrase_ends)
    if squeezed is not None:
        return squeezed
    pushed = max((e for e in phrase_ends if start < e < end and _allowed(units, start, e)),
                 default=None)  # 追い出し: the last phrase end that fits
    filled = sum(widths[start:pushed]) / room_em if pushed is not None else 0.0
    if filled >= PHRASE_FILL:
        return pushed
    for candidate in range(end, start, -1):
        if "".join(units[candidate:candidate + 2]).startswith(SUBSIDIARY) \
                and _allowed(units, start, candidate) \
                and sum(widths[start:candidate]) >= room_em * LOOSE_FILL:
            return candidate
    if filled >= LOOSE_FILL:
        return pushed
    for candidate in range(end, start, -1):  # inside a long phrase
        if _allowed(units, start, candidate) and not _short_tail(units, candidate):
            return candidate
    for candidate in range(end, start, -1):
        if _allowed(units, start, candidate):
            return candidate
    return end


def _fill(widths: list[float], start: int, room_em: float) -> int:
    """The first index that no longer fits in a column starting at `start` (at least one
    unit per column)."""
    used = 0.0
    index = start
    while index < len(widths) and used + widths[index] <= room_em + 1e-9:
        used += widths[index]
        index += 1
    return max(index, start + 1)


def _allowed(units: list[str], start: int, end: int) -> bool:
    """Kinsoku: may a column run from `start` to `end` (exclusive)?"""
    return end > start and units[end] not in NO_START and units[end - 1] not in NO_END


def _squeeze_to_phrase(units: list[str], widths: list[float], start: int, end: int,
                       room_em: float, phrase_ends: frozenset[int]) -> int | None:
    """The end of the phrase that runs past the room, when squeezing the column fits it."""
    after = min((e for e in phrase_ends if e > end), default=len(units))
    if after < len(units) and not _allowed(units, start, after):
        return None
    kept = after - 1 if units[after - 1] in HANGING else after
    overflow = sum(widths[start:kept]) - room_em
    return after if overflow <= squeezable_em(units[start:after]) + 1e-9 else None


def _short_tail(units: list[str], end: int) -> bool:
    """Would the next column start with a word's last one or two characters and a 、。?"""
    return any(unit in STOPS for unit in units[end:end + SHORT_TAIL + 1])


@functools.lru_cache(maxsize=4096)
def _phrase_ends(text: str) -> frozenset[int]:
    """Unit indexes of break_units(text) where a BudouX phrase ends (a good place to break).
    (Cached: a line is broken again at every size the layout tries.)"""
    units = break_units(text)
    ends = set()
    starts_at = {}
    position = 0
    for index, unit in enumerate(units):
        starts_at[position] = index
        position += len(unit)
    position = 0
    for phrase in _parser().parse("".join(units)):
        position += len(phrase)
        if position in starts_at:  # a phrase end inside a unit is no place to break
            ends.add(starts_at[position])
    ends.add(len(units))
    return frozenset(ends)
