"""Preparing text for vertical setting: full-width forms, numerals, hyphens, floors.

In: text as the user typed it and a numeral style. Out: the text to set. Names never pass
through here (they are printed exactly as typed); addresses and the sender's
details do.

Numbers, as card programs set them: a floor (2F, 40F, 5階) is written with 階 and, in the
kanji styles, with 十 (二階, 四十階); kanji_ten writes block numbers with 十 (二十四番地) but
rooms and other building numbers digit by digit (一二〇三号室), as it does the fourth and later
parts of a hyphenated number (1-2-3-1203) and a room's 号 (二五〇一号, but 一番二号); arabic
keeps the digits (full-width).
"""

from __future__ import annotations

import re

from mailmerge.japanese.text import (
    KANJI_DIGITS,
    KANJI_NUMERALS,
    kanji_positional,
    widen_halfwidth_kana,
)

NUMERAL_STYLES = ("kanji", "kanji_ten", "arabic")
HYPHENS = "-‐‑‒–—―−－ｰ─━"
_DIGITS = re.compile(r"[0-9０-９]+")
_FLOOR = re.compile(r"([0-9０-９]+)\s*(?:[FＦfｆ](?![A-Za-zＡ-Ｚａ-ｚ0-9０-９])|階)")
_BLOCK_AFTER = re.compile(r"丁目|丁|番地|番|地割|線|の|ノ|-|階")
# A number the user wrote in kanji before its unit (二丁目, 第三五地割, 十番地), but not a town's
# name (一番町, 三番丁, 十条仲原: 条 is left alone, Sapporo's 北一条 is a town).
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千]+"
                           r"(?=(?:丁目|番地|番|号|地割|線)(?![町丁通])|[-‐‑－−―])")
_FLOOR_MARKS = frozenset("FＦfｆ階")  # a floor is written with one of these
_HOUSE_NUMBER = re.compile(r"号(?!室)")  # 1番2号; a room's 2501号 has more digits
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
_TO_HYPHEN = str.maketrans(dict.fromkeys(HYPHENS, "-"))
_TO_ASCII_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})
_TO_KANJI_DIGITS = str.maketrans({str(d): KANJI_DIGITS[d] for d in range(10)}
                                 | {chr(0xFF10 + d): KANJI_DIGITS[d] for d in range(10)})


def to_fullwidth(text: str) -> str:
    """ASCII letters, digits, signs and spaces → their full-width forms."""
    return text.translate(_FULLWIDTH)


def convert_numerals(text: str, style: str) -> str:
    """Write digit runs in the numeral style: kanji (二四), kanji_ten (二十四) or arabic (24)."""
    if style == "kanji":
        return text.translate(_TO_KANJI_DIGITS)
    if style == "arabic":
        return text.translate(_TO_ASCII_DIGITS)
    if style == "kanji_ten":
        return _DIGITS.sub(_block_or_room, text)
    raise ValueError(f"unknown numeral style {style!r}; use one of {', '.join(NUMERAL_STYLES)}")


def kanji_to_digits(number: str) -> str:
    """A kanji number as ASCII digits: 二四 and 二十四 → 24, 一〇 → 10, 百三 → 103."""
    if not re.search("[十百千]", number):
        return "".join(str(KANJI_DIGITS.index(c)) for c in number)
    value, digit = 0, 0
    for char in number:
        if char in KANJI_DIGITS:
            digit = KANJI_DIGITS.index(char)
        else:
            value += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = 0
    return str(value + digit)


def _block_or_room(match: re.Match[str]) -> str:
    """kanji_ten: 十 in a block number (in front of 丁目 番地 号 ー 階, or one of the first
    three parts of 1ー2ー3); digit by digit in a room or building number."""
    text, start, end = match.string, match.start(), match.end()
    part = re.split(r"[\s\u3000]", text[:start])[-1].count("-")
    block = (_BLOCK_AFTER.match(text, end) or start > 0 and text[start - 1] == "-"
             or _HOUSE_NUMBER.match(text, end) and end - start <= 2)
    if block and part < 3:
        return _kanji_with_ten(match.group())
    return match.group().translate(_TO_KANJI_DIGITS)


def _kanji_with_ten(number: str) -> str:
    """二十四 for up to four digits (without a leading zero), digit by digit beyond."""
    digits = number.translate(_TO_ASCII_DIGITS)
    if len(digits) <= 4 and not digits.startswith("0"):
        return kanji_positional(int(digits))
    return digits.translate(_TO_KANJI_DIGITS)


