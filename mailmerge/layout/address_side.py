"""The address side (宛名面) of a card, laid out per Japan Post's geometry.

In: a Customer, the Sender, a CardProfile, the address and name font chains and a numeral
style. Out: a Page whose glyph runs and boxes are placed in millimetres. A card that cannot be
laid out raises CardError (a glyph no font has, text too long even after fitting). The
sender's phone goes in a small column of its own left of the shop's name (sender_phone); when
the sender's place has no room for it, it is left off and sender_notes() says so.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from msgspec import Struct
from msgspec.structs import replace

from mailmerge.errors import CardError, TooLongError
from mailmerge.i18n import N_, _, ngettext
from mailmerge.japanese.barcode import bar_boxes
from mailmerge.japanese.text import widen_halfwidth_kana
from mailmerge.layout.columns import (
    Fit,
    Piece,
    column_length_em,
    fit,
    measure_column,
    place_column,
)
from mailmerge.layout.page import Box, GlyphRun, Line, Page
from mailmerge.layout.profiles import POSTMARK_AREA, Area, CardProfile, DigitBoxes
from mailmerge.layout.recipient import (
    GROUP_HONORIFICS,
    Person,
    Recipient,
    is_latin,
    recipient_of,
)
from mailmerge.layout.sender_phone import (
    PHONE_GAP_MM,
    phone_column,
    phone_size_pt,
    phone_text,
)
from mailmerge.layout.units import mm_to_pt, pt_to_mm
from mailmerge.layout.vertical_text import address_breaks, prepare_address
from mailmerge.models import Customer, Problem, Sender
from mailmerge.typeface.chain import FontChain
from mailmerge.typeface.face import FontFace
from mailmerge.typeface.shaping import shape

NAME_GAP_EM = 1.0  # family / given / honorific are one character apart
TITLE_RATIO = 0.55  # 役職 is set smaller, above the name
TITLE_GAP_EM = 0.5
ORGANISATION_GAP_EM = 0.5  # between a company name and 御中
MIN_JOINT_PITCH_EM = 1.5  # 連名 columns at least this far apart, so 様 様 様 reads down
JOINT_MIN_SIZE_PT = 11.0  # five 連名 beside a three-column address may shrink to this
CENTRED_SHARE = 0.85  # a name block moved off-centre takes this share of the widest room
NAME_CLEARANCE_MM = 2.0  # between the name block and the company or address columns
SENDER_CLEARANCE_MM = 6.0  # between the recipient's columns and the sender's
SENDER_MIN_LEFT_MM = 5.0  # the sender moves left to make room, not past this
NENGA_MARK = "年賀"  # on a 年賀状 that is not on 年賀はがき (spec/japan-post.md)
STAMP_CLEARANCE_MM = 0.5
HEADER_TRACKING_EM = 0.3
QUIET_ZONE_MM = 2.0  # around the customer barcode
HONORIFIC_WARNING = "honorific"  # Problem code: an honorific that looks wrong
INDICIA_LEFT, INDICIA_TOP, INDICIA_SIZE = 6.0, 6.0, 24.0  # a circle where the stamp goes
ADDRESS_FLOOR_PT = 9.0  # the recipient's address is never smaller (nor under 70 % width)
SENDER_FLOOR_PT = 8.0  # the sender's text is never smaller
SENDER_EXTRA_COLUMNS = 2  # more sender address columns than the profile's (the name moves)
SENDER_BELOW_PT = 1.0  # the sender's text stays this much smaller than the recipient's address
NAME_OVER_ADDRESS = 1.25  # the name at least this much larger than the address, else the
ADDRESS_STEP_PT = 1.0  # address is made smaller by steps of this, down to its floor
LIGHT_CONDENSE = 0.85  # condensing down to this counts as full size: more columns only below
SENDER_BOX_GAP_MM = 4.5  # between the sender's text and its postal-code boxes
# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
_NUMBER_BLOCK = r"[0-9０-９]+(?:\s*[-‐‑－−ー―]\s*[0-9０-９]+)*"
_NOT_BUILDING = r"^(?:丁目|番地|番|号|の|地割|線|条|[-‐‑－−ー―]|[0-9０-９])"
_DIGIT_PAIR = re.compile(r"(?<![0-9０-９])[0-9０-９]{2}(?![0-9０-９])")


class Indicia(Struct, frozen=True):
    """料金別納郵便 / 料金後納郵便 with the post office's name (e.g. 渋谷)."""

    label: str  # 料金別納 or 料金後納
    office: str


class AddressFonts(Struct, frozen=True):
    address: FontChain
    name: FontChain


