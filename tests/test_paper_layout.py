"""The A4 paper as a typesetter checks it (issue 26), measured on the PDF with pdfplumber:
the stock-take and the run sheet never draw text over text, headings break only between
words, no page but the last is left mostly blank; the A4 sheet's crop marks stay off the
cards, and the paper is said to be as thick as a postcard. The concentration warning is about
the single largest customer only."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from tests_data import SENDER_TOML

from mailmerge.layout.impose import load_sheet
from mailmerge.models import Customer, Sale
from mailmerge.paperwork.document import HEADER_FILL, MARGIN
from mailmerge.paperwork.run_sheet import RunSheet, SheetLine, run_sheet_pdf
from mailmerge.paperwork.stocktake import stocktake_pdf
from mailmerge.report.measures import Listed, measure
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.shop.settings import Settings, load_settings

DAY = dt.date(2026, 11, 23)
MM = 72 / 25.4
COMPANIES = ("北海道離島交通株式会社札幌本社営業部第二課", "株式会社ささき雑貨店本店", "")
OPENING = ("（", "(")
TOUCH = 0.3  # pt: neighbouring glyphs may touch, never overlap more


def long_named_measures(count: int = 60):
    """A list of long names and companies, with sales spread over two years."""
    listed, sales = [], []
    for index in range(count):
        company = COMPANIES[index % 3]
        family, given = ("", "") if company and index % 2 else (
            "長谷川部" * (1 + index % 3), "寿限無寿限無五劫の擦り切れ")
        customer = Customer(index + 2, f"C{index:04d}", family, given, postal_code="1600023",
                            address1="東京都新宿区西新宿2-8-1", company=company)
        listed.append(Listed(customer))
        sales += [Sale(100 + index * 10 + k, customer.customer_id,
                       DAY - dt.timedelta(days=30 * (index % 30) + 40 * k),
                       amount=1000 + 137 * index) for k in range(index % 5)]
    return measure(listed, sales, [], DAY)


@pytest.fixture(scope="module")
def stocktake_pages():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAGAKI_LANG", "ja")
        data = stocktake_pdf(long_named_measures(), Settings())
    return data


def overlapping_chars(page) -> list[tuple[str, str]]:
    """Pairs of glyphs drawn over each other (more than touching)."""
    chars = sorted((c for c in page.chars if c["text"].strip()), key=lambda c: c["x0"])
    found = []
    for index, char in enumerate(chars):
        for other in chars[index + 1:]:
            if other["x0"] >= char["x1"] - TOUCH:
                break
            if min(char["bottom"], other["bottom"]) - max(char["top"], other["top"]) > TOUCH:
                found.append((char["text"], other["text"]))
    return found


def overlapping_words(page) -> list[tuple[str, str]]:
    words = page.extract_words(x_tolerance=1)
    return [(a["text"], b["text"]) for index, a in enumerate(words) for b in words[index + 1:]
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > TOUCH
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOUCH]


def header_fragments(page) -> list[tuple[dict, list[dict]]]:
    """Each line of text in a table's heading row, with the lines right above it in the
    same cell (a heading set in two lines has one line above its second)."""
    fill = pytest.approx(HEADER_FILL.rgb(), abs=0.01)
    rows = [r for r in page.rects if r.get("non_stroking_color") == fill]
    pieces = []
    for row in rows:
        inside = sorted((c for c in page.chars if c["text"].strip()
                         and row["top"] <= (c["top"] + c["bottom"]) / 2 <= row["bottom"]),
                        key=lambda c: (round(c["top"]), c["x0"]))
        for char in inside:
            last = pieces[-1] if pieces else None
            if (last and last["row"] is row and round(last["top"]) == round(char["top"])
                    and char["x0"] - last["x1"] < 9):
                last["text"] += char["text"]
                last["x1"] = char["x1"]
            else:
                pieces.append({"row": row, "text": char["text"], "x0": char["x0"],
                               "x1": char["x1"], "top": char["top"],
                               "bottom": char["bottom"]})
    return [(piece, [other for other in pieces if other["row"] is piece["row"]
                     and other["bottom"] <= piece["top"] + 1
                     and min(other["x1"], piece["x1"]) > max(other["x0"], piece["x0"])])
            for piece in pieces]


def content_bottom(page) -> float:
    """How far down the page text and drawing reach, the page number's foot left out."""
    foot = page.height - MARGIN
    items = page.chars + page.rects + page.lines + page.curves
    return max((item["bottom"] for item in items if item["top"] < foot), default=0.0)


def test_the_stocktake_draws_no_text_over_text(stocktake_pages):
    with pdfplumber.open(io.BytesIO(stocktake_pages)) as pdf:
        assert len(pdf.pages) > 2
        for page in pdf.pages:
            assert overlapping_chars(page) == [], page.page_number
            assert overlapping_words(page) == [], page.page_number