def prepare_address(text: str, numeral_style: str) -> str:
    """An address line ready for vertical setting: 1-2-3 → 一ー二ー三, ﾋﾞﾙ → ビル, A → Ａ,
    40F → 四十階; block numbers typed in kanji follow the style too (arabic: 二丁目 → ２丁目)."""
    text = widen_halfwidth_kana(text.strip())
    text = text.translate(_TO_HYPHEN)
    if not KANJI_NUMERALS.isdisjoint(text):  # (most lines have none: no search then)
        text = _KANJI_NUMBER.sub(lambda m: kanji_to_digits(m.group()), text)  # one style
    if not _FLOOR_MARKS.isdisjoint(text):
        text = _FLOOR.sub(lambda m: _floor(m.group(1), numeral_style), text)
    text = convert_numerals(text, numeral_style).replace("-", "ー")
    return to_fullwidth(text)


def _floor(number: str, style: str) -> str:
    """A floor: 四十階 in the kanji styles, ４０階 in arabic."""
    if style == "arabic":
        return f"{number}階"
    return f"{_kanji_with_ten(number)}階"


# Where a prepared address may go on in the next column, best first (0 is best).
TOWN_END, AFTER_STREET, AFTER_CITY, IN_BUILDING = 0, 1, 2, 3
_NUM = "[〇一二三四五六七八九十百千０-９]"
_UNITS = "丁目|番地|番|号室|号館|号|地割|線|条|階|棟"
# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
# A number with its unit, or a hyphenated block number: never cut inside.
_NUMBER_UNIT = rf"第?{_NUM}+(?:ー{_NUM}+)*(?:{_UNITS})?"
# Where the block numbers begin (after the town): 西二線, 第三五地割, 一四号, 二丁目, 一二ー三.
_BLOCK_START = (rf"(?:[東西南北](?={_NUM}+[線号]))?第?{_NUM}+"
                          rf"(?:(?:丁目|番地|番|号|地割|線)(?![町丁通])|ー)")
_STREET_END = r"(?:上る|下る|上ル|下ル|東入ル?|西入ル?)(?=.)"
_VILLAGE = r"(?<!大)(?=大?字)"
_CITY_END = r"(?:^.{2,3}?[都道府県]|[市区郡])(?=[^市区郡町村])"
_NO_START = set("ー・、。）」』ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_LATIN_RUN = r"[Ａ-Ｚａ-ｚ]{2,}"


def _kinds(text: str) -> list[str]:
    """The script of each character, for phrase boundaries inside a building name: katakana,
    hiragana, number (a number with its unit: not the 八 of 八幡平) or other."""
    kinds = ["katakana" if "ァ" <= c <= "ヺ" or c == "ー" else
             "hiragana" if "ぁ" <= c <= "ゖ" else "other" for c in text]
    for match in re.finditer(_NUMBER_UNIT, text):
        if len(match.group()) > 1:
            kinds[match.start():match.end()] = ["number"] * (match.end() - match.start())
    return kinds


def address_breaks(text: str) -> dict[int, int]:
    """The places a prepared address line may be cut, each with its rank (TOWN_END best):
    after the town, after a Kyoto street or before 字, after the city, and inside a building
    at a space, after ・ or where the script changes; never inside a number with its unit,
    inside a Latin word, or before ー・、 or a small kana."""
    ranks: dict[int, int] = {}

    def add(position: int, rank: int) -> None:
        if 0 < position < len(text):
            ranks[position] = min(rank, ranks.get(position, rank))

    block = re.search(_BLOCK_START, text)
    if block:
        add(block.start(), TOWN_END)
    for space in re.finditer("\u3000+", text):
        add(space.start(), TOWN_END)
    for match in (*re.finditer(_STREET_END, text), *re.finditer(_VILLAGE, text)):
        add(match.end(), AFTER_STREET)
    for match in re.finditer(_CITY_END, text[: block.start() if block else len(text)]):
        add(match.end(), AFTER_CITY)
    kinds = _kinds(text)
    for index in range(1, len(text)):
        if text[index - 1] == "・" or kinds[index - 1] != kinds[index]:
            add(index, IN_BUILDING)
    whole = [*re.finditer(_NUMBER_UNIT, text), *re.finditer(_LATIN_RUN, text),
             *([block] if block else [])]
    forbidden = {i for m in whole for i in range(m.start() + 1, m.end())}
    return {position: rank for position, rank in ranks.items()
            if position not in forbidden and text[position] not in _NO_START
            and text[position - 1] not in "（「"}
