"""What a shop owner reads in Japanese is words, not codes: the CLI's plan, check, print and
log output and the report's PDF and workbook, read back after a full run. Codes stay where
programs read them (--format json, the workbook's code column)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner

import mailmerge
from mailmerge import clock
from mailmerge.cli import main
from mailmerge.layout.paper import PAPERS
from mailmerge.models import Problem
from mailmerge.package_files import package_file
from mailmerge.runs.check import WHAT_TO_DO
from mailmerge.runs.jobs import RunReport
from mailmerge.runs.summary import summary_lines
from mailmerge.selection.plan import LABELS, RULE_WORDS, SITUATIONS
from mailmerge.sendlog.labels import STATUS_WORDS
from mailmerge.sources.customers import FIELD_LABELS
from mailmerge.sources.problem_words import PROBLEM_WORDS
from mailmerge.templates.titles import template_title

DATA = Path(__file__).parent / "data"
DAY = dt.date(2026, 11, 23)
NENGA = ("--situation", "nenga", "--date", "2026-12-01")
# Codes a person must never read on their own: kinds of card, papers, one-word rules,
# problems and statuses (codes with a hyphen or an underscore are caught by their shape).
BARE_CODES = {*SITUATIONS, *LABELS, *PAPERS, *STATUS_WORDS, "greeting",
              *(code for code in [*RULE_WORDS, *PROBLEM_WORDS] if code.isalpha())}
IDENTIFIER = r"(?<![A-Za-z0-9_.])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+(?![A-Za-z0-9_])"
FIELD_NAME = r"(?<![A-Za-z0-9_])(?:address[0-9]|{})(?![A-Za-z0-9_])".format(
    "|".join(FIELD_LABELS))
BARE = r"(?<![A-Za-z0-9_.-])(?:{})(?![A-Za-z0-9_-])".format("|".join(sorted(BARE_CODES)))
# What a CLI may say in ASCII: its own commands and options, hagaki.toml's sections.
ALLOWED = [r"--[a-z][a-z0-9-]*", r"\bhagaki(?: [a-z][a-z-]*){1,2}",
           r"\[(?:fonts|sender|paper|rules|columns|print|address|printers\.[^\]]+)\]"]
# A list with problems of several kinds, and a sales list with some of its own.
MORE_CUSTOMERS = ("C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,,,,,,\n"
                  "C017,山本,花,様,100-0001,大阪府大阪市北区梅田1-1-1,,,,,,\n")
MORE_SALES = ("C999,2026-11-01,箸,1000,田中\nC001,2026-13-45,箸,1000,田中\n"
              "C002,2026-11-02,箸,千円,田中\n")


def offenders(text: str, files: list[str]) -> list[str]:
    """The code words in what a person reads: kebab- and snake-case identifiers, template
    file names, internal column names and bare codes; paths, file names (also when a table
    wraps them), options, commands and hagaki.toml's sections are allowed."""
    for name in sorted(files, key=len, reverse=True):
        text = text.replace(name, " ")
    for allowed in ALLOWED:
        text = re.sub(allowed, " ", text)
    names = [Path(name).name for name in files]
    kept = [token for token in text.split()
            if not (token.isascii() and len(token) > 2 and any(token in n for n in names))]
    text = " ".join(kept)
    return [found for pattern in (IDENTIFIER, r"\.j2\b", FIELD_NAME, BARE)
            for found in re.findall(pattern, text)]


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def workbook_text(path: Path) -> tuple[str, list[str]]:
    """Every cell a person reads, and the cells of the columns titled as codes (for programs)."""
    book = openpyxl.load_workbook(path)
    read, codes = [], []
    for sheet in book.worksheets:
        read.append(sheet.title)
        code_columns: set[int] = set()
        for row in sheet.iter_rows(values_only=True):
            code_columns |= {index for index, value in enumerate(row) if value == "誤りのコード"}
            for index, value in enumerate(row):
                if isinstance(value, str):
                    (codes if index in code_columns and value != "誤りのコード"
                     else read).append(value)
    return "\n".join(read), codes