def address_side(customer: Customer, sender: Sender, profile: CardProfile,
                 fonts: AddressFonts, numerals: str = "kanji",
                 barcode_bars: str | None = None, indicia: Indicia | None = None,
                 nenga_mark: bool = False) -> Page:
    """Lay out one address side; with `barcode_bars` (F/A/D/T per bar) the customer barcode
    is drawn where the profile puts it and the name keeps clear of it; with `indicia` the
    料金別納/料金後納 mark takes the stamp's place; with `nenga_mark` (a 年賀状) the red 年賀
    goes below the stamp where the profile puts it (no place on 年賀はがき: nothing)."""
    page = Page(profile.width, profile.height)
    if nenga_mark and profile.nenga_mark is not None:
        _nenga_mark(page, profile, fonts.address.primary)
    if indicia is not None:
        page.runs.extend(_indicia_runs(indicia, fonts.address))
        page.boxes.append(Box(INDICIA_LEFT, INDICIA_TOP, INDICIA_SIZE, INDICIA_SIZE,
                              (0.0, 0.0, 0.0), 0.35, INDICIA_SIZE / 2))
    if barcode_bars:
        _barcode(page, barcode_bars, profile)
        profile = _clear_of_barcode(profile)
    if profile.draw_boxes:
        _draw_boxes(page, profile)
    if profile.header_text:
        _header(page, profile, fonts.address.primary)
    _postal_digits(page, customer.postal_code, profile.recipient_boxes, fonts.address, "郵便番号")
    recipient = recipient_of(customer)
    company_pt = _organisation_columns(page, recipient, profile.company, fonts.name)
    address = profile.address
    if company_pt is not None and company_pt < address.size_pt:
        address = replace(address, size_pt=company_pt)  # the company is never the smaller
    sender_right, left_limit, with_phone = _sender_room(sender, profile, fonts, numerals)
    page, name_left, address_pt = _recipient(page, customer, recipient, profile, address,
                                             fonts, numerals, left_limit)
    if not sender.is_empty:
        move = round(min(0.0, name_left - SENDER_CLEARANCE_MM - sender_right), 2)
        cap = None if address_pt is None else _sender_cap(address_pt)
        page.runs.extend(_sender_runs(sender, profile, fonts, numerals, move, cap, with_phone))
    return page


@functools.lru_cache(maxsize=16)
def _sender_room(sender: Sender, profile: CardProfile, fonts: AddressFonts,
                 numerals: str) -> tuple[float, float, bool]:
    """The sender's right edge, the recipient's left limit and whether the phone is set:
    the same on every card of a run (the block moves, its room is kept)."""
    sender_right = _sender_right(profile) if not sender.is_empty else 0.0
    shift = _sender_max_shift(profile) if not sender.is_empty else 0.0
    with_phone = False
    if sender.phone and not sender.is_empty:
        whole = _sender_block(sender, profile, fonts, numerals)
        with_phone = whole.phone_set
        shift = max(0.0, min(shift, whole.left - SENDER_MIN_LEFT_MM)) if with_phone else shift
    left_limit = max(POSTMARK_AREA[0] + STAMP_CLEARANCE_MM,
                     sender_right - shift + SENDER_CLEARANCE_MM)
    return sender_right, left_limit, with_phone


@functools.lru_cache(maxsize=64)
def _sender_runs(sender: Sender, profile: CardProfile, fonts: AddressFonts, numerals: str,
                 move: float, cap_pt: float | None, with_phone: bool) -> tuple[GlyphRun, ...]:
    """The sender's block moved `move` mm (the caller rounds it to 0.01 mm), no text larger
    than `cap_pt`. (Cached: a run's cards share a few moves and caps.)"""
    return _sender_block(sender, _sender_moved(profile, move), fonts, numerals, cap_pt,
                         with_phone).runs


def _recipient(page: Page, customer: Customer, recipient: Recipient, profile: CardProfile,
               address: Area, fonts: AddressFonts, numerals: str,
               left_limit: float) -> tuple[Page, float, float | None]:
    """The address, then the name: the address is made smaller (its columns closer) until
    the name is NAME_OVER_ADDRESS times its size. Returns the page, the name block's left
    edge and the address's size (None without an address)."""
    lines = [(customer.address1, "住所1"), (customer.address2, "住所2")]
    floor = max(address.min_size_pt, ADDRESS_FLOOR_PT)
    cap = address.size_pt
    while True:
        trial = Page(page.width_mm, page.height_mm, list(page.runs), list(page.boxes),
                     list(page.lines), list(page.pictures))
        sized = address if cap == address.size_pt else replace(address, size_pt=cap)
        fitting = _address_columns(trial, lines, sized,
                                   profile.address_indent_em, fonts.address, numerals,
                                   N_("住所"), True, ADDRESS_FLOOR_PT)
        address_pt = fitting[0].size_pt if fitting else None
        smaller = address_pt is not None and address_pt > floor + 1e-6
        try:
            name_left, name_pt = _name_block(trial, recipient, profile, fonts.name, left_limit,
                                             _right_limit(trial, profile))
        except TooLongError:
            if not smaller:
                raise
        else:
            if not smaller or name_pt >= NAME_OVER_ADDRESS * address_pt:
                return trial, name_left, address_pt
        cap = max(floor, min(cap, address_pt) - ADDRESS_STEP_PT)


def _sender_cap(address_pt: float) -> float:
    """The largest size of the sender's text on a card whose address is `address_pt`
    (in half points, so the sender is laid out once per size)."""
    return math.floor((address_pt - SENDER_BELOW_PT) * 2) / 2


