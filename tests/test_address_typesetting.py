"""Forty hard addresses printed through the real pipeline and read back from the PDF, judged
as a typesetter would: no name+honorific or number+unit split across columns, the name the
largest text, no recipient address under 70 % width or 9 pt, no sender text under 8 pt."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import msgspec
import pytest
from pdfread import Glyph, glyphs, render_png

from mailmerge.layout.address_side import address_warnings
from mailmerge.models import Customer, Sender
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards

OUTPUT = Path(__file__).parent / "output"
PT = 25.4 / 72
HEADER = "顧客ID,姓,名,敬称,郵便番号,住所1,住所2,会社名,部署,役職,連名".split(",")
HARD = [
    ("A01", "工藤", "正", "様", "028-7111", "岩手県八幡平市大更第35地割62番地", "", "", "", "", ""),
    ("A02", "佐野", "恵子", "様", "080-0101", "北海道河東郡音更町字音更西2線10番地", "", "", "",
     "", ""),
    ("A03", "菊池", "勇", "様", "028-3621", "岩手県紫波郡矢巾町西徳田第5地割133番地", "", "", "",
     "", ""),
    ("A04", "中野", "和子", "様", "028-7914", "岩手県九戸郡洋野町種市第23地割27-1", "", "", "", "",
     ""),
    ("A05", "北村", "健", "様", "071-1500", "北海道上川郡東神楽町14号北1番地", "", "", "", "", ""),
    ("A06", "西田", "亮", "様", "076-0014", "北海道富良野市東4条北3丁目5番12号", "", "", "", "", ""),
    ("A07", "今井", "修", "様", "070-0034", "北海道旭川市4条通8丁目1703番地", "", "", "", "", ""),
    ("A08", "藤原", "京子", "様", "602-0867", "京都府京都市上京区寺町通今出川上る阿弥陀寺町12-3", "",
     "", "", "", ""),
    ("A09", "松本", "浩", "様", "604-0000", "京都府京都市中京区烏丸通二条下る秋野々町518番地",
     "京都烏丸ビル3F", "", "", "", ""),
    ("A10", "岡田", "明", "様", "600-8008", "京都府京都市下京区四条通烏丸東入長刀鉾町20番地", "",
     "", "", "", ""),
    ("A11", "青木", "美和", "様", "220-0012", "神奈川県横浜市西区みなとみらい2-3-1",
     "ザ・タワーズ・レジデンス・みなとみらいグランドオーシャンビューC棟 42階 4201号室", "", "",
     "", ""),
    ("A12", "森", "大輔", "様", "106-0032", "東京都港区六本木6-10-1", "六本木ヒルズ森タワー42F", "",
     "", "", ""),
    ("A13", "石井", "愛", "様", "104-0053", "東京都中央区晴海2-5-24",
     "晴海フラッグ・スカイデュオ・サウスタワー棟 1203号室", "", "", "", ""),
    ("A14", "山口", "翼", "様", "530-0011", "大阪府大阪市北区大深町4-20",
     "グランフロント大阪オーナーズタワー4501号室", "", "", "", ""),
    ("A15", "斉藤", "舞", "様", "135-0061", "東京都江東区豊洲6丁目4番34号",
     "パークシティ豊洲タワーA棟 3805号室", "", "", "", ""),
    ("A16", "佐々木", "健太郎", "様", "157-0066", "東京都世田谷区成城6-2-1", "", "", "", "",
     "佐々木 美穂子、大翔、陽菜"),
    ("A17", "德永", "由美", "様", "060-0001", "北海道札幌市中央区北一条西2丁目1番地",
     "札幌時計台ビル5F", "", "", "", "一郎、二郎、三郎"),
    ("A18", "工藤", "明", "様", "028-7111", "岩手県八幡平市大更第35地割62番地",
     "八幡平リゾートホテル別館 1203号室", "", "", "", "花子、太郎、次郎"),
    ("A19", "", "", "", "541-0041", "大阪府大阪市中央区北浜1-8-16", "大阪証券取引所ビル12階",
     "株式会社ハガキ印刷", "総務部", "", ""),
    ("A20", "山田", "太郎", "様", "100-0005", "東京都千代田区丸の内1-9-1",
     "グラントウキョウノースタワー40F", "株式会社山田商事", "営業部", "部長", ""),
    ("A21", "", "", "", "100-0013", "東京都千代田区霞が関3-2-5", "霞が関ビルディング36階",
     "一般財団法人日本郵便文化振興協会", "関東支部総務課", "", ""),
    ("A22", "Smith", "John", "様", "106-0047", "東京都港区南麻布4-11-44", "", "", "", "", ""),
    ("A23", "O'Brien", "Patrick", "様", "150-0001", "東京都渋谷区神宮前5-1-1",
     "グリーンハイツ201号室", "", "", "", ""),
    ("A24", "Müller", "Anna", "様", "107-0052", "東京都港区赤坂1-12-32", "アーク森ビル20F",
     "株式会社ヨーロッパ商会", "", "", ""),
    ("A25", "田中", "一郎", "御中", "150-0001", "東京都渋谷区神宮前1-1-1", "", "", "", "", ""),
    ("A26", "高橋", "直子", "様", "101-0047", "東京都千代田区内神田二丁目1番地", "", "", "", "",
     ""),
    ("A27", "小林", "誠", "様", "163-8001", "東京都新宿区西新宿2-8-1", "都庁第一本庁舎32階", "",
     "", "", ""),
    ("A28", "加藤", "優", "様", "105-0023", "東京都港区芝浦1-1-1", "浜松町ビルディング12階1203号室",
     "", "", "", ""),
    ("A29", "吉田", "茂", "様", "450-6001", "愛知県名古屋市中村区名駅1-1-4",
     "JRセントラルタワーズ15F", "", "", "", ""),
    ("A30", "山本", "花", "様", "810-0065", "福岡県福岡市中央区地行浜2-2-3",
     "ヒルトン福岡シーホークレジデンス棟2801号", "", "", "", ""),
    ("A31", "比嘉", "真", "様", "904-0411", "沖縄県国頭郡恩納村字恩納7770番地1", "", "", "", "",
     ""),
    ("A32", "那須", "弘", "様", "649-5301", "和歌山県東牟婁郡那智勝浦町大字那智山1番地", "", "",
     "", "", ""),
    ("A33", "日高", "潤", "様", "891-4205", "鹿児島県熊毛郡屋久島町宮之浦2467番地1", "", "", "",
     "", ""),
    ("A34", "佐藤", "光", "様", "980-0811", "宮城県仙台市青葉区一番町4-6-1",
     "仙台第一生命タワービル", "", "", "", ""),
    ("A35", "鈴木", "学", "様", "114-0023", "東京都北区十条仲原1-2-3", "", "", "", "", ""),
    ("A36", "軽部", "仁", "様", "389-0102", "長野県北佐久郡軽井沢町大字軽井沢字旧軽井沢1323番地",
     "", "", "", "", ""),
    ("A37", "小田切", "直人", "様", "198-0212", "東京都西多摩郡奥多摩町氷川1234-5678",
     "奥多摩グリーンヒルズレジデンス東棟1203号室", "", "", "", ""),
    ("A38", "渡辺", "浩二", "様", "020-0023", "岩手県盛岡市内丸10-1", "", "", "", "", "幸子"),
    ("A39", "長谷川", "剛", "様", "650-0046", "兵庫県神戸市中央区港島中町6-1",
     "神戸ポートピアホテル本館 3階", "", "", "", "長谷川 恵美、長谷川 悠真、長谷川 結衣"),
    ("A40", "前田", "智", "様", "060-0042", "北海道札幌市中央区大通西4丁目1番地",
     "道銀ビルディング・アネックス・ウエスト10階1001号室", "", "", "", ""),
]
SENDER = Sender("ささき雑貨店", "150-0001", "東京都渋谷区神宮前五丁目四十六番地七号表参道ヒルズ本館",
                "表参道ハウス2F")
HONORIFICS = ("様", "御中")
NUMERAL = "〇一二三四五六七八九十百千0123456789０１２３４５６７８９"
UNIT = ("地割", "線", "号", "番", "丁目", "条", "階", "F", "Ｆ")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, settings):
    """Both numeral styles, each with a barcode: {style: (pdf, customers printed)}."""
    folder = tmp_path_factory.mktemp("hard")
    source = folder / "hard.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(row + ("",) for row in HARD)
    printed = {}
    for style in ("kanji", "arabic"):
        mine = msgspec.structs.replace(settings, sender=SENDER, numerals=style)
        out = folder / f"{style}.pdf"
        report = print_cards(source, out, mine, RunOptions(log=folder / f"{style}.sqlite",
                                                           sort="id", barcode=True))
        printed[style] = (out, report)
    return printed


def columns(found: list[Glyph]) -> list[list[Glyph]]:
    """The vertical columns of a page (recipient's right of x 34, sender's left), each
    top to bottom, right to left; postal digits and the header left out."""
    body = [g for g in found if g.top > 22 and not (g.top > 118 and not g.vertical
                                                       and g.size_mm > 3.5)]
    groups: list[list[Glyph]] = []
    for glyph in body:
        for group in groups:
            beside = not glyph.vertical and abs(glyph.top - group[-1].top) < 0.05 \
                and abs(glyph.x0 - group[-1].x1) < 0.05  # the second digit of a 縦中横 pair
            ref = next((g for g in group if g.vertical), group[0])
            below = ref.x0 - 0.3 <= glyph.centre[0] <= ref.x1 + 0.3 \
                and glyph.top >= group[-1].top - 0.1
            if beside or below:
                group.append(glyph)
                break
        else:
            groups.append([glyph])
    return sorted(groups, key=lambda g: -g[0].centre[0])


def text(column: list[Glyph]) -> str:
    return "".join(g.text for g in column)


def card(pdf: Path, page: int) -> dict[str, list[list[Glyph]]]:
    """A card's columns by part: name, address (with the company lines), sender."""
    found = columns(glyphs(pdf, page))
    sender = [c for c in found if c[0].centre[0] < 34]
    recipient = [c for c in found if c[0].centre[0] >= 34]
    name_size = max(g.size_mm for c in recipient for g in c)
    names = [c for c in recipient if any(abs(g.size_mm - name_size) < 0.01 for g in c)]
    name_left = min(c[0].x0 for c in names)
    address = [c for c in recipient if c not in names and c[0].x0 > name_left]
    return {"name": names, "address": address, "sender": sender}


