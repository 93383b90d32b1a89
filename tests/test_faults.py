"""Nothing lost, ever: kills, full disks, damaged logs and outputs aimed at inputs.

After every attack: every card the log calls printed is in its file (hagaki log verify),
every due card is printed exactly once, no input file changed, and the user saw one line,
never a traceback.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pdfread import page_count

from mailmerge.package_files import package_file
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.outputs import OutputError
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.store import LogError, SendLog
from mailmerge.shop.settings import load_settings

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
SENDER = ('[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\n'
          'address = "東京都渋谷区神宮前1-2-3"\n')


def hagaki(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mailmerge", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=environment, check=False)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("エラー:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def shop(tmp_path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "hagaki.toml").write_text(SENDER, encoding="utf-8")
    sys.path.insert(0, str(BENCHMARKS))
    from run import write_customers

    write_customers(folder / "customers.csv", 600)
    shutil.copy(package_file("data", "sample_sales.csv"), folder / "sales.csv")
    return folder


def printed_ids(log: Path) -> list[str]:
    with sqlite3.connect(log) as db:
        return [row[0] for row in db.execute(
            "SELECT customer_id FROM cards WHERE status = 'printed'")]


def test_kills_at_random_moments_never_lose_a_card(shop):
    """Kill batch runs again and again; every logged card stays in its file, and the last
    run prints exactly the cards still due."""
    rng = random.Random(20261201)
    command = ["print", shop / "customers.csv", "--batch-size", "100"]
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-m", "mailmerge", *map(str, command)],
                                   cwd=shop, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        verify = hagaki("log", "verify", cwd=shop)
        if (shop / "hagaki-log.sqlite").exists():
            assert verify.returncode == 0, verify.stdout + verify.stderr
    final = hagaki(*command, cwd=shop)
    assert final.returncode == 0, final.stderr
    ids = printed_ids(shop / "hagaki-log.sqlite")
    assert len(ids) == len(set(ids)) == 600  # every card printed, none twice
    verify = hagaki("log", "verify", cwd=shop)
    assert verify.returncode == 0 and "600枚" in verify.stdout, verify.stdout
    pages = sum(page_count(pdf) for pdf in shop.glob("cards-*.pdf"))
    assert pages == 600  # and every printed card is in exactly one file
    assert not list(shop.glob(".*.tmp")) and not list(shop.glob("*.lock"))


def test_a_rerun_never_overwrites_the_files_of_an_earlier_run(shop):
    first = hagaki("print", shop / "customers.csv", "--out", shop / "cards.pdf", cwd=shop)
    assert first.returncode == 0, first.stderr
    before = digest(shop / "cards.pdf")
    (shop / "more.csv").write_text(
        (shop / "customers.csv").read_text(encoding="utf-8")
        + "X9,新規,様,様,160-0023,東京都新宿区西新宿2-8-1,,\n", encoding="utf-8")
    again = hagaki("print", shop / "more.csv", "--out", shop / "cards.pdf", cwd=shop)
    assert "既にあります" in one_line_error(again)
    assert digest(shop / "cards.pdf") == before
    replaced = hagaki("print", shop / "more.csv", "--out", shop / "cards.pdf", "--replace",
                      cwd=shop)
    assert "印刷しました: 1枚" in replaced.stdout, replaced.stderr
    verify = hagaki("log", "verify", cwd=shop)
    assert verify.returncode == 0, verify.stdout  # the replaced file's cards are not claimed
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        states = db.execute("SELECT state FROM run_files ORDER BY id").fetchall()
    assert states == [("replaced",), ("in_place",)]


@pytest.mark.parametrize("attack", [
    ("print", "{customers}", "--out", "{customers}"),
    ("print", "{customers}", "--out", "{config}"),
    ("print", "{customers}", "--out", "{log}"),
    ("print", "{customers}", "--side", "both", "--sales", "{sales}", "--docx", "{sales}"),
    ("print", "{customers}", "--out", "{folder}/a.pdf", "--docx", "{folder}/a.pdf",
     "--side", "message"),
    ("log", "export", "--out", "{customers}"),
    ("report", "{customers}", "--sales", "{sales}", "--out", "{sales}"),
    ("preview", "{pdf}", "--out", "{pdf}"),
    ("calibrate", "--out", "{config}"),
    ("print", "{customers}", "--out", "{folder}"),
    ("print", "{customers}", "--out", "{folder}/missing/cards.pdf"),
    ("print", "{customers}", "--log", "/dev/null"),
    ("log", "cancel", "99999999999999999999999"),
    ("print", "{customers}", "--offset-x", "nan"),
    ("print", "{customers}", "--offset-y", "1e308"),
])
def test_no_command_ever_changes_an_input_file(shop, attack):
    earlier = hagaki("print", shop / "customers.csv", "--out", shop / "first.pdf", cwd=shop)
    assert earlier.returncode == 0, earlier.stderr
    inputs = [shop / name for name in ("customers.csv", "sales.csv", "hagaki.toml",
                                       "first.pdf", "hagaki-log.sqlite")]
    before = {path: digest(path) for path in inputs}
    listing = sorted(p.name for p in shop.iterdir())
    names = {"customers": shop / "customers.csv", "config": shop / "hagaki.toml",
             "log": shop / "hagaki-log.sqlite", "sales": shop / "sales.csv", "folder": shop,
             "pdf": shop / "first.pdf"}
    result = hagaki(*(part.format(**names) for part in attack), cwd=shop)
    assert result.returncode in (1, 2), result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert {path: digest(path) for path in inputs} == before
    assert sorted(p.name for p in shop.iterdir()) == listing  # nothing new, nothing lost


class WriteFault:
    """Makes the n-th write of a staged file fail as a full disk (or a folder turned
    read-only) would."""

    def __init__(self, fail_at: int, code: int) -> None:
        self.calls = 0
        self.fail_at = fail_at
        self.code = code

    def __call__(self, original):
        def write(staged, target):
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(self.code, os.strerror(self.code), str(target))
            return original(staged, target)
        return write


@pytest.mark.parametrize(("fail_at", "code", "said"), [
    (1, errno.ENOSPC, "ディスクがいっぱい"), (2, errno.ENOSPC, "ディスクがいっぱい"),
    (3, errno.ENOSPC, "ディスクがいっぱい"), (4, errno.ENOSPC, "ディスクがいっぱい"),
    (2, errno.EACCES, "書き込めません"), (3, errno.EROFS, "書き込めません"),
])
def test_a_failed_write_at_any_file_leaves_no_file_and_no_card_logged(shop, monkeypatch,
                                                                      fail_at, code, said):
    """--duplex separate with batches: the disk fills at the 1st…4th file; nothing is put
    in place (no new address file beside an old message file) and the log is as it was."""
    from mailmerge import atomic

    settings = load_settings(shop / "hagaki.toml")
    log = shop / "hagaki-log.sqlite"
    first = print_cards(shop / "customers.csv", shop / "old.pdf", settings, RunOptions(
        log=log, side="both", duplex="separate",
        batch_size=300))
    assert first.written
    old_files = {path: digest(path) for path in shop.glob("old-*.pdf")}
    fault = WriteFault(fail_at, code)
    monkeypatch.setattr(atomic.StagedFiles, "write",
                        atomic.contextlib.contextmanager(
                            fault(atomic.StagedFiles.write.__wrapped__)))
    with pytest.raises(OutputError, match=said):
        print_cards(shop / "customers.csv", shop / "old.pdf", settings, RunOptions(
            log=log, side="both", duplex="separate", batch_size=300, force=True,
            replace=True))
    assert {path: digest(path) for path in shop.glob("old-*.pdf")} == old_files
    assert not list(shop.glob(".*.tmp"))
    assert len(printed_ids(log)) == 600
    with SendLog(log) as store:
        assert [f["state"] for f in store.run_files(("in_place", "pending", "replaced"))] \
            == ["in_place"] * 4


@pytest.mark.parametrize("step", ["begin_run", "record_batch", "record_run", "finish_run"])
def test_a_log_that_cannot_be_written_at_any_step_loses_nothing(shop, monkeypatch, step):
    settings = load_settings(shop / "hagaki.toml")
    log = shop / "hagaki-log.sqlite"
    original = getattr(SendLog, step)

    def full(self, *args, **kwargs):
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("ROLLBACK")
        raise LogError("送付記録に書き込めません（database or disk is full）")

    monkeypatch.setattr(SendLog, step, full)
    with pytest.raises(LogError) as refused:
        print_cards(shop / "customers.csv", None, settings, RunOptions(log=log, folder=shop))
    monkeypatch.setattr(SendLog, step, original)
    pdfs = list(shop.glob("cards-*.pdf"))
    if step == "finish_run":
        assert len(pdfs) == 1  # in place, checksum logged: the next run settles it
        assert "記録は変わっていません" not in str(refused.value)
        assert f"ファイルは置きました（{pdfs[0].name}）" in str(refused.value)
        assert "次に hagaki を実行したときにファイルと照らし合わせて直します" in str(refused.value)
    else:
        assert not pdfs and not list(shop.glob(".*.tmp"))
    again = print_cards(shop / "customers.csv", None, settings,
                        RunOptions(log=log, folder=shop))
    assert len(printed_ids(log)) == 600 == len(set(printed_ids(log)))
    assert sum(page_count(pdf) for pdf in shop.glob("cards-*.pdf")) == 600
    if step == "finish_run":
        assert not again.written and any("中断された印刷" in n for n in again.notes)


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                    reason="needs root to mount a small tmpfs")
def test_a_really_full_filesystem(shop, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(small)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("this machine cannot mount a tmpfs")
    try:
        result = hagaki("print", shop / "customers.csv", "--out", small / "cards.pdf",
                        cwd=shop)
        line = one_line_error(result)
        assert "ディスク" in line
        assert not list(small.iterdir())
        assert not (shop / "hagaki-log.sqlite").exists() or not printed_ids(
            shop / "hagaki-log.sqlite")
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_byte_flipped_logs_are_refused_or_harmless(shop, tmp_path):
    """30 logs, each with a few bytes flipped: each is refused with one line naming the
    backup, or used without printing anyone twice."""
    first = hagaki("print", shop / "customers.csv", "--out", shop / "a.pdf", cwd=shop)
    assert first.returncode == 0, first.stderr
    log = shop / "hagaki-log.sqlite"
    with sqlite3.connect(log) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    good = log.read_bytes()
    rng = random.Random(7)
    refused = harmless = 0
    for attempt in range(30):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(100, len(damaged))
            damaged[position] ^= 1 << rng.randrange(8)
        log.write_bytes(bytes(damaged))
        for leftover in shop.glob("hagaki-log.sqlite-*"):
            leftover.unlink()
        result = hagaki("print", shop / "customers.csv", "--out", shop / f"b{attempt}.pdf",
                        cwd=shop)
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode == 1:
            assert "壊れています" in one_line_error(result)
            assert "バックアップ" in result.stderr
            refused += 1
        else:
            assert "新しく印刷するはがきはありません" in result.stdout, result.stdout
            assert not (shop / f"b{attempt}.pdf").exists()
            harmless += 1
    assert refused + harmless == 30 and refused >= 10


def test_a_console_that_cannot_show_a_name_never_fails_the_run(tmp_path):
    (tmp_path / "hagaki.toml").write_text(SENDER, encoding="utf-8")
    customers = tmp_path / "customers.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nC1,𠮷田,葛󠄀子,160-0023,東京都新宿区西新宿2-8-1\n"
                         "C2,田中,😀,160-0023,東京都新宿区西新宿2-8-2\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mailmerge", "print", str(customers)],
                            cwd=tmp_path, capture_output=True, env={
                                **os.environ, "PYTHONIOENCODING": "cp932"}, check=False)
    out = result.stdout.decode("cp932")
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert "印刷しました: 1枚" in out and "\\U0001f600" in out
    (pdf,) = tmp_path.glob("cards-*.pdf")
    assert page_count(pdf) == 1


def test_no_lock_file_outlives_a_run_and_a_busy_log_is_one_line(shop, monkeypatch):
    assert hagaki("print", shop / "customers.csv", cwd=shop).returncode == 0
    assert not [p for p in shop.iterdir() if p.suffix == ".lock"]
    holder = SendLog(shop / "hagaki-log.sqlite")
    try:
        busy = hagaki("print", shop / "customers.csv", cwd=shop,
                      env={"HAGAKI_LOCK_WAIT": "0.5"})
    finally:
        holder.close()
    assert "別の hagaki が使っています" in one_line_error(busy)