@pytest.fixture(scope="module")
def shop_run(tmp_path_factory):
    """A shop after a full run, in Japanese: every output a person reads, by name, the files
    it names, and the JSON and workbook codes kept for programs."""
    shop = tmp_path_factory.mktemp("shop")
    shutil.copy(DATA / "hagaki.toml", shop / "hagaki.toml")
    shutil.copy(DATA / "customers.csv", shop / "customers.csv")
    shutil.copy(package_file("data", "sample_sales.csv"), shop / "sales.csv")
    bad = shop / "problems.csv"
    bad.write_text((DATA / "customers.csv").read_text("utf-8") + MORE_CUSTOMERS, "utf-8")
    bad_sales = shop / "problem-sales.csv"
    bad_sales.write_text(package_file("data", "sample_sales.csv").read_text("utf-8")
                         + MORE_SALES, "utf-8")
    customers, sales = str(shop / "customers.csv"), str(shop / "sales.csv")
    lists = [customers, "--sales", sales, "--config", str(shop / "hagaki.toml")]
    outputs: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch, clock.on_day(DAY):
        patch.setenv("HAGAKI_LANG", "ja")
        patch.chdir(shop)

        def hagaki(name: str, *args: str) -> str:
            result = CliRunner().invoke(main, ["--lang", "ja", *args])
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                result.output
            assert result.exit_code in (0, 1), result.output
            outputs[name] = result.output
            return result.output

        hagaki("plan", "plan", *lists)
        hagaki("plan nenga", "plan", *lists, *NENGA)
        plan_json = json.loads(CliRunner().invoke(
            main, ["plan", *lists, "--format", "json"]).stdout)
        hagaki("print", "print", *lists, "--side", "both", "--run-sheet")
        hagaki("print nenga", "print", *lists, *NENGA)
        hagaki("print nenga once more", "print", *lists, *NENGA)
        hagaki("print problems", "print", str(bad), "--sales", str(bad_sales), "--proof",
               "--out", str(shop / "proof.pdf"))
        hagaki("plan after print", "plan", *lists)
        hagaki("check", "check", str(bad), "--sales", str(bad_sales))
        check_json = json.loads(CliRunner().invoke(
            main, ["check", str(bad), "--sales", str(bad_sales), "--format", "json"]).stdout)
        hagaki("log list", "log", "list")
        hagaki("report", "report", *lists, "--out", str(shop / "report.pdf"))
        hagaki("report xlsx", "report", *lists, "--out", str(shop / "report.xlsx"))
    outputs["report pdf"] = pdf_text(shop / "report.pdf")
    outputs["run sheet pdf"] = "\n".join(pdf_text(path) for path in shop.glob("*-sheet.pdf"))
    outputs["report xlsx cells"], codes = workbook_text(shop / "report.xlsx")
    files = [str(shop), *(path.name for path in shop.iterdir())]
    return outputs, files, {"plan": plan_json, "check": check_json, "workbook": codes}


def test_the_finder_finds_every_kind_of_code_word():
    said = ("行 2: [already-sent] 【お礼状】 [thanks-1.j2] (nenga) postal-format address1 "
            "postal_code segment 住所エラー: duplicate")
    assert offenders(said, []) == ["already-sent", "thanks-1", "postal-format", "postal_code",
                                   ".j2", "address1", "postal_code", "nenga", "segment",
                                   "duplicate"]
    allowed = ("hagaki check で確かめ、--proof を外して hagaki log mark-mailed --run 1; "
               "[fonts] に加える; /tmp/x/cards-2026-11-23-run0001.pdf 2026-11-23 U+1F600 "
               "cards-2026-11-23-ru n0001.pdf 85円 A4 PDF Excel")
    assert offenders(allowed, ["/tmp/x/cards-2026-11-23-run0001.pdf",
                               "cards-2026-11-23-run0001.pdf"]) == []


def test_what_a_shop_owner_reads_has_no_code_words(shop_run):
    outputs, files, _codes = shop_run
    found = {name: offenders(text, files) for name, text in outputs.items()}
    said = "\n".join(f"{name}: {words}" for name, words in found.items() if words)
    assert not said, said
    assert all(text.strip() for text in outputs.values()), outputs