def address_warnings(customer: Customer) -> list[Problem]:
    """What looks wrong on the address side but is printed as typed (御中 on a person)."""
    recipient = recipient_of(customer)
    if recipient.people and recipient.honorific in GROUP_HONORIFICS:
        return [Problem(customer.row, customer.customer_id, "敬称", HONORIFIC_WARNING, "warning",
                        _("「{honorific}」は会社や部署に付ける敬称です。{name} さんは個人なので、"
                          "ふつうは「様」です（そのまま刷りました）",
                          honorific=recipient.honorific,
                          name=customer.family_name + customer.given_name))]
    return []


def split_building(address: str) -> tuple[str, str]:
    """Break an address before its building: ('港区芝公園4-2-8', '東京タワー3F').

    A space after the block number is the break; without one, the break goes after the first
    number block that a building name follows. Never inside a number or a word.
    """
    text = address.strip()
    first_digit = re.search(r"[0-9０-９]", text)
    if first_digit is None:
        return text, ""
    space = re.search(r"[ \u3000]+", text[first_digit.start():])
    if space:
        start = first_digit.start() + space.start()
        return text[:start].strip(), text[first_digit.start() + space.end():].strip()
    for block in re.finditer(_NUMBER_BLOCK, text):
        rest = text[block.end():]
        if rest and not re.match(_NOT_BUILDING, rest) and len(rest) >= 2:
            return text[:block.end()], rest
    return text, ""


@functools.lru_cache(maxsize=4096)
def _measure_address(text: str, chain: FontChain, field: str) -> tuple[Piece, ...]:
    """An address column's pieces: two digits side by side (縦中横), any other digit
    full-width and upright, one per character cell, so every digit has the same width.
    (Cached: each arrangement tried measures most columns again.)"""
    pieces: list[Piece] = []
    position = 0
    for pair in _DIGIT_PAIR.finditer(text):
        if pair.start() > position:
            pieces += measure_column(text[position:pair.start()], chain, field, tcy=False)
        pieces += measure_column(pair.group(), chain, field)
        position = pair.end()
    if position < len(text):
        pieces += measure_column(text[position:], chain, field, tcy=False)
    return tuple(pieces)


def _address_columns(page: Page, lines: list[tuple[str, str]], area: Area, indent_em: float,
                     chain: FontChain, numerals: str, what: str, top_aligned: bool,
                     floor_pt: float, extra_columns: int = 0) -> tuple[Fit, int] | None:
    """Set address lines in the area's columns (and `extra_columns` more to the left), right
    to left, one size for all (not below `floor_pt`), broken where address_breaks() allows;
    `what` (marked with N_) names them when they cannot fit. Returns the fitting and the
    number of columns used (None without text)."""
    parts: list[tuple[str, str]] = []
    for index, (text, field) in enumerate(lines):
        if index == 0 and not any(t.strip() for t, _field in lines[1:]):
            head, building = split_building(text)
            parts += [(head, field), (building, field)]
        else:
            parts.append((text, field))
    columns = [(prepare_address(t, numerals).strip("\u3000"), f) for t, f in parts if t.strip()]
    if not columns:
        return None
    if floor_pt > area.min_size_pt:
        area = replace(area, min_size_pt=floor_pt)
    best = _best_arrangement(columns, area, indent_em, chain, len(area.columns) + extra_columns)
    if best is None:
        raise TooLongError(_(what), _longest(
            [_measure_address(text, chain, field) for text, field in columns],
            [field for _text, field in columns])[1])
    fitting, measured = best
    em_mm = pt_to_mm(fitting.size_pt) * fitting.condense
    for x, pieces, index in zip(_column_xs(area, fitting.size_pt, len(measured)), measured,
                                range(len(measured)), strict=True):
        if top_aligned:
            top = area.top + (indent_em * em_mm if index else 0.0)
        else:
            top = area.bottom - column_length_em(pieces) * em_mm
        runs, _bottom = place_column(pieces, x, top, fitting.size_pt, fitting.condense)
        page.runs.extend(runs)
    return fitting, len(measured)


def _column_xs(area: Area, size_pt: float, count: int) -> list[float]:
    """Where `count` columns go: the area's first, then at its pitch, closer for a smaller
    size (so a smaller address leaves the name more room)."""
    pitch = area.columns[0] - area.columns[1] if len(area.columns) > 1 else 0.0
    pitch *= min(1.0, size_pt / area.size_pt)
    return [area.columns[0] - index * pitch for index in range(count)]


