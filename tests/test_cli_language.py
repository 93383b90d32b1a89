"""The CLI speaks English with --lang en or a non-Japanese locale, Japanese with a Japanese
locale: summaries with natural counters, errors, help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailmerge.cli import main

DATA = Path(__file__).parent / "data"


def english(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args])


def test_print_summary_in_english_with_plural_counters(tmp_path):
    out = tmp_path / "cards.pdf"
    result = english("print", str(DATA / "customers.csv"), "--out", str(out),
                     "--config", str(DATA / "hagaki.toml"))
    assert result.exit_code == 1, result.output
    assert f"Printed: 12 cards → {out} (run 1, postage 12 × ¥85 = ¥1,020)" in result.output
    assert "Rows not printed because of errors: 3 rows" in result.output
    assert "customers.csv row 15 (C014) " in result.output
    assert "Not sent: 1 customer\n" in result.output
    assert "Settings: " in result.output


def test_one_card_and_nothing_new_in_english(tmp_path):
    customers = tmp_path / "one.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nA1,山田,太郎,160-0023,東京都新宿区西新宿2-8-1\n",
                         encoding="utf-8")
    first = english("print", str(customers), "--out", str(tmp_path / "a.pdf"), "--no-sender")
    assert first.exit_code == 0, first.output
    assert "Printed: 1 card → " in first.output
    again = english("print", str(customers), "--out", str(tmp_path / "b.pdf"), "--no-sender")
    assert "Nothing new to print (hagaki plan shows today's plan)" in again.output
    assert "Not sent: 1 customer" in again.output


def test_plan_in_english():
    result = english("plan", str(DATA / "customers.csv"), "--config", str(DATA / "hagaki.toml"),
                     "--date", "2026-12-01")
    assert result.exit_code == 1, result.output  # three rows of the list have errors
    assert "Plan for 2026-12-01 (a card for everyone)" in result.output
    # the same 12 cards and 3 rows as `print` (test_print_summary_in_english_…): a card whose
    # address cannot be set is an error row in the plan too
    assert "Greeting                       12      ¥1,020" in result.output
    assert "Total                          12      ¥1,020" in result.output
    assert "3 rows with errors left out (see hagaki check)" in result.output


def test_a_missing_file_is_one_line_in_each_language(tmp_path):
    missing = str(tmp_path / "gone.toml")
    en = english("plan", str(DATA / "customers.csv"), "--config", missing)
    ja = CliRunner().invoke(main, ["--lang", "ja", "plan", str(DATA / "customers.csv"),
                                   "--config", missing])
    assert en.exit_code == ja.exit_code == 1
    assert f"Error: Settings file not found: {missing}" in en.output
    assert f"エラー: 設定ファイルがありません: {missing}" in ja.output


def _hagaki(lang: str, *args: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items()
               if key not in ("HAGAKI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    environ["LANG"] = lang
    return subprocess.run([sys.executable, "-m", "mailmerge", *args], capture_output=True,
                          text=True, encoding="utf-8", env=environ, check=False)


def test_the_locale_chooses_the_language():
    customers = str(DATA / "customers.csv")
    japanese = _hagaki("ja_JP.UTF-8", "check", customers, "--config", str(DATA / "hagaki.toml"))
    english_run = _hagaki("C.UTF-8", "check", customers, "--config", str(DATA / "hagaki.toml"))
    assert japanese.returncode == english_run.returncode == 1
    assert "customers.csv: 16行、印刷できるのは 13行、エラー 3件、注意 0件" in japanese.stdout
    assert "customers.csv: 16 rows, 13 printable, 3 errors, 0 warnings" in english_run.stdout
    assert "設定: " in japanese.stderr and "Settings: " in english_run.stderr


def test_log_list_has_headers_and_words_in_each_language(tmp_path):
    customers = tmp_path / "one.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nA1,山田,太郎,160-0023,東京都新宿区西新宿2-8-1\n",
                         encoding="utf-8")
    log = tmp_path / "log.sqlite"
    printed = english("print", str(customers), "--out", str(tmp_path / "a.pdf"), "--no-sender",
                      "--log", str(log))
    assert printed.exit_code == 0, printed.output
    listed = {lang: CliRunner().invoke(main, ["--lang", lang, "log", "list", "--log", str(log)])
              for lang in ("ja", "en")}
    ja_lines = [line for line in listed["ja"].output.splitlines() if "\t" in line]
    en_lines = [line for line in listed["en"].output.splitlines() if "\t" in line]
    assert ja_lines[0].split("\t")[:6] == ["番号", "はがきの日付", "顧客ID", "お客様の名前",
                                            "種類", "状態"]
    assert [ja_lines[1].split("\t")[i] for i in (2, 4, 5)] == ["A1", "ご挨拶", "印刷済み"]
    assert en_lines[0].split("\t")[5] == "Status" and en_lines[1].split("\t")[5] == "printed"
    assert listed["en"].output.rstrip().endswith("1 card")


def test_an_unknown_reprint_is_one_line_in_each_language(tmp_path):
    customers = tmp_path / "one.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nA1,山田,太郎,160-0023,東京都新宿区西新宿2-8-1\n",
                         encoding="utf-8")
    for lang, words in (("ja", "そのはがき番号・顧客IDは送付記録にありません"),
                        ("en", "--reprint 999")):
        result = CliRunner().invoke(main, ["--lang", lang, "print", str(customers), "--no-sender",
                                           "--reprint", "999", "--log", str(tmp_path / "l.sqlite")])
        assert result.exit_code == 1
        assert words in result.output and "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)


def test_clicks_own_words_follow_the_language():
    """Usage, errors and hints that click itself writes: Japanese with --lang ja, English with
    --lang en (after the command's context is closed too)."""
    ja = CliRunner().invoke(main, ["--lang", "ja", "print"], prog_name="hagaki")
    en = CliRunner().invoke(main, ["--lang", "en", "print"], prog_name="hagaki")
    assert ja.exit_code == en.exit_code == 2
    assert "使い方: hagaki print" in ja.output and "エラー: 次の引数がありません: 'CUSTOMERS'." in ja.output
    assert "説明は 'hagaki print --help' で見られます。" in ja.output
    assert "Usage: hagaki print" in en.output and "Error: Missing argument 'CUSTOMERS'." in en.output
    wrong = CliRunner().invoke(main, ["--lang=ja", "calibrate", "--measured-x", "5"])
    assert "エラー: '--measured-x' の値が違います: 5 は範囲（20〜80）の外です" in wrong.output
    typed = CliRunner().invoke(main, ["--lang=ja", "print", "--offset-x", "abc"])
    assert "エラー: '--offset-x' の値が違います: 'abc' は数ではありません。" in typed.output
    helped = CliRunner().invoke(main, ["--lang", "ja", "fonts", "--help"], prog_name="hagaki").output
    assert helped.startswith("使い方: hagaki fonts") and "\nオプション:\n" in helped


@pytest.mark.parametrize(("args", "lang"), [
    (["--lang", "en", "print"], "en"), (["--lang=ja", "plan", "x"], "ja"),
    (["print", "--lang", "en"], None), (["--version", "--lang", "ja", "log"], "ja"),
    (["--lang", "xx", "print"], None), (["plan", "--lang=en"], None)])
def test_the_language_asked_before_the_command(args, lang):
    from mailmerge.i18n.cli_language import lang_asked

    assert lang_asked(args) == lang
