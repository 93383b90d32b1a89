"""Held-out customers: drawn at random with a seed kept in the log, never mailed by their
run, logged and exported as held-out, never held out twice in a row, due again next time."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailmerge import clock
from mailmerge.cli import main
from mailmerge.errors import ConfigError
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.outputs import OutputError
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import load_settings

DAY = dt.date(2026, 7, 20)  # 暑中見舞い time
SENDER = ('[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\n'
          'address = "東京都渋谷区神宮前1-2-3"\n')


def shop(folder: Path, customers: int = 40, extra: str = "") -> tuple[Path, Path]:
    rows = ["顧客ID,姓,名,郵便番号,住所1"]
    rows += [f"C{n:03d},山田,{n}郎,160-0023,東京都新宿区西新宿2-8-{n}"
             for n in range(1, customers + 1)]
    (folder / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "hagaki.toml").write_text(SENDER + extra, encoding="utf-8")
    return folder / "customers.csv", folder / "hagaki.toml"


def run(folder: Path, situation: str = "shochu", on: dt.date = DAY, **options):
    customers, config = shop(folder) if not (folder / "hagaki.toml").exists() else (
        folder / "customers.csv", folder / "hagaki.toml")
    with clock.on_day(on):
        return print_cards(customers, None, load_settings(config), RunOptions(
            situation=situation, date=on, log=folder / "log.sqlite", folder=folder,
            **options))


def held(report) -> set[str]:
    return {n.customer.customer_id for n in report.not_sent if n.code == "held-out"}


def test_a_tenth_is_held_out_logged_with_its_seed_and_never_mailed(tmp_path):
    report = run(tmp_path, holdout=10, holdout_seed="abc")
    out = held(report)
    assert len(out) == 4
    assert not out & {entry.customer.customer_id for entry in report.cards}
    assert len(report.cards) == 36
    with SendLog(tmp_path / "log.sqlite") as log:
        assert {a.customer_id for a in log.assignments("held-out")} == out
        assert len(log.assignments("mailed")) == 36
        assert not out & {row["customer_id"] for row in log.cards()}
        draw = log.db.execute("SELECT seed, holdout_percent FROM draws").fetchone()
    assert tuple(draw) == ("abc", 10.0)


def test_the_same_seed_draws_the_same_customers(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert held(run(first, holdout=25, holdout_seed="s")) == held(
        run(second, holdout=25, holdout_seed="s"))
    third = tmp_path / "c"
    third.mkdir()
    assert held(run(third, holdout=25, holdout_seed="t")) != held(
        run(first, situation="zansho", on=dt.date(2026, 8, 20), holdout=25, holdout_seed="t"))


def test_held_out_customers_stay_out_of_that_campaign_and_are_due_next_time(tmp_path):
    out = held(run(tmp_path, holdout=20, holdout_seed="x"))
    again = run(tmp_path, on=DAY + dt.timedelta(days=1))  # the same 暑中見舞い, no --holdout
    assert held(again) == out
    assert not again.cards
    later = run(tmp_path, situation="zansho", on=dt.date(2026, 8, 20), holdout=50,
                holdout_seed="y")
    mailed = {entry.customer.customer_id for entry in later.cards}
    assert out <= mailed  # due again, and never held out twice in a row
    assert not out & held(later)
    with SendLog(tmp_path / "log.sqlite") as log:
        randomised = {a.customer_id for a in log.assignments() if a.situation == "zansho"}
    assert not out & randomised  # mailed without a draw: not counted in the comparison


def test_a_customer_mailed_since_their_hold_out_is_drawn_again(tmp_path):
    out = held(run(tmp_path, holdout=20, holdout_seed="x"))
    zansho = run(tmp_path, situation="zansho", on=dt.date(2026, 8, 20), holdout=50,
                 holdout_seed="y")
    assert out <= {entry.customer.customer_id for entry in zansho.cards}  # mailed, undrawn
    kanchu = run(tmp_path, situation="kanchu", on=dt.date(2027, 1, 10), holdout=50,
                 holdout_seed="z")
    with SendLog(tmp_path / "log.sqlite") as log:
        drawn = {a.customer_id for a in log.assignments() if a.situation == "kanchu"}
    assert drawn == {f"C{n:03d}" for n in range(1, 41)} - held(zansho)  # out is back in
    assert out & held(kanchu)  # and some of them are held out again, a card later


def test_nenga_is_never_held_out_unless_the_shop_asks(tmp_path):
    nenga = dt.date(2026, 12, 10)
    assert not held(run(tmp_path, situation="nenga", on=nenga, holdout=30, paper="official"))
    asked = tmp_path / "asked"
    asked.mkdir()
    shop(asked, extra="[situations.nenga]\nholdout = 30\n")
    assert len(held(run(asked, situation="nenga", on=nenga, paper="official"))) == 12


def draws_logged(folder: Path) -> tuple[int, int]:
    with SendLog(folder / "log.sqlite") as log:
        log.settle_unfinished()
        return (len(log.assignments()),
                log.db.execute("SELECT COUNT(*) FROM draws").fetchone()[0])


def test_a_run_that_fails_before_its_files_are_in_place_draws_no_one(tmp_path, monkeypatch):
    def broken(self, replace=True):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mailmerge.atomic.StagedFiles.commit", broken)
    with pytest.raises(OutputError):
        run(tmp_path, holdout=10, holdout_seed="z")
    assert draws_logged(tmp_path) == (0, 0)


def test_a_run_killed_while_renaming_is_settled_without_its_draw(tmp_path, monkeypatch):
    def killed(self, replace=True):
        self.committing = True
        raise KeyboardInterrupt

    monkeypatch.setattr("mailmerge.atomic.StagedFiles.commit", killed)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, holdout=10, holdout_seed="z")
    monkeypatch.undo()
    assert draws_logged(tmp_path) == (0, 0)  # no file reached its place: no one was mailed


def test_a_damaged_draw_is_found_when_the_log_is_opened(tmp_path):
    run(tmp_path, holdout=10, holdout_seed="abc")
    db = sqlite3.connect(tmp_path / "log.sqlite")
    db.execute("UPDATE assignments SET arm = 'mailed' WHERE arm = 'held-out'")
    db.commit()
    db.close()
    with pytest.raises(Exception, match="assignments"):
        SendLog(tmp_path / "log.sqlite")


@pytest.mark.parametrize("value", ["80", "-1", '"ten"'])
def test_a_bad_holdout_setting_names_its_key(tmp_path, value):
    _customers, config = shop(tmp_path, extra=f"[situations.thanks]\nholdout = {value}\n")
    with pytest.raises(ConfigError, match="holdout"):
        load_settings(config)


def test_an_unknown_kind_of_card_is_named(tmp_path):
    _customers, config = shop(tmp_path, extra="[situations.thankyou]\nholdout = 10\n")
    with pytest.raises(ConfigError, match="thankyou"):
        load_settings(config)


def test_the_cli_holds_out_and_refuses_a_bad_share(tmp_path):
    customers, config = shop(tmp_path)
    runner = CliRunner()
    with clock.on_day(DAY):
        bad = runner.invoke(main, ["print", str(customers), "--config", str(config),
                                   "--situation", "shochu", "--holdout", "70"])
        assert bad.exit_code == 2
        result = runner.invoke(main, ["print", str(customers), "--config", str(config),
                                      "--situation", "shochu", "--holdout", "10"])
    assert result.exit_code == 0, result.output
    assert result.output.count("くじで選ばれました") == 4  # (up to SHOWN listed, then a count)


def test_the_log_export_lists_held_out_customers_with_their_code(tmp_path):
    import csv
    import io

    report = run(tmp_path, holdout=10, holdout_seed="abc")
    target = tmp_path / "sent.csv"
    result = CliRunner().invoke(main, ["log", "export", "--log", str(tmp_path / "log.sqlite"),
                                       "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "4人" in result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    out = [row for row in rows if row["状態コード"] == "held-out"]
    assert {row["顧客ID"] for row in out} == held(report)
    assert {row["状態"] for row in out} == {"対照（送らず）"}
    assert {row["はがきの日付"] for row in out} == {DAY.isoformat()}
    assert len(rows) - len(out) == len(report.cards)


def test_a_log_from_before_draws_is_migrated_and_keeps_its_cards(tmp_path):
    from mailmerge.sendlog import migrations

    run(tmp_path)  # a log at today's schema, with cards
    path = tmp_path / "log.sqlite"
    db = sqlite3.connect(path)
    before = len(migrations.MIGRATIONS) - 1  # every step but the draws'
    db.executescript(f"DROP TABLE assignments; DROP TABLE draws; PRAGMA user_version = {before};")
    db.close()
    with SendLog(path) as log:
        assert log.db.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
        assert len(log.cards()) == 40 and log.assignments() == []
    assert "assignments" in migrations.TABLES and "draws" in migrations.TABLES


def test_a_held_out_customer_waits_out_the_cooldown_as_if_mailed():
    from mailmerge.models import Customer, Sale
    from mailmerge.selection.plan import NoHistory, make_plan

    customer = Customer(row=2, customer_id="C1", family_name="山田", given_name="太郎",
                        postal_code="1600023", address1="東京都新宿区西新宿2-8-1")
    sales = [Sale(row=2, customer_id="C1", date=DAY - dt.timedelta(days=200), amount=1000)]

    class HeldOut(NoHistory):
        def __init__(self, days_ago):
            self.day = DAY - dt.timedelta(days=days_ago)

        def last_draw(self, customer_id, situation):
            return (self.day, "held-out") if situation == "dormant" else None

    recent = make_plan([customer], sales, DAY, "dormant", HeldOut(10))
    assert [(n.code, n.customer.customer_id) for n in recent.not_sent] == [("held-out", "C1")]
    assert "次は" in recent.not_sent[0].reason
    assert [e.customer.customer_id for e in
            make_plan([customer], sales, DAY, "dormant", HeldOut(100)).cards] == ["C1"]
    forced = make_plan([customer], sales, DAY, "dormant", HeldOut(10), force=True)
    assert [e.customer.customer_id for e in forced.cards] == ["C1"]


def test_log_list_lists_the_held_out_after_the_cards(tmp_path):
    out = held(run(tmp_path, holdout=10, holdout_seed="abc"))
    log = ["log", "list", "--log", str(tmp_path / "log.sqlite")]
    every = CliRunner().invoke(main, log)
    assert every.exit_code == 0, every.output
    assert "36枚" in every.output and "対照（送らず）のお客様 4人" in every.output
    only = CliRunner().invoke(main, [*log, "--status", "held-out"]).output
    lines = [line for line in only.splitlines() if "\t" in line][1:]
    assert {line.split("\t")[2] for line in lines} == out
    assert {line.split("\t")[0] for line in lines} == {"-"}


def test_plan_with_holdout_shows_the_draw_print_with_holdout_makes(tmp_path):
    import json

    customers, config = shop(tmp_path)
    asked = [str(customers), "--config", str(config), "--log", str(tmp_path / "log.sqlite"),
             "--situation", "shochu", "--date", DAY.isoformat(), "--holdout", "25"]
    with clock.on_day(DAY):
        planned = CliRunner().invoke(main, ["plan", *asked, "--format", "json"])
        assert planned.exit_code == 0, planned.output
        plan_out = {n["customer_id"] for n in json.loads(planned.stdout)["not_sent"]
                    if n["code"] == "held-out"}
        printed = CliRunner().invoke(main, ["print", *asked, "--side", "address",
                                            "--out", str(tmp_path / "cards.pdf")])
        assert printed.exit_code == 0, printed.output
    with sqlite3.connect(tmp_path / "log.sqlite") as db:
        print_out = {row[0] for row in db.execute(
            "SELECT customer_id FROM assignments WHERE arm = 'held-out'")}
    assert len(plan_out) == 10 and plan_out == print_out


def test_the_run_says_when_its_draw_compares_nothing(tmp_path):
    nenga = run(tmp_path, situation="nenga", on=dt.date(2026, 12, 10), holdout=30,
                paper="official")
    assert any("年賀状は対照（送らず）にしません" in note for note in nenga.notes)
    small = tmp_path / "small"
    small.mkdir()
    shop(small, customers=3)
    few = run(small, holdout=10, holdout_seed="s")
    assert not held(few) and len(few.cards) == 3
    assert ("暑中見舞い: くじに入るお客様が 3人だけなので、10% では送らないお客様が 0人でした"
            "（今回は比べる組ができていません）") in few.notes


@pytest.mark.parametrize("typed", ["25%", "２５％", " 25 "])
def test_a_holdout_may_be_typed_with_its_percent_sign(tmp_path, typed):
    customers, config = shop(tmp_path)
    with clock.on_day(DAY):
        planned = CliRunner().invoke(main, [
            "plan", str(customers), "--config", str(config), "--situation", "shochu",
            "--date", DAY.isoformat(), "--holdout", typed, "--format", "json"])
    assert planned.exit_code == 0, planned.output
    assert "held-out" in planned.stdout
