"""The 見本 (proof) mark: a red stamp across a card, so a proof is never mailed by mistake.

In: a laid-out Page and the font chain to draw with. Out: the same page with a red frame
and 見本 set large across its middle, on top of everything else.
"""

from __future__ import annotations

from mailmerge.layout.page import Box, GlyphRun, Page
from mailmerge.layout.units import PT_PER_MM
from mailmerge.typeface.chain import FontChain
from mailmerge.typeface.shaping import shape

MARK = "見本"
RED = (0.85, 0.1, 0.1)
SIZE_PT = 90.0
FRAME_MM = 1.2


def with_proof_mark(page: Page, chain: FontChain) -> Page:
    """The page with the 見本 stamp centred on it."""
    shaped = shape(chain.primary, MARK, vertical=False)
    size_mm = SIZE_PT / PT_PER_MM
    width = shaped.length_em() * size_mm
    x = (page.width_mm - width) / 2
    baseline = page.height_mm / 2 + size_mm * 0.38
    frame = Box(x - 4, page.height_mm / 2 - size_mm * 0.6, width + 8, size_mm * 1.2, RED,
                FRAME_MM, radius_mm=3.0)
    run = GlyphRun(shaped, x, baseline, SIZE_PT, "horizontal", color=RED)
    return Page(page.width_mm, page.height_mm, [*page.runs, run], [*page.boxes, frame],
                list(page.lines), list(page.pictures))
