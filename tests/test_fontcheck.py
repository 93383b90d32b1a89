"""`hagaki fonts --check`: linear in the rows, bounded output, the shop's [columns] honoured."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import msgspec

from mailmerge.models import Customer
from mailmerge.runs.fontcheck import CHARACTERS_SHOWN, ROWS_SHOWN, check_fonts, collect_uses
from mailmerge.shop.settings import Settings

EMOJI = [chr(0x1F600 + number) for number in range(150)]  # no bundled font draws these


def customers(count: int) -> list[Customer]:
    return [Customer(row=row, customer_id=f"C{row}", family_name="佐藤", given_name="花子",
                     honorific="様", address1=f"東京都新宿区西新宿{row % 9 + 1}-8-1",
                     joint_names=("佐藤 一郎",))
            for row in range(2, count + 2)]


def write_list(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    return path


def test_each_character_keeps_its_first_rows_and_a_count_of_all():
    uses = collect_uses(customers(5_000), "kanji")
    sato = uses["name"]["佐"]  # in two texts of every row (姓 and 連名), counted once per row
    assert sato.count == 5_000 and sato.rows == list(range(2, 2 + ROWS_SHOWN))
    assert uses["name"]["一"].count == 5_000
    assert uses["address"]["新"].count == 5_000


def test_the_time_grows_with_the_rows_not_with_their_square():
    small, large = customers(2_000), customers(16_000)
    collect_uses(small, "kanji")  # warm caches
    start = time.process_time()
    collect_uses(small, "kanji")
    small_seconds = time.process_time() - start
    start = time.process_time()
    collect_uses(large, "kanji")
    large_seconds = time.process_time() - start
    assert large_seconds < 20 * max(small_seconds, 0.001)  # 8 × the rows; 64 × if quadratic


def test_the_report_lists_at_most_100_characters_per_font(tmp_path):
    rows = [[f"C{n}", "佐藤", EMOJI[n], "160-0023", "東京都新宿区西新宿2-8-1"]
            for n in range(len(EMOJI))]
    path = write_list(tmp_path / "customers.csv", ["顧客ID", "姓", "名", "郵便番号", "住所1"],
                      rows)
    lines = check_fonts(path, Settings())
    assert CHARACTERS_SHOWN == 100
    assert "  BIZ UD Mincho: 150文字がありません:" in lines
    assert "  お名前 のどのフォントにもない文字が 150個あります。次のはがきは刷れません:" in lines
    assert lines.count("    …ほか 50文字（最初の 100文字だけを表示）") == 3  # 2 fonts, the chain
    assert "    😀 (U+1F600)  行 2" in lines
    assert len(lines) < 3 * 101 + 10


def test_rows_are_shown_up_to_ten_with_the_total(tmp_path):
    rows = [[f"C{n}", "𠮷田", "花子", "160-0023", f"東京都新宿区西新宿2-8-{n + 1}"]
            for n in range(25)]
    path = write_list(tmp_path / "customers.csv", ["顧客ID", "姓", "名", "郵便番号", "住所1"],
                      rows)
    lines = check_fonts(path, Settings())
    assert "    𠮷 (U+20BB7)  行 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 …（全 25行）" in lines


def test_the_shops_own_headers_are_understood(tmp_path):
    path = write_list(tmp_path / "customers.csv", ["番号", "お名前", "〒", "ご住所"],
                      [["C1", "佐藤 😀", "160-0023", "東京都新宿区西新宿2-8-1"]])
    settings = msgspec.structs.replace(Settings(), columns={
        "番号": "customer_id", "お名前": "name", "〒": "postal_code", "ご住所": "address1"})
    lines = check_fonts(path, settings)
    assert "    😀 (U+1F600)  行 2" in lines


def test_every_default_chain_draws_a_name_with_a_variation_sequence():
    """葛󠄀 (葛 + VS17) is in BIZ UD Mincho: a shop's own heading that names the customer
    must not refuse 葛󠄀西 when the body draws it."""
    from mailmerge.typeface.roles import FontRoles

    roles = FontRoles(Settings())
    for role in ("address", "name", "message", "heading"):
        assert roles.chain(role).covers("葛\U000E0100西 髙橋 﨑"), role
