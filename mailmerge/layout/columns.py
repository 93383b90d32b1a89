"""Setting text in vertical columns: orientation, 縦中横, per-glyph font fallback, fitting.

In: a string, a font chain and a place (column centre, top, size). Out: GlyphRuns.
measure_column() turns text into pieces measured in em; place_column() puts them on the
page; fit() finds the size and condensing that make columns fit a length.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from typing import Literal

from msgspec import Struct

from mailmerge.layout.orientation import vertical_orientation
from mailmerge.layout.page import GlyphRun
from mailmerge.layout.units import pt_to_mm
from mailmerge.typeface.chain import FontChain, graphemes
from mailmerge.typeface.face import FontFace
from mailmerge.typeface.shaping import ShapedRun, shape

PieceKind = Literal["upright", "rotated", "tcy"]
MIN_CONDENSE = 0.7  # 平体 floor: glyphs keep at least 70% of their height
TCY_MAX_DIGITS = 2
# (never two digits of a longer number written 3,000 or 0120-123, nor digits in a Latin run)
_TCY_RUN = re.compile(rf"(?<![0-9０-９,.\-A-Za-z ])[0-9０-９]{{1,{TCY_MAX_DIGITS}}}"
                      rf"(?![0-9０-９,.\-A-Za-z ])")


class Piece(Struct, frozen=True):
    """A measured stretch of a column: shaped glyphs, how they stand, their length in em."""

    shaped: ShapedRun
    kind: PieceKind
    length_em: float


class Fit(Struct, frozen=True):
    size_pt: float
    condense: float


@functools.lru_cache(maxsize=4096)
def measure_column(text: str, chain: FontChain, field: str | None = None,
                   tcy: bool = True) -> tuple[Piece, ...]:
    """Cut a column's text into pieces (upright, rotated, 縦中横) and measure them.
    (Cached: the same text in the same chain measures the same on every card.)"""
    pieces: list[Piece] = []
    for kind, part in _orientation_runs(text, chain, tcy):
        for face, run in chain.split(part, field):
            pieces.append(_piece(face, run, kind))
    return tuple(pieces)


def column_length_em(pieces: Sequence[Piece], tracking: float = 0.0) -> float:
    """Length of a column in em at condense 1 (tracking after every glyph but the last)."""
    length = sum([p.length_em for p in pieces])
    if not tracking:
        return length
    glyphs = sum(len(p.shaped.glyphs) if p.kind != "tcy" else 1 for p in pieces)
    return length + tracking * max(glyphs - 1, 0)


def place_column(pieces: Sequence[Piece], x_mm: float, y_mm: float, size_pt: float,
                 condense: float = 1.0, tracking: float = 0.0) -> tuple[list[GlyphRun], float]:
    """Put pieces in a column centred on x from top y; return the runs and the bottom y."""
    em_mm = pt_to_mm(size_pt)
    runs: list[GlyphRun] = []
    y = y_mm
    for piece in pieces:
        face = piece.shaped.face
        upem = face.units_per_em
        if piece.kind == "upright":
            runs.append(GlyphRun(piece.shaped, x_mm, y, size_pt, "vertical", condense, tracking))
        elif piece.kind == "rotated":
            centre_em = (face.ascender + face.descender) / 2 / upem
            runs.append(GlyphRun(piece.shaped, x_mm - centre_em * em_mm, y, size_pt, "rotated",
                                 condense, tracking))
        else:
            width_mm = piece.shaped.length_units / upem * em_mm
            baseline = y + face.ascender / upem * em_mm * condense
            runs.append(GlyphRun(piece.shaped, x_mm - width_mm / 2, baseline, size_pt,
                                 "horizontal", condense))
        count = 1 if piece.kind == "tcy" else len(piece.shaped.glyphs)
        y += (piece.length_em + tracking * count) * em_mm * condense
    if runs and tracking:
        y -= tracking * em_mm * condense
    return runs, y


def squeeze_pieces(pieces: Sequence[Piece], excess_em: float,
                   half_width: frozenset[str]) -> tuple[Piece, ...]:
    """The pieces of a column made `excess_em` shorter (追い込み): first the glyphs whose text
    is in `half_width` (、。」…, not the column's last) give up to half their em, then the
    glyphs before the last full one give up an equal share (so the last full glyph still
    ends where the room does). Advances change, shapes do not; 縦中横 stays as it is."""
    if excess_em <= 0:
        return tuple(pieces)
    texts = [text for p in pieces if p.kind != "tcy" for text in p.shaped.texts]
    count = len(texts)
    tail = 2 if count > 1 and texts[-1] in half_width else 1  # a hanging 、。 and its glyph
    remaining = excess_em
    cuts = [0.0] * count
    for index, text in enumerate(texts[:-1]):
        if text in half_width and remaining > 0:
            cuts[index] = min(0.5, remaining)
            remaining -= cuts[index]
    even = remaining / max(count - tail, 1)
    for index in range(count - tail):
        cuts[index] += even
    squeezed = []
    index = 0
    for piece in pieces:
        if piece.kind == "tcy":
            squeezed.append(piece)
            continue
        upem = piece.shaped.face.units_per_em
        advances = []
        for advance in piece.shaped.advances:
            advances.append(round(advance - cuts[index] * upem))
            index += 1
        shaped = piece.shaped._replace(advances=tuple(advances))
        squeezed.append(Piece(shaped, piece.kind, shaped.length_em()))
    return tuple(squeezed)


def fit(length_em: float, available_mm: float, size_pt: float, min_size_pt: float,
        min_condense: float = MIN_CONDENSE) -> Fit | None:
    """Size and condensing that make `length_em` fit: condense first, then shrink; None if not."""
    if length_em <= 0:
        return Fit(size_pt, 1.0)
    natural_mm = length_em * pt_to_mm(size_pt)
    if natural_mm <= available_mm + 1e-9:
        return Fit(size_pt, 1.0)
    condense = available_mm / natural_mm
    if condense >= min_condense:
        return Fit(size_pt, condense)
    smaller = size_pt * available_mm / (natural_mm * min_condense)
    if smaller >= min_size_pt:
        return Fit(smaller, min_condense)
    return None


def _piece(face: FontFace, text: str, kind: PieceKind) -> Piece:
    shaped = shape(face, text, kind == "upright")
    length = shaped.length_em()
    if kind == "tcy":
        length = 1.0
    return Piece(shaped, kind, length)


def _orientation_runs(text: str, chain: FontChain, tcy: bool) -> list[tuple[PieceKind, str]]:
    """Split text into runs of one kind, keeping short digit runs together as 縦中横."""
    runs: list[tuple[PieceKind, str]] = []
    position = 0
    for match in (_TCY_RUN.finditer(text) if tcy else ()):
        _add_standing_runs(runs, text[position:match.start()], chain)
        runs.append(("tcy", "".join(chr(ord(c) - 0xFEE0) if c > "9" else c
                                    for c in match.group())))
        position = match.end()
    _add_standing_runs(runs, text[position:], chain)
    return runs


def _add_standing_runs(runs: list[tuple[PieceKind, str]], text: str, chain: FontChain) -> None:
    """Append text cut into upright and rotated runs (the first joins the last run if it
    stands the same way)."""
    upright = _upright_characters(chain)
    if upright.issuperset(text):  # kanji and kana only: the usual case
        groups: list[tuple[PieceKind, str]] = [("upright", text)] if text else []
    else:
        units = graphemes(text)
        groups = [(kind, "".join(part)) for kind, part in
                  itertools.groupby(units, lambda g: _stance(g, chain))]
        # (a variation selector stands "rotated" on its own, so never joins the set)
        upright.update(g for g in units if len(g) == 1 and _stance(g, chain) == "upright")
    for kind, part in groups:
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + part)
        else:
            runs.append((kind, part))


@functools.lru_cache(maxsize=16)
def _upright_characters(chain: FontChain) -> set[str]:
    """Single characters known to stand upright in this chain's columns (grows as met)."""
    return set()


@functools.lru_cache(maxsize=8192)
def _stance(grapheme: str, chain: FontChain) -> PieceKind:
    """Upright or rotated, from Vertical_Orientation and the font's vertical forms."""
    orientation = vertical_orientation(grapheme[0])
    if orientation in ("U", "Tu"):
        return "upright"
    if orientation == "R":
        return "rotated"
    face = chain.face_for(grapheme)
    if face is None or _has_vertical_form(face, grapheme):
        return "upright"
    return "rotated"


@functools.lru_cache(maxsize=4096)
def _has_vertical_form(face: FontFace, grapheme: str) -> bool:
    """Does the font's `vert` feature replace this character (Tr: ー, 〜, …)?"""
    nominal = face.hb_font.get_nominal_glyph(ord(grapheme[0]))
    return shape(face, grapheme, True).glyphs[0] != nominal
