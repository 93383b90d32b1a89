"""設定 page of `hagaki serve`: the sender, the fonts and the printers, saved into the shop's
hagaki.toml by the library (comments and other tables kept), read back by the CLI."""

from __future__ import annotations

import hashlib
import io
import math
import re

import pdfplumber
import pytest
from click.testing import CliRunner
from PIL import Image
from web_shop import csrf_token, make_shop

from mailmerge.cli import main
from mailmerge.layout.font_sample import SAMPLE_WIDTH, sample_height
from mailmerge.layout.units import mm_to_pt
from mailmerge.render.page_png import SCREEN_SCALE
from mailmerge.runs.font_samples import role_sample_png
from mailmerge.shop.folder import open_shop
from mailmerge.shop.settings import load_settings
from mailmerge.shop.settings_file import edited_text

COMMENTED = """\
# ささき雑貨店の設定（手で書いたコメント）

[sender]              # 差出人
name = "ささき雑貨店"   # 店名
postal_code = "150-0001"
address = "東京都渋谷区神宮前1-2-3"
address2 = "表参道ハウス2F"

[print]
offset_x = 0.5        # 前に測った値
postage_yen = 85

[rules]
thanks_days = 10
"""
NEW_SENDER = {"name": "たなか商店", "postal_code": "530-0001",
              "address": "大阪府大阪市北区梅田3-1-1", "address2": ""}


@pytest.fixture
def shop(tmp_path):
    folder = make_shop(tmp_path)
    (folder / "hagaki.toml").write_text(COMMENTED, encoding="utf-8")
    return folder


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_page_shows_the_sender(client):
    page = client.get("/settings")
    assert page.status_code == 200
    assert "<h1>設定</h1>" in page.text
    assert 'value="ささき雑貨店"' in page.text
    assert 'value="150-0001"' in page.text
    assert 'value="表参道ハウス2F"' in page.text
    assert '<a href="/settings">設定</a>' in page.text


def test_a_new_sender_lands_in_the_file_with_its_comments_and_the_cli_sees_it(client, shop):
    response = client.post("/settings/sender", data={"csrf_token": csrf_token(client, "/settings"),
                                                     **NEW_SENDER}, follow_redirects=False)
    assert response.status_code == 303
    text = (shop / "hagaki.toml").read_text(encoding="utf-8")
    assert text == COMMENTED.replace('"ささき雑貨店"   # 店名', '"たなか商店"   # 店名') \
        .replace('"150-0001"', '"530-0001"').replace('"東京都渋谷区神宮前1-2-3"',
                                                     '"大阪府大阪市北区梅田3-1-1"') \
        .replace('"表参道ハウス2F"', '""')
    settings = open_shop(shop / "hagaki.toml").settings
    assert (settings.sender.name, settings.sender.postal_code) == ("たなか商店", "530-0001")
    assert settings.offset_x == 0.5 and settings.rules.thanks_days == 10
    assert "差出人を保存しました" in client.get(response.headers["location"]).text
    out = shop / "cards.pdf"
    result = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), "--out", str(out),
                                       "--config", str(shop / "hagaki.toml")])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as pdf:
        words = "".join(char["text"] for char in pdf.pages[0].chars)
    assert "たなか商店" in words and "ささき雑貨店" not in words


def test_a_postal_code_of_another_place_is_refused_beside_its_field(client, shop):
    before = digest(shop / "hagaki.toml")
    response = client.post("/settings/sender", data={
        "csrf_token": csrf_token(client, "/settings"), **NEW_SENDER, "postal_code": "100-0001"})
    assert response.status_code == 400
    error = re.search(r'<p class="field-error" id="sender-postal_code-error">([^<]+)</p>',
                      response.text)
    assert error is not None
    assert "100-0001" in error.group(1) and "530-0001" in error.group(1)  # the right code
    assert 'value="100-0001"' in response.text  # what was typed stays in the form
    assert digest(shop / "hagaki.toml") == before


def test_a_malformed_postal_code_is_refused_and_nothing_written(client, shop):
    before = digest(shop / "hagaki.toml")
    response = client.post("/settings/sender", data={
        "csrf_token": csrf_token(client, "/settings"), **NEW_SENDER, "postal_code": "53-01"})
    assert response.status_code == 400
    assert 'id="sender-postal_code-error"' in response.text
    assert "7桁" in response.text
    assert digest(shop / "hagaki.toml") == before