def test_the_stocktake_headings_break_only_between_words(stocktake_pages):
    checked = 0
    with pdfplumber.open(io.BytesIO(stocktake_pages)) as pdf:
        for page in pdf.pages:
            for piece, above in header_fragments(page):
                if above:  # a heading's second line starts a word: （円）, never 円）
                    checked += 1
                    assert piece["text"].startswith(OPENING), (page.page_number, piece["text"])
    assert checked  # 購入頻度（1人あたり件数）, 購入合計（円） take two lines


def test_no_stocktake_page_but_the_last_is_left_half_empty(stocktake_pages):
    with pdfplumber.open(io.BytesIO(stocktake_pages)) as pdf:
        for page in pdf.pages[:-1]:
            frame = page.height - 2 * MARGIN
            assert content_bottom(page) - MARGIN >= frame / 2, page.page_number


def test_only_the_single_largest_customer_is_a_concentration_warning():
    spread = long_named_measures()
    assert spread.top10_share > 0.10 > spread.top_customer_share
    assert spread.warnings == []  # the top tenth always holds a tenth: a figure, no warning
    one = Customer(999, "BIG", "大口", "顧客")
    big = measure([Listed(one), *[Listed(line.customer) for line in spread.customers]],
                  [Sale(1, "BIG", DAY, amount=10 ** 6)], [], DAY)
    assert big.top_customer_share > 0.10
    assert len(big.warnings) == 1 and "BIG" in big.warnings[0]


def long_company_sheet() -> RunSheet:
    lines = [SheetLine(order, order, f"C{order:04d}",
                       "北海道離島交通株式会社札幌本社営業部第二課" * (1 + order % 2),
                       "0600001", "greeting", None, "cards-001.pdf", order)
             for order in range(1, 30)]
    return RunSheet(7, "2026-12-10T10:00:00", lines, 85, None, 0, False, "A4 用紙",
                    ("A4 用紙は、はがきと同じくらいの厚さの紙にしてください。",))


def test_a_long_company_name_stays_out_of_the_postal_code_column(japanese):
    with pdfplumber.open(io.BytesIO(run_sheet_pdf(long_company_sheet(), Settings()))) as pdf:
        page = pdf.pages[0]
        assert overlapping_chars(page) == [] and overlapping_words(page) == []
        heading = [w for w in page.extract_words() if w["text"] == "郵便番号"][0]
        postal_left = min(w["x0"] for w in page.extract_words() if w["text"] == "060-0001")
        column_left = min(heading["x0"], postal_left) - 6  # the cell's padding
        names = [c for c in page.chars if c["text"] in "北海道離島交通株式会社札幌本社営業部第二課"
                 and c["top"] > heading["bottom"]]
        assert names and max(c["x1"] for c in names) <= column_left + TOUCH


def test_the_run_sheet_says_the_a4_paper_must_be_as_thick_as_a_postcard(tmp_path,
                                                                        customers_csv,
                                                                        japanese):
    config = tmp_path / "hagaki.toml"
    config.write_text(SENDER_TOML, encoding="utf-8")
    report = print_cards(customers_csv, tmp_path / "sheet.pdf", load_settings(config),
                         RunOptions(layout="plain", impose="a4", sort="id", run_sheet=True,
                                    log=tmp_path / "log.sqlite"))
    with pdfplumber.open(report.run_sheet) as pdf:
        text = pdf.pages[0].extract_text().replace("\n", "")
    assert "はがきと同じくらいの厚さの紙" in text and "私製はがき" in text


@pytest.mark.parametrize("side", ["address", "both"])
def test_no_crop_mark_falls_on_a_card(tmp_path, customers_csv, side):
    config = tmp_path / "hagaki.toml"
    config.write_text(SENDER_TOML, encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    print_cards(customers_csv, out, load_settings(config), RunOptions(
        layout="plain", impose="a4", side=side, sort="id", log=tmp_path / "log.sqlite"))
    sheet = load_sheet("a4")
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            marks = [line for line in page.lines
                     if line["stroking_color"] in ((0,), [0], (0, 0, 0))
                     and line["linewidth"] == pytest.approx(sheet.mark_line * MM, abs=0.01)]
            assert marks
            for mark in marks:
                half = mark["linewidth"] / 2
                x0, x1 = (mark["x0"] - half) / MM, (mark["x1"] + half) / MM
                top, bottom = (mark["top"] - half) / MM, (mark["bottom"] + half) / MM
                for left, face_top, right, face_bottom in sheet.faces:
                    apart = (x1 <= left or x0 >= right or bottom <= face_top
                             or top >= face_bottom)
                    assert apart, (page.page_number, (x0, top, x1, bottom))
