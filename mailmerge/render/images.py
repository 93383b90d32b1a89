"""Raster images (a shop's logo or photo) as PDF image XObjects.

In: a PNG or JPEG file. Out: the number of its image object in a PdfFile. Grey and RGB JPEGs
are embedded as they are (DCTDecode); everything else (CMYK JPEG, palette, 1- to 16-bit PNG)
is decoded with Pillow, made 8-bit grey or RGB and stored Flate-compressed, with transparency
as a soft mask. A file that cannot be placed is an ImageInputError (sources/images.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mailmerge.render.pdf_file import PdfFile
from mailmerge.sources.images import open_image

if TYPE_CHECKING:
    from PIL import Image

GREY_MODES = ("1", "L", "LA")


def add_image(pdf: PdfFile, path: str) -> int:
    """Write the image at `path` into `pdf`; return its object number."""
    with open_image(path) as image:
        if image.format == "JPEG" and image.mode in ("L", "RGB"):
            return pdf.add_stream(Path(path).read_bytes(),
                                  _image_entries(image, "/Filter /DCTDecode"), compress=False)
        mask = ""
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            alpha = image.convert("RGBA").getchannel("A")
            if alpha.getextrema() != (255, 255):
                mask = f"/SMask {pdf.add_stream(alpha.tobytes(), _image_entries(alpha))} 0 R"
        pixels = _eight_bit(image)
        return pdf.add_stream(pixels.tobytes(), _image_entries(pixels, mask))


def _eight_bit(image: Image.Image) -> Image.Image:
    """Grey as 8-bit L (16-bit grey scaled down, not clipped to white), the rest as RGB."""
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert("L" if image.mode in GREY_MODES else "RGB")


def _image_entries(image: Image.Image, extra: str = "") -> str:
    space = "DeviceGray" if image.mode == "L" else "DeviceRGB"
    width, height = image.size
    return (f"/Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace /{space} /BitsPerComponent 8 {extra}").rstrip()

