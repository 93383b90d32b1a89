"""Comparing Japanese names and addresses the way people write them.

In: text as typed. Out: a match key — text folded so that two spellings of the same name or
address give the same key. A key is for comparing only: never print it (printing keeps the
text exactly as typed, 髙 and 葛󠄀 included).

Folded: full/half-width letters, digits and kana (NFKC), upper/lower case, variation selectors
(U+FE00–FE0F, U+E0100–E01EF), whitespace and zero-width characters, a leading 〒, dash-like
characters (all become '-'; ー too, except after kana, where it is the long-vowel mark as in
コーポ), small ヶ/ヵ (as in 霞ヶ関 / 霞ケ関), and old or variant kanji forms (髙→高, 﨑→崎, 邊→辺,
澤→沢 …) by the table in data/kanji_variants.tsv, built from Unihan, KANJIDIC2 and OpenCC by
tools/build_kanji_variants.py.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from mailmerge.package_files import package_file

DASHES = "‐‒–—―−⁃─━˗"  # as NFKC leaves them (it turns －, ﹣, ‑ and ｰ into these or -)
VARIATION_SELECTORS = [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_LONG_VOWEL_AS_DASH = re.compile("(?<![ぁ-ゖァ-ヺー])ー")


@functools.lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """'〒 東京都葛󠄀飾区青戸１ー２' → '東京都葛飾区青戸1-2'; 'ＴＡＫＡＨＡＳＨＩ 髙橋' →
    'takahashi高橋'. Equal keys: the same name or address, however it was typed. (Cached:
    a list's names come back on many rows, and every row is keyed several times.)"""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    folded = text.translate(_folding_table())
    if "ー" in folded:
        folded = _LONG_VOWEL_AS_DASH.sub("-", folded)
    return "".join(folded.split()).removeprefix("〒").casefold()


@functools.cache
def kanji_variants() -> dict[str, str]:
    """The shipped table: variant kanji → its common form (each form maps to itself)."""
    table = package_file("data", "kanji_variants.tsv")
    rows = (line.split("\t") for line in table.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#"))
    return {variant: form for variant, form, *_code_points in rows}


# Name kanji outside JIS X 0208 and CP932, which a Shift_JIS export (楽天, Outlook, old
# registers) can only write as the everyday kanji they are a form of: 𠮷田 arrives as 吉田.
# Not variants in the dictionaries above (they are look-alike forms people insist on), so
# they are listed here; comparing only, the card keeps what was typed.
SHIFT_JIS_STAND_INS = {"𠮷": "吉", "𡈽": "土", "𣘺": "橋"}


@functools.cache
def _folding_table() -> dict[int, str | None]:
    """str.translate table: kanji variants, Shift_JIS stand-ins, dashes, ヶ/ヵ; selectors and
    zero-widths dropped."""
    table: dict[int, str | None] = {ord(v): f for v, f in kanji_variants().items()}
    table.update({ord(v): kanji_variants().get(f, f) for v, f in SHIFT_JIS_STAND_INS.items()})
    table.update({ord(dash): "-" for dash in DASHES})
    table.update({ord("ヶ"): "ケ", ord("ヵ"): "カ"})
    table.update(dict.fromkeys(VARIATION_SELECTORS))
    table.update(dict.fromkeys(map(ord, ZERO_WIDTH)))
    return table
