"""Raster images (a shop's logo or photo) as PDF image XObjects.

In: a PNG or JPEG file. Out: the number of its image object in a PdfFile. Grey and RGB JPEGs
are embedded as they are (DCTDecode); everything else is decoded with Pillow and stored
Flate-compressed, with transparency as a soft mask.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mailmerge.render.pdf_file import PdfFile

if TYPE_CHECKING:
    from PIL import Image

GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")


def add_image(pdf: PdfFile, path: str) -> int:
    """Write the image at `path` into `pdf`; return its object number."""
    from PIL import Image  # only runs that place an image pay for loading Pillow

    with Image.open(path) as image:
        image.load()
        if image.format == "JPEG" and image.mode in ("L", "RGB"):
            return pdf.add_stream(Path(path).read_bytes(),
                                  _image_entries(image, "/Filter /DCTDecode"), compress=False)
        grey = image.mode in GREY_MODES
        mask = ""
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            alpha = image.convert("RGBA").getchannel("A")
            if alpha.getextrema() != (255, 255):
                mask = f"/SMask {pdf.add_stream(alpha.tobytes(), _image_entries(alpha))} 0 R"
        pixels = image.convert("L" if grey else "RGB")
        return pdf.add_stream(pixels.tobytes(), _image_entries(pixels, mask))


def _image_entries(image: Image.Image, extra: str = "") -> str:
    space = "DeviceGray" if image.mode == "L" else "DeviceRGB"
    width, height = image.size
    return (f"/Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace /{space} /BitsPerComponent 8 {extra}").rstrip()

