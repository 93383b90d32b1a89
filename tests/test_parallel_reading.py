"""A long customer list read by forked processes gives exactly what one process gives: the
same customers, the same problems (duplicates across the processes' shares included), the
same notes; a process that dies stops the reading with the row it started at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from msgspec.structs import replace

from mailmerge.errors import InputError
from mailmerge.japanese.address_identity import known_identity, person_identity
from mailmerge.sources import customers as customer_rows
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sourceset import read_customers

HEADER = "顧客ID,姓,名,郵便番号,住所1,住所2,誕生日\n"


def write_list(path: Path) -> Path:
    """41 rows: blank rows, a bad date, a bad postal code, a missing address and duplicates
    of earlier rows (same id; same person with a room added), spread over every share."""
    lines = [HEADER]
    for number in range(36):
        lines.append(f"C{number:03},髙橋,{number}郎,160-0023,東京都新宿区西新宿2-8-{number + 1},,"
                     f"{'1980-04-01' if number % 5 else 'いつか'}\n")
        if number % 9 == 4:
            lines.append(",,,,,,\n")
    lines += ["C100,佐藤,花子,999-9999,東京都新宿区西新宿1-1-1,,\n",
              "C101,鈴木,一郎,160-0023,,,\n",
              "C002,山田,誠,160-0023,東京都新宿区西新宿3-3-3,,\n",  # id of row 4
              "C102,髙橋,2郎,１６０－００２３,東京都新宿区西新宿二丁目8番3号,ハイツ101,\n",
              "C103,高橋,7郎,160-0023,東京都新宿区西新宿2-8-8,,\n"]  # 髙 and 高: the same
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def forked_for_few_rows(monkeypatch):
    """Readers forked for these short lists too (forking for fewer rows than
    ROWS_FORKED_LEAST is left out otherwise)."""
    monkeypatch.setattr(customer_rows, "ROWS_FORKED_LEAST", 1)


def read(path: Path, workers: int):
    found = read_customers(path, ReadOptions(workers=workers))
    return ([(c.row, c.customer_id, c.family_name, c.given_name) for c in found.customers],
            [(p.row, p.code, p.column, p.message) for p in found.problems], found.total_rows)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked readers need fork()")
@pytest.mark.usefixtures("forked_for_few_rows")
def test_forked_readers_find_what_one_reader_finds(tmp_path, monkeypatch):
    monkeypatch.setattr(customer_rows, "ROWS_FIRST", 5)
    monkeypatch.setattr(customer_rows, "ROWS_PER_WORKER", 4)  # then nine shares of four rows
    path = write_list(tmp_path / "customers.csv")
    alone = read(path, 1)
    assert read(path, 3) == alone
    customers, problems, total = alone
    codes = sorted(code for _row, code, _column, _message in problems)
    assert total == 41 and len(customers) == 36  # 41 rows: 5 refused
    assert codes.count("duplicate") == 3 and codes.count("bad-date") == 8  # (a warning)
    assert {"missing-address", "postal-unknown"} <= set(codes)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked readers need fork()")
@pytest.mark.usefixtures("forked_for_few_rows")
def test_the_readers_hand_each_persons_identity_over_with_the_customer(tmp_path, monkeypatch):
    monkeypatch.setattr(customer_rows, "ROWS_FIRST", 5)
    monkeypatch.setattr(customer_rows, "ROWS_PER_WORKER", 4)
    found = read_customers(write_list(tmp_path / "customers.csv"), ReadOptions(workers=3))
    kept = [known_identity(customer) for customer in found.customers]
    assert None not in kept  # worked out by the readers, not again by the run
    assert kept == [person_identity(replace(customer)) for customer in found.customers]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked readers need fork()")
@pytest.mark.usefixtures("forked_for_few_rows")
def test_a_reader_that_dies_stops_the_reading_naming_its_first_row(tmp_path, monkeypatch):
    monkeypatch.setattr(customer_rows, "ROWS_FIRST", 10)
    monkeypatch.setattr(customer_rows, "ROWS_PER_WORKER", 10)
    checked = customer_rows.customer_from_row

    def dies_at_row_25(row, *arguments):
        if row.number == 25:
            os._exit(9)  # as the out-of-memory killer would end it
        return checked(row, *arguments)

    monkeypatch.setattr(customer_rows, "customer_from_row", dies_at_row_25)
    with pytest.raises(InputError, match="24 行目から先"):
        read(write_list(tmp_path / "customers.csv"), 2)


def test_the_lists_last_shorter_chunk_is_shared_out_among_the_readers():
    rows = iter(range(2 * customer_rows.ROWS_PER_WORKER + 7))
    assert [len(chunk) for chunk in customer_rows._chunks(rows, 2)] == [
        customer_rows.ROWS_PER_WORKER, customer_rows.ROWS_PER_WORKER, 4, 3]
    assert [len(chunk) for chunk in customer_rows._chunks(iter(range(2)), 3)] == [1, 1]
    assert list(customer_rows._chunks(iter(()), 2)) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked readers need fork()")
@pytest.mark.usefixtures("forked_for_few_rows")
def test_readers_sharing_the_last_chunk_find_what_one_reader_finds(tmp_path, monkeypatch):
    monkeypatch.setattr(customer_rows, "ROWS_FIRST", 5)
    monkeypatch.setattr(customer_rows, "ROWS_PER_WORKER", 1000)  # 36 rows: three shares of 12
    path = write_list(tmp_path / "customers.csv")
    assert read(path, 3) == read(path, 1)


def test_a_short_list_is_read_here_without_forking(tmp_path, monkeypatch):
    def no_fork(*_arguments):
        raise AssertionError("a list this short is read without forking")

    monkeypatch.setattr(customer_rows, "forked_map", no_fork)
    path = write_list(tmp_path / "customers.csv")
    assert read(path, 3) == read(path, 1)
