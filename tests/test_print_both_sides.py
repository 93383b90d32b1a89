"""Printing both sides from a sales list, the plan command, and the Word export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
from click.testing import CliRunner
from pdfread import glyphs, page_count

from mailmerge.cli import main

DATA = Path(__file__).parent / "data"


def sales_file(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_text("顧客ID,日付,商品,金額\n"
                    "C001,2026-11-15,有田焼の湯呑み,3300\nC001,2026-11-18,急須,5500\n"
                    "C002,2026-04-20,手ぬぐい,1200\nC003,2025-06-01,漆塗りの箸,2800\n"
                    "C404,2026-11-01,線香,1100\n", encoding="utf-8")
    return path


def test_both_sides_interleave_address_then_message_per_card(tmp_path):
    out = tmp_path / "cards.pdf"
    word = tmp_path / "messages.docx"
    result = CliRunner().invoke(main, [
        "print", str(DATA / "customers.csv"), "--sales", str(sales_file(tmp_path)),
        "--date", "2026-11-23", "--side", "both", "--out", str(out), "--docx", str(word),
        "--config", str(DATA / "hagaki.toml")])
    assert result.exit_code == 1, result.output  # two rows of the list have errors
    assert "印刷しました: 3枚" in result.output and "255円" in result.output
    assert page_count(out) == 6
    first_address = "".join(g.text for g in glyphs(out, 0))
    first_message = "".join(g.text for g in glyphs(out, 1))
    assert "髙橋一郎様" in first_address
    assert "有田焼の湯呑みと急須" in first_message
    assert "山﨑健太様" in "".join(g.text for g in glyphs(out, 2))  # postal-code order
    assert "𠮷田" in "".join(g.text for g in glyphs(out, 4))
    document = docx.Document(word)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (100, 148)
    assert section._sectPr.xpath("./w:textDirection/@w:val") == ["tbRl"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "有田焼の湯呑みと急須" in text and text.count("ささき雑貨店") == 3


def test_a_template_mistake_prints_nothing(tmp_path):
    template = tmp_path / "bad.j2"
    template.write_text("{% block body %}\n{{ nickname }}\n{% endblock %}", encoding="utf-8")
    out = tmp_path / "cards.pdf"
    result = CliRunner().invoke(main, ["print", str(DATA / "customers.csv"), "--side", "message",
                                       "--template", str(template), "--out", str(out)])
    assert result.exit_code == 1
    assert "bad.j2 2 行目: 変数 'nickname' はありません" in result.output
    assert not out.exists()


def test_a_seasonal_card_out_of_season_is_refused_with_the_dates(tmp_path):
    result = CliRunner().invoke(main, ["print", str(DATA / "customers.csv"), "--situation",
                                       "shochu", "--date", "2026-11-23",
                                       "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "暑中見舞いの時期（印刷 2026-06-15 … 2026-08-06、投函 2026-07-07 … 2026-08-06）" in result.output


def test_plan_as_json_csv_and_text(tmp_path):
    args = ["plan", str(DATA / "customers.csv"), "--sales", str(sales_file(tmp_path)),
            "--date", "2026-11-23"]
    data = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    assert data["date"] == "2026-11-23"
    assert [(c["customer_id"], c["situation"]) for c in data["cards"]] == [
        ("C001", "thanks"), ("C002", "dormant"), ("C003", "winback")]
    assert all(c["template"].endswith(".j2") and c["reason"] for c in data["cards"])
    not_sent = {n["customer_id"]: n["code"] for n in data["not_sent"]}
    assert not_sent["C013"] == "do-not-mail" and not_sent["C004"] == "no-purchase"
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(main, [*args, "--format",
                                                                     "csv"]).stdout)))
    assert len(rows) == len(data["cards"]) + len(data["not_sent"])
    text = CliRunner().invoke(main, args).output
    assert "合計" in text and "255円" in text
