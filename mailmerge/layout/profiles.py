"""Card profiles: the geometry of a card stock, read from layouts/*.toml.

In: a profile name (bundled) or a path to a TOML file. Out: a CardProfile. Every length is in
millimetres from the card's top-left corner (x right, y down), as Japan Post measures.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.package_files import package_file
from mailmerge.shop.tomlread import (
    COLOUR,
    FLAG,
    NUMBER,
    NUMBERS,
    SEVEN_NUMBERS,
    TEXT,
    Optional,
    read_toml,
)

DEFAULT_PROFILE = "official"
CARD_WIDTH, CARD_HEIGHT = (90.0, 107.0), (140.0, 154.0)  # 郵便はがき: Japan Post's limits
POSTMARK_AREA = (35.0, 70.0)  # 切手・消印: x 0-35, y 0-70 mm (barcode manual p13)
MESSAGE_LAYOUT = "message"  # layouts/message.toml is the message side's, not a card profile
_BOXES = {"lefts": SEVEN_NUMBERS, **dict.fromkeys(("top", "width", "height", "digit_height"),
                                                   NUMBER)}
_AREA = {"columns": NUMBERS, **dict.fromkeys(("top", "bottom", "size_pt", "min_size_pt"),
                                              NUMBER)}
# Every key of a profile, each required (but [header] and [nenga_mark]), and its kind.
SCHEMA = {
    "card": {"title": TEXT, "width": NUMBER, "height": NUMBER},
    "boxes": {"draw": FLAG, "color": COLOUR, "line": NUMBER},
    "header": Optional({"text": TEXT, **dict.fromkeys(("x", "y", "size_pt"), NUMBER)}),
    "recipient_postal": _BOXES,
    "sender_postal": _BOXES,
    "address": {**_AREA, "indent_em": NUMBER},
    "name": {**_AREA, "joint_pitch_em": NUMBER},
    "company": _AREA,
    "sender_address": _AREA,
    "sender_name": _AREA,
    "barcode": dict.fromkeys(("left", "top", "grade_pt"), NUMBER),
    "nenga_mark": Optional(dict.fromkeys(("x", "top", "size_pt"), NUMBER)),
}


class DigitBoxes(Struct, frozen=True):
    """A row of postal-code boxes: each box's left edge, the shared top, width and height."""

    lefts: tuple[float, ...]
    top: float
    width: float
    height: float
    digit_height: float  # ink height of a printed digit

    def centre(self, index: int) -> tuple[float, float]:
        return self.lefts[index] + self.width / 2, self.top + self.height / 2


class Area(Struct, frozen=True):
    """A column area: columns centred at `columns` x positions, text between top and bottom."""

    columns: tuple[float, ...]
    top: float
    bottom: float
    size_pt: float
    min_size_pt: float


class CardProfile(Struct, frozen=True):
    name: str
    title: str
    width: float
    height: float
    recipient_boxes: DigitBoxes
    sender_boxes: DigitBoxes
    draw_boxes: bool
    box_color: tuple[float, float, float]
    box_line: float
    header_text: str  # printed at the top ("郵便はがき") on privately made cards, else ""
    header_x: float
    header_y: float
    header_size_pt: float
    address: Area
    address_indent_em: float  # the continuation (building) column starts this much lower
    recipient_name: Area  # columns[0] is the centre of the name block
    joint_pitch_em: float  # distance between 連名 columns, in em of the name size
    company: Area
    sender_address: Area
    sender_name: Area
    barcode_left: float  # where the customer barcode goes (its top-left corner)
    barcode_top: float
    barcode_grade_pt: float  # 8 to 11.5; 10 is the reference size
    # Where a 年賀状 on this paper gets its red 年賀 (column centre x, top, size); None on
    # 年賀はがき, which carry it printed.
    nenga_mark: tuple[float, float, float] | None = None


def bundled_profiles() -> list[str]:
    folder = package_file("layouts")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml") and p.name != f"{MESSAGE_LAYOUT}.toml")


