"""A/B wording: a kind of card names several templates in hagaki.toml; each card draws one
at random, the log keeps it, a reprint keeps it, and the report compares each template's
customers with the held-out ones."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from click.testing import CliRunner
from test_holdout import DAY, held, run, shop

from mailmerge.cli import main
from mailmerge.errors import ConfigError
from mailmerge.runs.check import check_files
from mailmerge.runs.planning import plan_cards
from mailmerge.shop.settings import load_settings
from mailmerge.sources.customers import ReadOptions

AB = '[situations.shochu]\ntemplates = ["shochu-1.j2", "shochu-2.j2"]\nshares = [1, 3]\n'


def logged(folder, query: str) -> list[tuple]:
    with sqlite3.connect(folder / "log.sqlite") as db:
        return db.execute(query).fetchall()


def test_each_card_draws_a_template_and_the_log_keeps_it(tmp_path):
    shop(tmp_path, customers=40, extra=AB)
    report = run(tmp_path, side="both", holdout=10, holdout_seed="ab")
    cards = dict(logged(tmp_path, "SELECT customer_id, template FROM cards"))
    assert len(cards) == 36 and set(cards.values()) == {"shochu-1.j2", "shochu-2.j2"}
    assert list(cards.values()).count("shochu-2.j2") > list(cards.values()).count("shochu-1.j2")
    mailed = dict(logged(tmp_path, "SELECT customer_id, template FROM assignments "
                                   "WHERE arm = 'mailed'"))
    assert mailed == cards
    [(templates,)] = logged(tmp_path, "SELECT templates FROM draws")
    assert json.loads(templates) == ["shochu-1.j2", "shochu-2.j2"]
    words = {entry.customer.customer_id: entry.template for entry in report.cards}
    assert words == cards


def test_the_same_seed_draws_the_same_templates(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        shop(folder, customers=12, extra=AB)
        run(folder, side="both", holdout_seed="same")
    query = "SELECT customer_id, template FROM cards ORDER BY customer_id"
    assert logged(first, query) == logged(second, query)


def test_a_reprint_keeps_its_template(tmp_path):
    shop(tmp_path, customers=12, extra=AB)
    run(tmp_path, side="both", holdout_seed="r")
    card_id, template = logged(tmp_path, "SELECT id, template FROM cards "
                                         "WHERE template = 'shochu-1.j2' LIMIT 1")[0]
    run(tmp_path, side="both", reprint=(f"card:{card_id}",), replace=True)
    [(again,)] = logged(tmp_path, f"SELECT template FROM cards WHERE reprint_of = {card_id}")
    assert again == template


def test_an_unknown_template_names_the_file_and_key(tmp_path):
    customers, config = shop(tmp_path, customers=3, extra='[situations.shochu]\n'
                             'templates = ["shochu-1.j2", "shochu-9.j2"]\n')
    with pytest.raises(ConfigError, match=r"\[situations.shochu\] templates.*shochu-9.j2"):
        run(tmp_path, side="both")
    (tmp_path / "tpl").mkdir()
    config.write_text(config.read_text(encoding="utf-8") + '[templates]\nfolder = "tpl"\n',
                      encoding="utf-8")
    settings = load_settings(config)
    for asked in (lambda: plan_cards(customers, settings, ReadOptions(), None, "winback", DAY),
                  lambda: check_files(customers, settings)):
        with pytest.raises(ConfigError) as refused:
            asked()  # a plan of another kind of card, and hagaki check, refuse it too
        assert "shochu-9.j2 は店のテンプレートのフォルダ（tpl）にも同梱の文面にもありません" in str(
            refused.value)
        assert "builtin" not in str(refused.value)


def test_plan_proof_and_print_agree_on_each_template_and_who_is_held_out(tmp_path):
    customers, config = shop(tmp_path, customers=40, extra=AB + "holdout = 10\n")
    view = plan_cards(customers, load_settings(config), ReadOptions(), None, "shochu", DAY,
                      tmp_path / "log.sqlite")
    planned = {entry.customer.customer_id: name
               for entry, name in zip(view.plan.cards, view.templates, strict=True)}
    planned_out = {n.customer.customer_id for n in view.plan.not_sent if n.code == "held-out"}
    assert len(planned) == 36 and len(planned_out) == 4
    assert set(planned.values()) == {"shochu-1.j2", "shochu-2.j2"}
    proof = run(tmp_path, side="both", proof=True)
    printed = run(tmp_path, side="both")
    for report in (proof, printed):
        assert {e.customer.customer_id: e.template for e in report.cards} == planned
        assert held(report) == planned_out
    assert dict(logged(tmp_path, "SELECT customer_id, template FROM cards")) == planned
    [(seed,)] = logged(tmp_path, "SELECT seed FROM draws")
    assert seed == "day-2026-07-20"


def test_shares_are_weights_not_percentages(tmp_path):
    draws = []
    for name, extra in (("weights", AB), ("percent", AB.replace("[1, 3]", "[25, 75]"))):
        (tmp_path / name).mkdir()
        shop(tmp_path / name, customers=40, extra=extra)
        run(tmp_path / name, side="both")
        draws.append(logged(tmp_path / name, "SELECT customer_id, template FROM cards"))
    assert draws[0] == draws[1]
    drawn = [template for _customer, template in draws[0]]
    assert (drawn.count("shochu-1.j2"), drawn.count("shochu-2.j2")) == (8, 32)  # about 1:3


@pytest.mark.parametrize("extra", [
    '[situations.shochu]\ntemplates = ["a.j2", "b.j2"]\nshares = [1]\n',
    '[situations.shochu]\ntemplates = ["a.j2", "b.j2"]\nshares = [1, 0]\n',
    '[situations.shochu]\ntemplates = ["../a.j2"]\n',
])
def test_bad_template_lists_are_refused_by_key(tmp_path, extra):
    _customers, config = shop(tmp_path, customers=3, extra=extra)
    with pytest.raises(ConfigError, match=r"\[situations.shochu\]"):
        load_settings(config)


def test_the_report_compares_each_template_with_the_held_out(tmp_path):
    shop(tmp_path, customers=40, extra=AB)
    run(tmp_path, side="both", holdout=25, holdout_seed="ab")
    day = DAY + dt.timedelta(days=3)
    buyers = logged(tmp_path, "SELECT customer_id FROM cards WHERE template = 'shochu-2.j2'")
    (tmp_path / "sales.csv").write_text("顧客ID,日付,商品,金額\n" + "".join(
        f"{cid},{day},急須,1000\n" for (cid,) in buyers), encoding="utf-8")
    result = CliRunner().invoke(main, [
        "report", str(tmp_path / "customers.csv"), "--sales", str(tmp_path / "sales.csv"),
        "--config", str(tmp_path / "hagaki.toml"), "--log", str(tmp_path / "log.sqlite"),
        "--date", (DAY + dt.timedelta(days=100)).isoformat(), "--format", "json"])
    found = json.loads(result.output[result.output.index("{"):])["experiments"]
    assert [e["template"] for e in found] == ["", "shochu-1.j2", "shochu-2.j2"]
    whole, one, two = found
    assert one["mailed"]["customers"] + two["mailed"]["customers"] == whole["mailed"]["customers"]
    assert one["held_out"] == two["held_out"] == whole["held_out"]
    assert one["mailed"]["bought_again"] == 0
    assert two["mailed"]["bought_share"] == 1.0
    assert [e["template_title"] for e in found] == ["", "文面 1", "文面 2"]
    text = CliRunner().invoke(main, [
        "report", str(tmp_path / "customers.csv"), "--sales", str(tmp_path / "sales.csv"),
        "--config", str(tmp_path / "hagaki.toml"), "--log", str(tmp_path / "log.sqlite"),
        "--date", (DAY + dt.timedelta(days=100)).isoformat()]).output
    assert "暑中見舞い 文面 2（90 日以内の再来店）" in text and ".j2" not in text


def test_the_log_export_names_each_template_and_keeps_its_file_for_programs(tmp_path):
    import csv
    import io

    shop(tmp_path, customers=12, extra=AB)
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "shochu-2.j2").write_text(
        "{% block heading %}暑中お見舞い申し上げます{% endblock %}"
        "{% block body %}{{ dear }}、お元気ですか。{% endblock %}", encoding="utf-8")  # the shop's own second wording
    with (tmp_path / "hagaki.toml").open("a", encoding="utf-8") as config:
        config.write(f'[templates]\nfolder = "{tmp_path / "tpl"}"\n')
    run(tmp_path, side="both")
    target = tmp_path / "sent.csv"
    result = CliRunner().invoke(main, ["log", "export", "--log", str(tmp_path / "log.sqlite"),
                                       "--config", str(tmp_path / "hagaki.toml"),
                                       "--out", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    pairs = {(row["使った文面"], row["テンプレートのファイル"]) for row in rows}
    assert pairs == {("文面 1", "shochu-1.j2"), ("店の文面 2", "shochu-2.j2")}


def test_a_relative_templates_folder_is_beside_hagaki_toml_wherever_hagaki_runs(
        tmp_path, monkeypatch):
    shop_folder = tmp_path / "shop"
    shop_folder.mkdir()
    _customers, config = shop(shop_folder, customers=3)
    config.write_text(config.read_text(encoding="utf-8") + '[templates]\nfolder = "tpl"\n',
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_settings(config).templates_folder == shop_folder / "tpl"
