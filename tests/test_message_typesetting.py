"""Every built-in message as printed, read back from the PDF's columns (issue 26): names
with their honorific and BudouX's phrases stay whole, no line ends in a column of one or two
characters, the block is centred both ways, a word the handwriting font lacks changes font
whole, and the personal lines suit the customer and what was bought."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import budoux
import pytest
from pdfread import glyphs, ink_boxes, page_size_mm, render_png

from mailmerge.layout.message_side import (
    MessageFonts,
    MessageOptions,
    load_message_layout,
    message_side,
)
from mailmerge.layout.message_text import prepare_message
from mailmerge.package_files import package_file
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings, load_settings
from mailmerge.templates.engine import BUILTIN, Message
from mailmerge.typeface.roles import FontRoles

OUTPUT = Path(__file__).parent / "output"
TEMPLATES = sorted(p.name for p in BUILTIN.glob("*.j2"))
CUSTOMERS = """顧客ID,姓,名,敬称,郵便番号,住所1,住所2,会社名,部署,役職,連名,誕生日
M01,勘解由小路,実,様,160-0023,東京都新宿区西新宿2-8-1,,,,,,1970-12-05
M02,,,,101-0051,東京都千代田区神田神保町2-5,,株式会社ハートフル・ケアサービスセンター,総務部,,,
M03,渡邉,美咲,様,460-0001,愛知県名古屋市中区三の丸3-1-1,,,,,健一、翔太,1985-12-01
M04,葛\U000E0100城,陽子,様,600-8216,京都府京都市下京区東塩小路町721-1,,,,,,1990-12-03
M05,山田,太郎,様,100-0005,東京都千代田区丸の内1-9-1,,株式会社山田商事,営業部,部長,,1975-12-06
M06,長谷川,ひとみ,様,150-0001,東京都渋谷区神宮前1-1-1,,,,,,1988-12-02
"""
DEAR = {"M01": "勘解由小路様", "M02": "皆様", "M03": "渡邉様", "M04": "葛\U000E0100城様",
        "M05": "山田様", "M06": "長谷川様"}
COMPANIES = {"M02"}
ITEMS = {"M01": "三千円の商品券", "M02": "抹茶バウムクーヘン", "M03": "有田焼の湯呑み",
         "M04": "カット", "M05": "手ぬぐい", "M06": "珈琲豆"}
FOOD = {"M02", "M06"}
SHOPS = {"any": "", "goods-store": '[shop]\nkind = "goods"\nchannel = "store"\n'}
DAYS = {"nenga": dt.date(2026, 12, 20), "kanchu": dt.date(2027, 1, 10),
        "yokan": dt.date(2027, 2, 10), "shochu": dt.date(2026, 7, 20),
        "zansho": dt.date(2026, 8, 20)}
BOUGHT_DAYS_AGO = {"thanks": 5, "dormant": 260, "winback": 500}
SELF_CARE = ("ご自愛", "お体を大切に", "温かくして", "ご無理なさらず")
SPACE = "\u3000"


@dataclass
class Card:
    shop: str
    template: str
    customer_id: str
    message: Message
    columns: list[str]  # every column of the side, right to left
    path: Path
    page: int

    @property
    def label(self) -> str:
        return f"{self.shop}-{self.template.removesuffix('.j2')}-{self.customer_id}"

    def lines(self) -> list[tuple[str, list[str]]]:
        """Each line of the body as set, with the columns it was broken into."""
        found = []
        rest = iter(self.columns)
        for paragraph in self.message.paragraphs:
            for line in filter(None, (prepare_message(t) for t in paragraph.split("\n"))):
                found.append((line, _columns_of(line, rest, self.message.closing)))
        return found


def _columns_of(line: str, columns, closing: str) -> list[str]:
    """The next columns that together read `line` (the closing 敬具 at a foot cut off)."""
    taken: list[str] = []
    for column in columns:
        text = "".join(taken)
        for candidate in (column, column.removesuffix(closing)):
            if line.startswith(text + candidate) and candidate:
                taken.append(candidate)
                break
        if "".join(taken) == line:
            return taken
        if not taken:
            continue  # the heading, before the body
        assert line.startswith("".join(taken)), (line, taken)
    raise AssertionError(f"not printed: {line}")


def read_columns(path: Path, page: int) -> list[str]:
    """The page's glyphs grouped into columns by their centres (hand-written variation
    moves a glyph a little across its column), right to left, each read top to bottom."""
    found = sorted(glyphs(path, page), key=lambda g: -g.centre[0])
    groups: list[list] = []
    for glyph in found:
        if groups and groups[-1][-1].centre[0] - glyph.centre[0] < 1.5:
            groups[-1].append(glyph)
        else:
            groups.append([glyph])
    return ["".join(g.text for g in sorted(group, key=lambda g: g.top)) for group in groups]


def _shop(folder: Path, kind: str) -> Path:
    config = folder / "hagaki.toml"
    config.write_text((Path(__file__).parent / "data" / "hagaki.toml").read_text("utf-8")
                      + "\n" + SHOPS[kind], encoding="utf-8")
    return config


def _print(folder: Path, shop: str, name: str) -> list[Card]:
    """Every customer's card of one template, printed the way `hagaki print --side
    message` prints it, with the words the send log keeps."""
    situation = name.split("-")[0]
    day = DAYS.get(situation, dt.date(2026, 11, 23))
    customers = folder / "customers.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    sold = day - dt.timedelta(days=BOUGHT_DAYS_AGO.get(situation, 30))
    sales = folder / "sales.csv"
    sales.write_text("顧客ID,日付,商品,金額\n" + "".join(
        f"{c},{sold},{item},3000\n" for c, item in ITEMS.items()), encoding="utf-8")
    greeting = situation == "greeting"  # the card of a run without sales
    out, log = folder / "cards.pdf", folder / "log.sqlite"
    print_cards(customers, out, load_settings(_shop(folder, shop)), RunOptions(
        side="message", sales=None if greeting else sales,
        situation=None if greeting else situation, date=day, template=BUILTIN / name,
        log=log, sort="id"))
    with SendLog(log) as sendlog:
        logged = sendlog.cards()
    first = min(row["page"] for row in logged)
    cards = []
    for row in logged:
        words = json.loads(row["message"])
        message = Message(**{**words, "paragraphs": tuple(words["paragraphs"])})
        page = row["page"] - first
        cards.append(Card(shop, name, row["customer_id"], message, read_columns(out, page),
                          out, page))
    return cards


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[Card]:
    cards = []
    for shop in SHOPS:
        for name in TEMPLATES:
            folder = tmp_path_factory.mktemp(f"{shop}-{name}")
            cards += _print(folder, shop, name)
    return cards


def allowed_breaks(line: str) -> set[int]:
    """Where a column may end: BudouX's phrase ends, after a full-width space, never
    inside a word of data/unbreakable_words.txt."""
    ends = set(accumulate(map(len, budoux.load_default_japanese_parser().parse(line))))
    ends |= {i + 1 for i, char in enumerate(line) if char == SPACE}
    words = package_file("data", "unbreakable_words.txt").read_text("utf-8").splitlines()
    for word in (w for w in words if w and not w.startswith("#")):
        start = line.find(word)
        while start >= 0:
            ends -= set(range(start + 1, start + len(word)))
            start = line.find(word, start + 1)
    return ends


def breaks_of(columns: list[str]) -> list[int]:
    return list(accumulate(map(len, columns)))[:-1]


def test_every_card_of_every_template_was_printed(printed):
    assert len(printed) >= len(TEMPLATES) * len(SHOPS) * 5
    assert {card.template for card in printed} == set(TEMPLATES)


def test_a_name_and_its_honorific_share_a_column(printed):
    for card in printed:
        dear = DEAR[card.customer_id]
        for line, columns in card.lines():
            for at in breaks_of(columns):
                start = line.find(dear)
                while start >= 0:
                    assert not start < at < start + len(dear), (card.label, columns)
                    start = line.find(dear, start + 1)


def test_columns_end_only_where_a_phrase_ends(printed):
    broken = 0
    for card in printed:
        for line, columns in card.lines():
            allowed = allowed_breaks(line)
            for at in breaks_of(columns):
                broken += 1
                assert at in allowed, (card.label, columns)
    assert broken > 500


def test_no_line_ends_in_a_column_of_one_or_two_characters(printed):
    for card in printed:
        for _line, columns in card.lines():
            last = columns[-1].replace(SPACE, "")
            if len(columns) > 1:
                assert len(last) > 2 or last == "。", (card.label, columns)


def margins(path: Path, page: int) -> tuple[float, float, float, float]:
    """Blank (left, right, top, bottom) around the ink of the side, in mm."""
    width, height = page_size_mm(path, page)
    boxes = ink_boxes(path, page)
    return (min(b[1] for b in boxes), width - max(b[3] for b in boxes),
            min(b[2] for b in boxes), height - max(b[4] for b in boxes))


def test_the_block_is_centred_on_the_card_both_ways(printed):
    for card in printed:
        left, right, top, bottom = margins(card.path, card.page)
        assert abs(top - bottom) <= 0.5, (card.label, top, bottom)
        assert abs(left - right) <= 0.5, (card.label, left, right)
        assert min(top, bottom) >= 6.0


def test_companies_are_not_asked_to_take_care_of_themselves(printed):
    for card in printed:
        text = "".join(card.message.paragraphs)
        if card.customer_id in COMPANIES:
            assert not any(words in text for words in SELF_CARE), (card.label, text)


def test_what_was_bought_is_spoken_of_in_words_that_suit_it(printed):
    for card in printed:
        text = "".join(card.message.paragraphs)
        assert "の具合" not in text, (card.label, text)
        if card.customer_id in FOOD:
            assert "お使い" not in text and "お役に立って" not in text, (card.label, text)


def test_a_word_the_handwriting_lacks_is_set_whole_in_one_other_face(printed, tmp_path):
    card = next(c for c in printed if c.customer_id == "M04" and "thanks-1" in c.template)
    found = [g for g in glyphs(card.path, card.page) if g.text in ("葛\U000E0100", "城")]
    assert len({g.font for g in found}) == 1 and "Klee" not in found[0].font
    roles = FontRoles(Settings())
    fonts = MessageFonts(roles.chain("message"), roles.chain("heading"))
    message = Message("t.j2", "", ("葛\U000E0100城様と丂田様に",), "", "", "店")
    page = message_side(message, "C1", fonts, load_message_layout(), MessageOptions())
    used = {"".join(run.shaped.texts): run.shaped.face.path.name for run in page.runs}
    assert used["葛\U000E0100城様"] == "BIZUDMincho-Regular.ttf"  # no hand draws 葛󠄀
    assert used["丂田様"] == "KouzanMouhitsu.ttf"  # a bundled hand draws 丂
    assert fonts.message.fallback_notes() == [
        "「葛\U000E0100城様」は Klee One にない字（葛\U000E0100 U+845B U+E0100）を含むので、"
        "BIZ UD Mincho で組みました",
        "「丂田様」は Klee One にない字（丂 U+4E02）を含むので、Kouzan Mouhitsu で組みました"]


def raggedness(card: Card) -> float:
    """How far the card is from even columns: the blank of its emptiest column that is
    not the last of its line, against its longest column, plus a short last column."""
    longest = max(len(c) for c in card.columns)
    worst = 0.0
    for _line, columns in card.lines():
        for column in columns[:-1]:
            worst = max(worst, 1 - len(column) / longest)
        if len(columns) > 1:
            worst = max(worst, 1 - len(columns[-1]) / longest - 0.5)
    return worst


def test_the_ten_most_ragged_cards_as_pictures(printed):
    """For a person to look at: tests/output/message-*.png, the worst card of each of the
    ten worst templates."""
    OUTPUT.mkdir(exist_ok=True)
    worst: dict[str, Card] = {}
    for card in sorted(printed, key=raggedness, reverse=True):
        worst.setdefault(card.template, card)
    for card in list(worst.values())[:10]:
        render_png(card.path, card.page, scale=3).save(OUTPUT / f"message-{card.label}.png")
    assert len(list(OUTPUT.glob("message-*.png"))) >= 10
