"""Never twice: every way an attacker found to mail one customer two cards, tried as a shop
would hit it (CLI runs on a real shop folder and its SQLite send log)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfread import page_count

from mailmerge.cli import main
from mailmerge.japanese.address_identity import address_identity, same_place
from mailmerge.sendlog.migrations import MIGRATIONS
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sourceset import read_customers

DATA = Path(__file__).parent / "data"
HEADER = "顧客ID,姓,名,敬称,郵便番号,住所1,住所2\n"
AT_FIRST = ("160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿501号室")
LOG = "hagaki-log.sqlite"
RELATIVE_PATHS = next(number for number, step in enumerate(MIGRATIONS)
                      if getattr(step, "__name__", "") == "_paths_relative_to_the_log")
NENGA = ["--situation", "nenga", "--date", "2026-12-10"]

# The returned customer's address as the next list may write it: the same place every time.
SPELLINGS = [
    ("１６０－００２３", "東京都新宿区西新宿２－８－１", "パークハイツ西新宿５０１号室"),
    ("160-0023", "東京都新宿区西新宿2-8-1 パークハイツ西新宿501号室", ""),
    ("160-0023", "東京都新宿区西新宿2-8-1　パークハイツ西新宿501号室", ""),
    ("160-0023", "東京都新宿区西新宿2丁目8番1号", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿二丁目八番一号", "パークハイツ西新宿五〇一号室"),
    ("160-0023", "東京都新宿区西新宿2丁目8番地1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2丁目8-1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2ー8ー1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2‐8‐1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2−8−1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2―8―1", "パークハイツ西新宿501号室"),
    ("160-0023", "新宿区西新宿2-8-1", "パークハイツ西新宿501号室"),
    ("1600023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿501号室"),
    ("〒160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都 新宿区 西新宿 2-8-1", "パークハイツ 西新宿 501号室"),
    ("160-0023", "東京都新宿区西新宿2-8-1", "ﾊﾟｰｸﾊｲﾂ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿501"),
    ("160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿 501号"),
    ("160-0023", "東京都新宿区西新宿2-8-1-", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区", "西新宿2-8-1パークハイツ西新宿501号室"),
    ("160-0023", "新宿区西新宿２丁目８番１号", "ﾊﾟｰｸﾊｲﾂ西新宿５０１"),
    ("160-0023", "東京都新宿区西新宿2の8の1", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿二-八-一", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿二ー八ー一", "パークハイツ西新宿五〇一"),
    ("160-0023", "東京都新宿区西新宿二丁目八ー一", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2-8-1-501", ""),
    ("160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿5階501号室"),
    ("160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿5F501"),
]
# Other places: the customer really moved, so the card goes out.
MOVES = [
    ("160-0023", "東京都新宿区西新宿2-8-10", "パークハイツ西新宿501号室"),
    ("160-0023", "東京都新宿区西新宿2-8-1", "パークハイツ西新宿502号室"),
    ("160-0023", "東京都新宿区西新宿3-8-1", "パークハイツ西新宿501号室"),
    ("530-0001", "大阪府大阪市北区梅田3-1-1", ""),
]


def write_list(folder: Path, address: tuple[str, str, str]) -> Path:
    path = folder / "customers.csv"
    path.write_text(HEADER + "C001,髙橋,一郎,様,{},{},{}\n".format(*address)
                    + "C002,山田,花子,様,530-0001,大阪府大阪市北区梅田3-1-1,\n",
                    encoding="utf-8")
    return path


def hagaki(*arguments: str) -> str:
    result = CliRunner().invoke(main, list(arguments))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def returned_shop(tmp_path_factory) -> Path:
    """A shop whose 年賀状 to C001 came back (宛所不明): printed, then marked returned."""
    folder = tmp_path_factory.mktemp("shop")
    shutil.copy(DATA / "hagaki.toml", folder / "hagaki.toml")
    customers = write_list(folder, AT_FIRST)
    hagaki("print", str(customers), *NENGA, "--log", str(folder / LOG), "--out",
           str(folder / "nenga.pdf"))
    hagaki("log", "mark-returned", "--log", str(folder / LOG), "--customer", "C001")
    return folder


def planned(folder: Path, address: tuple[str, str, str]) -> dict[str, str]:
    """{customer id: the card's kind or why no card} for the 年賀状 run with this address."""
    plan = json.loads(hagaki("plan", str(write_list(folder, address)), *NENGA,
                             "--log", str(folder / LOG), "--format", "json"))
    return {**{card["customer_id"]: card["situation"] for card in plan["cards"]},
            **{left["customer_id"]: left["code"] for left in plan["not_sent"]}}


@pytest.mark.parametrize("address", SPELLINGS, ids=lambda a: "|".join(a))
def test_a_returned_address_written_another_way_is_not_mailed_again(returned_shop, address):
    assert address_identity(*address) == address_identity(*AT_FIRST)
    assert planned(returned_shop, address)["C001"] == "returned"


@pytest.mark.parametrize("address", MOVES, ids=lambda a: "|".join(a))
def test_a_customer_who_really_moved_is_mailed_at_the_new_address(returned_shop, address):
    assert address_identity(*address) != address_identity(*AT_FIRST)
    assert planned(returned_shop, address)["C001"] == "nenga"


def test_a_building_left_out_is_the_same_place_but_a_different_number_is_not():
    street = address_identity("160-0023", "東京都新宿区西新宿2-8-1")
    assert same_place(street, address_identity(*AT_FIRST))
    assert not same_place(street, address_identity("160-0023", "東京都新宿区西新宿2-8-10"))
    assert not same_place(street, address_identity("160-0023", "東京都新宿区西新宿2-8-11"))
    assert not same_place(street, address_identity("160-0023", "東京都新宿区北新宿2-8-1"))
    assert not same_place(street, address_identity("530-0001", "東京都新宿区西新宿2-8-1"))


def test_a_building_only_in_one_row_is_the_same_person_twice_in_one_file(tmp_path):
    customers = tmp_path / "customers.csv"
    customers.write_text(HEADER + "C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,"
                         "パークハイツ西新宿501号室\n"
                         "C002,高橋,一郎,様,160-0023,東京都新宿区西新宿２丁目８番１号,\n"
                         "C003,高橋,一郎,様,160-0023,東京都新宿区西新宿2-8-10,\n",
                         encoding="utf-8")
    rows = read_customers(customers, ReadOptions())
    [duplicate] = [p for p in rows.problems if p.code == "duplicate"]
    assert (duplicate.row, duplicate.severity) == (3, "error")
    assert "2 行目と同じ名前・住所で、建物名や部屋番号が片方の行にだけあります" in duplicate.message
    assert [c.customer_id for c in rows.customers] == ["C001", "C003"]


def test_a_building_only_in_one_file_is_merged_into_one_person_with_the_building(tmp_path):
    (tmp_path / "customers.csv").write_text(
        HEADER + "C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,\n", encoding="utf-8")
    (tmp_path / "members.csv").write_text(
        HEADER + "M7,高橋,一郎,様,１６０－００２３,新宿区西新宿2-8-1 パークハイツ西新宿501号室,\n",
        encoding="utf-8")
    rows = read_customers(tmp_path / "customers.csv",
                          ReadOptions(more=(tmp_path / "members.csv",)))
    [customer] = rows.customers
    assert customer.customer_id == "C001"
    assert "パークハイツ西新宿501号室" in customer.address1 + customer.address2
    [merged] = [p for p in rows.problems if p.code == "merged"]
    assert "建物名や部屋番号は片方の行にだけある" in merged.message


@pytest.mark.parametrize("loss", ["emptied", "deleted"])
def test_a_lost_log_with_backups_stops_every_command_until_restored(tmp_path, loss):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    run = ["print", str(customers), *NENGA, "--log", str(log)]
    hagaki(*run, "--out", str(tmp_path / "first.pdf"))
    hagaki(*run, "--out", str(tmp_path / "second.pdf"))  # nothing new: the backup is taken
    assert list((tmp_path / "hagaki-log-backups").glob("*.sqlite"))
    log.write_bytes(b"") if loss == "emptied" else log.unlink()
    for command in (run + ["--out", str(tmp_path / "again.pdf")],
                    ["plan", str(customers), *NENGA, "--log", str(log)],
                    ["log", "list", "--log", str(log)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1 and "hagaki log restore" in result.output, command
    assert not (tmp_path / "again.pdf").exists()
    restored = hagaki("log", "restore", "--log", str(log))
    assert "hagaki log verify" in restored
    plan = json.loads(hagaki("plan", str(customers), *NENGA, "--log", str(log),
                             "--format", "json"))
    assert plan["cards"] == []  # both customers' 年賀状 are in the restored log


def test_a_new_log_is_started_only_on_purpose(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    run = ["print", str(customers), *NENGA, "--log", str(log)]
    hagaki(*run, "--out", str(tmp_path / "first.pdf"))
    hagaki(*run, "--out", str(tmp_path / "second.pdf"))
    log.unlink()
    refused = CliRunner().invoke(main, ["log", "restore", "--log", str(tmp_path / "x.sqlite")])
    assert refused.exit_code == 1 and "バックアップがありません" in refused.output
    hagaki("log", "restore", "--start-new", "--log", str(log))
    assert not (tmp_path / "hagaki-log-backups").exists()
    assert list(tmp_path.glob("hagaki-log-backups.old-*"))
    plan = json.loads(hagaki("plan", str(customers), *NENGA, "--log", str(log),
                             "--format", "json"))
    assert {card["customer_id"] for card in plan["cards"]} == {"C001", "C002"}


def test_a_cancelled_card_is_not_reprinted_once_a_replacement_was_printed(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    run = ["print", str(customers), *NENGA, "--log", str(log), "--sort", "id"]
    hagaki(*run, "--out", str(tmp_path / "first.pdf"))  # card 1: C001, card 2: C002
    hagaki("log", "cancel", "1", "--log", str(log))
    hagaki(*run, "--out", str(tmp_path / "second.pdf"))  # card 3: C001 again, in its place
    refused = CliRunner().invoke(main, [*run, "--reprint", "1", "--out",
                                        str(tmp_path / "third.pdf")])
    assert refused.exit_code == 1
    assert "はがき 1 番は取り消し済みで、代わりにはがき 3 番を印刷してあります" in refused.output
    assert not (tmp_path / "third.pdf").exists()
    hagaki(*run, "--reprint", "3", "--out", str(tmp_path / "third.pdf"))  # the live one may


@pytest.mark.parametrize(("mark", "situation", "reason"), [
    ("送付停止", "nenga", "送付停止の印があります"),
    ("死亡", "nenga", "死亡の印があります"),
    ("喪中", "nenga", "喪中のため年賀状は送りません"),
])
def test_a_reprint_follows_the_plans_exclusions(tmp_path, mark, situation, reason):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    hagaki("print", str(customers), *NENGA, "--log", str(log), "--sort", "id", "--out",
           str(tmp_path / "first.pdf"))
    marked = customers.read_text("utf-8").splitlines()
    marked[0] += "," + mark
    marked[1] += ",1"
    customers.write_text("\n".join(marked) + "\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["print", str(customers), *NENGA, "--log", str(log),
                                        "--reprint", "1", "--out", str(tmp_path / "r.pdf")])
    assert refused.exit_code == 1 and reason in refused.output, refused.output
    assert not (tmp_path / "r.pdf").exists()


KILLER = """
import os, signal, sys
calls, kill_at = 0, int(sys.argv[1])
def killed_at_call(real):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call
os.replace = killed_at_call(os.replace)
os.link = killed_at_call(os.link)  # (a run's file is put in place without overwriting)
from mailmerge.cli import main
from mailmerge.sendlog.migrations import MIGRATIONS
try:
    main(sys.argv[2:])
finally:
    print("renames", calls, file=sys.stderr)
"""


def killed_at(rename: int, *arguments: str) -> subprocess.CompletedProcess:
    """hagaki, killed (SIGKILL) at its `rename`-th os.replace or os.link (0: never)."""
    return subprocess.run([sys.executable, "-c", KILLER, str(rename), *arguments],
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "HAGAKI_LANG": "ja"}, check=False)


def sides_in_folder(folder: Path) -> dict[str, int]:
    """Pages of address sides and message sides in the shop folder's run files."""
    return {side: sum(page_count(path) for path in folder.glob(f"cards-*-{side}.pdf"))
            for side in ("address", "message")}


def duplex_run(folder: Path) -> list[str]:
    return ["print", str(folder / "customers.csv"), *NENGA, "--log", str(folder / LOG),
            "--side", "both", "--duplex", "separate"]


def test_a_whole_duplex_run_renames_its_files_at_known_points(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    write_list(tmp_path, AT_FIRST)
    whole = killed_at(0, *duplex_run(tmp_path))
    assert whole.returncode == 0, whole.stderr
    assert sides_in_folder(tmp_path) == {"address": 2, "message": 2}
    assert int(whole.stderr.split("renames")[-1]) >= 3  # a backup and the two run files


@pytest.mark.parametrize("rename", range(1, 5))
def test_a_duplex_pair_killed_at_any_rename_is_never_printed_twice(tmp_path, rename):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    write_list(tmp_path, AT_FIRST)
    killed = killed_at(rename, *duplex_run(tmp_path))
    assert killed.returncode in (0, -signal.SIGKILL)
    verify = CliRunner().invoke(main, ["log", "verify", "--log", str(tmp_path / LOG)])
    assert verify.exit_code == 0, verify.output
    again = killed_at(0, *duplex_run(tmp_path))
    assert again.returncode == 0, again.stderr
    assert sides_in_folder(tmp_path) == {"address": 2, "message": 2}
    plan = json.loads(hagaki("plan", str(tmp_path / "customers.csv"), *NENGA, "--log",
                             str(tmp_path / LOG), "--format", "json"))
    assert plan["cards"] == []


def test_verify_names_a_run_file_the_log_does_not_know(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    write_list(tmp_path, AT_FIRST)
    assert killed_at(0, *duplex_run(tmp_path)).returncode == 0
    [address] = tmp_path.glob("cards-*-address.pdf")
    stray = tmp_path / address.name.replace("run0001", "run0009")
    shutil.copy(address, stray)
    verify = CliRunner().invoke(main, ["log", "verify", "--log", str(tmp_path / LOG)])
    assert verify.exit_code == 1
    assert f"{stray} のはがきは記録にありません" in verify.output


def test_replacing_an_earlier_runs_file_says_which_printed_cards_it_held(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log, out = write_list(tmp_path, AT_FIRST), tmp_path / LOG, tmp_path / "n.pdf"
    run = ["print", str(customers), *NENGA, "--log", str(log), "--sort", "id", "--out", str(out)]
    hagaki(*run)  # cards 1 and 2
    again = hagaki(*run, "--force", "--replace")
    assert "n.pdf を置き換えました。そこにあったはがき 1 2 は記録上「印刷済み」のままです" in again
    assert "hagaki log cancel 1 2" in again


@pytest.mark.parametrize("rename", range(1, 4))
def test_a_replacing_run_killed_before_its_rename_leaves_the_earlier_file_in_the_log(
        tmp_path, rename):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log, out = write_list(tmp_path, AT_FIRST), tmp_path / LOG, tmp_path / "n.pdf"
    run = ["print", str(customers), *NENGA, "--log", str(log), "--out", str(out)]
    hagaki(*run)
    before = out.read_bytes()
    write_list(tmp_path, MOVES[0])  # the second run's file differs from the first's
    killed_at(rename, *run, "--force", "--replace")
    listed = hagaki("log", "list", "--log", str(log))
    put_in_place = out.read_bytes() != before
    assert put_in_place == (rename > 1)  # rename 1 puts the new file in place
    assert ("置き換え済み" in listed) == put_in_place
    verify = CliRunner().invoke(main, ["log", "verify", "--log", str(log)])
    assert verify.exit_code == 0, verify.output


@pytest.mark.parametrize(("command", "name"), [
    (["log", "export"], "customers.csv"), (["log", "export"], "sales.csv"),
    (["report", "{customers}", "--sales", "{customers}"], "sales.xlsx"),
    (["report", "{customers}", "--sales", "{customers}"], "customers.xlsx"),
])
def test_no_export_or_report_may_become_the_shops_own_list(tmp_path, command, name):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers = write_list(tmp_path, AT_FIRST)
    hagaki("print", str(customers), *NENGA, "--log", str(tmp_path / LOG), "--out",
           str(tmp_path / "n.pdf"))
    before = customers.read_bytes()
    arguments = [part.format(customers=tmp_path / "elsewhere.csv") for part in command]
    shutil.copy(customers, tmp_path / "elsewhere.csv")
    result = CliRunner().invoke(main, [*arguments, "--config", str(tmp_path / "hagaki.toml"),
                                       "--log", str(tmp_path / LOG), "--out",
                                       str(tmp_path / name), "--replace"])
    assert result.exit_code == 1, result.output
    assert f"{name} は店の顧客リスト・売上リストの名前です（hagaki serve はこの名前" in result.output
    assert "読み込むファイル" not in result.output  # not said of a list that is not there
    assert customers.read_bytes() == before
    assert not (tmp_path / "sales.csv").exists() and not (tmp_path / "sales.xlsx").exists()


@pytest.mark.parametrize("refund", ["(3300)", "（3,300）", "(¥3,300)", "△3300", "-3300"])
def test_a_refund_in_brackets_takes_the_sale_back_and_is_not_thanked(tmp_path, refund):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers = write_list(tmp_path, AT_FIRST)
    sales = tmp_path / "sales.csv"
    sales.write_text(f'顧客ID,日付,商品,金額\nC001,2026-12-01,湯呑み,3300\n'
                     f'C001,2026-12-02,湯呑み,"{refund}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(customers), "--sales", str(sales), "--date",
                                       "2026-12-05", "--log", str(tmp_path / LOG),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert "C001" not in {card["customer_id"] for card in plan["cards"]}
    assert "bad-amount" not in result.output


def test_marking_a_customer_mailed_marks_the_reprint_not_the_card_it_replaced(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    run = ["print", str(customers), *NENGA, "--log", str(log), "--sort", "id"]
    hagaki(*run, "--out", str(tmp_path / "first.pdf"))  # cards 1 (C001) and 2 (C002)
    hagaki(*run, "--reprint", "1", "--out", str(tmp_path / "jammed.pdf"))  # card 3
    hagaki("log", "mark-mailed", "--customer", "C001", "--log", str(log))
    with sqlite3.connect(log) as db:
        statuses = dict(db.execute("SELECT id, status FROM cards"))
    assert statuses == {1: "printed", 2: "printed", 3: "mailed"}
    out = tmp_path / "sent.csv"
    hagaki("log", "export", "--log", str(log), "--out", str(out))
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert [row["刷り直した元のはがき"] for row in rows] == ["", "", "1"]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to run hagaki as another user (nobody)")
def test_a_read_only_shop_folder_can_still_be_checked_listed_and_planned(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="read-only-shop-"))  # readable by nobody
    try:
        shutil.copy(DATA / "hagaki.toml", folder / "hagaki.toml")
        customers = write_list(folder, AT_FIRST)
        hagaki("print", str(customers), *NENGA, "--out", str(folder / "n.pdf"), "--log",
               str(folder / LOG))
        os.chmod(folder, 0o755)  # root's folder: nobody may read it, not write to it

        def as_nobody(*arguments: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 sys.executable, "-m", "mailmerge", *arguments], capture_output=True,
                text=True, encoding="utf-8", cwd="/", check=False,
                env={**os.environ, "HOME": str(folder), "HAGAKI_LANG": "ja"})

        checked = as_nobody("check", str(customers))
        assert checked.returncode == 0 and "問題はありません" in checked.stdout, checked.stderr
        listed = as_nobody("log", "list", "--config", str(folder / "hagaki.toml"))
        assert listed.returncode == 0 and "年賀状 2027" in listed.stdout, listed.stderr
        planned = as_nobody("plan", str(customers), *NENGA, "--format", "json")
        assert planned.returncode == 0, planned.stderr
        assert {card["customer_id"] for card in json.loads(planned.stdout)["cards"]} == set()
        printed = as_nobody("print", str(customers), *NENGA)
        assert printed.returncode == 1 and "Traceback" not in printed.stderr
    finally:
        shutil.rmtree(folder)


def test_one_id_for_two_people_in_two_files_is_an_error_never_a_silent_merge(tmp_path):
    (tmp_path / "one.csv").write_text(
        HEADER + "D006,渡辺,誠,様,980-0021,宮城県仙台市青葉区中央1-1-1,\n", encoding="utf-8")
    (tmp_path / "three.csv").write_text(
        HEADER + "D006,山田,春香,様,100-0005,東京都千代田区丸の内1-9-1,\n"
        "D007,渡邊,誠,様,980-0021,宮城県仙台市青葉区中央一丁目1-1,\n", encoding="utf-8")
    rows = read_customers(tmp_path / "one.csv", ReadOptions(more=(tmp_path / "three.csv",)))
    [refused] = [p for p in rows.problems if p.severity == "error"]
    assert (Path(refused.file).name, refused.row, refused.code) == ("three.csv", 2, "duplicate")
    assert "one.csv の 2 行目（渡辺 誠）と同じですが、名前が違います（山田 春香）" in refused.message
    assert [(c.customer_id, c.family_name) for c in rows.customers] == [("D006", "渡辺")]


@pytest.mark.parametrize("rename", [0, 3])  # 0: a whole run; 3: killed after its renames
def test_a_shop_folder_moved_whole_still_knows_its_runs_files(tmp_path, rename):
    shop = tmp_path / "shop"
    shop.mkdir()
    shutil.copy(DATA / "hagaki.toml", shop / "hagaki.toml")
    write_list(shop, AT_FIRST)
    killed_at(rename, *duplex_run(shop))
    moved = tmp_path / "moved"
    shop.rename(moved)
    verify = CliRunner().invoke(main, ["log", "verify", "--log", str(moved / LOG)])
    assert verify.exit_code == 0 and "問題ありません: 2 ファイル" in verify.output, verify.output
    again = killed_at(0, *duplex_run(moved))
    assert again.returncode == 0, again.stderr
    assert sides_in_folder(moved) == {"address": 2, "message": 2}


def test_an_older_log_with_absolute_paths_is_brought_relative_to_its_folder(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    shutil.copy(DATA / "hagaki.toml", shop / "hagaki.toml")
    write_list(shop, AT_FIRST)
    assert killed_at(0, *duplex_run(shop)).returncode == 0
    with sqlite3.connect(shop / LOG) as db:  # as a log written before paths were relative
        db.execute("UPDATE run_files SET path = ? || '/' || path", (str(shop),))
        db.execute("DROP INDEX cards_by_person")
        db.execute("ALTER TABLE cards DROP COLUMN person")
        db.execute("ALTER TABLE cards DROP COLUMN customer_name")
        db.execute("DROP TABLE assignments")
        db.execute("DROP TABLE draws")
        db.execute(f"PRAGMA user_version = {RELATIVE_PATHS}")
    hagaki("log", "verify", "--log", str(shop / LOG))
    with sqlite3.connect(shop / LOG) as db:
        stored = {row[0] for row in db.execute("SELECT path FROM run_files")}
    assert stored and all(not path.startswith("/") for path in stored)


def test_renumbered_customer_ids_do_not_start_the_campaign_again(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    hagaki("print", str(customers), *NENGA, "--log", str(log), "--out", str(tmp_path / "n.pdf"))
    renumbered = tmp_path / "register-export.csv"
    renumbered.write_text(customers.read_text("utf-8").replace("\nC00", "\nN00")
                          .replace("西新宿2-8-1", "西新宿二丁目8番1号"), encoding="utf-8")
    plan = json.loads(hagaki("plan", str(renumbered), *NENGA, "--log", str(log),
                             "--format", "json"))
    assert plan["cards"] == []
    reasons = {left["customer_id"]: left["reason"] for left in plan["not_sent"]}
    assert set(reasons) == {"N001", "N002"}
    assert "顧客ID C001（同じ名前・住所）として印刷済み（1 番）" in reasons["N001"]


def renumbered_plan(folder: Path, rows: list[str], *arguments: str) -> dict[str, str]:
    """{customer id: the card's kind or why no card} for a list written as `rows`."""
    path = folder / "renumbered.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    plan = json.loads(hagaki("plan", str(path), *arguments, "--log", str(folder / LOG),
                             "--format", "json"))
    return {**{card["customer_id"]: card["situation"] for card in plan["cards"]},
            **{left["customer_id"]: left["code"] for left in plan["not_sent"]}}


def test_a_renumbered_customer_whose_card_came_back_is_not_mailed_there(returned_shop):
    rows = ["Z9,髙橋,一郎,様,160-0023,東京都新宿区西新宿二丁目8番1号,パークハイツ西新宿501号室"]
    assert renumbered_plan(returned_shop, rows, *NENGA) == {"Z9": "returned"}
    moved = ["Z9,髙橋,一郎,様,530-0001,大阪府大阪市北区梅田3-1-1,"]
    assert renumbered_plan(returned_shop, moved, *NENGA) == {"Z9": "nenga"}


def test_a_building_left_out_under_another_id_is_the_campaign_already_sent(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers = write_list(tmp_path, AT_FIRST)
    hagaki("print", str(customers), *NENGA, "--log", str(tmp_path / LOG), "--out",
           str(tmp_path / "n.pdf"))
    rows = ["X1,高橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,",
            "X2,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-10,"]  # another house
    assert renumbered_plan(tmp_path, rows, *NENGA) == {"X1": "already-sent", "X2": "nenga"}


def test_a_name_in_one_column_without_a_space_is_the_same_person(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers = write_list(tmp_path, AT_FIRST)  # 姓 and 名 in two columns
    hagaki("print", str(customers), *NENGA, "--log", str(tmp_path / LOG), "--out",
           str(tmp_path / "n.pdf"))
    one_column = tmp_path / "one-column.csv"
    header = "顧客ID,氏名,郵便番号,住所1,住所2\n"
    one_column.write_text(header + "Z1,髙橋一郎,160-0023,東京都新宿区西新宿2-8-1,パークハイツ西新宿"
                          "501号室\nZ2,山田　花子,530-0001,大阪府大阪市北区梅田3-1-1,\n",
                          encoding="utf-8")
    plan = json.loads(hagaki("plan", str(one_column), *NENGA, "--log", str(tmp_path / LOG),
                             "--format", "json"))
    assert {left["customer_id"]: left["code"] for left in plan["not_sent"]} \
        == {"Z1": "already-sent", "Z2": "already-sent"}
    twice = tmp_path / "twice.csv"
    twice.write_text(header + "Z2,山田 花子,530-0001,大阪府大阪市北区梅田3-1-1,\n"
                     "Z3,山田花子,530-0001,大阪府大阪市北区梅田3-1-1,\n", encoding="utf-8")
    problems = read_customers(twice, ReadOptions()).problems
    assert [(p.row, p.code) for p in problems] == [(3, "duplicate")]  # Z3 is Z2


def test_a_renumbered_customer_keeps_the_wait_before_the_next_card(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, sales = tmp_path / "customers.csv", tmp_path / "sales.csv"
    customers.write_text(HEADER + "C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,\n",
                         encoding="utf-8")
    sales.write_text("顧客ID,日付,商品,金額\nC001,2026-01-10,急須,5500\n", encoding="utf-8")
    dormant = ["--situation", "dormant", "--sales", str(sales), "--log", str(tmp_path / LOG)]
    hagaki("print", str(customers), *dormant, "--date", "2026-12-07", "--out",
           str(tmp_path / "d.pdf"))
    for path in (customers, sales):  # the register numbered its customers again
        path.write_text(path.read_text("utf-8").replace("C001", "N001"), encoding="utf-8")
    plan = json.loads(hagaki("plan", str(customers), *dormant, "--date", "2026-12-08",
                             "--format", "json"))
    assert [(left["customer_id"], left["code"]) for left in plan["not_sent"]] \
        == [("N001", "cooldown")]


def test_renumbered_customers_held_out_stay_held_out(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    rows = [f"C{n:03},髙橋,{n}郎,様,160-0023,東京都新宿区西新宿2-8-{n},"
            for n in range(1, 21)]
    path = tmp_path / "customers.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    kanchu = ["--situation", "kanchu", "--date", "2027-01-10"]
    hagaki("print", str(path), *kanchu, "--holdout", "50", "--log", str(tmp_path / LOG),
           "--out", str(tmp_path / "k.pdf"))
    before = renumbered_plan(tmp_path, rows, *kanchu)
    after = renumbered_plan(tmp_path, [row.replace("C0", "N0", 1) for row in rows], *kanchu)
    assert sorted(before.values()).count("held-out") >= 5
    assert {"N" + key[1:]: code for key, code in before.items()} == after


def test_the_identitys_separator_typed_in_an_address_is_only_text():
    odd = address_identity("0", "|", "1|2")
    assert odd.count("|") == 2 and same_place(odd, odd)
    assert address_identity("160-0023", "西新宿2|8", "-1") == address_identity("160-0023",
                                                                             "西新宿28-1")


def test_the_log_speaks_in_names_and_words_and_marks_ranges_and_runs(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    customers, log = write_list(tmp_path, AT_FIRST), tmp_path / LOG
    run = ["print", str(customers), *NENGA, "--log", str(log), "--sort", "id"]
    hagaki(*run, "--out", str(tmp_path / "first.pdf"))  # run 1: cards 1 (C001) and 2 (C002)
    listed = hagaki("log", "list", "--log", str(log)).splitlines()
    assert listed[0].split("\t") == ["番号", "はがきの日付", "顧客ID", "お客様の名前", "種類", "状態",
                                     "キャンペーン", "ファイル", "ページ"]
    assert listed[1].split("\t")[:7] == ["1", "2026-12-10", "C001", "髙橋 一郎", "年賀状",
                                         "印刷済み", "年賀状 2027"]
    assert "1枚を「投函済み」にしました" in hagaki("log", "mark-mailed", "1-1", "--log", str(log))
    assert "1枚を「投函済み」にしました" in hagaki("log", "mark-mailed", "--run", "1", "--log",
                                                 str(log))
    assert "どれももう「投函済み」にできません" in hagaki("log", "mark-mailed", "--run", "1",
                                                       "--log", str(log))
    wrong = CliRunner().invoke(main, ["log", "cancel", "3-1", "--log", str(log)])
    assert wrong.exit_code == 2 and "番号の範囲が違います" in wrong.output
    out = tmp_path / "sent.xlsx"
    hagaki("log", "export", "--log", str(log), "--out", str(out))
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    header, first = [cell.value for cell in sheet[1]], sheet[2]
    values = dict(zip(header, [cell.value for cell in first], strict=True))
    assert (values["お客様の名前"], values["種類"], values["キャンペーン"], values["状態"]) == (
        "髙橋 一郎", "年賀状", "年賀状 2027", "投函済み")
    assert (values["種類コード"], values["キャンペーンコード"], values["状態コード"]) == (
        "nenga", "nenga-2027", "mailed")
    card_date = first[header.index("はがきの日付")]
    assert card_date.is_date and card_date.value.date() == dt.date(2026, 12, 10)
