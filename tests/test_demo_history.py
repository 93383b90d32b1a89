"""The demo's year of history: a shop whose report shows what its held-out groups say, with
figures a hand count of the log and the sales file gives again."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.package_files import package_file
from mailmerge.runs.demo_history import END, write_history


def test_the_demo_history_report_equals_a_hand_count_of_the_log_and_sales(tmp_path):
    customers = write_history(tmp_path / "history", package_file("data",
                                                                 "sample_hagaki.toml"))
    folder = customers.parent
    result = CliRunner().invoke(main, ["report", str(customers), "--sales",
                                       str(folder / "sales.csv"), "--date", END.isoformat(),
                                       "--log", str(folder / "hagaki-log.sqlite"),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    found = {e["situation"]: e for e in
             json.loads(result.output[result.output.index("{"):])["experiments"]}
    assert sorted(found) == ["kanchu", "shochu"]
    with sqlite3.connect(folder / "hagaki-log.sqlite") as db:
        assigned = db.execute("SELECT customer_id, situation, arm, drawn_on "
                              "FROM assignments").fetchall()
    with (folder / "sales.csv").open(encoding="utf-8") as stream:
        sales = [(row["顧客ID"], dt.date.fromisoformat(row["日付"]), float(row["金額"]))
                 for row in csv.DictReader(stream)]
    for situation, experiment in found.items():
        for arm, key in (("mailed", "mailed"), ("held-out", "held_out")):
            group = [(cid, dt.date.fromisoformat(day)) for cid, kind, drawn, day in assigned
                     if kind == situation and drawn == arm]
            spent = [sum(amount for who, day, amount in sales
                         if who == cid and drawn < day <= drawn + dt.timedelta(days=90))
                     for cid, drawn in group]
            assert experiment[key]["customers"] == len(group)
            assert experiment[key]["bought_again"] == sum(1 for s in spent if s > 0)
            assert experiment[key]["sales"] == sum(spent)
    assert found["kanchu"]["held_out"]["customers"] == 60
    assert found["kanchu"]["bought_uplift"]["difference"] > 0
