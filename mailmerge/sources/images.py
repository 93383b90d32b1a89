"""A picture given with --image: opened safely, checked once before any card is made.

In: a path. Out: the decoded image (open_image) or its pixel size (check_image); any problem
is an ImageInputError naming the file and a code: image-missing, image-unreadable,
image-format (neither PNG nor JPEG), image-too-large (over MAX_PIXELS: a decompression bomb
or a needlessly large photo), image-damaged (cut short or corrupt), image-mode (a colour mode
that cannot be placed). Pillow is loaded only when an image is used.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mailmerge.errors import ConfigError
from mailmerge.i18n import _

if TYPE_CHECKING:
    from PIL import Image

# A whole postcard at 600 dpi is 8.3 million pixels, the 30 mm logo box 0.5 million.
MAX_PIXELS = 40_000_000
FORMATS = ("PNG", "JPEG", "MPO")  # MPO: a camera's JPEG with a second picture inside
# What Pillow makes of PNG (1/2/4/8/16-bit grey, palette, RGB, with alpha) and JPEG files.
MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "P", "PA", "RGB", "RGBA", "CMYK")


class ImageInputError(ConfigError):
    """The --image file cannot be placed; `code` says why."""

    def __init__(self, code: str, path: Path | str, message: str) -> None:
        super().__init__(_("画像 {file}: {problem}", file=path, problem=message))
        self.code = code


@contextlib.contextmanager
def open_image(path: Path | str) -> Iterator[Image.Image]:
    """The image at `path`, fully decoded, or an ImageInputError."""
    with _opened(path) as image:
        _decode(path, image)
        yield image


def check_image(path: Path | str) -> tuple[int, int]:
    """(width, height) in pixels of a placeable image, or an ImageInputError. Every byte is
    decoded (a cut-short file is found here), a JPEG at an eighth of its size."""
    with _opened(path) as image:
        size = image.size
        if image.format == "JPEG":
            image.draft(image.mode, (size[0] // 8, size[1] // 8))
        _decode(path, image)
    return size


@contextlib.contextmanager
def _opened(path: Path | str) -> Iterator[Image.Image]:
    """The image at `path` opened (not yet decoded), its header checked."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except FileNotFoundError:
        raise ImageInputError("image-missing", path, _("ファイルが見つかりません。"
                                                       "--image のパスを確かめてください")
                              ) from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_large(path) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageInputError("image-unreadable", path, _("画像として読めません。"
                                                          "PNG か JPEG で保存し直してください")
                              ) from None
    with image:
        _check_header(path, image)
        yield image


def _decode(path: Path | str, image: Image.Image) -> None:
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageInputError("image-damaged", path, _("ファイルが途中で切れているか壊れて"
                                                       "います。元の画像から保存し直してください")
                              ) from None


def _check_header(path: Path | str, image: Image.Image) -> None:
    """Refuse what is known before decoding: the format, the size and the colour mode."""
    if image.format not in FORMATS:
        raise ImageInputError("image-format", path, _(
            "{format} 形式の画像は使えません。PNG か JPEG で保存し直してください",
            format=image.format))
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_large(path, width, height)
    if image.mode not in MODES:
        raise ImageInputError("image-mode", path, _(
            "この色の形式（{mode}）は使えません。RGB の PNG か JPEG で保存し直してください",
            mode=image.mode))


def _too_large(path: Path | str, width: int = 0, height: int = 0) -> ImageInputError:
    """The error for an image of more than MAX_PIXELS (its size when known)."""
    if width and height:
        return ImageInputError("image-too-large", path, _(
            "画素数が多すぎます（{width}×{height} ピクセル）。上限は {limit:,} 画素です。"
            "縮小して保存し直してください", width=width, height=height, limit=MAX_PIXELS))
    return ImageInputError("image-too-large", path, _(
        "画素数が多すぎます。上限は {limit:,} 画素です。縮小して保存し直してください",
        limit=MAX_PIXELS))