def sizes(columns_: list[list[Glyph]]) -> list[float]:
    """The em sizes in pt of the columns' upright glyphs (a 縦中横 pair or a Latin name on its
    side reads back condensed), or of all when none stands upright."""
    found = [g for c in columns_ for g in c]
    upright = [g for g in found if g.vertical] or found
    return [g.size_mm / PT for g in upright]


def condense(glyph: Glyph) -> float:
    return (glyph.bottom - glyph.top) / glyph.size_mm if glyph.vertical else 1.0


def bad_break(before: str, after: str) -> bool:
    """A column ends inside a number with its unit (第三五｜地割, 二｜線, 四十二｜階)."""
    if before.endswith("第"):
        return True
    goes_on = re.match(rf"[{NUMERAL}]*(?:{'|'.join(UNIT)}|ー[{NUMERAL}]|$)", after)
    return before[-1:] in NUMERAL and goes_on is not None


def measures(runs) -> list[dict]:
    """Per printed card: sizes and widths of each part and the column breaks."""
    rows = []
    for style, (pdf, report) in runs.items():
        for page, customer in enumerate(report.printed):
            parts = card(pdf, page)
            address = [g for c in parts["address"] for g in c]
            rows.append({
                "id": f"{style}-{customer.customer_id}", "pdf": pdf, "page": page,
                "name_pt": max(sizes(parts["name"])),
                "address_pt": min(sizes(parts["address"])),
                "address_max_pt": max(sizes(parts["address"])),
                "address_width": min(condense(g) for g in address),
                "sender_pt": min(sizes(parts["sender"])),
                "sender_max_pt": max(sizes(parts["sender"])),
                "address_columns": [text(c) for c in parts["address"]],
                "name_columns": [text(c) for c in parts["name"]],
            })
    return rows


