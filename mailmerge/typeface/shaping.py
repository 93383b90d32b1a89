"""HarfBuzz shaping of one run of text in one font, cached per distinct string.

In: a face, a string and a direction. Out: ShapedRun with glyph ids, the advance of each glyph
along the writing direction (font units, positive) and the text each glyph stands for.
Vertical runs are shaped top-to-bottom with `vert`/`vrt2`, which picks the vertical forms of
、。「」ー… and honours ideographic variation sequences.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

import uharfbuzz as hb

from mailmerge.typeface.face import FontFace

VERTICAL_FEATURES = {"vert": True, "vrt2": True}
HORIZONTAL_FEATURES: dict[str, bool] = {}
# Characters met so far that shape on their own in a column: top to bottom, HarfBuzz applies
# only single substitutions (vert, vrt2, locl, ccmp's one-to-one) and no positioning to a
# character that is not a mark, a variation selector, a joiner or another format character,
# nor one HarfBuzz joins to its neighbour's cluster (half-width ﾞ and ﾟ, emoji modifiers and
# flags, Hangul jamo and fillers), so a column's text is its characters shaped one by one,
# each cached: the same glyphs, advances and texts as the whole text (tests/test_shaping.py).
_STANDALONE: set[str] = set()
_JOINING = re.compile("[\uff9e\uff9f\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
                      "\uffa0\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff]")
# One object for each distinct character, glyph id and advance: the cached runs would
# otherwise hold a string or an int of their own for each glyph (76 bytes for a kanji).
_CHARACTERS: dict[str, str] = {}
_NUMBERS: dict[int, int] = {}


class ShapedRun(NamedTuple):
    """Glyphs of a shaped run; advances are along the writing direction, in font units.
    (A named tuple: made by the hundred thousand, and a cache key.)"""

    face: FontFace
    glyphs: tuple[int, ...]
    advances: tuple[int, ...]
    texts: tuple[str, ...]

    @property
    def length_units(self) -> int:
        return sum(self.advances)

    def length_em(self) -> float:
        return self.length_units / self.face.units_per_em


def shape(face: FontFace, text: str, vertical: bool) -> ShapedRun:
    """Shape `text` with `face`, top-to-bottom when `vertical`, else left-to-right. (A
    column of standalone characters is joined from each one's cached shaping, and not kept
    itself: every customer's address is a text of its own.)"""
    if vertical and len(text) > 1 and _all_standalone(text):
        return _joined(face, text) or _shaped(face, text, vertical)
    return _shaped(face, text, vertical)


def _all_standalone(text: str) -> bool:
    """Does every character of `text` shape on its own in a column (see _STANDALONE)?"""
    if _STANDALONE.issuperset(text):
        return True
    if _JOINING.search(text) or any(unicodedata.category(character)[0] in "MC"
                                    for character in text):
        return False
    _STANDALONE.update(text)
    return True


def _joined(face: FontFace, text: str) -> ShapedRun | None:
    """A column of standalone characters as one run of their one-glyph shapings (None if
    one of them is not one glyph)."""
    singles = _one_glyph_characters(face)
    try:
        found = [singles[character] for character in text]
    except KeyError:
        for character in set(text).difference(singles):
            run = _shaped(face, character, True)
            if len(run.glyphs) != 1:
                return None
            singles[character] = (run.glyphs[0], run.advances[0], run.texts[0])
        found = [singles[character] for character in text]
    glyphs, advances, texts = zip(*found, strict=True)
    return ShapedRun(face, glyphs, advances, texts)


@functools.lru_cache(maxsize=16)
def _one_glyph_characters(face: FontFace) -> dict[str, tuple[int, int, str]]:
    """Characters met so far that shape to one glyph in a column of `face`: (glyph, advance,
    text) each."""
    return {}


@functools.lru_cache(maxsize=16384)
def _shaped(face: FontFace, text: str, vertical: bool) -> ShapedRun:
    """HarfBuzz's shaping of the text (cached per distinct string)."""
    buffer = hb.Buffer()
    buffer.add_codepoints([ord(char) for char in text])
    buffer.direction = "ttb" if vertical else "ltr"
    buffer.script = "Hani"
    buffer.language = "ja"
    buffer.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    hb.shape(face.hb_font, buffer, VERTICAL_FEATURES if vertical else HORIZONTAL_FEATURES)
    infos = buffer.glyph_infos
    clusters = [info.cluster for info in infos]
    if clusters == list(range(len(text))):  # one glyph per character: the usual case
        character = _CHARACTERS.setdefault
        texts = tuple([character(char, char) for char in text])
    else:
        texts = _cluster_texts(text, clusters)
    number = _NUMBERS.setdefault
    if vertical:
        advances = [-position.y_advance for position in buffer.glyph_positions]
    else:
        advances = [position.x_advance for position in buffer.glyph_positions]
    return ShapedRun(face, tuple([number(glyph, glyph) for glyph in
                                  [info.codepoint for info in infos]]),
                     tuple([number(advance, advance) for advance in advances]), texts)


def _cluster_texts(text: str, clusters: list[int]) -> tuple[str, ...]:
    """Each glyph's text: from its cluster to the next cluster (clusters only grow in
    left-to-right and top-to-bottom runs); later glyphs of one cluster stand for ""."""
    texts = [""] * len(clusters)
    end = len(text)
    for index in range(len(clusters) - 1, -1, -1):
        cluster = clusters[index]
        if index == 0 or clusters[index - 1] != cluster:
            texts[index] = text[cluster:end]
            end = cluster
    return tuple(texts)
