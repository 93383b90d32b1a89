"""The report's experiments, end to end: a run with held-out customers, a sales file with a
known effect, and `hagaki report` reading both (text and JSON say the same figures)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_holdout import DAY, run, shop

from mailmerge.cli import main
from mailmerge.sendlog.store import SendLog

LATER = DAY + dt.timedelta(days=100)


@pytest.fixture
def drawn(tmp_path) -> tuple[Path, list[str], list[str]]:
    """60 customers drawn half and half on DAY; (folder, mailed ids, held-out ids)."""
    shop(tmp_path, customers=60)
    run(tmp_path, holdout=50, holdout_seed="e")
    with SendLog(tmp_path / "log.sqlite") as log:
        mailed = sorted(a.customer_id for a in log.assignments("mailed"))
        held = sorted(a.customer_id for a in log.assignments("held-out"))
    return tmp_path, mailed, held


def write_sales(folder: Path, mailed: list[str], held: list[str]) -> Path:
    """20 of 30 mailed bought within the window, 5 of 30 held out (and one more who took
    it back); sales before, on and after the window do not count."""
    day = DAY + dt.timedelta(days=10)
    rows = ["顧客ID,日付,商品,金額"]
    rows += [f"{cid},{day},急須,5000" for cid in mailed[:20]]
    rows += [f"{cid},{day},急須,5000" for cid in held[:5]]
    rows += [f"{held[5]},{day},湯呑み,3000", f"{held[5]},{day + dt.timedelta(days=2)},"
             f"湯呑み 返品,-3000"]
    rows += [f"{mailed[25]},{DAY},茶葉,1000",  # the day of the draw: before the card
             f"{mailed[26]},{DAY + dt.timedelta(days=91)},茶葉,1000",  # after the window
             f"{held[6]},{DAY - dt.timedelta(days=30)},茶葉,1000"]
    (folder / "sales.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder / "sales.csv"


def report(folder: Path, on: dt.date, output: str = "json", out: Path | None = None) -> str:
    """`hagaki report` of the folder's shop in `output` format, or written to `out`."""
    result = CliRunner().invoke(main, [
        "report", str(folder / "customers.csv"), "--sales", str(folder / "sales.csv"),
        "--config", str(folder / "hagaki.toml"), "--log", str(folder / "log.sqlite"),
        "--date", on.isoformat(), *(["--out", str(out)] if out else ["--format", output])])
    assert result.exit_code == 0, result.output
    return result.output


def experiments_json(output: str) -> list[dict]:
    return json.loads(output[output.index("{"):])["experiments"]


def test_the_report_measures_the_known_effect_from_the_log_and_the_sales(drawn):
    folder, mailed, held = drawn
    assert len(mailed) == len(held) == 30
    write_sales(folder, mailed, held)
    [found] = experiments_json(report(folder, LATER))
    assert found["situation"] == "shochu" and found["window_days"] == 90
    assert found["mailed"] == {"customers": 30, "bought_again": 20, "bought_share": 0.6667,
                               "sales": 100000.0, "sales_per_customer": 3333.33}
    assert found["held_out"] == {"customers": 30, "bought_again": 5, "bought_share": 0.1667,
                                 "sales": 25000.0, "sales_per_customer": 833.33}
    assert found["bought_uplift"]["difference"] == 0.5
    assert found["bought_uplift"]["method"] == "newcombe"
    assert 0 < found["bought_uplift"]["low"] < 0.5 < found["bought_uplift"]["high"]
    assert found["bought_uplift_known"] and found["customers_needed"] is None
    assert found["sales_uplift"]["method"] == "bootstrap"
    assert found["sales_uplift"]["difference"] == 2500.0
    assert found["cards"] == 30 and found["postage"] == 30 * 85
    assert found["extra_sales_per_yen"] == round(2500 * 30 / (30 * 85), 4)
    text = report(folder, LATER, "text")
    assert "はがきの効果（くじで比べた結果）" in text
    low, high = (round(found["bought_uplift"][key] * 100) for key in ("low", "high"))
    assert (f"暑中見舞いを出したお客様は、出さなかったお客様より 50 ポイント多く再来店"
            f"（95% の範囲: {low}〜{high} ポイント）") in text
    assert "送った 30人 ／ 送らなかった（対照） 30人" in text
    assert "再来店: 送った 66.7% ／ 送らなかった 16.7%" in text


def test_a_window_not_yet_over_is_not_counted(drawn):
    folder, mailed, held = drawn
    write_sales(folder, mailed, held)
    [found] = experiments_json(report(folder, DAY + dt.timedelta(days=30)))
    assert found["still_running"] == 60
    assert found["mailed"]["customers"] == found["held_out"]["customers"] == 0
    assert found["bought_uplift"] is None
    assert "まだ期間中" in report(folder, DAY + dt.timedelta(days=30), "text")


def test_the_window_is_a_setting_per_kind_and_no_difference_is_said_so(drawn):
    folder, mailed, held = drawn
    write_sales(folder, mailed, held)
    with (folder / "hagaki.toml").open("a", encoding="utf-8") as stream:
        stream.write("[situations.shochu]\nwindow_days = 5\n")
    [found] = experiments_json(report(folder, LATER))
    assert found["window_days"] == 5
    assert found["mailed"]["bought_again"] == found["held_out"]["bought_again"] == 0
    assert not found["bought_uplift_known"] and found["customers_needed"] is None
    assert "まだ差は分かりません" in report(folder, LATER, "text")


