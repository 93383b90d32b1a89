"""The `hagaki` command as a user runs it: messages, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from pdfread import page_count

from mailmerge.cli import main

DATA = Path(__file__).parent / "data"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_print_writes_the_pdf_and_summarises_every_row(tmp_path):
    out = tmp_path / "cards.pdf"
    result = run("print", str(DATA / "customers.csv"), "--out", str(out),
                 "--config", str(DATA / "hagaki.toml"))
    assert result.exit_code == 1, result.output  # rows had errors; the others are printed
    assert f"印刷しました: 12枚 → {out}" in result.output
    assert "エラーで刷れなかった行: 3行" in result.output
    assert "customers.csv 行 12 (C011) 名: '😀'" in result.output
    assert "U+1F600" in result.output
    assert "customers.csv 行 15 (C014) 郵便番号: 郵便番号 '123'" in result.output
    assert "行 14（C013 鈴木 次郎）: 【送付停止】" in result.output
    assert f"設定: {DATA / 'hagaki.toml'}" in result.output
    assert page_count(out) == 12


def test_strict_refuses_to_write_and_exits_1(tmp_path):
    out = tmp_path / "cards.pdf"
    result = run("print", str(DATA / "customers.csv"), "--out", str(out), "--strict",
                 "--config", str(DATA / "hagaki.toml"))
    assert result.exit_code == 1
    assert "--strict: エラーのある行があるので何も書きませんでした" in result.output
    assert not out.exists()


def test_layouts_and_offsets_are_options(tmp_path):
    out = tmp_path / "cards.pdf"
    result = run("print", str(DATA / "customers.csv"), "--out", str(out), "--layout", "nenga",
                 "--offset-x", "0.5", "--offset-y", "-0.5")
    assert "印刷しました: 12枚" in result.output, result.output
    for wild in ("nan", "inf", "1000000", "-21"):
        refused = run("print", str(DATA / "customers.csv"), "--out", str(tmp_path / "x.pdf"),
                      "--offset-x", wild)
        assert refused.exit_code == 1 and "--offset-x" in refused.output, refused.output
        assert not (tmp_path / "x.pdf").exists()


def test_bad_input_is_one_clear_line_and_exit_1(tmp_path):
    noise = tmp_path / "noise.csv"
    noise.write_bytes(bytes(range(256)) * 4)
    for path, message in [
        (tmp_path / "missing.csv", "ファイルがありません"),
        (noise, "テキスト（CSV）のファイルではありません"),
    ]:
        result = run("print", str(path), "--out", str(tmp_path / "x.pdf"))
        assert result.exit_code == 1
        assert message in result.output and "Traceback" not in result.output
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    result = run("print", str(headerless), "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "顧客リストの見出しが見つかりません" in result.output


def test_unknown_layout_and_bad_config_are_errors_not_tracebacks(tmp_path):
    result = run("print", str(DATA / "customers.csv"), "--layout", "postcard-xl")
    assert result.exit_code == 1 and "レイアウト 'postcard-xl' はありません" in result.output
    config = tmp_path / "hagaki.toml"
    config.write_text("[sender\nname = 1", encoding="utf-8")
    result = run("print", str(DATA / "customers.csv"), "--config", str(config))
    assert result.exit_code == 1
    assert f"{config} の 1 行目 8 文字目が TOML として読めません（" in result.output


def test_wrong_usage_exits_2():
    assert run("print").exit_code == 2
    assert run("print", "x.csv", "--offset-x", "left").exit_code == 2


def test_fonts_lists_the_bundled_fonts_and_checks_a_list():
    listing = run("fonts")
    assert listing.exit_code == 0
    assert "bundled    BIZ UD Mincho" in listing.output and "bundled    Klee One" in listing.output
    check = run("fonts", "--check", str(DATA / "customers.csv"))
    assert check.exit_code == 0, check.output
    lines = check.output.splitlines()
    assert "  BIZ UD Mincho: 2文字がありません:" in lines
    assert any(line.startswith("    𠮷 (U+20BB7)  行 3") for line in lines)
    assert any(line.startswith("    😀 (U+1F600)  行 12") for line in lines)
    assert "  お名前 のどのフォントにもない文字が 1個あります。次のはがきは刷れません:" in lines


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "mailmerge", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "print" in result.stdout


def test_demo_writes_both_card_styles(tmp_path):
    result = run("demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    for name in ("address-official.pdf", "address-plain.pdf"):
        assert page_count(tmp_path / "demo" / name) == 11
