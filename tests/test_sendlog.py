"""Print runs a shop can trust: the send log, repeats, reprints, kills and two runs at once."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pdfread import glyphs, page_count, page_size_mm

from mailmerge.cli import main
from mailmerge.sendlog.store import SendLog, file_checksum

DATA = Path(__file__).parent / "data"
BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def printed_cards(log: Path) -> list[tuple[str, str, str]]:
    """The printed cards of the log (none in a log killed before its tables were made)."""
    with sqlite3.connect(log) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'cards'").fetchone() is None:
            return []
        return db.execute("SELECT customer_id, campaign, status FROM cards "
                          "WHERE status = 'printed' ORDER BY customer_id").fetchall()


def test_a_repeated_run_prints_nothing_new_and_says_so(tmp_path):
    log = tmp_path / "log.sqlite"
    args = ["print", str(DATA / "customers.csv"), "--log", str(log),
            "--config", str(DATA / "hagaki.toml")]
    first = run(*args, "--out", str(tmp_path / "a.pdf"))
    assert "印刷しました: 12枚" in first.output
    clean = tmp_path / "clean.csv"  # the rows without errors: a repeat exits 0
    lines = (DATA / "customers.csv").read_text(encoding="utf-8").splitlines()
    clean.write_text("\n".join(line for line in lines
                               if not line.startswith(("C011", "C014", "C015"))) + "\n",
                     encoding="utf-8")
    again = run("print", str(clean), "--log", str(log), "--config", str(DATA / "hagaki.toml"),
                "--out", str(tmp_path / "b.pdf"))
    assert again.exit_code == 0, again.output
    assert again.output.count("【印刷済み】") == 6  # five named, then "ほか 7 人"
    assert "… ほか 7人が【印刷済み】（全員は hagaki plan で見られます）" in again.output
    assert "新しく印刷するはがきはありません" in again.output
    assert not (tmp_path / "b.pdf").exists()
    forced = run(*args, "--out", str(tmp_path / "c.pdf"), "--force")
    assert "印刷しました: 12枚" in forced.output
    reprint = run(*args, "--out", str(tmp_path / "d.pdf"), "--reprint", "C003",
                  "--reprint", "C008")
    assert "印刷しました: 2枚" in reprint.output and page_count(tmp_path / "d.pdf") == 2
    assert len(printed_cards(log)) == 12 + 12 + 2


def test_the_log_records_file_page_checksum_and_thanked_sales(tmp_path):
    log, out = tmp_path / "log.sqlite", tmp_path / "cards.pdf"
    sales = tmp_path / "sales.csv"
    sales.write_text("顧客ID,日付,商品\nC001,2026-11-20,湯呑み\n", encoding="utf-8")
    result = run("print", str(DATA / "customers.csv"), "--sales", str(sales), "--date",
                 "2026-11-23", "--side", "both", "--out", str(out), "--log", str(log))
    assert "印刷しました: 1枚" in result.output, result.output
    with sqlite3.connect(log) as db:
        (card,) = db.execute("SELECT customer_id, situation, campaign, template, page, cards.status, "
                             "path, checksum, pages, sides, message FROM cards JOIN run_files f "
                             "ON f.run_id = cards.run_id AND f.batch = cards.batch").fetchall()
        keys = db.execute("SELECT sale_key FROM thanked_sales").fetchall()
    assert card[:2] == ("C001", "thanks") and card[2].startswith("thanks-")
    assert card[3].startswith("thanks-") and card[4:6] == (1, "printed")
    assert card[6] == "cards.pdf"  # beside the log: kept relative, so a moved shop finds it
    assert card[7] == file_checksum(out) and card[8] == 2
    assert card[9] == "both" and "湯呑み" in card[10]  # the words, kept for an exact reprint
    assert keys == [("2026-11-20|湯呑み|",)]
    again = run("print", str(DATA / "customers.csv"), "--sales", str(sales), "--date",
                "2026-11-30", "--out", str(tmp_path / "later.pdf"), "--log", str(log))
    assert "【お礼済み】" in again.output and "新しく印刷する" in again.output


def test_returned_cards_stop_mail_until_the_address_changes_and_cancel_frees_a_card(tmp_path):
    log = tmp_path / "log.sqlite"
    base = ["print", str(DATA / "customers.csv"), "--log", str(log)]
    run(*base, "--out", str(tmp_path / "a.pdf"))
    marked = run("log", "mark-returned", "--customer", "C001", "--log", str(log))
    assert "1枚を「宛所不明で返送」にしました" in marked.output
    plan = run("plan", str(DATA / "customers.csv"), "--format", "csv")
    assert plan.exit_code == 1  # three rows of the list have errors
    retry = run(*base, "--out", str(tmp_path / "b.pdf"), "--force")
    assert "【宛所不明】" in retry.output and "行 2（C001" in retry.output
    moved = tmp_path / "moved.csv"
    rows = (DATA / "customers.csv").read_text(encoding="utf-8").replace(
        "東京都新宿区西新宿2-8-1", "東京都新宿区西新宿2-8-2")
    moved.write_text(rows, encoding="utf-8")
    fixed = run("print", str(moved), "--log", str(log), "--out", str(tmp_path / "c.pdf"), "--no-sender",
                "--reprint", "C001")
    assert "印刷しました: 1枚" in fixed.output
    cancelled = run("log", "cancel", "--campaign", "greeting-" + time.strftime("%Y-%m-%d"),
                    "--log", str(log))
    assert "枚を「取り消し」にしました" in cancelled.output
    after = run(*base, "--out", str(tmp_path / "d.pdf"))
    assert "印刷しました: 11枚" in after.output  # cancelled cards count as not sent


def test_export_neutralises_formulas_for_excel(tmp_path):
    customers = tmp_path / "c.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\n=HYPERLINK(\"x\"),山田,太郎,160-0023,"
                         "東京都新宿区西新宿2-8-1\n@SUM(A1),佐藤,花子,160-0023,東京都新宿区西新宿2-8-2\n",
                         encoding="utf-8")
    log = tmp_path / "log.sqlite"
    assert run("print", str(customers), "--log", str(log), "--out", str(tmp_path / "x.pdf"),
               "--no-sender").exit_code == 0
    assert run("log", "export", "--log", str(log), "--out", str(tmp_path / "log.csv")
               ).exit_code == 0
    raw = (tmp_path / "log.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert sorted(r["顧客ID"] for r in rows) == ["'=HYPERLINK(\"x\")", "'@SUM(A1)"]
    assert run("log", "export", "--log", str(log), "--out", str(tmp_path / "log.xlsx")
               ).exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "log.xlsx").active
    ids = sorted(sheet.cell(row=r, column=2).value for r in (2, 3))
    assert ids == ["'=HYPERLINK(\"x\")", "'@SUM(A1)"]
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in (2, 3))


def _big_list(tmp_path: Path, count: int) -> Path:
    sys.path.insert(0, str(BENCHMARKS))
    from run import write_customers

    path = tmp_path / "many.csv"
    write_customers(path, count)
    return path


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4, 1.9, 2.6])
def test_a_killed_run_leaves_no_half_pdf_and_no_false_log(tmp_path, delay):
    customers = _big_list(tmp_path, 1500)
    out, log = tmp_path / "cards.pdf", tmp_path / "log.sqlite"
    command = [sys.executable, "-m", "mailmerge", "print", str(customers), "--no-sender", "--out", str(out),
               "--log", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if out.exists():
        assert page_count(out) == 1500  # complete, never half
    if log.exists():
        printed = printed_cards(log)
        assert not printed or (out.exists() and len(printed) == 1500)
    finish = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finish.returncode == 0, finish.stderr
    assert page_count(out) == 1500
    assert len(printed_cards(log)) == 1500  # every card printed exactly once
    leftovers = [n for n in os.listdir(tmp_path) if n.startswith(".cards.pdf.")]
    assert len(leftovers) <= 1  # a killed run may leave its temporary file, never the target


def test_two_runs_at_once_do_not_print_the_same_card(tmp_path):
    customers = _big_list(tmp_path, 400)
    log = tmp_path / "log.sqlite"
    commands = [[sys.executable, "-m", "mailmerge", "print", str(customers), "--no-sender", "--out",
                 str(tmp_path / f"run{i}.pdf"), "--log", str(log)] for i in (1, 2)]
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
    outputs = [p.communicate()[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    printed = printed_cards(log)
    assert len(printed) == 400 and len({row[0] for row in printed}) == 400
    pages = sum(page_count(tmp_path / f"run{i}.pdf") for i in (1, 2)
                if (tmp_path / f"run{i}.pdf").exists())
    assert pages == 400
    assert any("ほか 395人が【印刷済み】" in o for o in outputs)


def test_duplex_orders_read_back_from_the_pdf(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text("顧客ID,日付,商品\nC001,2026-11-20,湯呑み\nC003,2026-11-21,箸\n"
                     "C002,2026-11-22,手ぬぐい\n", encoding="utf-8")
    base = ["print", str(DATA / "customers.csv"), "--sales", str(sales), "--date",
            "2026-11-23", "--side", "both", "--config", str(DATA / "hagaki.toml")]
    out = tmp_path / "both.pdf"
    assert "印刷しました: 3枚" in run(*base, "--out", str(out), "--log",
                                      str(tmp_path / "1.sqlite")).output
    texts = ["".join(g.text for g in glyphs(out, page)) for page in range(6)]
    assert [t[:7] for t in texts[0::2]] == ["1600023", "2310023", "5300001"]  # 区分 order
    assert "髙橋様" in texts[1] and "山﨑様" in texts[3] and "𠮷田様" in texts[5]
    separate = tmp_path / "sep.pdf"
    result = run(*base, "--out", str(separate), "--duplex", "separate",
                 "--log", str(tmp_path / "2.sqlite"), "--batch-size", "2")
    assert "印刷しました: 3枚" in result.output, result.output
    names = sorted(p.name for p in tmp_path.glob("sep-*.pdf"))
    assert names == ["sep-001-address.pdf", "sep-001-message.pdf", "sep-002-address.pdf",
                     "sep-002-message.pdf"]
    assert page_count(tmp_path / "sep-001-address.pdf") == 2
    assert "山﨑様" in "".join(g.text for g in glyphs(tmp_path / "sep-001-message.pdf", 1))
    assert "𠮷田様" in "".join(g.text for g in glyphs(tmp_path / "sep-002-message.pdf", 0))


def test_four_cards_on_an_a4_sheet(tmp_path):
    out = tmp_path / "a4.pdf"
    result = run("print", str(DATA / "customers.csv"), "--impose", "a4", "--out", str(out),
                 "--sort", "id", "--log", str(tmp_path / "log.sqlite"), "--no-sender")
    assert "印刷しました: 12枚" in result.output, result.output
    assert page_count(out) == 3
    assert page_size_mm(out) == pytest.approx((210.0, 297.0), abs=0.01)
    found = glyphs(out, 0)
    found = [g for g in found if g.text.isdigit()]  # (郵便はがき is set horizontally too)
    first_digits = [g for g in found if not g.vertical][:7]
    assert first_digits[0].centre[0] == pytest.approx(47.15 + 3.0, abs=0.3)  # card at (3, 0)
    assert first_digits[0].centre[1] == pytest.approx(16.0 + 0.0, abs=0.3)
    second = [g for g in found if not g.vertical and g.x0 > 105][:7]
    assert second[0].centre[0] == pytest.approx(47.15 + 107.0, abs=0.3)


def test_preview_and_calibration(tmp_path):
    out = tmp_path / "cards.pdf"
    run("print", str(DATA / "customers.csv"), "--out", str(out), "--log",
        str(tmp_path / "l.sqlite"), "--no-sender")
    result = run("preview", str(out), "--out", str(tmp_path / "sheet.png"), "--pages", "1-6")
    assert result.exit_code == 0 and "6 ページを並べました" in result.output, result.output
    from PIL import Image

    with Image.open(tmp_path / "sheet.png") as sheet:
        assert sheet.width > 4 * 300 and sheet.height > 2 * 400
    calibration = tmp_path / "cal.pdf"
    assert run("calibrate", "--out", str(calibration)).exit_code == 0
    import pdfplumber

    with pdfplumber.open(calibration) as pdf:
        page = pdf.pages[0]
        assert len(page.lines) >= 99 + 147 and len(page.rects) == 14


def test_threads_of_one_process_take_turns_silently_another_process_is_announced(
        tmp_path, capfd):
    log = tmp_path / "log.sqlite"
    SendLog(log).close()
    order: list[str] = []
    first = SendLog(log)

    def second() -> None:
        with SendLog(log):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    order.append("first done")
    first.close()
    thread.join(timeout=10)
    assert order == ["first done", "second"]
    assert "待ちます" not in capfd.readouterr().err
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path\n"
                               "from mailmerge.sendlog.store import SendLog\n"
                               f"log = SendLog(Path({str(log)!r})); print('held', flush=True)\n"
                               "time.sleep(1); log.close()"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with SendLog(log):
        pass
    holder.wait(timeout=10)
    holder.stdout.close()
    assert "別の hagaki が使っています。終わるまで待ちます" in capfd.readouterr().err


def test_a_log_killed_before_its_tables_were_made_is_started_by_the_next_run(tmp_path):
    log = tmp_path / "log.sqlite"
    with sqlite3.connect(log) as db:  # as a run killed while it opened a new log leaves it
        db.execute("PRAGMA journal_mode=WAL")
    assert printed_cards(log) == []
    customers = tmp_path / "customers.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nC001,髙橋,一郎,160-0023,東京都新宿区西新宿2-8-1\n"
                         "C002,山田,花子,530-0001,大阪府大阪市北区梅田3-1-1\n", encoding="utf-8")
    result = run("print", str(customers), "--log", str(log), "--config",
                 str(DATA / "hagaki.toml"), "--out", str(tmp_path / "cards.pdf"), "--side",
                 "address")
    assert result.exit_code == 0, result.output
    assert len(printed_cards(log)) == page_count(tmp_path / "cards.pdf") == 2


def test_a_batch_of_cards_with_and_without_sales_keeps_their_order_and_their_sales(tmp_path):
    import datetime as dt

    from mailmerge.sendlog.card_rows import LoggedCard, card_rows
    from mailmerge.sendlog.checks import damaged_rows

    log = SendLog(tmp_path / "log.sqlite")
    run_id, _files = log.begin_run("print", [])
    sales = {"C2": ("2026-11-20|湯呑み|",), "C5": ("2026-11-21|急須|", "2026-11-21|茶葉|")}
    cards = [LoggedCard(f"C{n}", "thanks" if f"C{n}" in sales else "nenga", "2027", "t.j2",
                        dt.date(2026, 12, 7), n, f"address {n}", sales.get(f"C{n}", ()))
             for n in range(1, 8)]
    log.record_batch(run_id, card_rows(run_id, log.next_card_id(), cards, "now"), {})
    with sqlite3.connect(tmp_path / "log.sqlite") as db:
        rows = db.execute("SELECT id, customer_id, page FROM cards ORDER BY id").fetchall()
        thanked = db.execute("SELECT c.customer_id, t.sale_key FROM thanked_sales t "
                             "JOIN cards c ON c.id = t.card_id ORDER BY t.sale_key").fetchall()
        assert damaged_rows(db) == []
    assert [(customer, page) for _id, customer, page in rows] == [
        (f"C{n}", n) for n in range(1, 8)]
    assert thanked == [("C2", "2026-11-20|湯呑み|"), ("C5", "2026-11-21|急須|"),
                       ("C5", "2026-11-21|茶葉|")]
