"""Batches drawn in worker processes (--jobs): the same files, byte for byte, the same log,
and a run killed mid-way settles as a run in one process does."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pdfread import page_count
from test_faults import BENCHMARKS, SENDER, hagaki

from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards


def digests(report) -> list[tuple[str, str]]:
    return [(path.name, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in report.outputs]


def logged(log: Path) -> list[tuple]:
    with sqlite3.connect(log) as db:
        return db.execute("SELECT customer_id, page, batch, status, message FROM cards "
                          "ORDER BY id").fetchall()


def assert_rows_checked_and_numbered(log: Path) -> None:
    """Every card's check value holds and the cards are numbered 1, 2, 3 … (the rows made
    in workers are renumbered after a batch that refused a card)."""
    from mailmerge.sendlog.checks import damaged_rows

    with sqlite3.connect(log) as db:
        assert damaged_rows(db) == []
        ids = [row[0] for row in db.execute("SELECT id FROM cards ORDER BY id")]
    assert ids == list(range(1, len(ids) + 1))


@pytest.mark.parametrize(("side", "duplex"), [("address", "interleave"), ("both", "separate"),
                                              ("both", "interleave")])
def test_any_number_of_jobs_writes_the_same_files(tmp_path, customers_csv, settings, side,
                                                  duplex):
    """Batches of 3 cards of the hard-case list (a card refused in the middle included)."""
    runs = {}
    for jobs in (1, 2, 3):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        report = print_cards(customers_csv, folder / "cards.pdf", settings, RunOptions(
            log=folder / "log.sqlite", side=side, duplex=duplex, batch_size=3, sort="id",
            jobs=jobs))
        runs[jobs] = (report, logged(folder / "log.sqlite"))
        assert_rows_checked_and_numbered(folder / "log.sqlite")
    report, cards = runs[1]
    assert len(report.outputs) >= 4 * (2 if duplex == "separate" else 1)
    assert report.skipped and cards
    for jobs in (2, 3):
        other, other_cards = runs[jobs]
        assert digests(other) == digests(report)
        assert other_cards == cards
        assert [c.customer_id for c in other.printed] == [c.customer_id for c in report.printed]
        assert other.skipped == report.skipped and other.warnings == report.warnings
        assert other.notes == report.notes


def test_a_batch_is_a_slice_of_the_run_whatever_is_refused(tmp_path, customers_csv, settings):
    """A refused card leaves its batch one card short: the next batch starts where it did."""
    report = print_cards(customers_csv, tmp_path / "cards.pdf", settings, RunOptions(
        log=tmp_path / "log.sqlite", batch_size=3, sort="id", jobs=2))
    with sqlite3.connect(tmp_path / "log.sqlite") as db:
        batches = dict(db.execute("SELECT customer_id, batch FROM cards").fetchall())
    refused = {p.customer_id for p in report.skipped}
    assert refused
    assert sum(page_count(path) for path in report.outputs) == len(report.printed)
    for path in report.outputs:
        number = int(path.stem.rsplit("-", 1)[1])
        assert page_count(path) == sum(1 for b in batches.values() if b == number) <= 3


def test_a_worker_that_dies_stops_the_run_before_anything_is_written(tmp_path, customers_csv,
                                                                    settings, monkeypatch):
    from mailmerge.runs import batches

    drawn = batches.draw_batch

    def dies_at_batch_2(*arguments, **keywords):
        if arguments[3] == 2:
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return drawn(*arguments, **keywords)

    monkeypatch.setattr(batches, "draw_batch", dies_at_batch_2)
    log = tmp_path / "log.sqlite"
    options = RunOptions(log=log, batch_size=3, sort="id", jobs=2, folder=tmp_path)
    with pytest.raises(batches.WorkerError, match="束 2"):
        print_cards(customers_csv, None, settings, options)
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.tmp"))
    assert logged(log) == []
    monkeypatch.setattr(batches, "draw_batch", drawn)
    again = print_cards(customers_csv, None, settings, options)
    assert again.written and len(logged(log)) == len(again.printed)


def test_an_error_in_a_worker_is_the_run_s_error(tmp_path, customers_csv, settings,
                                                 monkeypatch):
    from mailmerge.errors import FontError
    from mailmerge.runs import batches

    drawn = batches.draw_batch

    def fails_at_batch_3(*arguments, **keywords):
        if arguments[3] == 3:
            raise FontError("フォント X.otf を埋め込めません")
        return drawn(*arguments, **keywords)

    monkeypatch.setattr(batches, "draw_batch", fails_at_batch_3)
    log = tmp_path / "log.sqlite"
    with pytest.raises(FontError, match="X.otf"):
        print_cards(customers_csv, None, settings,
                    RunOptions(log=log, batch_size=3, jobs=3, folder=tmp_path))
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.tmp"))
    assert logged(log) == []


@pytest.mark.parametrize("side", ["address", "both"])
def test_a_run_of_one_batch_laid_out_by_helpers_writes_the_same_file(
        tmp_path, customers_csv, settings, side, monkeypatch):
    """One batch, its cards laid out here and in helper processes (a share each, refused
    cards among them): the same file, log, warnings and notes as one process."""
    from mailmerge.runs import batches

    monkeypatch.setattr(batches, "HELPED_CARDS", 4)
    runs = {}
    for jobs in (1, 2, 3):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        report = print_cards(customers_csv, folder / "cards.pdf", settings, RunOptions(
            log=folder / "log.sqlite", side=side, sort="id", barcode=True, jobs=jobs))
        runs[jobs] = (report, logged(folder / "log.sqlite"))
    report, cards = runs[1]
    assert len(report.outputs) == 1 and report.skipped
    assert batches._shares(0, len(cards) + len(report.skipped), 2)[1:]  # helpers had shares
    for jobs in (2, 3):
        other, other_cards = runs[jobs]
        assert digests(other) == digests(report) and other_cards == cards
        assert other.skipped == report.skipped and other.warnings == report.warnings
        assert other.notes == report.notes


def test_a_helper_that_dies_stops_the_run_before_anything_is_written(
        tmp_path, customers_csv, settings, monkeypatch):
    from mailmerge.runs import batches

    monkeypatch.setattr(batches, "HELPED_CARDS", 4)
    monkeypatch.setattr(batches, "_laid_out", lambda *arguments: os._exit(9))
    log = tmp_path / "log.sqlite"
    with pytest.raises(batches.WorkerError, match="はがきを組むプロセス"):
        print_cards(customers_csv, None, settings,
                    RunOptions(log=log, sort="id", jobs=2, folder=tmp_path))
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.tmp"))
    assert logged(log) == []


@pytest.fixture
def shop(tmp_path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "hagaki.toml").write_text(SENDER, encoding="utf-8")
    sys.path.insert(0, str(BENCHMARKS))
    from run import write_customers

    write_customers(folder / "customers.csv", 600)
    return folder


def workers_of(parent: int) -> list[int]:
    """The processes whose parent is `parent` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Is the process running (not gone, not a zombie waiting to be reaped)?"""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_parallel_run_killed_at_random_moments_settles_as_one_process_does(shop):
    """kill -9 of the run while its workers draw: the workers die with it (none keeps the
    log's lock), every logged card stays in its file, and the last run prints exactly the
    cards still due, each once."""
    rng = random.Random(20261207)
    command = ["print", shop / "customers.csv", "--batch-size", "50", "--side", "both",
               "--jobs", "2"]
    kills = 0
    for attempt in range(5):
        process = subprocess.Popen([sys.executable, "-m", "mailmerge", *map(str, command)],
                                   cwd=shop, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        workers: list[int] = []
        if attempt % 2 == 0:  # once the workers draw (however slow the start), then a bit
            deadline = time.monotonic() + 120
            while not workers and time.monotonic() < deadline and process.poll() is None:
                workers = workers_of(process.pid)
                time.sleep(0.02)
            deadline = time.monotonic() + rng.uniform(0.0, 1.0)
        else:  # at any moment
            deadline = time.monotonic() + rng.uniform(0.3, 2.5)
        while time.monotonic() < deadline and process.poll() is None:
            workers = workers_of(process.pid) or workers
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += bool(workers)
        time.sleep(0.2)
        assert not [pid for pid in workers if alive(pid)]
        if (shop / "hagaki-log.sqlite").exists():
            verify = hagaki("log", "verify", cwd=shop)
            assert verify.returncode == 0, verify.stdout + verify.stderr
    assert kills  # at least one kill came while workers were drawing
    final = hagaki(*command, cwd=shop)
    assert final.returncode == 0, final.stderr
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        ids = [row[0] for row in db.execute(
            "SELECT customer_id FROM cards WHERE status = 'printed'")]
    assert len(ids) == len(set(ids)) == 600
    verify = hagaki("log", "verify", cwd=shop)
    assert verify.returncode == 0 and "600枚" in verify.stdout, verify.stdout
    assert sum(page_count(pdf) for pdf in shop.glob("cards-*.pdf")) == 2 * 600
    assert not list(shop.glob(".*.tmp")) and not list(shop.glob("*.lock"))


def test_a_batch_is_shared_out_in_order_a_thousand_cards_at_most_a_share():
    from mailmerge.runs.batches import _shares

    assert _shares(0, 399, 1) == [(0, 399)]  # too few: laid out here
    assert _shares(0, 1000, 0) == [(0, 1000)]  # no helpers
    assert _shares(0, 1000, 1) == [(0, 400), (400, 1000)]  # this process draws all pages
    assert _shares(5000, 10000, 1) == [(5000, 7000), (7000, 8000), (8000, 9000),
                                       (9000, 10000)]
