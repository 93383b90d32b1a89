"""One shop, one truth: the shop folder found from anywhere, plan = print, reprints, proofs.

Each test runs `hagaki` as a person would: a real process started from another folder, on
real files, with the real send log.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pdfread import glyphs, page_count

from mailmerge.package_files import package_file

SALES_DAY = "2026-11-23"


def hagaki(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    environment.pop("HAGAKI_CONFIG", None) if not env or "HAGAKI_CONFIG" not in env else None
    return subprocess.run([sys.executable, "-m", "mailmerge", *args], cwd=cwd,
                          capture_output=True, text=True, env=environment, check=False)


@pytest.fixture
def shop(tmp_path) -> Path:
    """A shop folder made with `hagaki init`, holding the sample customers and sales."""
    folder = tmp_path / "shop"
    made = hagaki("init", str(folder), "--name", "ささき雑貨店", "--postal-code", "150-0001",
                  "--address", "東京都渋谷区神宮前1-2-3", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    shutil.copy(package_file("data", "sample_customers.csv"), folder / "customers.csv")
    shutil.copy(package_file("data", "sample_sales.csv"), folder / "sales.csv")
    (tmp_path / "elsewhere").mkdir()
    return folder


def plan_json(shop: Path, cwd: Path, *extra: str) -> dict:
    result = hagaki("plan", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                    "--date", SALES_DAY, "--format", "json", *extra, cwd=cwd)
    assert result.returncode == 1, result.stderr  # the sample list has a row with an error
    return json.loads(result.stdout)


def print_run(shop: Path, cwd: Path, *extra: str) -> subprocess.CompletedProcess:
    return hagaki("print", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                  "--date", SALES_DAY, "--side", "both", *extra, cwd=cwd)


def logged(shop: Path) -> list[tuple]:
    if not (shop / "hagaki-log.sqlite").exists():
        return []
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        return db.execute("SELECT id, customer_id, situation, status, reprint_of FROM cards "
                          "ORDER BY id").fetchall()


def test_a_run_from_another_folder_uses_the_lists_settings_and_log(shop, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    result = print_run(shop, elsewhere)
    assert f"設定: {shop / 'hagaki.toml'} ／ 送付記録: {shop / 'hagaki-log.sqlite'}" in \
        result.stderr
    assert "印刷しました: 8枚" in result.stdout, result.stdout + result.stderr
    assert not list(elsewhere.iterdir())  # nothing written where the command was typed
    (pdf,) = shop.glob("cards-*-run0001.pdf")
    address = "".join(g.text for g in glyphs(pdf, 0))
    assert "ささき雑貨店" in address and "1500001" in address  # the sender from hagaki.toml
    assert len(logged(shop)) == 8


def test_hagaki_config_and_config_option_come_first(shop, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('[sender]\nname = "別の店"\npostal_code = "100-0005"\n'
                     'address = "東京都千代田区丸の内1-9-1"\n', encoding="utf-8")
    by_environment = hagaki("plan", str(shop / "customers.csv"), cwd=tmp_path,
                            env={"HAGAKI_CONFIG": str(other)})
    assert f"設定: {other}" in by_environment.stderr
    by_option = hagaki("plan", str(shop / "customers.csv"), "--config", str(other),
                       cwd=tmp_path, env={"HAGAKI_CONFIG": str(shop / "hagaki.toml")})
    assert f"設定: {other}" in by_option.stderr


def test_plan_and_print_agree_before_and_after_a_run_a_cancel_a_return_and_a_reprint(
        shop, tmp_path):
    elsewhere = tmp_path / "elsewhere"

    def agree() -> dict:
        plan = plan_json(shop, elsewhere)
        before = len(logged(shop))
        proof = print_run(shop, elsewhere, "--proof")
        assert len(logged(shop)) == before  # a proof never touches the log
        planned = {card["customer_id"] for card in plan["cards"]}
        if planned:
            assert f"見本を作りました: {len(planned)}枚" in proof.stdout, proof.stdout
        else:
            assert "新しく印刷するはがきはありません" in proof.stdout
        return plan

    first = agree()
    assert len(first["cards"]) == 8
    assert print_run(shop, elsewhere).returncode == 1  # C014's row has an error
    after = agree()
    codes = {n["customer_id"]: n["code"] for n in after["not_sent"]}
    assert not after["cards"]
    assert codes["C001"] == "already-thanked" and codes["C002"] == "cooldown"
    card_of = {row[1]: row[0] for row in logged(shop)}
    reasons = {n["customer_id"]: n["reason"] for n in after["not_sent"]}
    assert f"お礼状を印刷済み（{card_of['C001']} 番）" in reasons["C001"]
    assert f"（{card_of['C002']} 番）: 次は 2027-02-21 以降" in reasons["C002"]
    cancelled = hagaki("log", "cancel", str(card_of["C002"]), cwd=shop)
    assert "1枚を「取り消し」にしました" in cancelled.stdout
    assert [c["customer_id"] for c in agree()["cards"]] == ["C002"]
    returned = hagaki("log", "mark-returned", "--customer", "C003", cwd=shop)
    assert "1枚" in returned.stdout
    plan = agree()
    reason = {n["customer_id"]: n["reason"] for n in plan["not_sent"]}["C003"]
    assert f"（{card_of['C003']} 番）が宛所不明で戻りました" in reason
    reprint = hagaki("print", str(shop / "customers.csv"), "--reprint",
                     str(card_of["C001"]), cwd=elsewhere)
    assert "印刷しました: 1枚" in reprint.stdout, reprint.stdout + reprint.stderr
    agree()


def test_a_repeated_run_exits_0_and_says_nothing_new_in_one_line(shop, tmp_path):
    clean = shop / "customers.csv"
    rows = clean.read_text(encoding="utf-8").splitlines()
    clean.write_text("\n".join(r for r in rows if not r.startswith("C014")) + "\n",
                     encoding="utf-8")
    assert print_run(shop, tmp_path).returncode == 0
    again = print_run(shop, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("新しく印刷するはがきはありません") == 1
    assert "hagaki plan" in again.stdout
    assert "【まだ時期でない】" not in again.stdout.split("C001")[1].split("\n")[0]


def test_a_reprint_of_a_jammed_thanks_card_reproduces_its_words_and_date(shop, tmp_path):
    print_run(shop, tmp_path)
    card = next(row for row in logged(shop) if row[1] == "C001")
    (first,) = shop.glob("cards-*-run0001.pdf")
    original = next("".join(g.text for g in glyphs(first, page)) for page in range(1, 16, 2)
                    if "髙橋" in "".join(g.text for g in glyphs(first, page)))
    later = hagaki("print", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                   "--reprint", str(card[0]), "--date", "2027-03-01", cwd=tmp_path)
    assert "印刷しました: 1枚" in later.stdout, later.stdout + later.stderr
    (second,) = shop.glob("cards-*-run0002.pdf")
    assert page_count(second) == 2  # the logged card had both sides
    assert "".join(g.text for g in glyphs(second, 1)) == original
    rows = logged(shop)
    assert rows[-1][1:] == ("C001", "thanks", "printed", card[0])
    again = hagaki("print", str(shop / "customers.csv"), "--reprint", "customer:C001",
                   cwd=tmp_path)
    assert "印刷しました: 1枚" in again.stdout
    unknown = hagaki("print", str(shop / "customers.csv"), "--reprint", "99999", cwd=tmp_path)
    assert unknown.returncode == 1 and "送付記録にありません" in unknown.stderr


@pytest.mark.parametrize(("day", "note"), [
    ("2026-11-01", "12月15日〜12月25日に投函すると1月1日に届きます"),
    ("2026-12-01", "12月15日〜12月25日に投函すると1月1日に届きます"),
    ("2027-01-05", "元日以降の配達になります"),
])
def test_nenga_prints_from_november_to_matsunouchi_with_the_posting_note(shop, tmp_path, day,
                                                                        note):
    result = hagaki("print", str(shop / "customers.csv"), "--situation", "nenga", "--date", day,
                    "--side", "message", "--proof", cwd=tmp_path)
    assert note in result.stdout, result.stdout + result.stderr
    assert "見本を作りました" in result.stdout


def test_nenga_outside_its_print_window_names_the_coming_window(shop, tmp_path):
    result = hagaki("print", str(shop / "customers.csv"), "--situation", "nenga", "--date",
                    "2026-10-20", cwd=tmp_path)
    assert result.returncode == 1 and "2026-11-01 から印刷でき" in result.stderr


def test_a_shop_without_a_sender_is_refused_unless_asked(tmp_path):
    customers = tmp_path / "customers.csv"
    shutil.copy(package_file("data", "sample_customers.csv"), customers)
    refused = hagaki("print", str(customers), cwd=tmp_path)
    assert refused.returncode == 1 and "--no-sender" in refused.stderr
    assert not list(tmp_path.glob("*.pdf"))
    allowed = hagaki("print", str(customers), "--no-sender", "--proof", cwd=tmp_path)
    assert "見本を作りました: 11枚" in allowed.stdout, allowed.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ('[sender]\nnmae = "店"\n', "2 行目: [sender] nmae という設定はありません。「name」の書き間違い"),
    ('[sendr]\nname = "店"\n', "1 行目: [sendr] という設定はありません。「sender」の書き間違い"),
    ('[print]\noffset_x = "left"\n', "offset_x は数で書いてください"),
    ('[print]\noffset_x = nan\n', "offset_x は数で書いてください"),
    ('[print]\npostage_yen = -5\n', "postage_yen = -5 は 0〜10000 の範囲"),
    ('[rules]\nthanks_days = 0\n', "thanks_days = 0 は 1〜365 の範囲"),
    ('[sender]\nname = "店"\npostal_code = "100-0001"\naddress = "大阪府大阪市北区梅田1-1"\n',
     "[sender] の郵便番号と住所"),
    ('[sender]\nname = "店"\npostal_code = "999-9999"\naddress = "東京都渋谷区神宮前1-2-3"\n',
     "[sender] の郵便番号と住所"),
])
def test_mistakes_in_hagaki_toml_name_the_key_and_line(tmp_path, text, expected):
    (tmp_path / "hagaki.toml").write_text(text, encoding="utf-8")
    customers = tmp_path / "customers.csv"
    shutil.copy(package_file("data", "sample_customers.csv"), customers)
    result = hagaki("print", str(customers), "--proof", cwd=tmp_path)
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_init_refuses_a_wrong_sender_and_never_overwrites(tmp_path):
    wrong = hagaki("init", str(tmp_path / "a"), "--name", "店", "--postal-code", "100-0001",
                   "--address", "大阪府大阪市北区梅田1-1", cwd=tmp_path)
    assert wrong.returncode == 1 and not (tmp_path / "a" / "hagaki.toml").exists()
    made = hagaki("init", str(tmp_path / "b"), "--name", "店", "--postal-code", "100-0001",
                  "--address", "東京都千代田区千代田1-1", cwd=tmp_path)
    assert made.returncode == 0 and "次に:" in made.stdout
    again = hagaki("init", str(tmp_path / "b"), "--name", "別", "--postal-code", "100-0001",
                   "--address", "東京都千代田区千代田1-1", cwd=tmp_path)
    assert again.returncode == 1 and "既にあります" in again.stderr


def test_an_unwritable_folder_is_one_line_and_leaves_the_log_as_it_was(shop, tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root can write anywhere; the fault tests inject the error instead")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = print_run(shop, tmp_path, "--out", str(locked / "cards.pdf"))
    assert result.returncode == 1 and "書き込めません" in result.stderr
    assert not (shop / "hagaki-log.sqlite").exists() or not logged(shop)


def test_a_missing_output_folder_is_one_line_and_no_log_rows(shop, tmp_path):
    result = print_run(shop, tmp_path, "--out", str(tmp_path / "nope" / "cards.pdf"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("エラー: 出力先のフォルダがありません")
    assert not logged(shop)
    assert not list(shop.glob("*.lock"))


def test_check_names_a_returned_address_from_the_shops_log(shop, tmp_path):
    print_run(shop, tmp_path)
    hagaki("log", "mark-returned", "--customer", "C003", cwd=shop)
    result = hagaki("check", str(shop / "customers.csv"), "--format", "json", cwd=tmp_path)
    returned = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "returned"]
    assert [(p["row"], p["customer_id"]) for p in returned] == [(4, "C003")]
    assert "宛所不明" in returned[0]["message"]


def test_word_files_are_byte_identical_and_plan_csv_neutralises_formulas(tmp_path):
    from mailmerge.render.docx import docx_bytes
    from mailmerge.templates.engine import Message

    message = Message("thanks-1.j2", "御礼", ("先日はありがとうございました。",), "敬具",
                      "令和八年十一月", "ささき雑貨店")
    first = docx_bytes([message])
    import time

    time.sleep(1.1)
    assert docx_bytes([message]) == first
    customers = tmp_path / "c.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\n=1+1,山田,太郎,160-0023,"
                         "東京都新宿区西新宿2-8-1\n", encoding="utf-8")
    plan = hagaki("plan", str(customers), "--format", "csv", cwd=tmp_path)
    assert "\n'=1+1,2,yes," in plan.stdout, plan.stdout


def test_a_proof_is_stamped_on_every_page_and_counts_nowhere(shop, tmp_path):
    result = print_run(shop, tmp_path, "--proof")
    assert "見本を作りました: 8枚" in result.stdout
    (proof,) = shop.glob("proof-*.pdf")
    assert page_count(proof) == 16
    for page in range(16):
        stamp = [g for g in glyphs(proof, page) if g.text in "見本" and g.size_mm > 25]
        assert "".join(g.text for g in stamp) == "見本"
        middle = (stamp[0].x0 + stamp[-1].x1) / 2
        assert abs(middle - 50.0) < 1.0  # centred across the 100 mm card
    assert not logged(shop)
    report = hagaki("report", str(shop / "customers.csv"), "--sales", str(shop / "sales.csv"),
                    "--date", SALES_DAY, "--format", "json", cwd=tmp_path)
    assert json.loads(report.stdout)["cards"]["total"] == 0


def test_reprints_never_go_to_a_returned_address_or_repost_a_mailed_card(shop, tmp_path):
    print_run(shop, tmp_path)
    card_of = {row[1]: row[0] for row in logged(shop)}
    hagaki("log", "mark-mailed", str(card_of["C001"]), cwd=shop)
    mailed = hagaki("print", str(shop / "customers.csv"), "--reprint", "C001", cwd=tmp_path)
    assert mailed.returncode == 1 and "投函済みです" in mailed.stderr
    forced = hagaki("print", str(shop / "customers.csv"), "--reprint", "C001", "--force",
                    cwd=tmp_path)
    assert "印刷しました: 1枚" in forced.stdout, forced.stderr
    hagaki("log", "mark-returned", str(card_of["C003"]), cwd=shop)
    returned = hagaki("print", str(shop / "customers.csv"), "--reprint", "C003", cwd=tmp_path)
    assert returned.returncode == 1 and "宛所不明で戻りました" in returned.stderr


def test_status_changes_name_unknown_and_unmovable_cards(shop, tmp_path):
    print_run(shop, tmp_path)
    first = logged(shop)[0][0]
    assert hagaki("log", "cancel", str(first), cwd=shop).returncode == 0
    again = hagaki("log", "cancel", str(first), "99999", cwd=shop)
    assert again.returncode == 1
    assert "送付記録にない番号: 99999" in again.stdout
    assert f"{first} 番はもう「取り消し」です" in again.stdout
    mailed = hagaki("log", "mark-mailed", str(first), cwd=shop)
    assert mailed.returncode == 1
    assert f"{first} 番は今「取り消し」なので「投函済み」にできません" in mailed.stdout
    huge = hagaki("log", "cancel", "99999999999999999999999", cwd=shop)
    assert huge.returncode == 2 and "Traceback" not in huge.stderr


def test_cards_already_in_the_status_asked_are_said_once_and_are_not_an_error(shop, tmp_path):
    printed = print_run(shop, tmp_path)
    assert printed.stdout.splitlines()[-1] == "投函したら: hagaki log mark-mailed --run 1"
    numbers = [row[0] for row in logged(shop)]
    span = f"{min(numbers)}-{max(numbers)}"
    assert hagaki("log", "mark-mailed", span, cwd=shop).returncode == 0
    again = hagaki("log", "mark-mailed", span, cwd=shop)
    assert again.returncode == 0, again.stdout
    assert again.stdout == f"{min(numbers)}〜{max(numbers)} 番はもう「投函済み」です\n"
    hagaki("log", "mark-returned", str(numbers[0]), cwd=shop)
    returned = hagaki("log", "mark-returned", span, cwd=shop)
    assert returned.returncode == 0
    assert f"{numbers[0]} 番はもう「宛所不明で返送」です" in returned.stdout


@pytest.mark.parametrize(("arguments", "said"), [
    (["0"], "0 ははがきの番号ではありません（はがきの番号は 1 から始まります）"),
    (["0-5"], "0 ははがきの番号ではありません"),
    (["abc"], "'abc' ははがき番号の範囲ではありません（例: 17、1-21 や 3,5,9-12）"),
    (["--run", "abc"], "'--run' の値が違います: 'abc' は数ではありません（1 以上の数で"),
    (["--run", "0"], "0 は範囲（1 以上）の外です")])
def test_a_card_number_that_is_not_one_is_said_in_words(shop, arguments, said):
    refused = hagaki("log", "mark-mailed", *arguments, cwd=shop)
    error = refused.stderr.splitlines()[-1]  # after the usage line
    assert refused.returncode == 2 and said in error
    assert "CARD_IDS" not in error and "integer" not in error


def test_a_full_disk_when_opening_the_log_is_not_called_damage(shop, monkeypatch):
    import sqlite3 as sqlite

    from mailmerge.sendlog import store

    print_run(shop, shop)

    def full(connection):
        raise sqlite.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "migrate", full)
    with pytest.raises(store.LogError) as refused:
        store.SendLog(shop / "hagaki-log.sqlite")
    assert "ディスクに空きがあるか" in str(refused.value)
    assert "壊れています" not in str(refused.value)


def test_question_marks_left_by_a_shift_jis_save_are_caught(tmp_path):
    customers = tmp_path / "c.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nC1,?田,健太,160-0023,東京都新宿区西新宿2-8-1\n"
                         "C2,山田,花子,160-0023,東京都新宿区西新宿2-8-2\n", encoding="cp932")
    result = hagaki("check", str(customers), "--format", "json", cwd=tmp_path)
    problems = json.loads(result.stdout)["problems"]
    assert [(p["row"], p["code"], p["severity"]) for p in problems] == [
        (2, "lost-character", "error")]
    assert "UTF-8" in problems[0]["message"]


def test_outputs_of_every_command_keep_their_kind_and_spare_the_shop(shop, tmp_path):
    print_run(shop, tmp_path)
    (pdf,) = shop.glob("cards-*.pdf")
    for attack, expected in [
        (("preview", str(pdf), "--out", str(shop / "hagaki-log.sqlite"), "--replace"), ".png"),
        (("preview", str(pdf), "--out", str(shop / "sheet.png.sqlite"), "--replace"), ".png"),
        (("log", "export", "--out", str(shop / "hagaki.toml"), "--replace"), ".csv"),
        (("print", str(shop / "customers.csv"), "--out", str(shop / "sales.csv")), ".pdf"),
        (("print", str(shop / "customers.csv"), "--image", str(pdf)), "--image"),
    ]:
        result = hagaki(*attack, cwd=shop)
        assert result.returncode == 1 and expected in result.stderr, result.stderr
    listing = hagaki("print", str(shop / "customers.csv"), "--force", "--out",
                     str(shop / "x.pdf"), cwd=shop)
    assert listing.returncode == 1  # C014's row
    replaced = hagaki("print", str(shop / "customers.csv"), "--force", "--replace", "--out",
                      str(shop / "x.pdf"), cwd=shop)
    assert "印刷しました" in replaced.stdout
    assert "置き換え済み" in hagaki("log", "list", cwd=shop).stdout


@pytest.mark.parametrize(("value", "said"), [
    ("abc", "'--holdout' の値が違います: 'abc' は数ではありません（0〜50の数で書いてください）"),
    ("nan", "'nan' は数ではありません"),
    ("-1", "'--holdout' の値が違います: -1 は範囲（0〜50）の外です")])
def test_a_holdout_that_is_not_a_percent_is_said_in_words(shop, value, said):
    refused = hagaki("print", "--holdout", value, cwd=shop)
    error = refused.stderr.splitlines()[-1]
    assert refused.returncode == 2 and said in error and "float" not in error