def test_the_words_are_there_instead(shop_run):
    outputs, _files, _codes = shop_run
    assert "【お礼状・文面 2】" in outputs["plan"]
    assert re.search(r"^お礼状 +3 +255円$", outputs["plan"], re.M)
    assert "【年賀状・文面 1】" in outputs["plan nenga"]
    assert "【購入なし】購入の記録がないので" in outputs["plan after print"]
    assert "【お礼済み】" in outputs["plan after print"]
    assert "… ほか 3人が【印刷済み】" in outputs["print nenga once more"]
    assert "【送付停止】送付停止の印があります" in outputs["print"]
    assert "problems.csv 行 15 (C014) 郵便番号: 郵便番号 '123' は 7 桁" in outputs["print problems"]
    for title in ("郵便番号の書き方（エラー 1件）: ", "重複したお客様（エラー 1件）: ",
                  "郵便番号と住所が合わない（エラー 1件）: ", "名簿にないお客様（エラー 1件）: ",
                  "日付の書き方（注意 1件）: ", "印刷できない文字（エラー 1件）: "):
        assert f"\n{title}" in outputs["check"], title
    assert "住所エラー: 郵便番号の書き方" in outputs["report pdf"]
    assert "住所エラー: 住所がない" in outputs["report xlsx cells"]


def test_programs_still_read_the_codes(shop_run):
    _outputs, _files, codes = shop_run
    plan = codes["plan"]
    assert {card["template"] for card in plan["cards"]} >= {"thanks-2.j2"}
    assert {card["situation"] for card in plan["cards"]} == {"thanks", "dormant", "winback"}
    assert {left["code"] for left in plan["not_sent"]} >= {"no-purchase", "do-not-mail"}
    assert {group["code"] for group in codes["check"]["groups"]} >= {
        "postal-format", "duplicate", "postal-mismatch", "unknown-customer", "bad-date"}
    assert sorted(codes["workbook"]) == ["missing-address", "postal-format"]


def _codes_passed_to(name: str, modules: list[Path]) -> set[str]:
    """The code literals passed as the second argument of calls to `name`."""
    codes = set()
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == name
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                codes.add(node.args[1].value)
    return codes


def test_every_code_has_its_own_words():
    package = Path(mailmerge.__file__).parent
    rules = _codes_passed_to("NotSent", list(package.rglob("*.py")))
    assert {"already-sent", "not-due", "segment"} <= rules
    assert sorted(rules - set(RULE_WORDS)) == []
    assert sorted(set(WHAT_TO_DO) - set(PROBLEM_WORDS)) == []
    for words in (PROBLEM_WORDS, RULE_WORDS, LABELS):
        assert len(set(words.values())) == len(words), words


def test_a_skipped_card_names_its_part_in_words():
    report = RunReport("customers.csv", DAY, skipped=[
        Problem(3, "C002", "template", "template-error", "error", "thanks-1.j2 の 4 行目: 誤り"),
        Problem(4, "C003", "postal_code", "postal-format", "error", "郵便番号が 7 桁でない")])
    lines = summary_lines(report, strict=False, postage_yen=85)
    assert "  customers.csv 行 3 (C002) 文面: thanks-1.j2 の 4 行目: 誤り" in lines
    assert "  customers.csv 行 4 (C003) 郵便番号: 郵便番号が 7 桁でない" in lines


def test_a_template_is_named_by_its_number_and_whose_it_is(tmp_path):
    (tmp_path / "thanks-1.j2").write_text("{% block body %}毎度{% endblock %}", "utf-8")
    assert template_title("thanks-1.j2", "thanks", tmp_path) == "店の文面 1"
    assert template_title("thanks-2.j2", "thanks", None) == "文面 2"
    assert template_title("thanks.j2", "thanks", tmp_path) == "店の文面"
    assert template_title("thanks-x.j2", "thanks", tmp_path) == "thanks-x.j2"  # a file's name