@pytest.fixture(scope="module")
def measured(runs):
    return measures(runs)


def test_every_hard_address_is_printed(runs):
    for _pdf, report in runs.values():
        assert not report.skipped, report.skipped
        assert sorted(c.customer_id for c in report.printed) == [row[0] for row in HARD]


def test_no_number_is_split_from_its_unit(measured):
    for card_ in measured:
        texts = card_["address_columns"]
        for before, after in zip(texts, texts[1:], strict=False):
            assert not bad_break(before, after), (card_["id"], texts)


def test_the_honorific_stays_in_the_name_column(measured):
    for card_ in measured:
        for column in card_["name_columns"]:
            if column.endswith(HONORIFICS):
                assert len(column) > 2, (card_["id"], card_["name_columns"])


def test_the_name_is_the_largest_text(measured):
    for card_ in measured:
        assert card_["name_pt"] > card_["address_max_pt"] + 1, card_["id"]
        assert card_["address_pt"] > card_["sender_max_pt"], card_["id"]


def test_no_text_is_below_the_floors(measured):
    assert min(c["address_pt"] for c in measured) >= 9 - 0.01
    assert min(c["address_width"] for c in measured) >= 0.7 - 0.01
    assert min(c["sender_pt"] for c in measured) >= 8 - 0.01


