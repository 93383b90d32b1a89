"""Per-card edits on 今日のはがき: one customer's words (or a personal line) changed with a
live preview, printed as edited in the proof and the real run, logged, and reprinted as
edited; a customer left out of the run."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from pdfread import glyphs
from starlette.testclient import TestClient
from web_shop import csrf_token, logged_statuses, make_shop, print_form

from mailmerge.cli import main
from mailmerge.templates.card_edit import CardEdit, edited
from mailmerge.templates.engine import Message

BODY = "急須を選んでくださった髙橋様へ\n\n特別なお礼の言葉です"
LINE = "お茶の時間が楽しみになりますように"


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


def printed_text(path) -> str:
    return "".join(glyph.text for glyph in glyphs(path))


def logged_messages(shop) -> dict[str, dict]:
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        rows = db.execute("SELECT customer_id, message FROM cards ORDER BY id").fetchall()
    return {customer_id: json.loads(message) for customer_id, message in rows}


def save(client: TestClient, row: int, **fields) -> None:
    response = client.post(f"/card/{row}/edit", data={"csrf_token": csrf_token(client), **fields})
    assert response.status_code == 200, response.text  # after the redirect to the card


def test_the_card_page_opens_with_the_templates_words(client):
    page = client.get("/card/2").text
    assert "<h1>C001 髙橋 一郎 のはがき</h1>" in page
    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert len(body) > 20
    assert 'hx-get="/card/2/draft"' in page and 'hx-trigger="input delay:400ms"' in page
    assert client.get("/card/4").status_code == 404  # row 4 has no card today


def test_the_draft_preview_changes_as_the_words_change(client, shop):
    def draft(**query) -> str:
        response = client.get("/card/2/draft", params=query, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return re.search(r'src="data:image/png;base64,([^"]+)"', response.text).group(1)

    plain = draft()
    assert draft(personal_line=LINE) != plain
    assert draft(body=BODY) not in (plain, draft(personal_line=LINE))
    assert not (shop / "hagaki-log.sqlite").exists()  # a draft stores nothing
    too_long = client.get("/card/2/draft", params={"body": "あ" * 1600}).text
    assert 'class="error"' in too_long and "1,500字" in too_long


def test_edited_words_are_proofed_printed_logged_and_reprinted(client, shop):
    save(client, 2, action="save", body=BODY, personal_line=LINE)
    page = client.get("/card/2").text
    assert 'id="edited"' in page
    assert "文面を直しました" in client.get("/plan").text

    form = print_form(client)
    proof = client.post("/print", data={**form, "action": "proof",
                                        "side": "message"})
    name = re.search(r'href="/files/([^"]+\.pdf)"', proof.text).group(1)
    proofed = printed_text(shop / name)
    assert "特別なお礼の言葉です" in proofed
    assert "お茶の時間が楽しみになりますように" in proofed

    client.post("/print", data={**form, "action": "real", "side": "message"})
    messages = logged_messages(shop)
    assert messages["C001"]["paragraphs"] == ["急須を選んでくださった髙橋様へ",
                                              "特別なお礼の言葉です", LINE]
    assert LINE not in " ".join(messages["C002"]["paragraphs"])  # only C001's card changed

    again = shop / "again.pdf"
    result = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), "--reprint",
                                       "customer:C001", "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert "特別なお礼の言葉です" in printed_text(again)


def test_a_customer_left_out_is_not_printed_until_put_back(client, shop):
    save(client, 3, action="leave-out")
    assert "今回は送らない" in client.get("/plan").text
    plan = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"), "--format", "json",
                                     "--sales", str(shop / "sales.csv"),
                                     "--log", str(shop / "hagaki-log.sqlite")])
    assert {n["customer_id"]: n["code"] for n in json.loads(plan.stdout)["not_sent"]}.get(
        "C002") == "left-out"  # the CLI's plan says what print will do
    real = client.post("/print", data={**print_form(client), "action": "real",
                                       "side": "address"})
    assert "印刷しました" in real.text
    assert logged_statuses(shop) == [("C001", "printed")]

    save(client, 3, action="put-back")
    client.post("/print", data={**print_form(client), "action": "real", "side": "address"})
    assert logged_statuses(shop) == [("C001", "printed"), ("C002", "printed")]


def test_reset_brings_back_the_templates_words(client, shop):
    template_body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>',
                              client.get("/card/2").text, re.S).group(1)
    save(client, 2, action="save", body=BODY, personal_line="")
    save(client, 2, action="reset")
    page = client.get("/card/2").text
    assert 'id="edited"' not in page
    assert re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page,
                     re.S).group(1) == template_body
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM card_edits").fetchone()[0] == 0


def test_an_edit_without_the_token_is_refused(client, shop):
    response = client.post("/card/2/edit", data={"action": "save", "body": BODY})
    assert response.status_code == 403
    assert not (shop / "hagaki-log.sqlite").exists()


def test_an_edited_body_keeps_its_paragraph_indents():
    message = Message("thanks.j2", "", ("\u3000元の本文",), "", "", "")
    body = "\u3000一段落目\n\n\u3000二段落目 "
    assert edited(message, CardEdit("C1", "x", body, "一言")).paragraphs == (
        "\u3000一段落目", "\u3000二段落目", "一言")