def _best_arrangement(columns: list[tuple[str, str]], area: Area, indent_em: float,
                      chain: FontChain, most: int):
    """The columns' best breaking into at most `most` columns, as (fitting, measured
    columns): the largest text (light condensing counts as full size), then the fewest
    columns, then the best-ranked breaks; None if nothing fits. (Breaks are tried best
    ranked first, so the first that sets the text at full size is taken at once.)"""
    candidates: list[tuple[int, int, int]] = []  # found once the columns alone do not do
    best, best_key = None, None
    full = round(area.size_pt * LIGHT_CONDENSE, 1)
    for count in range(0, most - len(columns) + 1):
        if count == 1:
            candidates = [(index, position, rank) for index, (text, _field) in enumerate(columns)
                          for position, rank in address_breaks(text).items()]
        # (a stable sort: breaks of equal rank keep their order, as the key's ties do)
        for chosen in sorted(itertools.combinations(candidates, count), key=_rank_sum):
            measured = [_measure_address(text, chain, field)
                        for text, field in _cut(columns, chosen)]
            lengths = [column_length_em(m) + (indent_em if i else 0)
                       for i, m in enumerate(measured)]
            fitting = fit(max(lengths), area.bottom - area.top, area.size_pt, area.min_size_pt)
            if fitting is None:
                continue
            height = round(fitting.size_pt * min(fitting.condense, LIGHT_CONDENSE), 1)
            key = (-height, len(measured), _rank_sum(chosen))
            if best_key is None or key < best_key:
                best, best_key = (fitting, measured), key
            if height >= full:
                break  # no later break ranks better
        if best_key is not None and -best_key[0] >= full:
            break  # full size with fewer columns: no need to try more
    return best


def _rank_sum(chosen: tuple[tuple[int, int, int], ...]) -> int:
    return sum(rank for _index, _position, rank in chosen)


def _cut(columns: list[tuple[str, str]], chosen) -> list[tuple[str, str]]:
    """The columns cut at the chosen (column index, position, rank) breaks."""
    if not chosen:
        return columns
    result = []
    for index, (text, field) in enumerate(columns):
        cuts = sorted(position for i, position, _rank in chosen if i == index)
        for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
            result.append((text[start:end].strip("\u3000"), field))
    return result


def _organisation_columns(page: Page, recipient: Recipient, area: Area,
                          chain: FontChain) -> float | None:
    """Company and department in their own columns right of the name, one size for both;
    returns that size (None without a company line)."""
    fields = ("会社名", "部署") if recipient.people else ("会社名",)
    lines = list(zip(recipient.organisation_lines, fields, strict=False))
    if not lines:
        return None
    measured = [measure_column(widen_halfwidth_kana(text), chain, field) for text, field in lines]
    longest, field = _longest(measured, [field for _text, field in lines])
    fitting = _fit_or_refuse(longest, area, N_("会社名か部署名"), field)
    for index, pieces in enumerate(measured):
        runs, _bottom = place_column(pieces, area.columns[index], area.top, fitting.size_pt,
                               fitting.condense)
        page.runs.extend(runs)
    return fitting.size_pt


def _name_block(page: Page, recipient: Recipient, profile: CardProfile, chain: FontChain,
                left_limit: float, right_limit: float) -> tuple[float, float]:
    """The centre column(s): title, family, given names (連名 spread to one length) and one
    honorific each, aligned. The block is centred on the profile's name column when it
    fits between `left_limit` and `right_limit`, else moved, else made smaller. Returns the
    block's left edge and the name's size."""
    area = profile.recipient_name
    honorific = _name_column(recipient.honorific, chain, "敬称")
    if not recipient.people:
        name = _name_column(recipient.organisation_name, chain, "会社名")
        return _one_column_names(page, [name], honorific, profile, left_limit, right_limit,
                                 "会社名")
    if all(is_latin(p.family) and is_latin(p.given) for p in recipient.people):
        names = [_latin_name(p, recipient.people[0].family, chain) for p in recipient.people]
        return _one_column_names(page, names, honorific, profile, left_limit, right_limit, "姓")
    people = recipient.people
    fields = ["姓"] + ["連名"] * (len(people) - 1)
    families = [_name_column(p.family, chain, f)
                for p, f in zip(people, fields, strict=True)]
    givens = [_name_column(p.given, chain, "名" if i == 0 else "連名")
              for i, p in enumerate(people)]
    title = _name_column(recipient.title, chain, "役職") if recipient.title else []
    family_em, family_field = _longest(families, fields)
    given_em, given_field = _longest(givens, ["名"] + ["連名"] * (len(people) - 1))
    field = family_field if family_em >= given_em else given_field  # named if none fits
    title_em = column_length_em(title) * TITLE_RATIO + TITLE_GAP_EM if title else 0.0
    given_at = title_em + family_em + NAME_GAP_EM
    honorific_at = given_at + given_em + NAME_GAP_EM if given_em else given_at
    total = honorific_at + column_length_em(honorific)
    fitting = _fit_or_refuse(total, area, N_("名前"), field)
    count = len(people)
    pitch_em = max(profile.joint_pitch_em, MIN_JOINT_PITCH_EM)
    fitting = _narrow_enough(fitting, total, count, pitch_em, area, area.columns[0],
                             left_limit, right_limit, N_("名前"), field)
    size_mm = pt_to_mm(fitting.size_pt)
    em = size_mm * fitting.condense
    pitch = pitch_em * size_mm
    width = (count - 1) * pitch + size_mm
    first_x = _block_centre(area.columns[0], width, left_limit, right_limit) + width / 2 \
        - size_mm / 2
    top = _name_top(area, total * em)
    if title:
        title_fit = Fit(fitting.size_pt * TITLE_RATIO, fitting.condense)
        _place(page, title, first_x, top, title_fit)
    for index in range(count):
        x = first_x - index * pitch
        _spread(page, families[index], family_em, x, top + title_em * em, fitting)
        _spread(page, givens[index], given_em, x, top + given_at * em, fitting)
        _place(page, honorific, x, top + honorific_at * em, fitting)
    return first_x - (count - 1) * pitch - size_mm / 2, fitting.size_pt


