"""The customer barcode's harder rules, each case worked by hand from Japan Post's manual
(郵便番号・バーコードマニュアル p12, p17-p22) and spec/japan-post.md, read back from the PDF:
individual codes of a business (大口事業所) or P.O. box, floor codes of tall buildings,
numbers joined by の/ノ, 字 and 地割, towns written with kanji numerals. A card whose address
numbers cannot be worked out is printed without a barcode and named in the run's report."""

from __future__ import annotations

import pdfplumber
import pytest
from barcode_read import address_data, read_barcode
from tests_data import SENDER_TOML

from mailmerge.japanese.barcode_address import number_part
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.runs.summary import summary_lines
from mailmerge.shop.settings import load_settings

# (postal code, address 1, address 2, the 13 characters as text; None: printed without a
# barcode). "" means 13 × CC4: the code alone.
HARD = [
    # 大口事業所: 062-8605 is 北海学園大学's own code (Japan Post's 事業所 data); manual p22:
    # only the code is encoded, the 13 address characters are all CC4.
    ("062-8605", "北海道札幌市豊平区旭町4丁目1-40", "北海学園大学", ""),
    # 北海道大学病院's own code: the 5丁目 of its address is not encoded either.
    ("060-8648", "北海道札幌市北区北十四条西5丁目", "北海道大学病院", ""),
    # the manual's own example of an individual code (日本郵便株式会社, p22).
    ("100-8792", "東京都千代田区大手町2-3-1", "日本郵便株式会社", ""),
    # a P.O. box's individual code (私書箱 type in the same data): p22 treats it alike.
    ("060-8661", "北海道札幌市中央区大通西3丁目7番地", "北洋銀行本店", ""),
    # 高層ビル floor code (163-0612: 新宿センタービル 12階). Its town is the building
    # (西新宿新宿センタービル), which no one writes after 西新宿1丁目25-1: the numbers are
    # not certain, so the spec says print it without a barcode and say so.
    ("163-0612", "東京都新宿区西新宿1丁目25-1", "新宿センタービル12階", None),
    # even written with Japan Post's town name, the 12 may be the floor of 住所A or a number
    # of 住所B: still not certain, still no barcode.
    ("163-0612", "東京都新宿区西新宿新宿センタービル12階", "", None),
    # the basement/unknown floor code of アエル (980-6190, 地階・階層不明).
    ("980-6190", "宮城県仙台市青葉区中央1-3-1", "アエル地下1階", None),
    # representative code (以下に掲載がない場合, 192-0000): manual p18, no barcode.
    ("192-0000", "東京都八王子市どこか町1-2-3", "", None),
    # 100-0001 is 千代田区千代田, but the address is in 千代田区永田町: the town of the code
    # is not in the address, so the numbers after it cannot be found.
    ("100-0001", "東京都千代田区永田町1-7-1", "", None),
    # 13 の 2: の (kana) before 2 → '-', blank and コーポ上恩方 before 301 → one '-'.
    ("192-0156", "東京都八王子市上恩方町13の2", "コーポ上恩方301", "13-2-301"),
    # 2478 の 1, then ハイツ before 103 → '-'; 号 at the end is dropped.
    ("407-0033", "山梨県韮崎市龍岡町下條南割2478の1", "ハイツ103号", "2478-1-103"),
    # katakana ノ between numbers: 7-3.
    ("192-0156", "東京都八王子市上恩方町7ノ3", "", "7-3"),
    # 十三 before 番地 → 13; 二 after 番地の is the second number (13番地の2 → 13-2, spec);
    # 三〇一 before 号 → 301.
    ("192-0156", "東京都八王子市上恩方町十三番地の二", "メゾン三〇一号", "13-2-301"),
    # 14番地の3: 番地の → one '-'.
    ("192-0156", "東京都八王子市上恩方町14番地の3", "", "14-3"),
    # 地割: town 川井 (028-2402, 第9〜第11地割); 第 is dropped in front, 地割 → '-',
    # 番地 at the end dropped: 10-123.
    ("028-2402", "岩手県宮古市川井第10地割123番地", "", "10-123"),
    # in kanji: 十一 before 地割 → 11, 百二十四 before 番地 → 124.
    ("028-2402", "岩手県宮古市川井第十一地割百二十四番地", "", "11-124"),
    # 字 in front of the town (伊良皆) is part of 住所A: 123.
    ("904-0303", "沖縄県中頭郡読谷村字伊良皆123番地", "", "123"),
    # 大字 in front of the town (小室), the manual's p06 town: 22-1.
    ("350-1106", "埼玉県川越市大字小室22-1", "", "22-1"),
    # Japan Post writes the town ７線; 七線 is the same town. 十 before 号 → 10.
    ("071-1247", "北海道上川郡鷹栖町七線十号", "", "10"),
    # 西神楽３線 written 三線; 十二 before 号 → 12.
    ("078-8383", "北海道旭川市西神楽三線十二号", "", "12"),
    # Japan Post writes 北十四条西; 北14条西 is that town; 3丁目 → 3.
    ("001-0014", "北海道札幌市北区北14条西3丁目", "", "3"),
    # the town's own numeral (百人町) is never an address number: 2-4-5.
    ("169-0073", "東京都新宿区百人町2丁目4-5", "", "2-4-5"),
    # 15の4, B棟201: a lone letter, no hyphen before it (15-4B), 棟 → '-': 15-4B-201.
    ("192-0156", "東京都八王子市上恩方町15の4", "B棟201", "15-4B-201"),
]
VALUES = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}


