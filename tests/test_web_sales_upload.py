"""A sales list whose headers hagaki does not know is refused in words: the headers it found,
the ones it needs, and what to do next (the column mapping page reads customer lists only)."""

from __future__ import annotations

import pytest
from web_shop import csrf_token, make_shop


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


def test_a_sales_list_with_unknown_headers_names_them_and_the_next_step(client, shop):
    before = (shop / "sales.csv").read_bytes()
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "sales"},
                           files={"file": ("uriage.csv", "お客様,日,値段\nC001,2026-12-01,500\n"
                                           .encode(), "text/csv")},
                           headers={"referer": "http://testserver/customers"})
    assert response.status_code == 400
    page = response.text
    assert "1 行目の見出し（お客様、日、値段）に、売上リストの「顧客ID」と「日付」の列が" in page
    assert "「顧客ID」の列の見出しは 顧客ID・顧客番号・会員番号" in page
    assert "「日付」の列の見出しは 日付・購入日" in page
    assert "customer_id" not in page and "date）" not in page
    assert 'id="next-step"' in page and "今は顧客リストにしか使えません" in page
    assert '<a href="/customers">' in page
    assert (shop / "sales.csv").read_bytes() == before


def test_a_missing_date_column_alone_is_named(client):
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "sales"},
                           files={"file": ("uriage.csv", "顧客ID,日,金額\nC001,2026-12-01,500\n"
                                           .encode(), "text/csv")})
    assert "売上リストの「日付」の列が見つかりません" in response.text
    assert "「顧客ID」の列の見出しは" not in response.text