def _name_column(text: str, chain: FontChain, field: str) -> tuple[Piece, ...]:
    """A name's column, half-width katakana set full width so they stand in it as a
    typesetter sets them (ﾀﾅｶ → タナカ; a register's export often has them), the rest as
    typed."""
    return measure_column(widen_halfwidth_kana(text), chain, field, tcy=False)


def _one_column_names(page: Page, names: list[tuple[Piece, ...]], honorific: Sequence[Piece],
                      profile: CardProfile, left_limit: float, right_limit: float,
                      field: str) -> tuple[float, float]:
    """Names set whole, one column each (a company, or Latin names), the honorific after
    the longest: returns the block's left edge and the size."""
    area = profile.recipient_name
    name_em = max(column_length_em(name) for name in names)
    total = name_em + ORGANISATION_GAP_EM + column_length_em(honorific)
    what = N_("会社名") if field == "会社名" else N_("名前")
    fitting = _fit_or_refuse(total, area, what, field)
    pitch_em = max(profile.joint_pitch_em, MIN_JOINT_PITCH_EM)
    fitting = _narrow_enough(fitting, total, len(names), pitch_em, area, area.columns[0],
                             left_limit, right_limit, what, field)
    size_mm = pt_to_mm(fitting.size_pt)
    em = size_mm * fitting.condense
    width = (len(names) - 1) * pitch_em * size_mm + size_mm
    first_x = _block_centre(area.columns[0], width, left_limit, right_limit) + (width - size_mm) / 2
    top = _name_top(area, total * em)
    for index, name in enumerate(names):
        x = first_x - index * pitch_em * size_mm
        _place(page, name, x, top, fitting)
        _place(page, honorific, x, top + (total - column_length_em(honorific)) * em, fitting)
    return first_x - width + size_mm / 2, fitting.size_pt


def _latin_name(person: Person, family: str, chain: FontChain) -> tuple[Piece, ...]:
    """A Latin name as one reads it (given name first), turned on its side, in the chain's
    first face with proportional letters."""
    text = " ".join(part for part in (person.given, person.family or family) if part)
    faces = [face for face in chain.faces if all(face.has_sequence(c) for c in text)]
    face = next((f for f in faces if _proportional(f)), None)
    if face is None:
        return measure_column(text, chain, "姓", tcy=False)
    shaped = shape(face, text, False)
    return (Piece(shaped, "rotated", shaped.length_em()),)


@functools.lru_cache(maxsize=8)
def _proportional(face: FontFace) -> bool:
    """Are the face's Latin letters of different widths (i narrower than W)?"""
    narrow, wide = shape(face, "i", False), shape(face, "W", False)
    return narrow.advances[0] < wide.advances[0]


def _narrow_enough(fitting: Fit, total_em: float, count: int, pitch_em: float, area: Area,
                   centre: float, left_limit: float, right_limit: float, what: str,
                   field: str) -> Fit:
    """The fitting, made smaller if `count` columns `pitch_em` apart do not fit: first
    centred on `centre` (down to the area's smallest size), else anywhere between the
    limits (at CENTRED_SHARE of the widest, so it keeps some room; down to
    JOINT_MIN_SIZE_PT for 連名) when that is larger; TooLongError naming `what` (marked
    with N_) and `field` below that."""
    ems = (count - 1) * pitch_em + 1
    centred_pt = mm_to_pt(2 * min(centre - left_limit, right_limit - centre)) / ems
    if fitting.size_pt <= centred_pt:
        return fitting
    widest_pt = mm_to_pt(right_limit - left_limit) / ems
    roomy_pt = CENTRED_SHARE * widest_pt  # off-centre, still with some room around it
    if centred_pt >= max(area.min_size_pt, min(fitting.size_pt, roomy_pt)):
        return _fit_or_refuse(total_em, area, what, field, size_pt=centred_pt)
    floor = min(area.min_size_pt, JOINT_MIN_SIZE_PT) if count > 1 else area.min_size_pt
    if widest_pt < floor:
        if count > 1:
            raise TooLongError(ngettext("{n} 人の連名", "{n} 人の連名", count), "連名")
        raise TooLongError(_(what), field)
    smaller = replace(area, min_size_pt=floor)
    size_pt = roomy_pt if roomy_pt >= floor else widest_pt
    return _fit_or_refuse(total_em, smaller, what, field,
                          size_pt=min(fitting.size_pt, size_pt))


