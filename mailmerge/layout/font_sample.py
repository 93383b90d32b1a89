"""A font sample: a few lines of text set in a role's font chain, the way a card would set them.

In: a role's FontChain and the lines to show. Out: a Page SAMPLE_WIDTH wide, one horizontal
line of SAMPLE_PT text per line of input (made smaller when it would not fit), each character
in the first font of the chain that draws it; a character no font draws is left to the first
font (it shows as its empty box, as a warning).
"""

from __future__ import annotations

from collections.abc import Sequence

from mailmerge.layout.page import GlyphRun, Page
from mailmerge.layout.units import pt_to_mm
from mailmerge.typeface.chain import FontChain, graphemes
from mailmerge.typeface.face import FontFace
from mailmerge.typeface.shaping import shape

SAMPLE_WIDTH = 120.0  # mm
MARGIN = 4.0  # mm around the text
SAMPLE_PT = 18.0
LINE_GAP = 1.6  # line pitch, in text sizes
EM_HEIGHT = 1.3  # one line's height (ascent, descent and a little air), in text sizes
BASELINE = 1.05  # a line's baseline below its top, in text sizes


def sample_height(lines: int) -> float:
    """The page height (mm) for this many lines."""
    return 2 * MARGIN + pt_to_mm(SAMPLE_PT) * (LINE_GAP * (lines - 1) + EM_HEIGHT)


def font_sample_page(chain: FontChain, lines: Sequence[str]) -> Page:
    """The sample page of `lines` set in `chain` (see the module)."""
    page = Page(SAMPLE_WIDTH, sample_height(len(lines)))
    pitch = pt_to_mm(SAMPLE_PT) * LINE_GAP
    for number, line in enumerate(lines):
        pieces = [shape(face, text, False) for face, text in _pieces(chain, line)]
        length_em = sum(piece.length_em() for piece in pieces)
        size = min(SAMPLE_PT, (SAMPLE_WIDTH - 2 * MARGIN) / max(pt_to_mm(length_em), 1e-9))
        x = MARGIN
        baseline = MARGIN + pitch * number + pt_to_mm(SAMPLE_PT) * BASELINE
        for piece in pieces:
            page.runs.append(GlyphRun(piece, x, baseline, size, "horizontal"))
            x += pt_to_mm(piece.length_em() * size)
    return page


def _pieces(chain: FontChain, text: str) -> list[tuple[FontFace, str]]:
    """`text` cut where the drawing font changes."""
    pieces: list[tuple[FontFace, str]] = []
    for grapheme in graphemes(text):
        face = chain.face_for(grapheme) or chain.primary
        if pieces and pieces[-1][0] is face:
            pieces[-1] = (face, pieces[-1][1] + grapheme)
        else:
            pieces.append((face, grapheme))
    return pieces
