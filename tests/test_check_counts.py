"""`hagaki check` adds up: on ten messy lists the summary counts every problem the groups
show, each group says how many rows it holds and of which severity, every group says what to
do, and every column named is a header of the owner's file (お名前, not our 姓)."""

from __future__ import annotations

import ast
import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_shop import make_shop

import mailmerge
from mailmerge.cli import main
from mailmerge.runs.check import WHAT_TO_DO, hint
from mailmerge.runs.jobs import NO_BARCODE
from mailmerge.sources.customers import FLAW_MESSAGES
from mailmerge.sources.headers import ALIASES
from mailmerge.sources.problem_words import problem_word
from mailmerge.sources.sales import SALES_ALIASES

SENDER = '[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\naddress = "東京都渋谷区神宮前1-2-3"\n'
OWN_HEADERS = {"番号": "customer_id", "お名前": "name", "ご住所": "address1",
               "建物": "address2", "お客様番号": "customer_id", "お届け先": "address1"}


@dataclass(frozen=True)
class Messy:
    """One owner's list (and sales list) as typed, with the headers they chose."""

    customers: str
    sales: str = ""
    more: tuple[str, ...] = ()


LISTS = {
    "omise.csv": Messy(
        "番号,お名前,〒,ご住所\n"
        "A1,山田 太郎,160-0023,東京都新宿区西新宿2-8-1\n"
        "A2,佐藤 花子,12-345,東京都渋谷区神宮前1-2-3\n"
        "A3,鈴木 一郎,600001,北海道札幌市中央区北一条西2丁目1番地\n"
        "A4,山田 太郎,160-0023,東京都新宿区西新宿2-8-1\n"
        "A5,田中 次郎,150-0001,\n"
        "A6,高橋 三郎,,東京都渋谷区神宮前4-5-6\n",
        "会員番号,購入日,商品名,金額\nA1,2026-10-01,湯呑み,3000\nZ9,2026-10-02,急須,abc\n"
        "A2,十月,皿,1000\n"),
    "kokyaku.csv": Messy(
        "顧客ID,姓,名,郵便番号,住所1,住所2\n"
        "C1,伊藤,花,100-0005,東京都千代田区丸の内1-9-1,ノースタワー40F\n"
        "C2,加藤,修,1000005,大阪府大阪市北区梅田3-1-1,\n"
        "C2,木村,恵,530-0001,大阪府大阪市北区梅田3-1-1,\n"
        "C4,,,530-0001,大阪府大阪市北区梅田1-1-3,\n"
        "C5,林,誠,999-9999,東京都新宿区西新宿2-8-1,\n",
        "顧客ID,日付,商品,金額\nC1,2026-11-01,湯呑み,3000\nC9,2026-11-02,急須,2000\n"
        "C5,2026/13/45,皿,1000\n"),
    "noid.csv": Messy(
        "お名前,〒,ご住所,建物\n"
        "井上 陽子,060-0001,北海道札幌市中央区北一条西2丁目1番地,時計台ビル5F\n"
        "井上 陽子,060-0001,北海道札幌市中央区北一条西2丁目1番地,\n"
        "松本 健,231-0023,神奈川県横浜市中区山下町10-3,\n"
        "小林 ?子,460-0001,愛知県名古屋市中区三の丸3-1-1,\n"),
    "shimei.csv": Messy(
        "顧客番号,氏名,郵便番号,住所,生年月日\n"
        "K1,佐藤 😀,150-0001,東京都渋谷区神宮前1-2-3,1980-04-01\n"
        "K2,中村 恵,150-0001,東京都渋谷区神宮前4-5-6,昭和の頃\n"
        "K3,中村 恵,150-0001,東京都渋谷区神宮前4-5-6,\n"
        "K4,斎藤 誠,812-0011,,\n"),
    "kaisha.csv": Messy(
        "顧客ID,会社名,郵便番号,住所1\n"
        "B1,株式会社山田商事,100-0005,東京都千代田区丸の内1-9-1\n"
        "B2,,101-0051,東京都千代田区神田神保町2-5\n"
        "B3,有限会社さくら書房,1010051,\n"
        "B1,株式会社山田商事,100-0005,東京都千代田区丸の内1-9-1\n",
        "顧客ID,日付,金額\nB1,2026-09-01,10000\nB7,2026-09-02,5000\nB8,2026-09-03,¥1,2\n"),
    "kaigyo.csv": Messy(
        "番号,お名前,〒,ご住所\n"
        'D1,"山本\n花子",150-0001,東京都渋谷区神宮前1-2-3\n'
        "D2,岡田 剛,150-0001,東京都渋谷区神宮前1-2-3\x07\n"
        "D3,前田 彩,15000,東京都渋谷区神宮前1-1-1\n"
        "D4,前田 彩,150-0001,東京都渋谷区神宮前1-1-1\n"),
    "nagai.csv": Messy(
        "お客様番号,姓,名,郵便番号,お届け先\n"
        "E1,山田,太郎,160-0023,東京都新宿区西新宿"
        + "二丁目八番一号東京都庁第一本庁舎" * 12 + "\n"
        "E2,吉田,? ,160-0023,東京都新宿区西新宿2-8-1\n"
        "E3,森,,160-0023,東京都新宿区西新宿2-8-1\n"
        "E3,森,,160-0023,東京都新宿区西新宿2-8-1\n"),
    "yubin.csv": Messy(
        "番号,お名前,〒,ご住所\n"
        "F1,石井 茂,060-0000,北海道札幌市中央区北一条西2丁目1番地\n"
        "F2,石川 望,100-0001,大阪府大阪市北区梅田3-1-1\n"
        "F3,石田 聡,,大阪府大阪市北区梅田3-1-1\n"
        "F4,石原 薫,9999999,北海道札幌市中央区北一条西2丁目1番地\n"
        "F5,,100-0001,東京都千代田区千代田1-1\n"),
    "merged.csv": Messy(
        "番号,お名前,〒,ご住所\n"
        "G1,西村 誠,150-0001,東京都渋谷区神宮前1-2-3\n"
        "G2,東 花子,150-0001,\n",
        "会員番号,購入日,商品名,金額\nG1,2026-10-01,湯呑み,3000\nG3,2026-10-01,皿,1000\n",
        more=("番号,お名前,〒,ご住所\n"
              "G1,西村 誠,150-0001,東京都渋谷区神宮前5-6-7\n"
              "G9,南 一,15-0001,東京都渋谷区神宮前2-2-2\n",)),
    "zatta.csv": Messy(
        "番号,お名前,〒,ご住所,建物\n"
        "H1,上田 修,530-0001,大阪府大阪市北区梅田3-1-1,ｸﾞﾗﾝﾌﾛﾝﾄ大阪ﾀﾜｰA 2501号\n"
        "H1,下田 修,530-0001,大阪府大阪市北区梅田1-1-3,\n"
        "H3,上田 修,530-0001,大阪府大阪市北区梅田3-1-1,\n"
        "H4,上村 修,5300001,,\n"
        "H5,上野 修,530-001,大阪府大阪市北区梅田1-1-3,\n",
        "会員番号,購入日,商品名,金額\nH1,2026-10-01,湯呑み,3000\nH9,2026-10-01,皿,1000\n"
        "H3,昨日,皿,1000\n"),
}