def test_a_sender_without_a_name_is_refused_and_nothing_written(client, shop):
    before = digest(shop / "hagaki.toml")
    response = client.post("/settings/sender", data={
        "csrf_token": csrf_token(client, "/settings"), **NEW_SENDER, "name": "  "})
    assert response.status_code == 400
    assert 'id="sender-name-error"' in response.text
    assert "差出人の名前を入れてください" in response.text
    assert digest(shop / "hagaki.toml") == before


def test_a_measured_printer_is_saved_as_hagaki_calibrate_saves_it(client, shop, tmp_path):
    token = csrf_token(client, "/settings")
    response = client.post("/settings/printer", data={
        "csrf_token": token, "name": "PX-049A", "measured_x": "51.0", "measured_y": "73.5"},
        follow_redirects=False)
    assert response.status_code == 303
    settings = load_settings(shop / "hagaki.toml")
    assert settings.printers == {"PX-049A": (-0.5, 0.5)}  # measured on a card moved 0.5 mm
    assert settings.offset_x == 0.5  # the [print] table is untouched
    assert "# 前に測った値" in (shop / "hagaki.toml").read_text(encoding="utf-8")
    page = client.get("/settings").text
    assert re.search(r"<td>PX-049A</td>\s*<td class=\"num\">-0.50 mm</td>\s*"
                     r"<td class=\"num\">\+0.50 mm</td>", page)
    twin = tmp_path / "twin.toml"  # the command given the same numbers writes the same offsets
    twin.write_text(COMMENTED, encoding="utf-8")
    result = CliRunner().invoke(main, ["calibrate", "--config", str(twin), "--printer", "PX-049A",
                                       "--measured-x", "51.0", "--measured-y", "73.5"])
    assert result.exit_code == 0, result.output
    assert load_settings(twin).printers == settings.printers


def test_a_measurement_off_the_card_is_refused(client, shop):
    before = digest(shop / "hagaki.toml")
    response = client.post("/settings/printer", data={
        "csrf_token": csrf_token(client, "/settings"), "name": "PX-049A", "measured_x": "abc",
        "measured_y": "200"})
    assert response.status_code == 400
    assert "数で入れてください" in response.text
    response = client.post("/settings/printer", data={
        "csrf_token": csrf_token(client, "/settings"), "name": "PX-049A", "measured_x": "51",
        "measured_y": "200"})
    assert response.status_code == 400
    assert 'id="printer-error"' in response.text and "40.0〜110.0" in response.text
    assert digest(shop / "hagaki.toml") == before


