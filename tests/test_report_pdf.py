"""The printed stock-take (report --out report.pdf), read back with pypdf and pdfplumber.

A hand-made list on 2026-11-23 (default rules): 𠮷田 and 葛󠄀城 (葛 + U+E0100) dormant, 髙橋
and 山﨑 lapsed, 青木 active, 石井 never bought; cards from a log kept in memory.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pdfplumber
import pypdf
import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.paperwork.charts import BLUE, RED
from mailmerge.paperwork.document import font_name
from mailmerge.paperwork.fonts import ChainFont
from mailmerge.shop.settings import Settings
from mailmerge.typeface.roles import FontRoles

DAY = "2026-11-23"
KATSURAGI = "葛\U000e0100城"
CUSTOMERS = f"""顧客ID,姓,名,郵便番号,住所1
D1,𠮷田,花子,530-0001,大阪府大阪市北区梅田3-1-1
D2,{KATSURAGI},陽子,600-8216,京都府京都市下京区東塩小路町721-1
L1,髙橋,一郎,160-0023,東京都新宿区西新宿2-8-1
L2,山﨑,健太,231-0023,神奈川県横浜市中区山下町10-3
A1,青木,一,160-0023,東京都新宿区西新宿2-8-2
N1,石井,二,160-0023,東京都新宿区西新宿2-8-3
"""
SALES = """顧客ID,日付,商品,金額
D1,2026-03-01,湯呑み,3000
D2,2026-01-10,急須,5000
L1,2025-06-01,皿,4000
L2,2024-12-01,椀,2000
A1,2026-08-01,箸,1000
A1,2026-09-15,箸置き,500
A1,2026-11-01,茶葉,1500
"""
A4 = (595.28, 841.89)


class FakeLog:
    """The send log as the report reads it: cards and returned addresses."""

    rows = [{"customer_id": "A1", "situation": "thanks", "card_date": "2026-08-05",
             "status": "mailed", "address_key": "", "reprint_of": None},
            {"customer_id": "D1", "situation": "dormant", "card_date": "2026-10-01",
             "status": "printed", "address_key": "", "reprint_of": None}]

    @classmethod
    @contextlib.contextmanager
    def settled(cls, path, say=None):
        """As SendLog.settled: the log when its file exists (nothing to settle here)."""
        yield cls() if path is not None and path.is_file() else None

    def cards(self) -> list[dict]:
        return FakeLog.rows

    def returned(self, customer) -> bool:
        return False

    def assignments(self) -> list:
        return []

    def unrandomised(self) -> list:
        return []


@pytest.fixture(scope="module")
def stocktake(tmp_path_factory):
    """(the JSON of `report --format json`, the PDF written by the same command)."""
    folder = tmp_path_factory.mktemp("stocktake")
    customers, sales, log = folder / "c.csv", folder / "s.csv", folder / "log.sqlite"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    sales.write_text(SALES, encoding="utf-8")
    log.touch()
    target = folder / "report.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mailmerge.report.build.SendLog", FakeLog)
        patch.setenv("HAGAKI_LANG", "ja")  # module fixtures run before the `japanese` one
        result = CliRunner().invoke(main, [
            "report", str(customers), "--sales", str(sales), "--log", str(log), "--date", DAY,
            "--format", "json", "--out", str(target)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), target.read_bytes()


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def figures_on(text: str) -> dict[str, str]:
    """'label value' lines of the summary tables."""
    return dict(re.findall(r"^(\S+(?: \(\S+\))?) ([-\d,.]+(?:円|人|件|枚|%|回))$", text, re.M))


def test_the_key_figures_are_those_of_report_json(stocktake):
    data, pdf = stocktake
    figures = figures_on(page_texts(pdf)[0])
    assert figures["名簿の顧客数"] == f"{data['customer_count']}人" == "6人"
    assert figures["売上合計"] == f"{data['sales_total']:,.0f}円" == "17,000円"
    assert figures["購入件数"] == f"{data['sales_count']}件"
    assert figures["平均購入額 (1件あたり)"] == f"{data['average_per_sale']:,.0f}円"
    assert figures["最大顧客の売上比率"] == f"{data['top_customer_share']:.1%}" == "29.4%"
    assert figures["離反率 (12か月)"] == f"{data['loss_rate']:.1%}"
    assert figures["送付枚数"] == f"{data['cards']['total']}枚" == "2枚"
    assert figures["郵送料"] == f"{data['cards']['postage_total']}円" == "170円"
    assert figures["再来店率 (90日以内)"] == f"{data['winback_response_rate']:.1%}"


def test_sales_are_buyers_times_spend_times_frequency(stocktake):
    data, pdf = stocktake
    first = page_texts(pdf)[0]
    assert data["buyer_count"] == 5
    assert data["average_per_sale"] == pytest.approx(17000 / 7, abs=0.01)
    assert data["purchase_frequency"] == pytest.approx(7 / 5)
    assert data["buyer_count"] * data["average_per_sale"] * data["purchase_frequency"] == (
        pytest.approx(data["sales_total"], rel=1e-4))
    assert "5人 × 2,429円 × 1.40回 = 17,000円" in first
    flow = data["base_flow"]
    assert flow["start"] + flow["new"] + flow["back"] - flow["lost"] == flow["end"]
    assert (f"{flow['start']}人 + {flow['new']}人 + {flow['back']}人 − {flow['lost']}人 = "
            f"{flow['end']}人") in first


def test_names_copy_back_exactly_as_typed(stocktake):
    _, pdf = stocktake
    plumber = "\n".join(page_texts(pdf))
    with_pypdf = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for name in ("𠮷田 花子", f"{KATSURAGI} 陽子", "髙橋 一郎", "山﨑 健太"):
        assert name in plumber and name in with_pypdf, name
    assert "\U000e0100" in plumber  # the selector itself, not just 葛


def test_the_contact_list_holds_dormant_then_lapsed_with_last_purchase_and_card(stocktake):
    _, pdf = stocktake
    text = "\n".join(page_texts(pdf))
    listed = re.findall(r"^(D1|D2|L1|L2|A1|N1) .*$", text.split("連絡リスト（")[1], re.M)
    assert listed == ["D2", "D1", "L1", "L2"]
    assert re.search(r"^D1 𠮷田 花子 休眠客 2026-03-01 267 1 3,000 "
                     r"2026-10-01 休眠フォロー$", text, re.M)
    assert "連絡リスト（休眠客・離反客）" in text and not re.search("死んだ|眠った|生きた", text)


def test_what_the_cards_brought_by_situation(stocktake):
    data, pdf = stocktake
    assert data["card_responses"] == [
        {"situation": "dormant", "cards": 1, "customers": 1, "bought_again": 0, "rate": 0.0,
         "sales": 0.0},
        {"situation": "thanks", "cards": 1, "customers": 1, "bought_again": 1, "rate": 1.0,
         "sales": 500.0}]
    text = "\n".join(page_texts(pdf))
    assert "お礼状 1 1 1 100.0% 500" in text and "休眠フォロー 1 1 0 0.0% 0" in text


def test_pages_are_a4_and_every_font_is_embedded(stocktake):
    _, pdf = stocktake
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    embedded = set()
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.01)
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object()
            embedded.add(font["/BaseFont"].split("+")[1])
    assert embedded == {"BIZUDMincho-Regular-Identity-H", "IPAmjMincho-Identity-H"}


def test_the_charts_are_drawn(stocktake):
    data, pdf = stocktake
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        rects = [rect for page in document.pages for rect in page.rects]
        lines = [line for page in document.pages for line in page.lines + page.curves
                 if line.get("stroking_color") == pytest.approx(BLUE.rgb(), abs=0.01)]
    blue = [r for r in rects if r["non_stroking_color"] == pytest.approx(BLUE.rgb(), abs=0.01)]
    red = [r for r in rects if r["non_stroking_color"] == pytest.approx(RED.rgb(), abs=0.01)]
    segments_with_customers = sum(1 for n in data["segments"].values() if n)
    existing_sales_months = sum(1 for m in data["monthly"][-24:] if m["existing_customer_sales"])
    legend_swatches = 2  # 顧客数 on the base chart, 既存客の売上 on the sales chart
    assert (segments_with_customers, existing_sales_months) == (4, 1)
    top10_bar = 1  # the top 10 %'s share: a figure, blue, never a warning
    assert len(blue) == (segments_with_customers + existing_sales_months + legend_swatches
                         + top10_bar)
    assert len(red) == 1  # the top customer's share, over the 10 % line
    assert len(lines) >= 1  # the monthly base


def test_a_character_no_font_draws_gets_the_missing_glyph_and_still_copies_back():
    font = ChainFont("test-missing", FontRoles(Settings()).chain("name"))
    glyphs = font.glyphs("佐藤😀")
    assert [piece for *_, piece, _ in glyphs] == ["佐", "藤", "😀"]
    assert glyphs[-1][1] == 0 and glyphs[0][1] != 0
    assert font_name(Settings()) == font_name(Settings())  # registered once


def test_the_owners_paper_says_where_to_fix_the_list_in_words(tmp_path):
    customers, sales = tmp_path / "c.csv", tmp_path / "s.csv"
    customers.write_text(CUSTOMERS + "W1,和田,三,530-0001,東京都新宿区西新宿2-8-4\n", "utf-8")
    sales.write_text(SALES, "utf-8")
    target = tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", str(customers), "--sales", str(sales),
                                       "--date", DAY, "--out", str(target)])
    assert result.exit_code == 0, result.output
    text = "\n".join(page_texts(target.read_bytes()))
    assert "名簿の誤り（直す箇所は、顧客リストの画面か名簿の確認で確かめてください）" in text
    assert "hagaki" not in text
