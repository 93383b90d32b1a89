"""Every page of `hagaki serve`, walked after a full run (a proof, a print, the run mailed, a
card returned, a postal code corrected, a reprint, the report, the log, the settings, the
column mapping, an upload, error pages), reads as the shop's tool in the page's language.

Japanese pages: no code word (postal-mismatch, already-thanked, thanks, [print], snake_case or
kebab-case names), no template file (.j2), no CLI command (hagaki plan) and no option (--proof)
in the text a person sees; codes may stay in a `title` tooltip. English pages: no Japanese
text that the catalogue has an English translation for. The shop's own data (its customers,
its file names, its folder, its fonts) is the shop's and allowed.
"""

from __future__ import annotations

import csv
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_shop import csrf_token, make_shop, print_form

from mailmerge.i18n import DOMAIN, LOCALE_DIR
from mailmerge.shop.fonts import font_choices
from mailmerge.shop.settings import load_settings
from mailmerge.web.app import create_app

WRONG_CODE_ROW = "C004,佐藤,次郎,様,160-0023,大阪府大阪市北区梅田3-1-1\n"
NO_GLYPH_ROW = "C005,笑\U0001F600,花子,様,231-0023,神奈川県横浜市中区山下町10-3\n"
# ASCII a Japanese page may show: the app's name, the language switch, file kinds and units.
ALLOWED_WORDS = {"hagaki", "English", "CSV", "TSV", "XLSX", "PDF", "Excel", "MB", "mm", "ID",
                 "A4", "UTF"}
# The names a shop writes in its own card templates (shop.email), where the settings say so.
TEMPLATE_NAME = re.compile(r"\bshop\.[a-z_]+")
CODE_POINT = re.compile(r"\bU\+[0-9A-F]{4,6}\b")  # a character no font draws, named exactly
FILE_NAME = re.compile(r"[\w./-]*\.(?:csv|tsv|txt|xlsx|pdf|toml)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*")
CODE_SIGNS = {
    "a template file": re.compile(r"\.j2\b"),
    "a command-line option": re.compile(r"--\w"),
    "a command": re.compile(r"\bhagaki\s+[a-z]"),
    "a settings section": re.compile(r"\[[\w.-]+\]"),
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
HIDDEN = {"script", "style"}
NOT_PAGE_WORDS = {"textarea"}  # a card's words as the shop typed them


class VisibleText(HTMLParser):
    """The text nodes a person sees (not attributes, scripts or styles), one per item."""

    def __init__(self, skip: set[str]) -> None:
        super().__init__()
        self.skip, self.inside, self.texts = skip, 0, []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.inside += tag in self.skip

    def handle_endtag(self, tag: str) -> None:
        self.inside -= tag in self.skip and self.inside > 0

    def handle_data(self, data: str) -> None:
        if not self.inside and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str, skip: set[str] = HIDDEN) -> list[str]:
    parser = VisibleText(skip)
    parser.feed(html)
    return parser.texts


def without(text: str, shop_words: list[str]) -> str:
    """The text with the shop's own data taken out (longest first)."""
    for word in shop_words:
        text = text.replace(word, " ")
    return text


def code_words(text: str) -> list[str]:
    """What in one visible text of a Japanese page is a code, not the shop's words."""
    found = [f"{what}: {sign.search(text).group()}" for what, sign in CODE_SIGNS.items()
             if sign.search(text)]
    for allowed in (FILE_NAME, TEMPLATE_NAME, CODE_POINT):
        text = allowed.sub(" ", text)
    words = WORD.findall(text)
    return found + [word for word in words if word not in ALLOWED_WORDS]


def english_patterns() -> list[tuple[str, re.Pattern]]:
    """Each msgid with an English translation, as a pattern of its Japanese (fields: any
    text), for msgids long enough to be told from a customer's name."""
    catalogue = gettext.translation(DOMAIN, LOCALE_DIR, ["en"])._catalog  # noqa: SLF001
    patterns = []
    for key, translated in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or not translated or JAPANESE.search(translated):
            continue
        parts = re.split(r"\{[^{}]*\}", msgid)
        if sum(len(JAPANESE.findall(part)) for part in parts) < 3:
            continue
        patterns.append((msgid, re.compile(".*?".join(re.escape(part) for part in parts))))
    return patterns


def shop_words(folder: Path) -> list[str]:
    """The shop's own data: every cell of its lists, its folder, the fonts it may choose."""
    cells = {str(folder)}
    for name in ("customers.csv", "sales.csv"):
        with (folder / name).open(encoding="utf-8") as stream:
            cells |= {cell.strip() for row in csv.reader(stream) for cell in row}
    cells |= set(font_choices(load_settings(folder / "hagaki.toml")))
    return sorted((cell for cell in cells if cell), key=len, reverse=True)


