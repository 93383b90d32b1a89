"""The words of a refused output name: one suffix said as one, the shop's list names said as
such (not as files being read)."""

from __future__ import annotations

import pytest

from mailmerge.runs.outputs import OutputError, check_outputs


def test_one_allowed_suffix_is_said_without_a_choice(tmp_path):
    with pytest.raises(OutputError) as one:
        check_outputs([tmp_path / "cards.png"], [], suffixes=(".pdf",))
    assert str(one.value).endswith("cards.png: 書き出すファイルの名前は .pdf で終わるように"
                                   "してください")
    with pytest.raises(OutputError) as two:
        check_outputs([tmp_path / "report.png"], [], suffixes=(".xlsx", ".pdf"))
    assert "は .xlsx, .pdf のどれかで終わるように" in str(two.value)


def test_a_shop_list_name_is_refused_as_one_even_before_it_exists(tmp_path):
    with pytest.raises(OutputError) as refused:
        check_outputs([tmp_path / "customers.xlsx"], [], shop_lists=[tmp_path / "customers.xlsx"])
    assert "customers.xlsx は店の顧客リスト・売上リストの名前です" in str(refused.value)
    assert "例: report.xlsx" in str(refused.value) and "読み込む" not in str(refused.value)
    check_outputs([tmp_path / "report.xlsx"], [], shop_lists=[tmp_path / "customers.xlsx"])
