"""One customer, many rows: last year's list, this month's orders and the register's members
merged into the right number of people, each merge reported, never on a name alone."""

from pathlib import Path

from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.models import Customer, Problem
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.exports import PersonRecord
from mailmerge.sources.merge import merge_people
from mailmerge.sources.sourceset import read_customers, sales_for

DATA = Path(__file__).parent / "data" / "sources"
CONFIG = Path(__file__).parent / "data" / "hagaki.toml"
THREE = ReadOptions(more=(DATA / "base_orders.csv", DATA / "smaregi_members.csv"))


def test_three_sources_give_five_people_with_the_merges_reported():
    customers = read_customers(DATA / "customers.csv", THREE)
    ids = sorted(c.customer_id for c in customers.customers)
    assert ids == ["2", "C001", "C004", "C007", "C009"]  # "2": the member 林 大輔
    merged = [p for p in customers.problems if p.code == "merged"]
    assert sorted((Path(p.file).name, p.row, p.customer_id) for p in merged) == [
        ("base_orders.csv", 2, "C001"), ("base_orders.csv", 4, "C004"),
        ("base_orders.csv", 6, "C001"), ("smaregi_members.csv", 2, "C007")]
    assert "base_orders.csv の 4 行目 = customers.csv の C004（3 行目）" in next(
        p.message for p in merged if p.row == 4)


def test_the_newest_address_wins_and_the_older_one_is_a_warning():
    customers = read_customers(DATA / "customers.csv", THREE)
    naomi = next(c for c in customers.customers if c.customer_id == "C007")
    assert naomi.address1 == "東京都渋谷区神宮前4-5-6"  # the member list (2024) over 2021's
    [conflict] = [p for p in customers.problems if p.code == "address-conflict"]
    assert (Path(conflict.file).name, conflict.row, conflict.severity) == (
        "customers.csv", 4, "warning")


def test_never_merged_on_a_name_alone():
    same_name = [
        _record("C009", "田中", "実", "1000001", "東京都千代田区千代田1-1", "", "a.csv"),
        _record("X1", "田中", "実", "4600001", "愛知県名古屋市中区三の丸3-1-1", "", "b.csv"),
    ]
    people, aliases = merge_people(same_name)
    assert len(people) == 2 and aliases == {}


def test_same_name_and_phone_merge_across_files_and_keep_the_typed_id():
    records = [
        _record("auto-1", "髙橋", "健二", "0600001", "北海道札幌市中央区北一条西2-1", "09033334444",
                "orders.csv", typed=False),
        _record("C010", "高橋", "健二", "0600001", "北海道札幌市中央区北一条西2-1", "09033334444",
                "customers.csv"),
    ]
    people, aliases = merge_people(records)
    [(customer, problems)] = people
    assert customer.customer_id == "C010"
    assert aliases == {"auto-1": "C010"}
    assert [p.code for p in problems] == ["merged"]


def test_a_row_with_an_error_is_never_merged():
    error = Problem(3, "C011", "郵便番号", "postal-format", "error", "x", "a.csv")
    records = [_record("C011", "森", "和也", "", "福岡県", "0923334444", "a.csv", [error]),
               _record("C012", "森", "和也", "8120011", "福岡県", "0923334444", "b.csv")]
    people, _ = merge_people(records)
    assert len(people) == 2


def test_sales_follow_the_merged_people():
    customers = read_customers(DATA / "customers.csv", THREE)
    sales = sales_for(customers.sources, customers.ids, None, THREE)
    assert sorted((s.customer_id, s.item) for s in sales.sales) == [
        ("C001", "益子焼 湯呑み・急須"), ("C001", "茶さじ"), ("C004", "ほうじ茶ギフト")]
    assert sales.unknown == []


def test_check_shows_each_merge_and_plan_thanks_the_list_customer():
    runner = CliRunner()
    files = [str(DATA / name) for name in ("customers.csv", "base_orders.csv",
                                           "smaregi_members.csv")]
    result = runner.invoke(main, ["check", *files, "--config", str(CONFIG)])
    assert result.exit_code == 0
    assert "base_orders.csv の 2 行目 = customers.csv の C001（2 行目）" in result.output
    plan = runner.invoke(main, ["plan", *files, "--date", "2026-11-23", "--format", "csv",
                                "--config", str(CONFIG)])
    thanked = sorted(line.split(",")[0] for line in plan.output.splitlines()
                     if ",yes,thanks," in line)
    assert thanked == ["C001", "C004"]


def _record(customer_id, family, given, postal, address, phone, file, problems=None,
            typed=True):
    customer = Customer(2, customer_id, family, given, postal_code=postal, address1=address)
    return PersonRecord(customer, problems or [], file, phone, None, typed)