def _block_centre(centre: float, width: float, left_limit: float, right_limit: float) -> float:
    """The block's centre: the profile's, moved just enough to stay between the limits."""
    centre = max(centre, left_limit + width / 2)
    return min(centre, right_limit - width / 2)


def _spread(page: Page, pieces: Sequence[Piece], length_em: float, x: float, y: float,
            fitting: Fit) -> None:
    """A name spread over `length_em` (均等割り): first character at the top, last at the
    bottom, even gaps; a single character sits in the middle of that length."""
    natural = column_length_em(pieces)
    glyphs = sum(len(p.shaped.glyphs) if p.kind != "tcy" else 1 for p in pieces)
    if not pieces or natural >= length_em - 1e-6:
        _place(page, pieces, x, y, fitting)
        return
    em = pt_to_mm(fitting.size_pt) * fitting.condense
    if glyphs == 1:
        _place(page, pieces, x, y + (length_em - natural) / 2 * em, fitting)
        return
    tracking = (length_em - natural) / (glyphs - 1)
    runs, _bottom = place_column(pieces, x, y, fitting.size_pt, fitting.condense, tracking)
    page.runs.extend(runs)


def _right_limit(page: Page, profile: CardProfile) -> float:
    """Where the name block must end: clear of the company and address columns already set
    (anything below the recipient's postal-code boxes and right of the name's column)."""
    below = profile.recipient_boxes.top + profile.recipient_boxes.height
    centre = profile.recipient_name.columns[0]
    edges = [run.x_mm - (pt_to_mm(run.size_pt) / 2 if run.mode != "horizontal" else 0.0)
             for run in page.runs if run.y_mm > below and run.x_mm > centre]
    return min(edges, default=profile.width - 10.0) - NAME_CLEARANCE_MM


def _sender_right(profile: CardProfile) -> float:
    """The right edge of the sender's columns as the profile places them."""
    return max(x + pt_to_mm(area.size_pt) / 2
               for area in (profile.sender_address, profile.sender_name) for x in area.columns)


def _sender_max_shift(profile: CardProfile) -> float:
    """How far left the sender's columns can move before reaching SENDER_MIN_LEFT_MM."""
    left = min(x - pt_to_mm(area.size_pt) / 2
               for area in (profile.sender_address, profile.sender_name) for x in area.columns)
    return max(0.0, left - SENDER_MIN_LEFT_MM)


def _sender_moved(profile: CardProfile, dx: float) -> CardProfile:
    """The profile with the sender's columns moved by dx mm."""
    if not dx:
        return profile
    return replace(profile, **{
        name: replace(area, columns=tuple(x + dx for x in area.columns))
        for name, area in (("sender_address", profile.sender_address),
                           ("sender_name", profile.sender_name))})


@functools.lru_cache(maxsize=8)
def _clear_of_barcode(profile: CardProfile) -> CardProfile:
    """The name and the sender stop 2 mm (the quiet zone) above the customer barcode; sender
    boxes below its top move above it, so the barcode never parts the sender's block.
    (Cached: the same for every card of a run.)"""
    limit = profile.barcode_top - QUIET_ZONE_MM
    boxes = profile.sender_boxes
    if boxes.top + boxes.height > limit:
        boxes = replace(boxes, top=limit - boxes.height)
    sender_limit = min(limit, boxes.top - SENDER_BOX_GAP_MM)
    return replace(profile, sender_boxes=boxes, **{
        name: replace(area, bottom=min(area.bottom, bottom))
        for name, area, bottom in (("recipient_name", profile.recipient_name, limit),
                                   ("address", profile.address, limit),
                                   ("sender_address", profile.sender_address, sender_limit),
                                   ("sender_name", profile.sender_name, sender_limit))})


def _name_top(area: Area, length_mm: float) -> float:
    """A short name starts a little lower, so the block sits balanced in its column."""
    return area.top + max(0.0, area.bottom - area.top - length_mm) * 0.25


class SenderBlock(NamedTuple):
    runs: tuple[GlyphRun, ...]
    left: float  # the left edge of its leftmost column (mm)
    phone_set: bool  # the phone is in it (False also when there is none)


def sender_notes(sender: Sender, profile: CardProfile, fonts: AddressFonts, numerals: str,
                 barcode: bool = False) -> list[str]:
    """What of the sender a run's cards leave off: a phone the sender's place has no room
    for (on the cards with a customer barcode, where the place is shorter, with `barcode`)."""
    if not sender.phone or sender.is_empty:
        return []
    if barcode:
        profile = _clear_of_barcode(profile)
    if _sender_block(sender, profile, fonts, numerals).phone_set:
        return []
    if barcode:
        return [_("差出人の電話番号 {phone} は、バーコード付きのはがきでは差出人の場所"
                  "（{layout}）に入らないため刷りません。住所を短くするか、文面に "
                  "{{{{ shop.phone }}}} で入れてください", phone=sender.phone,
                  layout=profile.name)]
    return [_("差出人の電話番号 {phone} は、差出人の場所（{layout}）に入らないため刷りません。"
              "住所を短くするか、文面に {{{{ shop.phone }}}} で入れてください",
              phone=sender.phone, layout=profile.name)]


