"""One clock: the shop's day and the log's timestamps come from mailmerge.clock, and no other
module of the package reads the system date or time."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from mailmerge import clock
from mailmerge.errors import ConfigError

PACKAGE = Path(clock.__file__).parent
DATE_READERS = {"today", "now", "utcnow"}  # date.today(), datetime.now(), datetime.utcnow()
TIME_READERS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, call) of every call in `source` that reads the system clock."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner, name = _dotted(node.func.value), node.func.attr
        reads_date = name in DATE_READERS and owner.split(".")[-1] in ("date", "datetime")
        reads_time = name in TIME_READERS and owner == "time"
        if reads_date or reads_time:
            found.append((node.lineno, f"{owner}.{name}()"))
    return found


def test_no_module_but_the_clock_reads_the_system_date():
    readers = {str(path.relative_to(PACKAGE)): reads
               for path in sorted(PACKAGE.rglob("*.py")) if path.name != "clock.py"
               for reads in [clock_reads(path.read_text("utf-8"))] if reads}
    assert readers == {}


def test_the_check_finds_every_way_of_reading_the_clock():
    source = ("import datetime as dt, time\nfrom datetime import date, datetime\n"
              "dt.date.today(); dt.datetime.now(); date.today(); datetime.utcnow()\n"
              "time.time(); time.localtime(); time.strftime('%Y')\n"
              "time.monotonic(); dt.datetime.fromtimestamp(0); clock.today()\n")
    assert [call for _, call in clock_reads(source)] == [
        "dt.date.today()", "dt.datetime.now()", "date.today()", "datetime.utcnow()",
        "time.time()", "time.localtime()", "time.strftime()"]


def test_a_set_day_holds_for_every_reader_and_is_undone_afterwards():
    real = clock.today()
    with clock.on_day(dt.date(2028, 2, 29)) as day:
        assert clock.today() == day == dt.date(2028, 2, 29)
        assert clock.now().date() == day
        assert clock.timestamp().startswith("2028-02-29T")
        with clock.on_day(dt.date(2027, 1, 1)):
            assert clock.today() == dt.date(2027, 1, 1)
        assert clock.today() == day
    assert clock.today() == real


def test_timestamps_on_a_set_day_still_follow_each_other():
    with clock.on_day(dt.date(2026, 12, 31)):
        first, second = clock.now(), clock.now()
    assert first.date() == second.date() == dt.date(2026, 12, 31)
    assert first <= second


def test_a_whole_process_rehearses_a_day_with_hagaki_today(monkeypatch):
    monkeypatch.setenv("HAGAKI_TODAY", "2026-12-10")
    assert clock.today() == dt.date(2026, 12, 10) == clock.now().date()
    with clock.on_day(dt.date(2027, 7, 20)):  # a test's day comes first
        assert clock.today() == dt.date(2027, 7, 20)
    monkeypatch.setenv("HAGAKI_TODAY", "12/10")
    with pytest.raises(ConfigError, match="HAGAKI_TODAY='12/10'"):
        clock.today()