def test_an_unclear_difference_says_how_many_more_customers_it_would_take(drawn):
    folder, mailed, held = drawn
    day = DAY + dt.timedelta(days=10)
    rows = [f"{cid},{day},急須,5000" for cid in mailed[:9] + held[:6]]
    (folder / "sales.csv").write_text("顧客ID,日付,商品,金額\n" + "\n".join(rows) + "\n",
                                      encoding="utf-8")
    [found] = experiments_json(report(folder, LATER))
    assert not found["bought_uplift_known"]
    total, more = found["customers_needed"], found["customers_more"]
    assert (total, more) == (289, 229)  # 30 % vs 20 % of 30 each: about 145 in each group
    assert f"同じ割合で全部で約 {total:,}人（あと約 {more:,}人）比べると分かります" in report(
        folder, LATER, "text")
    from openpyxl import load_workbook

    target = folder / "report.xlsx"
    CliRunner().invoke(main, [
        "report", str(folder / "customers.csv"), "--sales", str(folder / "sales.csv"),
        "--config", str(folder / "hagaki.toml"), "--log", str(folder / "log.sqlite"),
        "--date", LATER.isoformat(), "--out", str(target)])
    sheet = load_workbook(target)["はがきの効果"]
    row = dict(zip([cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]],
                   strict=True))
    assert (row["分かるまでの人数 (全部で, 目安)"], row["分かるまでの人数 (あと, 目安)"]) == (
        total, more)
    assert f"全部で約 {total:,}人（あと約 {more:,}人）" in row["結論"]


def test_no_experiment_without_a_held_out_group(tmp_path):
    shop(tmp_path)
    run(tmp_path)
    (tmp_path / "sales.csv").write_text(f"顧客ID,日付,商品,金額\nC001,{DAY},急須,500\n",
                                        encoding="utf-8")
    assert experiments_json(report(tmp_path, LATER)) == []
    assert "はがきの効果（くじで比べた結果）" not in report(tmp_path, LATER, "text")


def test_the_workbook_and_the_text_say_the_same_figures(drawn, tmp_path):
    from openpyxl import load_workbook

    folder, mailed, held = drawn
    write_sales(folder, mailed, held)
    [found] = experiments_json(report(folder, LATER))
    target = folder / "report.xlsx"
    said = report(folder, LATER, out=target)
    sheet = load_workbook(target)["はがきの効果"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["種類"] == "暑中見舞い" and row["送った人数"] == 30
    assert row["送った組の再来店"] == pytest.approx(found["mailed"]["bought_share"], abs=1e-4)
    assert row["再来店の差"] == pytest.approx(found["bought_uplift"]["difference"])
    assert row["95% の範囲 (下)"] == pytest.approx(found["bought_uplift"]["low"], abs=1e-4)
    assert row["売上の差 (円)"] == pytest.approx(found["sales_uplift"]["difference"])
    assert row["郵送料 (円)"] == found["postage"]
    assert row["結論"] in said


def test_the_pdf_says_what_the_text_says(drawn):
    import io

    import pdfplumber

    folder, mailed, held = drawn
    write_sales(folder, mailed, held)
    target = folder / "report.pdf"
    said = report(folder, LATER, out=target)
    with pdfplumber.open(io.BytesIO(target.read_bytes())) as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "")
    verdict = next(line.strip() for line in said.splitlines()
                   if "ポイント多く再来店" in line)
    assert "はがきの効果（くじで比べた結果）" in text
    assert verdict in text
    assert "送った 30人 ／ 送らなかった（対照） 30人" in text


def test_a_customer_renumbered_since_the_draw_is_still_matched_to_their_sales(drawn):
    folder, mailed, held = drawn
    write_sales(folder, mailed, held)
    expected = experiments_json(report(folder, LATER))
    for name in ("customers.csv", "sales.csv"):  # a new register numbers everyone anew
        path = folder / name
        path.write_text(path.read_text("utf-8").replace("\nC0", "\nN0"), encoding="utf-8")
    assert "N001" in (folder / "customers.csv").read_text("utf-8")
    assert experiments_json(report(folder, LATER)) == expected


def test_customers_mailed_without_a_draw_are_counted_and_said_not_compared(drawn):
    folder, mailed, held = drawn  # 30 held out of 暑中見舞い on DAY
    zansho = dt.date(2026, 8, 20)
    printed = run(folder, situation="zansho", on=zansho, holdout=20, holdout_seed="z")
    assert len(printed.cards) == 54  # 60, of whom 6 held out: the 30 of last time are not drawn
    write_sales(folder, mailed, held)
    on = zansho + dt.timedelta(days=100)
    zansho_found = [e for e in experiments_json(report(folder, on)) if e["situation"] == "zansho"]
    [whole] = zansho_found
    assert (whole["mailed"]["customers"], whole["held_out"]["customers"]) == (24, 6)
    assert whole["not_randomised"] == 30 and whole["cards"] == 24
    text = report(folder, on, "text")
    assert "前回対照だったお客様 30人は比べる組に入れていません" in text
    assert "印刷用の棚卸し（PDF）の「はがきの成果」は、送ったはがきすべてについて 60 日以内" in text