@functools.lru_cache(maxsize=16)
def _sender_block(sender: Sender, profile: CardProfile, fonts: AddressFonts, numerals: str,
                  cap_pt: float | None = None, with_phone: bool = True) -> SenderBlock:
    """The shop, lower left: postal code in the sender boxes, address (in more columns than
    the profile's if it needs them: the name moves left), then the name, then (`with_phone`,
    when it fits) the phone; no text larger than `cap_pt`. The same on every card of a run,
    so laid out once (per cap)."""
    page = Page(profile.width, profile.height)
    _postal_digits(page, sender.postal_code, profile.sender_boxes, fonts.address,
                   "[sender] postal_code")
    address, name = (_capped(profile.sender_address, cap_pt),
                     _capped(profile.sender_name, cap_pt))
    lines = [(sender.address, "[sender] address"), (sender.address2, "[sender] address2")]
    used = _address_columns(page, lines, address, profile.address_indent_em, fonts.address,
                            numerals, N_("差出人の住所"), True, SENDER_FLOOR_PT,
                            SENDER_EXTRA_COLUMNS)
    left = _sender_right(profile)  # the block's left edge so far
    if used:
        xs = _column_xs(address, used[0].size_pt, used[1])
        left = xs[-1] - pt_to_mm(used[0].size_pt) / 2
    if used and used[1] > len(address.columns):
        dx = xs[len(address.columns) - 1] - xs[-1]
        name = replace(name, columns=tuple(x - dx for x in name.columns))
    if sender.name:
        named = _address_columns(page, [(sender.name, "[sender] name")], name, 0.0, fonts.name,
                                 numerals, N_("差出人の名前"), False, SENDER_FLOOR_PT)
        left = min(left, name.columns[0] - pt_to_mm(named[0].size_pt) / 2)
    phone = None
    if sender.phone and with_phone:
        address_pt = used[0].size_pt if used else address.size_pt
        phone = phone_column(phone_text(sender.phone, numerals), fonts.address,
                             left - PHONE_GAP_MM, SENDER_MIN_LEFT_MM, _phone_top(profile),
                             name.bottom, phone_size_pt(address_pt))
    if phone is not None:
        page.runs.extend(phone[0])
        left = phone[1]
    return SenderBlock(tuple(page.runs), left, phone is not None)


def _phone_top(profile: CardProfile) -> float:
    """The highest the phone's column may start: the sender's place, below the postmark area
    and clear of a red 年賀 (a 年賀状 not on 年賀はがき)."""
    top = max(profile.sender_address.top, POSTMARK_AREA[1] + STAMP_CLEARANCE_MM)
    if profile.nenga_mark is not None:
        _x, mark_top, mark_pt = profile.nenga_mark
        top = max(top, mark_top + 2 * pt_to_mm(mark_pt) + STAMP_CLEARANCE_MM)
    return top


def _capped(area: Area, cap_pt: float | None) -> Area:
    """The area with its size at most `cap_pt` (but not below the sender's floor)."""
    if cap_pt is None or area.size_pt <= cap_pt:
        return area
    return replace(area, size_pt=max(cap_pt, SENDER_FLOOR_PT))


def _place(page: Page, pieces: Sequence[Piece], x: float, y: float, fitting: Fit) -> None:
    runs, _bottom = place_column(pieces, x, y, fitting.size_pt, fitting.condense)
    page.runs.extend(runs)


def _longest(measured: Sequence[Sequence[Piece]], fields: Sequence[str]) -> tuple[float, str]:
    """The length in em of the longest of these measured columns and its field (the one a
    text that does not fit names, so the user shortens the right cell)."""
    lengths = [column_length_em(pieces) for pieces in measured]
    longest = max(lengths)
    return longest, fields[lengths.index(longest)]


def _fit_or_refuse(length_em: float, area: Area, what: str, field: str,
                   size_pt: float | None = None) -> Fit:
    """The fitting of `length_em` in the area, or TooLongError naming `what` (marked with N_)."""
    fitting = fit(length_em, area.bottom - area.top, size_pt or area.size_pt, area.min_size_pt)
    if fitting is None:
        raise TooLongError(_(what), field)
    return fitting


def _postal_digits(page: Page, postal_code: str, boxes: DigitBoxes, chain: FontChain,
                   field: str) -> None:
    """Each digit upright and centred (by its ink) in its box."""
    page.runs.extend(_digit_runs(chain.primary, boxes, postal_code, field))


@functools.lru_cache(maxsize=1024)
def _digit_runs(face: FontFace, boxes: DigitBoxes, postal_code: str,
                field: str) -> tuple[GlyphRun, ...]:
    """The runs of a postal code's digits. (Cached: a list's codes repeat town by town.)"""
    digits = "".join(c for c in unicodedata.normalize("NFKC", postal_code) if c.isdigit())
    if digits and len(digits) != len(boxes.lefts):
        raise CardError("postal-format", _("郵便番号 {code!r} は 7 桁ではありません",
                                           code=postal_code), field)
    return tuple(_digit_run(face, boxes, index, digit) for index, digit in enumerate(digits))