@pytest.fixture(scope="module")
def hard_run(tmp_path_factory):
    """Every HARD address printed with --barcode: (report, PDF path)."""
    folder = tmp_path_factory.mktemp("hard")
    rows = ["顧客ID,姓,名,郵便番号,住所1,住所2"]
    rows += [f"H{index:02d},山田,太郎,{code},{a1},{a2}"
             for index, (code, a1, a2, _) in enumerate(HARD)]
    customers = folder / "customers.csv"
    customers.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = folder / "hagaki.toml"
    config.write_text(SENDER_TOML, encoding="utf-8")
    out = folder / "cards.pdf"
    with pytest.MonkeyPatch.context() as patch:  # a module fixture: set the users' language
        patch.setenv("HAGAKI_LANG", "ja")
        report = print_cards(customers, out, load_settings(config), RunOptions(
            barcode=True, sort="id", log=folder / "log.sqlite"))
    return report, out


def test_every_card_is_printed_with_or_without_its_barcode(hard_run):
    report, _ = hard_run
    assert not report.skipped, report.skipped
    assert [c.customer_id for c in report.printed] == [f"H{i:02d}" for i in range(len(HARD))]


def test_the_cards_without_a_barcode_are_named_with_row_and_reason(hard_run):
    report, _ = hard_run
    named = {p.customer_id: p for p in report.without_barcode}
    wanted = {f"H{i:02d}" for i, case in enumerate(HARD) if case[3] is None}
    assert set(named) == wanted
    for index, case in enumerate(HARD):
        if case[3] is None:
            problem = named[f"H{index:02d}"]
            assert problem.row == index + 2 and problem.severity == "warning"
            assert case[0] in problem.message
    assert "階ごと" in named["H04"].message  # says why: a floor code
    assert "以下に掲載がない場合" in named["H07"].message


@pytest.mark.parametrize("index", range(len(HARD)))
def test_the_printed_bars_decode_to_the_hand_worked_data(hard_run, index):
    code, _, _, data = HARD[index]
    report, path = hard_run
    if data is None:
        with pdfplumber.open(path) as pdf:
            assert not [r for r in pdf.pages[index].rects if r["fill"]]
        return
    printed = read_barcode(path, index)
    assert "".join(printed.characters[:7]) == code.replace("-", "")
    assert address_data(printed.characters) == data
    assert sum(VALUES[c] for c in printed.characters) % 19 == 0


@pytest.mark.parametrize(("index", "check"), [
    # 1+0+0+8+7+9+2 = 27, 13 × CC4 = 13 × 14 = 182; 209 = 11 × 19: check 0.
    (2, "0"),
    # 0+6+2+8+6+0+5 = 27: the same sum, check 0.
    (0, "0"),
    # 0+6+0+8+6+4+8 = 32, + 182 = 214 = 11 × 19 + 5: 14 more, i.e. CC4.
    (1, "CC4"),
])
def test_an_individual_code_is_the_code_and_thirteen_cc4(hard_run, index, check):
    printed = read_barcode(hard_run[1], index)
    assert printed.characters[7:20] == ["CC4"] * 13
    assert printed.characters[20] == check


def test_the_summary_names_the_cards_printed_without_a_barcode(hard_run):
    lines = summary_lines(hard_run[0], strict=False, postage_yen=85)
    at = lines.index("バーコードなしで刷ったはがき: 5枚")
    assert lines[at + 1].startswith("  customers.csv 行 6 (H04) 郵便番号: 郵便番号 163-0612 は")
    assert lines[at + 5].startswith("  customers.csv 行 10 (H08) 住所1: 住所に郵便番号 100-0001")
    assert not [line for line in lines if "注意" in line and "バーコード" in line]


@pytest.mark.parametrize(("code", "address", "numbers"), [
    # Japan Post's ７線 however the town is written: kanji, full width, ASCII.
    ("0711247", "北海道上川郡鷹栖町七線十号", "十号"),
    ("0711247", "北海道上川郡鷹栖町７線１０号", "１０号"),
    ("0711247", "鷹栖町7線10号", "10号"),
    # 北十四条西: positional (十四) and digit-by-digit (一四) kanji, and digits.
    ("0010014", "札幌市北区北十四条西3丁目", "3丁目"),
    ("0010014", "札幌市北区北一四条西3丁目", "3丁目"),
    ("0010014", "札幌市北区北14条西3丁目", "3丁目"),
    # a business's own code: nothing after the code is encoded.
    ("0628605", "北海道札幌市豊平区旭町4丁目1-40", ""),
])
def test_the_town_is_found_however_its_numerals_are_written(code, address, numbers):
    assert number_part(code, address) == numbers