def _setup(tmp_path: Path, name: str, messy: Messy) -> tuple[list[str], dict[str, Path]]:
    """The list's files and hagaki.toml written; the check command's arguments."""
    folder = tmp_path / name.removesuffix(".csv")
    folder.mkdir()
    columns = "".join(f'"{header}" = "{field_name}"\n' for header, field_name in OWN_HEADERS.items())
    (folder / "hagaki.toml").write_text(SENDER + "\n[columns]\n" + columns, encoding="utf-8")
    files = {"customers": folder / name}
    files["customers"].write_text(messy.customers, encoding="utf-8")
    args = ["--lang", "ja", "check", str(files["customers"]), "--config", str(folder / "hagaki.toml")]
    for number, text in enumerate(messy.more, 2):
        more = folder / f"more{number}.csv"
        more.write_text(text, encoding="utf-8")
        files[more.name] = more
        args.append(str(more))
    if messy.sales:
        files["sales"] = folder / "sales.csv"
        files["sales"].write_text(messy.sales, encoding="utf-8")
        args += ["--sales", str(files["sales"])]
    return args, files


def _headers(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        return next(csv.reader(stream))


def _check(tmp_path: Path, name: str) -> tuple[dict, list[str], dict[str, Path]]:
    args, files = _setup(tmp_path, name, LISTS[name])
    as_json = CliRunner().invoke(main, [*args, "--format", "json"])
    as_text = CliRunner().invoke(main, args)
    assert as_json.exit_code == as_text.exit_code == 1, as_text.output
    return json.loads(as_json.stdout), as_text.stdout.splitlines(), files


COUNTED = re.compile(r"(エラー|注意|お知らせ) (\d+)件")
SEVERITY_WORDS = {"エラー": "errors", "注意": "warnings", "お知らせ": "notices"}
GROUP = re.compile(r"^(\S+)（(.+)）: (.*)$")


def _stated(text: str) -> dict[str, int]:
    """'エラー 2件、注意 1件' → {'errors': 2, 'warnings': 1, 'notices': 0}."""
    stated = dict.fromkeys(SEVERITY_WORDS.values(), 0)
    for word, count in COUNTED.findall(text):
        stated[SEVERITY_WORDS[word]] = int(count)
    return stated


def _by_severity(problems: list[dict]) -> dict[str, int]:
    words = {"error": "errors", "warning": "warnings", "info": "notices"}
    counted = dict.fromkeys(words.values(), 0)
    for problem in problems:
        counted[words[problem["severity"]]] += 1
    return counted


def _text_groups(lines: list[str]) -> dict[str, tuple[str, str, list[str]]]:
    """title → (stated count, hint, problem lines) as the text report shows them."""
    groups: dict[str, tuple[str, str, list[str]]] = {}
    current: list[str] = []
    for line in lines:
        found = GROUP.match(line)
        if found:
            current = []
            groups[found.group(1)] = (found.group(2), found.group(3), current)
        elif line.startswith("  "):
            current.append(line)
    return groups


@pytest.mark.parametrize("name", LISTS)
def test_the_json_counts_add_up(tmp_path, name):
    data, _lines, files = _check(tmp_path, name)
    problems = data["problems"]
    assert data["counts"] == _by_severity(problems)
    assert sum(group["count"] for group in data["groups"]) == len(problems)
    for group in data["groups"]:
        rows = [p for p in problems if p["code"] == group["code"]]
        assert group["count"] == len(rows)
        assert {key: group[key] for key in ("errors", "warnings", "notices")} == _by_severity(rows)
        assert group["hint"].strip()
    assert [g["code"] for g in data["groups"]] == list(dict.fromkeys(p["code"] for p in problems))


@pytest.mark.parametrize("name", LISTS)
def test_the_text_counts_add_up(tmp_path, name):
    data, lines, files = _check(tmp_path, name)
    summary = next(line for line in lines if line.startswith(str(files["customers"]) + ":"))
    groups = _text_groups(lines)
    codes = {problem_word(group["code"]): group["code"] for group in data["groups"]}
    assert list(groups) == list(codes)  # titled in words, in the JSON's order
    assert sum(len(rows) for _stated_count, _hint, rows in groups.values()) == len(data["problems"])
    assert _stated(summary) == data["counts"]
    for title, (stated, what_to_do, rows) in groups.items():
        code = codes[title]
        in_code = [p for p in data["problems"] if p["code"] == code]
        assert _stated(stated) == _by_severity(in_code), code
        assert sum(_stated(stated).values()) == len(rows), code
        assert what_to_do.strip(), code
        for line, problem in zip(rows, in_code, strict=True):
            column = f" {problem['column']}: " if problem["column"] else ": "
            assert f" 行 {problem['row']}" in line and column in line


@pytest.mark.parametrize("name", LISTS)
def test_every_column_named_is_a_header_of_its_file(tmp_path, name):
    data, _lines, files = _check(tmp_path, name)
    for problem in data["problems"]:
        if not problem["column"]:
            continue  # (a merge or an unknown customer: the whole row, no one column)
        assert problem["column"] in _headers(Path(problem["path"])), problem


def test_a_duplicate_is_named_by_the_owners_name_header(tmp_path):
    data, lines, _files = _check(tmp_path, "omise.csv")
    duplicate = next(p for p in data["problems"] if p["code"] == "duplicate")
    assert (duplicate["row"], duplicate["column"]) == (5, "お名前")
    assert any(line.startswith("  omise.csv 行 5 (A4) お名前:") for line in lines)


def test_a_group_of_errors_and_warnings_says_both(tmp_path):
    data, lines, _files = _check(tmp_path, "omise.csv")
    group = next(g for g in data["groups"] if g["code"] == "postal-format")
    assert (group["errors"], group["warnings"], group["count"]) == (2, 1, 3)
    assert any(line.startswith("郵便番号の書き方（エラー 2件、注意 1件）: ") for line in lines)


def test_notices_are_counted_in_the_summary(tmp_path):
    data, lines, files = _check(tmp_path, "merged.csv")
    assert data["counts"]["notices"] >= 1
    summary = next(line for line in lines if line.startswith(str(files["customers"]) + ":"))
    assert "お知らせ" in summary


@pytest.fixture
def shop(tmp_path):
    """A shop whose customer and sales lists are the messy omise.csv ones."""
    folder = make_shop(tmp_path)
    (folder / "customers.csv").write_text(LISTS["omise.csv"].customers, encoding="utf-8")
    (folder / "sales.csv").write_text(LISTS["omise.csv"].sales, encoding="utf-8")
    return folder


def test_the_customers_page_counts_what_it_lists(client, shop):
    page = client.get("/customers").text
    rows = re.findall(r'<tr class="problem ([a-z]+)">(.*?)</tr>', page, re.S)
    stated = _stated(re.search(r'<p class="tally">(.*?)</p>', page).group(1))
    assert stated == _by_severity([{"severity": severity} for severity, _row in rows])
    assert sum(stated.values()) == len(rows) >= 8
    headers = {"", *_headers(shop / "customers.csv"), *_headers(shop / "sales.csv")}
    columns = {re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2] for _severity, row in rows}
    assert columns <= headers and "お名前" in columns


def _problem_codes(path: Path) -> set[str]:
    """The code literals passed to Problem, a row's problem helper or CardError in a module."""
    named = {"Problem", "problem", "_problem", "CardError", "__init__"}
    not_codes = {*ALIASES, *SALES_ALIASES, "error", "warning", "info", ""}
    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in named:
            codes |= {arg.value for arg in node.args if isinstance(arg, ast.Constant)
                      and isinstance(arg.value, str)
                      and re.fullmatch(r"[a-z]+(-[a-z]+)*", arg.value)} - not_codes
    return codes


def test_every_problem_code_the_sources_make_has_what_to_do():
    package = Path(mailmerge.__file__).parent
    modules = [*package.glob("sources/*.py"), *package.glob("runs/*.py"),
               *package.glob("japanese/*.py"), *package.glob("layout/*.py"),
               package / "errors.py"]
    codes = set().union(*map(_problem_codes, modules)) | set(FLAW_MESSAGES) | {NO_BARCODE}
    assert {"duplicate", "lost-character", "glyph-missing", "too-long", "merged"} <= codes
    assert sorted(codes - set(WHAT_TO_DO)) == []
    assert hint("a-code-no-one-made").strip()
