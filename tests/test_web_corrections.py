"""Corrections: a suggested postal code fixed with one click on 顧客リスト, stored in the
shop's log, read by the CLI as well, undone; the customer's file is never touched."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3

import pytest
from click.testing import CliRunner
from web_shop import csrf_token, make_shop

from mailmerge import clock
from mailmerge.cli import main
from mailmerge.models import Customer, Problem
from mailmerge.sendlog.store import LogError, SendLog
from mailmerge.sources.corrections import Correction, apply_corrections, suggested_postal_code

WRONG_CODE_ROW = "C004,佐藤,次郎,様,160-0023,大阪府大阪市北区梅田3-1-1\n"


@pytest.fixture
def shop(tmp_path):
    folder = make_shop(tmp_path)
    with (folder / "customers.csv").open("a", encoding="utf-8") as stream:
        stream.write(WRONG_CODE_ROW)  # row 5: the code is Shinjuku's, the address Umeda's
    day = clock.today() - dt.timedelta(days=3)
    with (folder / "sales.csv").open("a", encoding="utf-8") as stream:
        stream.write(f"C004,{day},花瓶,8800\n")
    return folder


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_plan(shop, rows_with_errors: bool) -> str:
    result = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"), "--sales",
                                       str(shop / "sales.csv")])
    assert result.exit_code == (1 if rows_with_errors else 0), result.output
    return result.output


def test_the_page_lists_the_problem_by_file_row_and_column_with_its_fix(client):
    page = client.get("/customers").text
    row = re.search(r'<tr class="problem error">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[:3] == ["customers.csv", "5", "郵便番号"]
    assert '<span class="code" title="postal-mismatch">郵便番号と住所が合わない</span>' in cells[3]
    assert '<button type="submit" class="fix">530-0001 にする</button>' in cells[4]


def test_a_web_correction_is_planned_by_the_cli_and_undone(client, shop):
    csv_before = digest(shop / "customers.csv")
    assert "C004" not in cli_plan(shop, rows_with_errors=True).split("送らない顧客")[0]

    response = client.post("/customers/correct", data={
        "csrf_token": csrf_token(client, "/customers"), "customer_id": "C004", "field": "postal_code",
        "value": "530-0001"})
    assert response.status_code == 200  # after the redirect back to the page
    assert "郵便番号 160-0023 → 530-0001" in response.text
    assert 'class="problem error"' not in response.text
    plan = cli_plan(shop, rows_with_errors=False)
    cards = plan.split("送らない顧客")[0]
    assert re.search(r"行 5 C004 佐藤 次郎: \S*お礼状", cards)
    assert ("customers.csv 行 5 の郵便番号を 530-0001 に直して読みました" in plan)

    correction_id = re.search(r'name="correction_id" value="(\d+)"', response.text).group(1)
    undone = client.post("/customers/undo", data={"csrf_token": csrf_token(client, "/customers"),
                                                  "correction_id": correction_id})
    assert "修正はありません" in undone.text
    assert 'class="problem error"' in undone.text
    assert "C004" not in cli_plan(shop, rows_with_errors=True).split("送らない顧客")[0]
    assert digest(shop / "customers.csv") == csv_before


def test_a_corrected_list_checks_and_prints_clean(client, shop):
    client.post("/customers/correct", data={"csrf_token": csrf_token(client, "/customers"), "customer_id": "C004",
                                            "field": "postal_code", "value": "5300001"})
    check = CliRunner().invoke(main, ["check", str(shop / "customers.csv")])
    assert check.exit_code == 0, check.output
    printed = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), "--sales",
                                        str(shop / "sales.csv"), "--side", "address"])
    assert printed.exit_code == 0, printed.output
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        keys = dict(db.execute("SELECT customer_id, address_key FROM cards").fetchall())
    assert keys["C004"].startswith("5300001|")


def test_a_correction_without_the_token_or_for_a_stranger_is_refused(client, shop):
    assert client.post("/customers/correct", data={"customer_id": "C004", "field":
                       "postal_code", "value": "530-0001"}).status_code == 403
    refused = client.post("/customers/correct", data={
        "csrf_token": csrf_token(client, "/customers"), "customer_id": "C999", "field": "postal_code",
        "value": "530-0001"})
    assert refused.status_code == 400
    bad = client.post("/customers/correct", data={
        "csrf_token": csrf_token(client, "/customers"), "customer_id": "C004", "field": "postal_code",
        "value": "53-1"})
    assert bad.status_code == 400
    assert "7 桁ではありません" in bad.text
    assert client.post("/customers/correct", data={
        "csrf_token": csrf_token(client, "/customers"), "customer_id": "C004", "field": "note",
        "value": "x"}).status_code == 400


def test_a_correction_applies_only_while_the_file_holds_the_old_value():
    customer = Customer(5, "C004", "佐藤", postal_code="1600023",
                        address1="大阪府大阪市北区梅田3-1-1")
    problem = Problem(5, "C004", "郵便番号", "postal-mismatch", "error", "…", "a.csv")
    stale = Correction(1, "C004", "postal_code", "1000001", "5300001")
    notes: list[str] = []
    [(kept, problems)] = apply_corrections([(customer, [problem])], [stale], notes, "a.csv")
    assert (kept.postal_code, problems, notes) == ("1600023", [problem], [])
    fitting = Correction(2, "C004", "postal_code", "1600023", "5300001")
    [(fixed, problems)] = apply_corrections([(customer, [problem])], [fitting], notes, "a.csv")
    assert (fixed.postal_code, problems) == ("5300001", [])
    assert notes == ["a.csv 行 5 の郵便番号を 530-0001 に直して読みました（元のファイルは"
                     "そのままです。修正は「顧客リスト」の画面で取り消せます）"]


def test_the_suggested_code_is_read_from_both_kinds_of_postal_problem():
    def problem(code: str, message: str) -> Problem:
        return Problem(2, "C1", "郵便番号", code, "error", message)

    assert suggested_postal_code(problem(
        "postal-mismatch", "郵便番号 160-0023 は 東京都新宿区西新宿 の番号ですが、住所は 大阪府"
        "大阪市北区梅田3-1-1 です。530-0001 (大阪府大阪市北区梅田) ではありませんか？")) == "5300001"
    assert suggested_postal_code(problem(
        "postal-unknown", "郵便番号 999-9999 はありません。住所からは 160-0023 (東京都新宿区"
        "西新宿) です。住所と郵便番号を確かめてください")) == "1600023"
    assert suggested_postal_code(problem(
        "postal-mismatch", "住所に市区町村がありません: 東京都新宿区 から書いてください"
        "（郵便番号 160-0023）")) is None


def test_a_damaged_correction_row_is_found_when_the_log_is_opened(client, shop):
    client.post("/customers/correct", data={"csrf_token": csrf_token(client, "/customers"), "customer_id": "C004",
                                            "field": "postal_code", "value": "530-0001"})
    log_path = shop / "hagaki-log.sqlite"
    with sqlite3.connect(log_path) as db:
        db.execute("UPDATE corrections SET new_value = '5300002'")
    with pytest.raises(LogError, match="corrections 1"):
        SendLog(log_path)
