"""What the web pages keep between requests (the read lists, the day's plan, the check, the
logged cards) is what the files and the log say now: a change made elsewhere (the CLI, another
browser) is seen on the next request, and a list rewritten in place is read again."""

from __future__ import annotations

import datetime as dt
import os

from web_shop import make_shop

from mailmerge import clock
from mailmerge.runs.day import customer_rows, read_lists
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import load_settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.web.desk import Desk

DAY = dt.date(2026, 11, 20)


def printed_shop(folder):
    """The web tests' shop with its two thank-you cards printed (by the library, as the CLI
    does), on DAY."""
    make_shop(folder)
    print_cards(folder / "customers.csv", None, load_settings(folder / "hagaki.toml"),
                RunOptions(sales=folder / "sales.csv", log=folder / "hagaki-log.sqlite",
                           folder=folder))
    return folder


def test_a_change_to_the_log_from_outside_is_seen_on_the_next_question(tmp_path):
    with clock.on_day(DAY):
        folder = printed_shop(tmp_path)
        desk = Desk(folder)
        assert [run.statuses for run in desk.runs()] == [{"printed": 2}]
        assert desk.plan(DAY, None).plan.cards == []  # both thanked already
        before = desk.check()
        with SendLog(folder / "hagaki-log.sqlite") as log:  # as `hagaki log mark-…` does
            ids = [row["id"] for row in log.cards()]
            log.set_status("mailed", ids[:1])
            log.set_status("returned", ids[1:])
        assert [run.statuses for run in desk.runs()] == [{"mailed": 1, "returned": 1}]
        assert [row["id"] for row in desk.log_rows("returned")] == ids[1:]
        assert desk.check() is not before
        assert any(problem.code == "returned" for _kind, problem in desk.check().problems)


def test_the_questions_asked_again_are_answered_from_what_was_kept(tmp_path):
    with clock.on_day(DAY):
        desk = Desk(printed_shop(tmp_path))
        assert desk.check() is desk.check()
        assert desk.in_mourning() is desk.in_mourning()
        assert desk.log_rows() is desk.log_rows()
        assert desk.plan(DAY, None) is desk.plan(DAY, None)


def test_a_list_rewritten_in_place_with_the_same_size_and_time_is_read_again(tmp_path):
    make_shop(tmp_path)
    path = tmp_path / "customers.csv"
    first = read_lists(path, None, ReadOptions())
    assert read_lists(path, None, ReadOptions()) is first
    rows = customer_rows(path, ReadOptions())
    assert customer_rows(path, ReadOptions()) is rows and len(rows) == 3
    stat = path.stat()
    path.write_text(path.read_text("utf-8").replace("髙橋", "高橋"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    again = read_lists(path, None, ReadOptions())
    assert again is not first
    assert again.customers.customers[0].family_name == "高橋"
    assert customer_rows(path, ReadOptions())[0][0].family_name == "高橋"
    assert read_lists(path, None, ReadOptions(columns={"姓": "family_name"})) is not again