def load_profile(name_or_path: str = DEFAULT_PROFILE) -> CardProfile:
    """Load a bundled profile by name, or a TOML file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        if not path.is_file():
            raise ConfigError(_("レイアウトファイルがありません: {file}", file=path))
    elif name_or_path in bundled_profiles():
        path = package_file("layouts", f"{name_or_path}.toml")
    else:
        raise ConfigError(_("レイアウト {name!r} はありません。{names} のどれか、または "
                            ".toml のレイアウトファイルを指定してください", name=name_or_path,
                            names=", ".join(bundled_profiles())))
    data = read_toml(path, SCHEMA, complete=True)
    _check_geometry(data, path)
    return _parse(data, path.stem)


def _check_geometry(data: dict, path: Path) -> None:
    """A card Japan Post takes (私製はがき: 90-107 mm by 140-154 mm), and a red 年賀 in the
    stamp's column below the postmark area (x 0-35, y 0-70), on the card."""
    width, height = float(data["card"]["width"]), float(data["card"]["height"])
    if not (CARD_WIDTH[0] <= width <= CARD_WIDTH[1] and CARD_HEIGHT[0] <= height <= CARD_HEIGHT[1]):
        raise ConfigError(_("{file}: [card] width {width:g} × height {height:g} mm は郵便はがきの"
                            "大きさではありません（幅 {w0}〜{w1} mm、高さ {h0}〜{h1} mm）",
                            file=path, width=width, height=height, w0=CARD_WIDTH[0],
                            w1=CARD_WIDTH[1], h0=CARD_HEIGHT[0], h1=CARD_HEIGHT[1]))
    mark = data.get("nenga_mark")
    if mark is None:
        return
    em = float(mark["size_pt"]) * 25.4 / 72
    x, top = float(mark["x"]), float(mark["top"])
    if not (em / 2 <= x <= POSTMARK_AREA[0] - em / 2 and POSTMARK_AREA[1] <= top
            and top + 2 * em <= height):
        raise ConfigError(_("{file}: [nenga_mark] x {x:g}, top {top:g}: 年賀は切手の列（左から "
                            "{column:g} mm まで）の、消印の場所（上から {postmark:g} mm まで）"
                            "より下に入れてください", file=path, x=x, top=top,
                            column=POSTMARK_AREA[0], postmark=POSTMARK_AREA[1]))


def _boxes(data: dict) -> DigitBoxes:
    return DigitBoxes(tuple(float(x) for x in data["lefts"]), float(data["top"]),
                      float(data["width"]), float(data["height"]), float(data["digit_height"]))


def _area(data: dict) -> Area:
    return Area(tuple(float(x) for x in data["columns"]), float(data["top"]),
                float(data["bottom"]), float(data["size_pt"]), float(data["min_size_pt"]))


def _parse(data: dict, name: str) -> CardProfile:
    """The profile from data holding every key, each of its kind (tomlread checked it)."""
    card = data["card"]
    header = data.get("header", {})
    boxes = data["boxes"]
    return CardProfile(
        name=name,
        title=card["title"],
        width=float(card["width"]),
        height=float(card["height"]),
        recipient_boxes=_boxes(data["recipient_postal"]),
        sender_boxes=_boxes(data["sender_postal"]),
        draw_boxes=boxes["draw"],
        box_color=tuple(float(c) for c in boxes["color"]),
        box_line=float(boxes["line"]),
        header_text=header.get("text", ""),
        header_x=float(header.get("x", 0)),
        header_y=float(header.get("y", 0)),
        header_size_pt=float(header.get("size_pt", 0)),
        address=_area(data["address"]),
        address_indent_em=float(data["address"]["indent_em"]),
        recipient_name=_area(data["name"]),
        joint_pitch_em=float(data["name"]["joint_pitch_em"]),
        company=_area(data["company"]),
        sender_address=_area(data["sender_address"]),
        sender_name=_area(data["sender_name"]),
        barcode_left=float(data["barcode"]["left"]),
        barcode_top=float(data["barcode"]["top"]),
        barcode_grade_pt=float(data["barcode"]["grade_pt"]),
        nenga_mark=(tuple(float(data["nenga_mark"][key]) for key in ("x", "top", "size_pt"))
                    if "nenga_mark" in data else None),
    )


def private_card(profile: CardProfile) -> CardProfile:
    """The profile as a privately made card (私製はがき: a card cut from plain paper must
    carry 郵便はがき, and has no pre-printed boxes, nor a printed 年賀): the red boxes drawn,
    the plain card's header and 年賀 place added; everything else stays where the profile
    puts it."""
    if profile.draw_boxes and profile.header_text:
        return profile
    plain = load_profile("plain")
    return replace(profile, draw_boxes=True, box_color=plain.box_color, box_line=plain.box_line,
                   header_text=plain.header_text, header_x=plain.header_x,
                   header_y=plain.header_y, header_size_pt=plain.header_size_pt,
                   nenga_mark=profile.nenga_mark or plain.nenga_mark)
