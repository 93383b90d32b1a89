"""`hagaki check`: the whole list checked before printing, for people and for programs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.runs.check import check_files
from mailmerge.shop.settings import Settings

DATA = Path(__file__).parent / "data"


def test_check_finds_what_print_would_refuse(customers_csv):
    report = check_files(customers_csv, Settings())
    found = [(kind, p.row, p.customer_id, p.column, p.code) for kind, p in report.problems]
    assert found == [
        ("customers", 12, "C011", "名", "glyph-missing"),
        ("customers", 15, "C014", "郵便番号", "postal-format"),
        ("customers", 16, "C015", "住所1", "missing-address"),
    ]
    assert (report.rows, report.printable) == (16, 13)


def test_check_lays_out_long_rows_and_reports_too_long(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("顧客ID,姓,名,郵便番号,住所1\n"
                    "C1,山田,太郎,160-0023,東京都新宿区西新宿" + "二丁目八番一号東京都庁第一本庁舎" * 12 + "\n",
                    encoding="utf-8")
    report = check_files(path, Settings())
    assert [(p.row, p.code, p.column) for _, p in report.problems] == [(2, "too-long", "住所1")]


def test_json_output_and_exit_codes(tmp_path, customers_csv):
    sales = tmp_path / "s.csv"
    sales.write_text("顧客ID,日付,商品\nC001,2026-11-01,湯呑み\nC404,2026-11-02,急須\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(customers_csv), "--sales", str(sales),
                                       "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["rows"], data["printable"], data["sales_rows"]) == (16, 13, 2)
    assert {"file": "sales", "path": str(sales), "row": 3, "customer_id": "C404", "column": "顧客ID",
            "code": "unknown-customer", "severity": "error",
            "message": data["problems"][-1]["message"]} == data["problems"][-1]
    clean = tmp_path / "clean.csv"
    clean.write_text("顧客ID,姓,名,郵便番号,住所1\nC1,山田,太郎,160-0023,東京都新宿区西新宿2-8-1\n",
                     encoding="utf-8")
    ok = CliRunner().invoke(main, ["check", str(clean)])
    assert ok.exit_code == 0 and "問題はありません" in ok.output


def test_text_output_groups_by_code_with_what_to_do(customers_csv):
    result = CliRunner().invoke(main, ["check", str(customers_csv)])
    lines = result.stdout.splitlines()
    assert lines[0].endswith("customers.csv: 16行、印刷できるのは 13行、エラー 3件、注意 0件")
    assert "郵便番号の書き方（エラー 1件）: 郵便番号を 7 けたで書いてください（例: 100-0001）" in lines
    assert any(line.startswith("  customers.csv 行 15 (C014) 郵便番号:") for line in lines)


def test_not_a_customer_list_is_one_line(tmp_path):
    noise = tmp_path / "noise.bin"
    noise.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = CliRunner().invoke(main, ["check", str(noise)])
    assert result.exit_code == 1
    assert result.stderr.count("エラー:") == 1 and "テキスト（CSV）のファイルではありません" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output
