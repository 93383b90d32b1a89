"""Golden images: a few cards rendered by PDFium must match the approved PNGs.

After an intended change of the look, regenerate with HAGAKI_UPDATE_GOLDEN=1 pytest
tests/test_golden.py, look at the new PNGs, and commit them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pdfread import render_png
from PIL import Image, ImageChops

from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards

GOLDEN = Path(__file__).parent / "golden"
CASES = [("official", "C001"), ("official", "C004"), ("plain", "C008"), ("nenga", "C009")]
DIFFERENT_PIXEL = 64  # grey levels: more than anti-aliasing noise
MAX_DIFFERENT_SHARE = 0.002


@pytest.fixture(scope="module")
def printed_layouts(tmp_path_factory, customers_csv, settings):
    folder = tmp_path_factory.mktemp("golden")
    results = {}
    for layout in {layout for layout, _ in CASES}:
        out = folder / f"{layout}.pdf"
        report = print_cards(customers_csv, out, settings,
                             RunOptions(layout=layout, log=folder / f"{layout}.sqlite"))
        results[layout] = (out, [c.customer_id for c in report.printed])
    return results


@pytest.mark.parametrize(("layout", "customer_id"), CASES)
def test_the_card_looks_as_approved(printed_layouts, layout, customer_id):
    path, ids = printed_layouts[layout]
    image = render_png(path, ids.index(customer_id), scale=2.0)
    golden = GOLDEN / f"{layout}-{customer_id}.png"
    if os.environ.get("HAGAKI_UPDATE_GOLDEN"):
        image.save(golden)
    approved = Image.open(golden).convert("L")
    assert approved.size == image.size
    difference = ImageChops.difference(approved, image).point(
        lambda value: 255 if value > DIFFERENT_PIXEL else 0)
    histogram = difference.histogram()
    share = histogram[255] / (image.size[0] * image.size[1])
    assert share <= MAX_DIFFERENT_SHARE, f"{share:.2%} of pixels differ from {golden.name}"
