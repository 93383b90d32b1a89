"""設定 page: the sender's telephone, e-mail and web address, typed in the sender form, saved
into the shop's hagaki.toml (normalised), refused beside their field when wrong."""

from __future__ import annotations

import hashlib
import re

import pytest
from web_shop import csrf_token, make_shop

from mailmerge.shop.settings import load_settings

SENDER = {"name": "ささき雑貨店", "postal_code": "150-0001",
          "address": "東京都渋谷区神宮前1-2-3", "address2": "表参道ハウス2F"}


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_form_offers_the_phone_email_and_web_address(client):
    page = client.get("/settings").text
    for field, keyboard in (("phone", "tel"), ("email", "email"), ("url", "url")):
        tag = re.search(rf'<input type="text" id="sender-{field}" name="{field}"[^>]*>', page)
        assert tag is not None and f'inputmode="{keyboard}"' in tag.group()
    assert '<label for="sender-phone">電話番号（なくても可）</label>' in page


def test_the_contact_typed_in_full_width_is_saved_half_width(client, shop):
    response = client.post("/settings/sender", data={
        "csrf_token": csrf_token(client, "/settings"), **SENDER,
        "phone": "０３－１２３４－５６７８", "email": "ｉｎｆｏ＠sasaki-zakka.jp",
        "url": "sasaki-zakka.jp"}, follow_redirects=False)
    assert response.status_code == 303
    text = (shop / "hagaki.toml").read_text("utf-8")
    assert 'phone = "03-1234-5678"' in text and 'url = "sasaki-zakka.jp"' in text
    sender = load_settings(shop / "hagaki.toml").sender
    assert (sender.phone, sender.email, sender.url) == (
        "03-1234-5678", "info@sasaki-zakka.jp", "sasaki-zakka.jp")
    page = client.get(response.headers["location"]).text
    assert 'value="03-1234-5678"' in page and "差出人を保存しました" in page


def test_a_wrong_email_is_refused_beside_its_field_and_nothing_written(client, shop):
    before = digest(shop / "hagaki.toml")
    response = client.post("/settings/sender", data={
        "csrf_token": csrf_token(client, "/settings"), **SENDER,
        "phone": "03-1234-5678", "email": "info.sasaki-zakka.jp"})
    assert response.status_code == 400
    error = re.search(r'<p class="field-error" id="sender-email-error">([^<]+)</p>',
                      response.text)
    assert error is not None and "メールアドレスとして読めません" in error.group(1)
    assert 'id="sender-phone-error"' not in response.text
    assert 'value="info.sasaki-zakka.jp"' in response.text  # what was typed stays
    assert digest(shop / "hagaki.toml") == before


def test_clearing_the_phone_empties_it_in_the_file(client, shop):
    token = csrf_token(client, "/settings")
    client.post("/settings/sender", data={"csrf_token": token, **SENDER,
                                          "phone": "03-1234-5678"})
    response = client.post("/settings/sender", data={"csrf_token": token, **SENDER,
                                                     "phone": ""}, follow_redirects=False)
    assert response.status_code == 303
    assert 'phone = ""' in (shop / "hagaki.toml").read_text("utf-8")
    assert load_settings(shop / "hagaki.toml").sender.phone == ""


def test_the_page_says_when_the_card_has_no_room_for_the_phone(client, shop):
    token = csrf_token(client, "/settings")
    client.post("/settings/sender", data={"csrf_token": token, **SENDER,
                                          "phone": "03-1234-5678"})
    assert 'id="sender-note"' not in client.get("/settings").text
    cramped = {"name": "ささき雑貨店", "postal_code": "060-0001",
               "address": "北海道札幌市中央区北一条西2丁目1番地 札幌時計台前",
               "address2": "グランドレジデンス大通公園ウエストタワー2501号室"}
    client.post("/settings/sender", data={"csrf_token": token, **cramped,
                                          "phone": "03-1234-5678"})
    note = re.search(r'<p class="note" id="sender-note">([^<]+)</p>',
                     client.get("/settings").text)
    assert note is not None
    assert "03-1234-5678" in note.group(1) and "入らないため刷りません" in note.group(1)
