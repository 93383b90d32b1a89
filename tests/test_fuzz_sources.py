"""Random bytes and random cells never crash the readers, and every row is accounted for."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmerge.errors import InputError
from mailmerge.sources.customers import read_customers

HEADERS = ["顧客ID", "姓", "名", "敬称", "郵便番号", "住所1", "住所2", "連名", "誕生日", "送付停止"]
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12)


def read_bytes(data: bytes, suffix: str = ".csv"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return read_customers(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_give_a_list_or_one_clear_error(data, suffix):
    try:
        result = read_bytes(data, suffix)
    except InputError as error:
        assert str(error)
        return
    assert result.total_rows >= len(result.customers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=0, max_size=len(HEADERS) + 2), max_size=15),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_random_cells_every_row_printed_or_refused_with_a_reason(rows, encoding):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    result = read_bytes(text.getvalue().encode(encoding))
    refused = {p.row for p in result.problems if p.severity == "error"}
    printable = {c.row for c in result.customers}
    assert not refused & printable
    assert len(refused) + len(printable) == result.total_rows
    data_rows = [r for r in csv.reader(io.StringIO(text.getvalue()))][1:]
    assert result.total_rows == sum(1 for r in data_rows if any(c.strip() for c in r))
