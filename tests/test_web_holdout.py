"""The 印刷 page's held-out choice: the share drawn is not mailed, and is logged held-out."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from web_shop import print_form

from mailmerge import clock

DATA_HEADER = "顧客ID,姓,名,敬称,郵便番号,住所1\n"


@pytest.fixture
def shop(tmp_path):
    """Ten customers who bought three days ago: ten thank-you cards are due."""
    (tmp_path / "hagaki.toml").write_text(
        '[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\n'
        'address = "東京都渋谷区神宮前1-2-3"\n', encoding="utf-8")
    day = clock.today() - dt.timedelta(days=3)
    (tmp_path / "customers.csv").write_text(DATA_HEADER + "".join(
        f"C{n:02d},山田,{n}郎,様,160-0023,東京都新宿区西新宿2-8-{n}\n" for n in range(10)),
        encoding="utf-8")
    (tmp_path / "sales.csv").write_text("顧客ID,日付,商品,金額\n" + "".join(
        f"C{n:02d},{day},急須,5500\n" for n in range(10)), encoding="utf-8")
    return tmp_path


def test_the_print_page_offers_a_holdout_and_the_run_holds_them_out(client, shop):
    page = client.get("/print").text
    assert 'name="holdout"' in page and '<option value="20">' in page
    assert "今日のはがき: 10枚" in page
    form = {**print_form(client), "action": "real", "side": "address", "holdout": "20"}
    assert client.post("/print", data=form).status_code in (200, 303)
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        mailed = {row[0] for row in db.execute("SELECT customer_id FROM cards")}
        held = {row[0] for row in db.execute(
            "SELECT customer_id FROM assignments WHERE arm = 'held-out'")}
        percent = db.execute("SELECT holdout_percent FROM draws").fetchone()[0]
    assert len(held) == 2 and len(mailed) == 8 and not held & mailed
    assert percent == 20.0
    plan = client.get("/print").text  # the held-out customers are not due again today
    assert "今日のはがき: 0枚" in plan


def test_a_holdout_the_page_does_not_offer_is_refused(client, shop):
    form = {**print_form(client), "action": "real", "side": "address", "holdout": "90"}
    assert client.post("/print", data=form).status_code == 400
    assert not (shop / "hagaki-log.sqlite").exists() or not sqlite3.connect(
        shop / "hagaki-log.sqlite").execute("SELECT COUNT(*) FROM cards").fetchone()[0]


def test_the_report_page_shows_the_experiments_as_the_text_report_does(client, shop):
    import json

    from click.testing import CliRunner

    from mailmerge.cli import main

    form = {**print_form(client), "action": "real", "side": "address", "holdout": "20"}
    client.post("/print", data=form)
    later = clock.today() + dt.timedelta(days=120)
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        mailed = sorted(row[0] for row in db.execute("SELECT customer_id FROM cards"))
    with (shop / "sales.csv").open("a", encoding="utf-8") as stream:
        stream.write("".join(f"{cid},{clock.today() + dt.timedelta(days=5)},茶葉,2000\n"
                             for cid in mailed[:6]))
    with clock.on_day(later):
        page = client.get("/report").text
        result = CliRunner().invoke(main, [
            "report", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
            "--config", str(shop / "hagaki.toml"), "--format", "json"])
    [found] = json.loads(result.output[result.output.index("{"):])["experiments"]
    assert found["mailed"]["customers"] == 8 and found["held_out"]["customers"] == 2
    assert 'id="experiments"' in page
    assert "お礼状（90 日以内の再来店）" in page
    assert "ここでは、くじで選んだお客様だけを、送らなかったお客様と同じ日数で比べています" in page
    assert "再来店: 送った 75.0% ／ 送らなかった 0.0%" in page
    low, high = (round(found["bought_uplift"][key] * 100) for key in ("low", "high"))
    assert f"95% の範囲: {low}〜{high} ポイント" in page


def test_the_log_page_and_its_exports_show_the_held_out_and_the_run_page_counts_them(
        client, shop):
    import csv
    import io

    form = {**print_form(client), "action": "real", "side": "address", "holdout": "20"}
    client.post("/print", data=form)
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        held = {row[0] for row in db.execute(
            "SELECT customer_id FROM assignments WHERE arm = 'held-out'")}
    assert len(held) == 2
    assert "ほかに 2人は、はがきの効果を測るため" in client.get("/print/runs/1").text
    page = client.get("/log").text
    assert "8枚 ／ 対照（送らず）のお客様 2人" in page
    assert '<option value="held-out"' in page
    only = client.get("/log", params={"status": "held-out"}).text
    assert {cid for cid in held if cid in only} == held and "刷り直す" not in only
    exported = client.get("/log/export.csv", params={"status": "held-out"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {row["顧客ID"] for row in rows} == held
    assert {row["状態"] for row in rows} == {"対照（送らず）"}
    every = client.get("/log/export.csv").content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(every)))) == 10


def test_the_plan_and_previews_show_the_draw_the_print_makes(client, shop):
    with (shop / "hagaki.toml").open("a", encoding="utf-8") as config:
        config.write('[situations.thanks]\nholdout = 20\n'
                     'templates = ["thanks-1.j2", "thanks-2.j2"]\n')
    page = client.get("/print").text
    assert "今日のはがき: 8枚" in page  # the hagaki.toml's holdout, as the print will draw it
    view = client.app.state.desk.plan(clock.today(), None)
    planned = {entry.customer.customer_id: name
               for entry, name in zip(view.plan.cards, view.templates, strict=True)}
    assert set(planned.values()) == {"thanks-1.j2", "thanks-2.j2"}
    planned_out = {n.customer.customer_id for n in view.plan.not_sent if n.code == "held-out"}
    plan_page = client.get("/plan").text
    assert plan_page.count("対照（送らず）") == 2
    proof = client.post("/print", data={**print_form(client), "action": "proof",
                                        "side": "both"}).text
    assert "ほかに 2人は、はがきの効果を測るため" in proof
    form = {**print_form(client), "action": "real", "side": "both"}
    client.post("/print", data=form)
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        logged = dict(db.execute("SELECT customer_id, template FROM cards"))
        held = {row[0] for row in db.execute(
            "SELECT customer_id FROM assignments WHERE arm = 'held-out'")}
    assert logged == planned and held == planned_out


def test_the_print_page_names_the_settings_holdout_and_offers_everyone(client, shop):
    with (shop / "hagaki.toml").open("a", encoding="utf-8") as config:
        config.write('[situations.thanks]\nholdout = 20\n')
    page = client.get("/print").text
    assert '<option value="">設定どおり（お礼状 20%）</option>' in page
    assert '<option value="0">全員に送る</option>' in page
    form = {**print_form(client), "action": "real", "side": "address", "holdout": "0"}
    result = client.post("/print", data=form)
    assert result.status_code in (200, 303), result.text
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        assert db.execute("SELECT count(*) FROM assignments WHERE arm = 'held-out'"
                          ).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == 10
