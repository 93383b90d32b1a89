"""Breaking a paragraph into columns (or lines) the way a Japanese typesetter does.

In: one line of text, the room of one column in em, the width of each unit in em. Out: the
column texts. Units are characters (with their variation selectors), except that a Latin word
or a number (3,000 / 10 / OFF) is one unit: never broken.

Columns end only where a phrase ends (phrases): a BudouX phrase, with the words of
data/unbreakable_words.txt that BudouX splits (お聞かせ, 少しずつ) and a name with its
honorific (勘解由小路様, 関係者各位) kept whole, and a break allowed after a full-width space.
Of all the ways to break the line there, the one chosen costs least (break_paragraph):
- every column but the last should be full: its blank is paid for, squared;
- a column may run past the room when squeezing fits it (追い込み): each 、。」』） inside
  gives up half its em, every unit a little (TIGHTEN_EM); squeeze_em() says by how much,
  for the layout to take back. A final 、。 hangs below the column (ぶら下げ);
- the last column is never a word's tail of one or two characters (a lone 「皆様」): the
  phrase before it moves over instead;
- only a phrase longer than a column is broken inside, preferably before a subsidiary verb
  (お変わり｜ございませんか), never leaving one or two characters before a 、。.
Kinsoku (禁則処理) holds throughout: no 、。」ー or small kana at the top of a column, no 「（
at its end.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import accumulate

import budoux

from mailmerge.layout.recipient import HONORIFICS
from mailmerge.package_files import package_file

NO_START = set("、。，．・：；？！゛゜ヽヾゝゞ々〻ー」』）｝〕〉》】〙〗”’)]}…‥〜～"
               "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
NO_END = set("「『（｛〔〈《【〘〖“‘([{")
HANGING = set("、。，．")
SQUEEZABLE = set("、。，．」』）")  # their ink fills the upper half of the em: half can go
STOPS = set("、。，．！？")
SPACE = "\u3000"
# Subsidiary verbs a long phrase may be broken before: お変わり｜ございません.
SUBSIDIARY = ("ござ", "いただ", "頂", "くださ", "下さ", "いたし", "致し", "まいり", "参り",
              "申し", "存じ", "おり")
TIGHTEN_EM = 0.06  # what every unit may give up when a column is squeezed
SHORT_TAIL = 2  # a last column (or a word's tail before 、。) this short is avoided
# What a break costs, besides the blank it leaves (em squared).
SQUEEZE_COST = 4.0  # per em squeezed, squared: squeezing beats a column left 2 em short
SHORT_LAST_COST = 1_000.0
LONG_PHRASE_COST = 100.0  # inside a phrase longer than the column
SUBSIDIARY_COST = 50.0  # … before a subsidiary verb
INSIDE_COST = 10_000.0  # inside a phrase that fits a column: only when nothing else can
KINSOKU_COST = 100_000.0
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_WORD = "0-9A-Za-z\u00c0-\u024f"
_UNIT = re.compile(rf"[{_WORD}](?:[{_WORD}'’&\-]|[.,](?=[{_WORD}]))*|(?s:.)[{_SELECTORS}]*")
# A name: kanji (々〆ヶ), katakana (ー・) or Latin letters with their selectors, an honorific.
_NAME = re.compile(
    rf"(?:[\u3005\u3006\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    rf"\u30a1-\u30fc{_WORD}][{_SELECTORS}]*)+(?:{'|'.join(HONORIFICS)})")


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


@functools.cache
def unbreakable_words() -> tuple[str, ...]:
    """The words BudouX splits that stay whole (data/unbreakable_words.txt)."""
    text = package_file("data", "unbreakable_words.txt").read_text("utf-8")
    return tuple(word for line in text.splitlines()
                 if (word := line.strip()) and not word.startswith("#"))


def break_units(text: str) -> list[str]:
    """The unbreakable units of a line: characters, Latin words and numbers."""
    return _UNIT.findall(text)


def squeeze_em(column: str, room_em: float, width: Callable[[str], float]) -> float:
    """How much longer than the room a column is (a final 、。 hangs and is not counted):
    what the layout must squeeze out of it; 0 when it fits."""
    units = break_units(column)
    if units and units[-1] in HANGING:
        units = units[:-1]
    return max(0.0, sum(map(width, units)) - room_em)


@functools.lru_cache(maxsize=4096)
def phrases(text: str) -> tuple[str, ...]:
    """The line cut where a column may end: BudouX's phrases, unbreakable words and names
    with their honorific kept whole, a break after a full-width space (not the indent)."""
    ends = set(accumulate(map(len, _parser().parse(text))))
    ends |= {match.end() for match in re.finditer(SPACE, text) if match.start() > 0}
    kept = [match.span() for word in unbreakable_words()
            for match in re.finditer(re.escape(word), text)]
    for start, end in kept + [match.span() for match in _NAME.finditer(text)]:
        ends -= set(range(start + 1, end))
    ends -= {1} if text.startswith(SPACE) else set()
    cuts = [0, *sorted(end for end in ends if 0 < end < len(text)), len(text)]
    return tuple(text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a)


def break_paragraph(text: str, room_em: float, width: Callable[[str], float]) -> list[str]:
    """Column texts for one line of text, the cheapest way to break it (see the module's
    docstring); each fits `room_em` after squeezing (squeeze_em), plus one hanging 、。."""
    units = break_units(text)
    if not units:
        return []
    lengths = list(accumulate(map(width, units), initial=0.0))
    give = list(accumulate((TIGHTEN_EM + 0.5 * (u in SQUEEZABLE) for u in units),
                           initial=0.0))
    costs = _break_costs(units, lengths, room_em, _phrase_ends(text))
    starts = [0] * (len(units) + 1)
    best = [0.0] + [float("inf")] * len(units)
    for end in range(1, len(units) + 1):
        for start in range(end - 1, -1, -1):
            kept = end - 1 if units[end - 1] in HANGING and end - 1 > start else end
            over = lengths[kept] - lengths[start] - room_em
            if over > give[kept] - give[start] + 1e-9 and end - start > 1:
                break  # starting earlier only overflows more
            cost = best[start] + costs[end] + _column_cost(len(units), start, end, over)
            if cost < best[end]:
                best[end], starts[end] = cost, start
    return _columns(units, starts)


def _columns(units: list[str], starts: list[int]) -> list[str]:
    """The columns of the cheapest breaking, from where each one starts."""
    columns = []
    end = len(units)
    while end > 0:
        columns.append("".join(units[starts[end]:end]))
        end = starts[end]
    return columns[::-1]


def _column_cost(count: int, start: int, end: int, over: float) -> float:
    """What one column costs: its squeezing (`over` em past the room), the blank it leaves
    unless it is the last of `count` units, a last column of one or two characters."""
    cost = SQUEEZE_COST * over * over if over > 0 else 0.0
    if end < count:
        return cost + min(over, 0.0) ** 2
    if start > 0 and end - start <= SHORT_TAIL:
        cost += SHORT_LAST_COST
    return cost


def _break_costs(units: list[str], lengths: list[float], room_em: float,
                 phrase_ends: frozenset[int]) -> list[float]:
    """What ending a column after each unit costs by itself (`lengths`: the units' running
    total in em): nothing at a phrase end, more inside a phrase (least in one longer than a
    column), most against kinsoku."""
    costs = [0.0] * (len(units) + 1)
    bounds = sorted(phrase_ends | {0})
    for start, end in zip(bounds, bounds[1:], strict=False):
        long = lengths[end] - lengths[start] > room_em
        for index in range(start + 1, end):
            if not long:
                costs[index] = INSIDE_COST
            elif "".join(units[index:index + 2]).startswith(SUBSIDIARY):
                costs[index] = SUBSIDIARY_COST
            else:
                costs[index] = LONG_PHRASE_COST * (1 + _short_tail(units, index))
    for index in range(1, len(units)):
        if units[index] in NO_START or units[index - 1] in NO_END:
            costs[index] += KINSOKU_COST
    return costs


def _short_tail(units: list[str], end: int) -> bool:
    """Would the next column start with a word's last one or two characters and a 、。?"""
    return any(unit in STOPS for unit in units[end:end + SHORT_TAIL + 1])


@functools.lru_cache(maxsize=4096)
def _phrase_ends(text: str) -> frozenset[int]:
    """Unit indexes of break_units(text) where a phrase ends (a phrase end inside a unit is
    no place to break). (Cached: a line is broken again at every size the layout tries.)"""
    starts_at = dict(zip(accumulate(map(len, break_units(text)), initial=0),
                         range(len(text) + 1), strict=False))
    ends = accumulate(map(len, phrases(text)))
    return frozenset(starts_at[end] for end in ends if end in starts_at)