def walk(folder: Path, language: str) -> dict[str, str]:
    """Every page after a full run in `language`: {what: html}."""
    pages: dict[str, str] = {}
    client = TestClient(create_app(folder, {"testserver"}))
    client.cookies.set("hagaki_lang", language)

    def see(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.text

    htmx = {"HX-Request": "true"}
    for page in ("/", "/customers", "/plan", "/plan?from=2", "/card/2", "/print", "/customers/map",
                 "/settings", "/report", "/log"):
        see(f"{page} before printing", client.get(page))
    form = print_form(client)
    see("proof", client.post("/print", data={**form, "action": "proof"}))
    see("proof (htmx)", client.post("/print", data={**form, "action": "proof"}, headers=htmx))
    printed = client.post("/print", data={**form, "action": "real"}, follow_redirects=False)
    assert printed.status_code == 303, printed.text
    run_page = printed.headers["location"]
    see("the run's page", client.get(run_page))
    see("print, the plan changed", client.post("/print", data={**form, "action": "real"}))
    see("print, nothing new", client.post("/print", data={**print_form(client),
                                                            "action": "real"}))
    for page in ("/", "/print", "/log"):
        see(f"{page} after printing", client.get(page))
    token = csrf_token(client)
    see("mailed (htmx)", client.post("/print/mailed", data={"csrf_token": token, "run_id": "1"},
                                     headers=htmx))
    see("mailed", client.post("/print/mailed", data={"csrf_token": token, "run_id": "1"}))
    see("the run's page, mailed", client.get(run_page))
    client.post("/log/status", data={"csrf_token": token, "card_id": "1", "status": "returned"})
    client.post("/customers/correct", data={"csrf_token": token, "customer_id": "C004",
                                            "field": "postal_code", "value": "530-0001"})
    see("reprint, asked first", client.post("/log/reprint", data={
        "csrf_token": token, "card_id": "2", "once": "one"}))
    see("reprint", client.post("/log/reprint", data={
        "csrf_token": token, "card_id": "2", "confirm": "yes", "once": "two"}))
    see("reprint, sent again", client.post("/log/reprint", data={
        "csrf_token": token, "card_id": "2", "confirm": "yes", "once": "two"}))
    client.post("/log/status", data={"csrf_token": token, "card_id": "3", "status": "cancelled"})
    see("reprint, a cancelled card", client.post("/log/reprint", data={
        "csrf_token": token, "card_id": "3", "once": "three"}))
    for page in ("/", "/customers", "/plan", "/print", "/log", "/log?status=returned",
                 "/report", "/settings", "/customers/map", "/print/runs/2"):
        see(page, client.get(page))
    sales = (folder / "sales.csv").read_bytes()
    see("upload", client.post(f"/upload?csrf_token={token}", data={"kind": "sales"},
                              files={"file": ("sales.csv", sales)}))
    see("upload, not a list", client.post(f"/upload?csrf_token={token}", data={"kind": "sales"},
                                          files={"file": ("sales.csv", b"\x00\x01")}), 400)
    held = "番号,ご芳名,〒,お届け先\n1,森田 和子,604-0925,京都府京都市中京区寺町通御池上る\n"
    see("a list to map", client.post(f"/upload?csrf_token={token}", data={"kind": "customers"},
                                     files={"file": ("お客様.csv", held.encode())}))
    see("settings, a wrong measure", client.post("/settings/printer", data={
        "csrf_token": token, "name": "PX", "measured_x": "abc", "measured_y": "74"}), 400)
    see("no such page", client.get("/nope"), 404)
    see("no such card", client.get("/card/99"), 404)
    see("no such run", client.get("/print/runs/99"), 404)
    see("a wrong filter", client.get("/log?status=lost"), 400)
    see("a wrong form", client.post("/print", data={**print_form(client), "sort": "lost"}), 400)
    locked = TestClient(create_app(folder, {"testserver"}, password="secret"))
    locked.cookies.set("hagaki_lang", language)
    see("login", locked.get("/login"))
    return pages


@pytest.fixture
def shop(tmp_path):
    """The web shop with a row whose postal code belongs to another town."""
    folder = make_shop(tmp_path)
    with (folder / "customers.csv").open("a", encoding="utf-8") as stream:
        stream.write(WRONG_CODE_ROW + NO_GLYPH_ROW)
    return folder


def test_the_checks_find_codes_and_spare_the_shops_words():
    assert code_words("郵便番号と住所が合わない postal-mismatch") == ["postal-mismatch"]
    assert code_words("規則: already_thanked") == ["already_thanked"]
    assert code_words("文面: thanks-1.j2") == ["a template file: .j2", "thanks-1", "j2"]
    assert code_words("hagaki plan で見られます") == ["a command: hagaki p", "plan"]
    assert code_words("指定なし（[print]）")[0] == "a settings section: [print]"
    assert code_words("--proof を外して")[0] == "a command-line option: --p"
    assert code_words("cards-2026-12-07-run0001.pdf 3 ページ、85円、A4 用紙、0.5 mm") == []
    assert visible_texts('<p title="postal-mismatch">合わない<script>x_y</script></p>') == [
        "合わない"]


def test_every_japanese_page_speaks_the_shops_words(shop):
    allowed = shop_words(shop)
    found = {}
    for name, html in walk(shop, "ja").items():
        words = [word for text in visible_texts(html)
                 for word in code_words(without(text, allowed))]
        if words:
            found[name] = sorted(set(words))
    assert found == {}


def test_every_english_page_is_in_english_where_the_catalogue_is(shop):
    allowed = shop_words(shop)
    patterns = english_patterns()
    assert len(patterns) > 500  # the catalogue was read
    found = {}
    for name, html in walk(shop, "en").items():
        texts = [without(text, allowed).strip()
                 for text in visible_texts(html, HIDDEN | NOT_PAGE_WORDS)]
        untranslated = [msgid for msgid, pattern in patterns for text in texts
                        if pattern.fullmatch(text)]
        if untranslated:
            found[name] = untranslated
    assert found == {}