@functools.lru_cache(maxsize=512)
def _digit_run(face: FontFace, boxes: DigitBoxes, index: int, digit: str) -> GlyphRun:
    """One digit in box `index`, centred by its ink (the same on every card that has it)."""
    size_pt = _digit_size_pt(face, boxes.digit_height)
    scale = pt_to_mm(size_pt) / face.units_per_em
    shaped = shape(face, digit, False)
    x_min, y_min, x_max, y_max = face.glyph_bounds(shaped.glyphs[0])
    centre_x, centre_y = boxes.centre(index)
    x = centre_x - (x_min + x_max) / 2 * scale
    baseline = centre_y + (y_min + y_max) / 2 * scale
    return GlyphRun(shaped, x, baseline, size_pt, "horizontal")


def _digit_size_pt(face: FontFace, ink_height_mm: float) -> float:
    """The size at which the digits' ink is `ink_height_mm` tall (measured on 0)."""
    glyph = shape(face, "0", False).glyphs[0]
    _, y_min, _, y_max = face.glyph_bounds(glyph)
    return mm_to_pt(ink_height_mm * face.units_per_em / (y_max - y_min))


def postal_code_boxes(profile: CardProfile) -> list[Box]:
    """The recipient's and the sender's postal-code boxes, where the profile puts them."""
    return [Box(left, boxes.top, boxes.width, boxes.height, profile.box_color, profile.box_line)
            for boxes in (profile.recipient_boxes, profile.sender_boxes)
            for left in boxes.lefts]


def _draw_boxes(page: Page, profile: CardProfile) -> None:
    """The red postal-code boxes of a blank card, with the bar between digits 3 and 4."""
    page.boxes.extend(postal_code_boxes(profile))
    for boxes in (profile.recipient_boxes, profile.sender_boxes):
        bar_y = boxes.top + boxes.height / 2
        page.lines.append(Line(boxes.lefts[2] + boxes.width, bar_y, boxes.lefts[3], bar_y,
                               profile.box_color, profile.box_line))


def _barcode(page: Page, bars: str, profile: CardProfile) -> None:
    """The customer barcode's bars as filled black rectangles."""
    left, top = profile.barcode_left, profile.barcode_top
    page.boxes.extend(_bar(left, top, *bar) for bar in bar_boxes(bars, profile.barcode_grade_pt))


@functools.lru_cache(maxsize=1024)
def _bar(left: float, top: float, x: float, y: float, width: float, height: float) -> Box:
    """One bar. (Cached: a bar stands in one of a few hundred places, the same on every card.)"""
    return Box(left + x, top + y, width, height, (0.0, 0.0, 0.0), 0.0)


@functools.lru_cache(maxsize=4)
def _indicia_runs(indicia: Indicia, chain: FontChain) -> tuple[GlyphRun, ...]:
    """Inside the circle: the office's name across the top, then 料金別納 and 郵便 in two
    vertical columns, right to left."""
    centre = INDICIA_LEFT + INDICIA_SIZE / 2
    runs: list[GlyphRun] = []
    office = f"{indicia.office}局" if not indicia.office.endswith("局") else indicia.office
    face = chain.primary
    size_pt = min(8.0, mm_to_pt(INDICIA_SIZE * 0.6 / max(len(office), 1)))
    shaped = shape(face, office, False)
    width = shaped.length_em() * pt_to_mm(size_pt)
    baseline = INDICIA_TOP + 5.5
    runs.append(GlyphRun(shaped, centre - width / 2, baseline, size_pt, "horizontal"))
    column_pt = 8.5
    em = pt_to_mm(column_pt)
    top = INDICIA_TOP + 7.0
    for x, text in ((centre + em * 0.7, indicia.label), (centre - em * 0.7, "郵便")):
        column, _bottom = place_column(measure_column(text, chain, "indicia"), x, top, column_pt)
        runs.extend(column)
    return tuple(runs)


def _nenga_mark(page: Page, profile: CardProfile, face: FontFace) -> None:
    """年賀, down the stamp's column, in the red of the postal-code boxes."""
    x, top, size_pt = profile.nenga_mark
    page.runs.append(GlyphRun(shape(face, NENGA_MARK, True), x, top, size_pt, "vertical",
                              color=profile.box_color))


def _header(page: Page, profile: CardProfile, face: FontFace) -> None:
    """郵便はがき, centred at the top (required on privately made cards)."""
    shaped = shape(face, profile.header_text, False)
    em_mm = pt_to_mm(profile.header_size_pt)
    width = (shaped.length_em() + HEADER_TRACKING_EM * (len(shaped.glyphs) - 1)) * em_mm
    page.runs.append(GlyphRun(shaped, profile.header_x - width / 2, profile.header_y,
                              profile.header_size_pt, "horizontal", 1.0, HEADER_TRACKING_EM))
