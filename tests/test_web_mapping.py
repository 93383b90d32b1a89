"""列の割り当て: a customer list whose headers hagaki does not know is held on upload, not
refused; its columns are chosen on a page showing its first rows, three customers are read
back with the choice, and saving writes [columns] and makes it the shop's list."""

from __future__ import annotations

import re

import pytest
from web_shop import csrf_token, make_shop

from mailmerge.shop.settings import load_settings
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.sourceset import read_customers

OWN_HEADERS = ("お客様コード,ご芳名,お届け先〒,お届け先\n"
               "K1,森田 和子,604-0925,京都府京都市中京区寺町通御池上る上本能寺前町488\n"
               "K2,木下 茂,530-0001,大阪府大阪市北区梅田3-1-1\n"
               "K3,川村 優,160-0023,東京都新宿区西新宿2-8-1\n"
               "K4,石田 光,231-0023,神奈川県横浜市中区山下町10-3\n")
CHOICE = {"customer_id": "お客様コード", "name": "ご芳名", "postal_code": "お届け先〒",
          "address1": "お届け先"}


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


def upload(client, content: str):
    token = csrf_token(client, "/customers")
    return client.post(f"/upload?csrf_token={token}", data={"kind": "customers"},
                       files={"file": ("顧客.csv", content.encode("utf-8"), "text/csv")},
                       follow_redirects=False)


def choose(client, action: str, choice: dict[str, str]):
    data = {"csrf_token": csrf_token(client, "/customers/map"), "action": action,
            **{f"field-{name}": header for name, header in choice.items()}}
    return client.post("/customers/map", data=data, follow_redirects=False)


def test_an_upload_with_unknown_headers_is_held_for_its_columns(client, shop):
    before = (shop / "customers.csv").read_bytes()
    sent = upload(client, OWN_HEADERS)
    assert sent.status_code == 303 and sent.headers["location"] == "/customers/map"
    assert (shop / "customers.csv").read_bytes() == before  # nothing replaced yet
    page = client.get("/customers/map").text
    headers = re.findall(r"<th>([^<]+)</th>", page.split('class="sample"')[1].split("</thead>")[0])
    assert headers == ["お客様コード", "ご芳名", "お届け先〒", "お届け先"]
    assert page.count("<tr><td>K") == 4  # the first rows, as they are


def test_the_choice_is_read_back_then_saved_and_the_list_used(client, shop):
    upload(client, OWN_HEADERS)
    preview = choose(client, "preview", CHOICE).text
    read = re.findall(r'<tr class="read-customer"><td>([^<]+)</td><td>〒(\d+)</td>', preview)
    assert read == [("森田 和子", "6040925"), ("木下 茂", "5300001"), ("川村 優", "1600023")]
    saved = choose(client, "save", CHOICE)
    assert saved.status_code == 303 and saved.headers["location"] == "/plan"
    columns = load_settings(shop / "hagaki.toml").columns
    assert {header: columns[header] for header in CHOICE.values()} == {
        "お客様コード": "customer_id", "ご芳名": "name", "お届け先〒": "postal_code",
        "お届け先": "address1"}
    assert (shop / "customers.csv").read_text("utf-8") == OWN_HEADERS
    assert not list((shop / "hagaki-uploads").glob("pending-*"))
    assert list((shop / "hagaki-uploads").glob("customers-*.csv"))  # the old list, kept
    read = read_customers(shop / "customers.csv", ReadOptions(columns=columns))
    assert [(c.customer_id, c.family_name, c.given_name) for c in read.customers] == [
        ("K1", "森田", "和子"), ("K2", "木下", "茂"), ("K3", "川村", "優"), ("K4", "石田", "光")]
    assert client.get("/plan").status_code == 200


def test_a_choice_that_still_cannot_be_read_is_not_saved(client, shop):
    upload(client, OWN_HEADERS)
    refused = choose(client, "save", {"name": "ご芳名"}).text  # no address chosen
    assert 'class="error"' in refused
    assert "ご芳名" not in load_settings(shop / "hagaki.toml").columns
    assert list((shop / "hagaki-uploads").glob("pending-customers.csv"))


def test_a_file_that_is_no_table_at_all_is_still_refused(client, shop):
    token = csrf_token(client, "/customers")
    sent = client.post(f"/upload?csrf_token={token}", data={"kind": "customers"},
                       files={"file": ("顧客.csv", b"\x00\x01\x02" * 50, "text/csv")},
                       follow_redirects=False)
    assert sent.status_code == 400
    assert not (shop / "hagaki-uploads").exists() or not list(
        (shop / "hagaki-uploads").glob("pending-*"))
