"""Reading a customer barcode back from a printed PDF: bars → F/A/D/T → characters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from mailmerge.japanese.barcode import BARS

MM = 72 / 25.4
_BY_BARS = {bars: char for char, bars in BARS.items()}


@dataclass(frozen=True)
class PrintedBarcode:
    characters: list[str]  # the 21 between start and stop
    left: float  # mm from the card's top-left corner
    top: float
    right: float
    bottom: float
    pitches: set[float]
    widths: set[float]


def read_barcode(path: Path, page: int) -> PrintedBarcode:
    """Decode the filled black bars of one page by their heights and tops alone."""
    with pdfplumber.open(path) as pdf:
        rects = [r for r in pdf.pages[page].rects
                 if r["fill"] and r["non_stroking_color"] in ((0,), (0, 0, 0), [0], [0, 0, 0])]
    bars = sorted(rects, key=lambda r: r["x0"])
    assert len(bars) == 67, len(bars)
    top = min(b["top"] for b in bars) / MM
    long = max(b["bottom"] - b["top"] for b in bars) / MM
    kinds = []
    for bar in bars:
        height = (bar["bottom"] - bar["top"]) / MM
        starts_at_top = bar["top"] / MM - top < long / 6
        if height > long * 0.85:
            kinds.append("F")
        elif height < long * 0.5:
            kinds.append("T")
        else:
            kinds.append("A" if starts_at_top else "D")
    decoded = "".join(kinds)
    assert decoded[:2] == "FD" and decoded[-2:] == "DF", decoded
    characters = [_BY_BARS[decoded[i:i + 3]] for i in range(2, 65, 3)]
    return PrintedBarcode(
        characters, bars[0]["x0"] / MM, top, bars[-1]["x1"] / MM,
        max(b["bottom"] for b in bars) / MM,
        {round((b["x0"] - a["x0"]) / MM, 2) for a, b in zip(bars, bars[1:], strict=False)},
        {round((b["x1"] - b["x0"]) / MM, 2) for b in bars})


def address_data(characters: list[str]) -> str:
    """The 13 address characters as text: digits, hyphens, letters (CC1-3 + digit)."""
    text, index = "", 0
    data = characters[7:20]
    while index < len(data):
        char = data[index]
        if char in ("CC1", "CC2", "CC3") and index + 1 < len(data):
            base = {"CC1": 0, "CC2": 10, "CC3": 20}[char]
            text += chr(ord("A") + base + int(data[index + 1]))
            index += 2
            continue
        if char != "CC4":
            text += char if not char.startswith("CC") else f"<{char}>"
        index += 1
    return text