def test_the_worst_cards_are_rendered_to_look_at(measured):
    OUTPUT.mkdir(exist_ok=True)
    worst = sorted(measured, key=lambda c: (c["address_pt"] * c["address_width"],
                                            c["name_pt"]))[:10]
    for card_ in worst:
        render_png(card_["pdf"], card_["page"], 4.0).save(OUTPUT / f"{card_['id']}.png")
    assert len(list(OUTPUT.glob("*.png"))) >= 10


def test_the_break_comes_after_the_town(measured):
    by_id = {c["id"]: c["address_columns"] for c in measured}
    assert by_id["kanji-A01"] == ["岩手県八幡平市大更第三五地割六二番地"]
    for key, town in (("A02", "字音更"), ("A03", "西徳田"), ("A04", "種市")):
        columns_ = by_id[f"kanji-{key}"]
        if len(columns_) > 1:
            assert columns_[0].endswith(town), columns_


def test_arabic_numerals_are_arabic_throughout(measured):
    by_id = {c["id"]: "".join(c["address_columns"]) for c in measured}
    assert "二丁目" not in by_id["arabic-A26"] and "丁目" in by_id["arabic-A26"]
    assert "一番町" in by_id["arabic-A34"]  # a town's name keeps its kanji
    assert "十条仲原" in by_id["arabic-A35"]


def test_a_latin_name_is_given_name_first(measured):
    by_id = {c["id"]: c["name_columns"] for c in measured}
    assert by_id["kanji-A22"] == ["John Smith様"]


def test_the_honorific_is_kept_as_typed_with_a_warning():
    person = Customer(2, "A25", "田中", "一郎", "御中", "150-0001", "東京都渋谷区神宮前1-1-1")
    assert [w.column for w in address_warnings(person)] == ["敬称"]
    assert address_warnings(msgspec.structs.replace(person, honorific="様")) == []
    company = Customer(3, "B1", honorific="御中", company="株式会社さくら")
    assert address_warnings(company) == []


def test_report(measured, capsys):
    """Print the measured numbers (min sizes and widths) for the record."""
    with capsys.disabled():
        for key in ("name_pt", "address_pt", "address_width", "sender_pt"):
            print(f"{key}: min {min(c[key] for c in measured):.2f}")
    assert re.match("kanji-A01", measured[0]["id"])
