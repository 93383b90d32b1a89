"""Hostile settings, layouts, dates, encodings and paths: one line naming what is wrong, the
exit code 1 (2 for a wrong option), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests_data import SENDER_TOML

from mailmerge.cli import main
from mailmerge.layout.profiles import bundled_profiles, load_profile
from mailmerge.package_files import package_file

DATA = Path(__file__).parent / "data"
OFFICIAL = package_file("layouts", "official.toml").read_text("utf-8")


def run(*args: str):
    """`hagaki …` in the shop folder; a refusal is a SystemExit, not another exception."""
    result = CliRunner().invoke(main, list(args))
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def shop(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HAGAKI_CONFIG", raising=False)
    (tmp_path / "customers.csv").write_bytes((DATA / "customers.csv").read_bytes())
    return tmp_path


def check_with(shop: Path, config: str, *more: str):
    (shop / "hagaki.toml").write_text(config, encoding="utf-8")
    return run("check", str(shop / "customers.csv"), *more)


# --- 12. every key of hagaki.toml and of a layout has one kind of value ---------------------

@pytest.mark.parametrize(("config", "expected"), [
    ("[fonts]\npaths = 5\n", "2 行目: [fonts] paths は文字のリスト"),
    ("[fonts]\npaths = [5]\n", "2 行目: [fonts] paths は文字のリスト"),
    ("[columns.x]\na = 1\n", "[columns] x は引用符（\"）で囲んだ文字で書いてください"),
    ("[fonts]\naddress = [[[\"a\"]]]\n", "[fonts] address は文字か、文字のリスト"),
    ("[address]\nlayout = 5\n", "[address] layout は引用符"),
    ("[templates]\nfolder = true\n", "[templates] folder は引用符"),
    ("[sender]\nname = [\"店\"]\n", "[sender] name は引用符"),
    ("[rules]\ncooldown_days = 5\n", "[rules.cooldown_days] は表"),
    ("[rules.cooldown_days]\nthanks = \"7\"\n", "[rules.cooldown_days] thanks は数"),
    ("[printers.PX]\noffset_x = \"1\"\n", "2 行目: [printers.PX] offset_x は数"),
    ("[seasons.nenga]\nprint_from = 1015\n", "[seasons.nenga] print_from は引用符"),
    ("print = 5\n", "[print] は表"),
    ("a = " + "[" * 3000 + "]" * 3000 + "\n", "括弧の入れ子が深すぎて読めません"),
])
def test_a_value_of_the_wrong_kind_names_the_key_and_the_kind(shop, config, expected):
    result = check_with(shop, config)
    assert result.exit_code == 1 and expected in result.output, result.output
    assert str(shop / "hagaki.toml") in result.output


def test_a_hagaki_toml_saved_with_a_bom_is_read(shop):
    (shop / "hagaki.toml").write_bytes(b"\xef\xbb\xbf" + SENDER_TOML.encode("utf-8"))
    result = run("check", str(shop / "customers.csv"))
    assert "TOML" not in result.output and f"設定: {shop / 'hagaki.toml'}" in result.output
    assert f"{shop / 'customers.csv'}: 16行" in result.output


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda text: text.replace('title = "', 'name = "'), "[card] name という設定はありません"),
    (lambda text: text.replace("[card]\ntitle", "[card]\n#title"),
     "[card] title がありません（引用符（\"）で囲んだ文字で書いてください）"),
    (lambda text: text.replace("draw = false", 'draw = "no"'), "[boxes] draw は真偽値"),
    (lambda text: text.replace("lefts = [44.3, ", "lefts = ["), "[recipient_postal] lefts は数 7 個"),
    (lambda text: text.replace("color = [0.902, 0.243, 0.133]", "color = \"red\""),
     "[boxes] color は数 3 個"),
    (lambda text: text.replace("[barcode]", "[barcod]"), "[barcod] という設定はありません"),
    (lambda text: "[card]\nwidth = 1\n", "[card] title がありません"),
])
def test_a_wrong_layout_file_names_the_key(shop, edit, expected):
    layout = shop / "mine.toml"
    layout.write_text(edit(OFFICIAL), encoding="utf-8")
    result = run("check", str(shop / "customers.csv"), "--layout", str(layout))
    assert result.exit_code == 1 and expected in result.output, result.output
    assert "mine.toml" in result.output and "KeyError" not in result.output


def test_the_message_layout_is_not_a_card_profile_and_every_bundled_profile_loads(shop):
    assert "message" not in bundled_profiles()
    assert all(load_profile(name).title for name in bundled_profiles())
    result = run("check", str(shop / "customers.csv"), "--layout", "message")
    assert result.exit_code == 1 and "レイアウト 'message' はありません" in result.output


# --- 13. a day hagaki cannot plan for -------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("plan", "customers.csv", "--situation", "nenga", "--date", "9999-12-31"),
    ("plan", "customers.csv", "--situation", "nenga", "--date", "0001-01-01"),
    ("plan", "customers.csv", "--situation", "birthday", "--date", "9999-12-31"),
    ("print", "customers.csv", "--situation", "shochu", "--date", "9999-07-20", "--proof"),
    ("report", "customers.csv", "--sales", "customers.csv", "--date", "9999-12-31"),
])
def test_a_day_outside_the_supported_years_is_refused_naming_the_range(shop, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "1900-01-01 から 2200-12-31 までの日にしてください" in result.output


# --- 14. only text encodings ----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(shop, encoding):
    result = run("check", "customers.csv", "--encoding", encoding)
    assert result.exit_code == 1
    assert f"文字コード '{encoding}' はありません" in result.output


# --- 15. only regular files -----------------------------------------------------------------

@pytest.mark.parametrize("command", [("check",), ("fonts", "--check"),
                                     ("check", "customers.csv", "--sales")])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_device_or_a_named_pipe_is_refused_naming_the_path(shop, command, device):
    if device == "fifo":
        os.mkfifo(shop / "fifo")
    result = run(*command, device)
    assert result.exit_code == 1
    assert f"{device} は普通のファイルではありません" in result.output


# --- 19. messages ---------------------------------------------------------------------------

def test_a_reader_that_stops_reading_ends_hagaki_quietly(shop):
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `hagaki check … | head -0`
    try:
        result = subprocess.run([sys.executable, "-m", "mailmerge", "check", "customers.csv"],
                                cwd=shop, stdout=write_end, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [], result.stderr  # only the settings line


def test_one_shift_jis_row_in_a_utf8_file_is_named_by_its_line(shop):
    lines = (DATA / "customers.csv").read_text("utf-8").splitlines()
    data = b"\n".join([line.encode("utf-8") for line in lines[:5]]
                      + [lines[5].encode("cp932")]
                      + [line.encode("utf-8") for line in lines[6:]]) + b"\n"
    for name, prefix in (("mixed.csv", b""), ("mixed-bom.csv", b"\xef\xbb\xbf")):
        (shop / name).write_bytes(prefix + data)
        result = run("check", name)
        assert result.exit_code == 1
        assert f"{name}: テキストの 6 行目が UTF-8 として読めません" in result.output


def test_a_sender_too_long_for_the_card_is_reported_once_by_check_and_print(shop):
    long_name = "ささき雑貨店" * 10
    config = SENDER_TOML.replace('name = "ささき雑貨店"', f'name = "{long_name}"')
    assert long_name in config
    for args in (("check", "customers.csv"), ("print", "customers.csv", "--proof")):
        result = check_with(shop, config) if args[0] == "check" else run(*args)
        assert result.exit_code == 1
        assert result.output.count("[sender] name") == 1, result.output
        assert "差出人の名前 は、字を詰めて小さくしてもはがきに収まりません" in result.output