def test_the_calibration_card_downloads_as_a_card_sized_pdf(client):
    response = client.get("/settings/calibration.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="calibrate.pdf"' in response.headers["content-disposition"]
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        assert len(pdf.pages) == 1
        assert pdf.pages[0].width == pytest.approx(mm_to_pt(100), abs=0.01)
        assert pdf.pages[0].height == pytest.approx(mm_to_pt(148), abs=0.01)
        assert "プリンターのずれを測るカード" in "".join(c["text"] for c in pdf.pages[0].chars)


def test_the_font_sample_is_a_png_of_the_sample_size(client):
    response = client.get("/settings/fonts/message.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (511, 113)
    assert image.size == (math.ceil(mm_to_pt(SAMPLE_WIDTH) * SCREEN_SCALE),
                          math.ceil(mm_to_pt(sample_height(2)) * SCREEN_SCALE))
    assert image.convert("L").getextrema()[0] < 64  # text is drawn, not a blank image
    assert client.get("/settings/fonts/..%2Fhagaki.png").status_code == 404


def test_each_role_samples_its_own_font(shop):
    settings = load_settings(shop / "hagaki.toml")
    assert role_sample_png(settings, "heading") != role_sample_png(settings, "address")


def test_choosing_a_font_writes_it_first_in_the_roles_chain(client, shop):
    token = csrf_token(client, "/settings")
    response = client.post("/settings/font", data={"csrf_token": token, "role": "message",
                                                   "font": "BIZ UD Mincho"},
                           follow_redirects=False)
    assert response.status_code == 303
    settings = load_settings(shop / "hagaki.toml")
    assert settings.font_chains["message"] == ("BIZ UD Mincho", "Klee One", "IPAmj Mincho")
    assert settings.sender.name == "ささき雑貨店"
    before = digest(shop / "hagaki.toml")
    for role, font in (("message", "/etc/passwd"), ("message", "No Such Font"),
                       ("../x", "Klee One")):
        response = client.post("/settings/font", data={"csrf_token": token, "role": role,
                                                       "font": font})
        assert response.status_code == 400
    assert digest(shop / "hagaki.toml") == before


def test_every_settings_post_without_the_token_is_refused(client, shop):
    before = digest(shop / "hagaki.toml")
    for path, data in (("/settings/sender", NEW_SENDER),
                       ("/settings/font", {"role": "message", "font": "BIZ UD Mincho"}),
                       ("/settings/printer", {"name": "X", "measured_x": "50",
                                              "measured_y": "74"})):
        assert client.post(path, data=data).status_code == 403
        assert client.post(path, data={**data, "csrf_token": "0" * 64}).status_code == 403
    assert digest(shop / "hagaki.toml") == before


def test_a_shop_without_settings_gets_them_from_its_first_sender(client, shop):
    (shop / "hagaki.toml").unlink()
    assert "まだありません" in client.get("/settings").text
    response = client.post("/settings/sender", data={
        "csrf_token": csrf_token(client, "/settings"), **NEW_SENDER}, follow_redirects=False)
    assert response.status_code == 303
    assert load_settings(shop / "hagaki.toml").sender.name == "たなか商店"


def test_the_english_page_has_no_japanese_in_its_labels(client):
    client.cookies.set("hagaki_lang", "en")
    page = client.get("/settings").text
    main = page[page.index("<main>"):page.index("</main>")]
    labels = re.findall(r"<(?:h1|h2|h3|label|button|th|option|a)[^>]*>([^<]*)<", main)
    labels += re.findall(r'(?:alt|aria-label)="([^"]*)"', main)
    assert {"Settings", "Sender", "Fonts", "Printer", "Save sender"} <= set(labels)
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    assert [label for label in labels if japanese.search(label)] == []


def test_the_editor_keeps_what_it_does_not_set():
    text = ('[fonts]\nmessage = [\n  "Klee One",  # 手書き風\n  "a]b#",\n]  # 文面\n'
            'paths = ["x"]\n[sender]\nname = "A#B"  # 店\n')
    edited = edited_text(text, "fonts", {"message": ["BIZ UD Mincho"], "heading": ["Klee One"]})
    assert edited == ('[fonts]\nmessage = ["BIZ UD Mincho"]  # 文面\npaths = ["x"]\n'
                      'heading = ["Klee One"]\n[sender]\nname = "A#B"  # 店\n')
    assert edited_text("a = 1", "sender", {"name": "n"}) == 'a = 1\n\n[sender]\nname = "n"\n'


def test_the_paper_of_each_kind_of_card_is_chosen_and_saved(client, shop):
    page = client.get("/settings").text
    row = re.search(r'<tr id="paper-nenga">(.*?)</tr>', page, re.S).group(1)
    assert '<option value="nenga" selected>' in row  # 年賀状 on 年賀はがき until told otherwise
    saved = client.post("/settings/paper", data={"csrf_token": csrf_token(client, "/settings"),
                                                 "situation": "nenga", "paper": "official"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=paper#paper"
    assert load_settings(shop / "hagaki.toml").papers == {"nenga": "official"}
    row = re.search(r'<tr id="paper-nenga">(.*?)</tr>', client.get("/settings").text,
                    re.S).group(1)
    assert '<option value="official" selected>' in row
    refused = client.post("/settings/paper", data={"csrf_token": csrf_token(client, "/settings"),
                                                   "situation": "nenga", "paper": "washi"})
    assert refused.status_code == 400 and "用紙 washi の組み合わせは選べません" in refused.text
    assert load_settings(shop / "hagaki.toml").papers == {"nenga": "official"}
