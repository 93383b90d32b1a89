"""--image: a hostile or broken picture is one clear error naming the file, found when the
message side's options are made (before any card is laid out, written or logged); the
colour modes PNG and JPEG files really come in are all placed."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from mailmerge.cli import main
from mailmerge.layout.message_side import MessageOptions
from mailmerge.layout.page import Page, Picture
from mailmerge.render.pdf import write_pdf
from mailmerge.sources import images
from mailmerge.sources.images import MAX_PIXELS, ImageInputError, check_image

DATA = Path(__file__).parent / "data"


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that declares width × height pixels of RGB but holds almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    return path


def cut_in_half(path: Path, image: Image.Image, kind: str) -> Path:
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


def noise(size: int = 200) -> Image.Image:
    return Image.effect_noise((size, size), 60).convert("RGB")


@pytest.mark.parametrize(("make", "code", "words"), [
    (lambda p: png_header_only(p / "bomb.png", 50_000, 50_000), "image-too-large", "40,000,000 画素"),
    (lambda p: png_header_only(p / "warn.png", 10_000, 10_000), "image-too-large", "画素数"),
    (lambda p: png_header_only(p / "big.png", 8_000, 6_000), "image-too-large", "8000×6000"),
    (lambda p: cut_in_half(p / "cut.png", noise(), "PNG"), "image-damaged", "途中で切れて"),
    (lambda p: cut_in_half(p / "cut.jpg", noise(), "JPEG"), "image-damaged", "途中で切れて"),
    (lambda p: p / "gone.png", "image-missing", "見つかりません"),
    (lambda p: (p / "notes.png").write_text("hello") and p / "notes.png", "image-unreadable",
     "画像として読めません"),
    (lambda p: p, "image-unreadable", "画像として読めません"),  # a folder
    (lambda p: noise(8).save(p / "logo.gif") or p / "logo.gif", "image-format", "GIF 形式"),
])
def test_a_bad_image_is_refused_when_the_options_are_made(tmp_path, make, code, words):
    path = make(tmp_path)
    with pytest.raises(ImageInputError) as raised:
        MessageOptions(image=path)
    assert raised.value.code == code
    message = str(raised.value)
    assert message.startswith(f"画像 {path}: ") and words in message
    assert "\n" not in message


def test_the_pixel_limit_is_forty_million_inclusive(tmp_path):
    assert MAX_PIXELS == 40_000_000
    with pytest.raises(ImageInputError, match="8001×5000"):
        check_image(png_header_only(tmp_path / "over.png", 8_001, 5_000))


def test_a_colour_mode_hagaki_does_not_know_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "palette.png"
    noise(8).convert("P").save(path)
    monkeypatch.setattr(images, "MODES", ("RGB",))
    with pytest.raises(ImageInputError, match=r"色の形式（P）") as raised:
        check_image(path)
    assert raised.value.code == "image-mode"


def test_a_changed_image_is_checked_again(tmp_path):
    import os

    path = tmp_path / "logo.png"
    noise(20).save(path)
    assert MessageOptions(image=path).image == path
    cut_in_half(path, noise(), "PNG")
    os.utime(path, ns=(1, 1))
    with pytest.raises(ImageInputError, match="途中で切れて"):
        MessageOptions(image=path)


def embedded(tmp_path: Path, path: Path) -> tuple[dict, Image.Image]:
    """The image XObject hagaki writes for `path`, and its pixels as pypdf reads them."""
    target = tmp_path / "card.pdf"
    page = Page(100.0, 148.0)
    page.pictures.append(Picture(str(path), 5.0, 5.0, 30.0, 30.0))
    write_pdf([page], target)
    xobjects = PdfReader(target).pages[0]["/Resources"]["/XObject"]
    (name,) = xobjects
    stream = xobjects[name].get_object()
    return stream, PdfReader(target).pages[0].images[0].image


def test_sixteen_bit_grey_is_scaled_down_not_clipped_to_white(tmp_path):
    path = tmp_path / "grey16.png"
    Image.new("I;16", (12, 10), 40_000).save(path)
    stream, pixels = embedded(tmp_path, path)
    assert (stream["/ColorSpace"], stream["/BitsPerComponent"]) == ("/DeviceGray", 8)
    assert pixels.getpixel((3, 3)) == 40_000 // 256


def test_cmyk_jpeg_and_sixteen_bit_rgb_png_become_rgb(tmp_path):
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(cmyk, quality=95)  # red
    stream, pixels = embedded(tmp_path, cmyk)
    assert stream["/ColorSpace"] == "/DeviceRGB" and "/Filter" in stream
    red, green, blue = pixels.convert("RGB").getpixel((8, 8))
    assert red > 200 and green < 60 and blue < 60
    rgb16 = tmp_path / "rgb16.png"
    rows = b"".join(b"\x00" + b"\xff\xff\x80\x00\x00\x00" * 4 for _ in range(3))
    header = struct.pack(">IIBBBBB", 4, 3, 16, 2, 0, 0, 0)
    rgb16.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in ((b"IHDR", header), (b"IDAT", zlib.compress(rows)), (b"IEND", b""))))
    stream, pixels = embedded(tmp_path, rgb16)
    assert (stream["/Width"], stream["/Height"], stream["/ColorSpace"]) == (4, 3, "/DeviceRGB")
    assert pixels.convert("RGB").getpixel((1, 1)) == (255, 128, 0)


def test_a_cameras_two_picture_jpeg_is_placed_decoded(tmp_path):
    path = tmp_path / "camera.jpg"
    Image.new("RGB", (32, 24), (0, 0, 200)).save(
        path, format="MPO", save_all=True, append_images=[Image.new("RGB", (32, 24))])
    with Image.open(path) as opened:
        assert opened.format == "MPO"
    assert check_image(path) == (32, 24)
    stream, _ = embedded(tmp_path, path)
    assert (stream["/Width"], stream["/ColorSpace"]) == (32, "/DeviceRGB")
    assert stream.get("/Filter") != "/DCTDecode"  # not the file with both pictures as it is


def test_a_palette_png_keeps_its_transparency_as_a_soft_mask(tmp_path):
    path = tmp_path / "palette.png"
    picture = Image.new("P", (10, 10), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    picture.putpixel((0, 0), 0)
    picture.save(path, transparency=0)
    stream, _ = embedded(tmp_path, path)
    assert stream["/ColorSpace"] == "/DeviceRGB" and "/SMask" in stream


def test_print_stops_before_any_card_is_written_or_logged(tmp_path):
    bomb = png_header_only(tmp_path / "bomb.png", 50_000, 50_000)
    out, log = tmp_path / "cards.pdf", tmp_path / "log.sqlite"
    result = CliRunner().invoke(main, [
        "print", str(DATA / "customers.csv"), "--side", "message", "--image", str(bomb),
        "--out", str(out), "--log", str(log), "--config", str(DATA / "hagaki.toml")])
    assert result.exit_code == 1
    assert f"画像 {bomb}: 画素数が多すぎます" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert not out.exists()
    listed = CliRunner().invoke(main, ["log", "list", "--log", str(log)])
    assert "C001" not in listed.output
