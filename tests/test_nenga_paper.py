"""The 年賀状 season's paper: a 年賀状 loads 年賀はがき unless the shop says otherwise, and on
every other paper (通常はがき, 私製はがき, A4 sheets) each card carries 年賀 in red below the
stamp, inside the card, clear of every other text; read back from the PDFs with pdfplumber."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pdfread import MM, glyphs

from mailmerge.cli import main
from mailmerge.layout.profiles import load_profile
from mailmerge.package_files import package_file

DATA = Path(__file__).parent / "data"
NENGA = ["--situation", "nenga", "--date", "2026-12-10"]
RED = load_profile("official").box_color
POSTMARK_BOTTOM_MM = 70.0


@pytest.fixture
def shop(tmp_path) -> Path:
    shutil.copy(DATA / "hagaki.toml", tmp_path / "hagaki.toml")
    (tmp_path / "customers.csv").write_text(
        "顧客ID,姓,名,敬称,郵便番号,住所1,住所2\n"
        "C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1,パークハイツ501\n"
        "C002,山田,花子,様,530-0001,大阪府大阪市北区梅田3-1-1,\n"
        "C003,勘解由小路,左衛門三郎,様,060-0001,北海道札幌市中央区北一条西2-1,\n"
        "C004,佐藤,健,様,231-0023,神奈川県横浜市中区山下町10-3,\n"
        "C005,鈴木,一,様,980-0021,宮城県仙台市青葉区中央1-1-1,\n", encoding="utf-8")
    return tmp_path


def print_run(shop: Path, name: str, *options: str) -> Path:
    out = shop / name
    result = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), "--log",
                                       str(shop / "log.sqlite"), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def red_marks(path: Path) -> list[list[dict]]:
    """Per page, the red 年 and 賀 glyphs (pdfplumber chars)."""
    with pdfplumber.open(path) as pdf:
        return [[char for char in page.chars if char["text"] in "年賀"
                 and tuple(char["non_stroking_color"] or ()) == pytest.approx(RED, abs=0.01)]
                for page in pdf.pages]


@pytest.mark.parametrize("paper", ["official", "plain"])
def test_a_nenga_run_on_ordinary_cards_carries_a_red_nenga_below_the_stamp(shop, paper):
    out = print_run(shop, f"{paper}.pdf", *NENGA, "--paper", paper)
    pages = red_marks(out)
    assert len(pages) == 5 and all(len(page) == 2 for page in pages)
    for index in range(5):
        mark = [g for g in glyphs(out, index) if g.text in "年賀" and g.x1 < 20]
        others = [g for g in glyphs(out, index) if g not in mark]
        assert "".join(g.text for g in mark) == "年賀"
        for glyph in mark:
            assert POSTMARK_BOTTOM_MM < glyph.top < glyph.bottom < 82  # below the postmark area
            assert 3 < glyph.x0 < glyph.x1 < 35  # in the stamp's column, inside the card
            assert glyph.size_mm == pytest.approx(12 / 72 * 25.4, abs=0.01)
            assert not any(other.x0 < glyph.x1 and glyph.x0 < other.x1 and
                           other.top < glyph.bottom and glyph.top < other.bottom
                           for other in others)


def test_a_nenga_run_on_a4_sheets_marks_each_of_the_four_cards(shop):
    out = print_run(shop, "a4.pdf", *NENGA, "--paper", "a4")
    marks = red_marks(out)
    assert [len(page) for page in marks] == [8, 2]  # four cards, then one, on two sheets
    with pdfplumber.open(out) as pdf:
        assert (pdf.pages[0].width / MM, pdf.pages[0].height / MM) == pytest.approx((210, 297),
                                                                                     abs=0.1)


def test_a_nenga_run_loads_nenga_cards_by_default_and_prints_no_mark_there(shop):
    out = print_run(shop, "nenga.pdf", *NENGA)
    assert red_marks(out) == [[]] * 5
    sender_digits = [g for g in glyphs(out, 0) if g.text.isdigit() and g.top > 100]
    boxes = load_profile("nenga").sender_boxes
    assert "".join(g.text for g in sender_digits) == "1500001"
    for glyph in sender_digits:  # in the 年賀はがき sender boxes, not the 通常はがき ones
        assert boxes.top < glyph.centre[1] < boxes.top + boxes.height


def test_cards_that_are_not_nenga_never_carry_the_mark(shop):
    out = print_run(shop, "kanchu.pdf", "--situation", "kanchu", "--date", "2027-01-20",
                    "--paper", "official")
    assert red_marks(out) == [[]] * 5


def test_the_shop_chooses_the_paper_of_each_kind_of_card(shop):
    with (shop / "hagaki.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[paper]\nnenga = "official"\n')
    out = print_run(shop, "shop.pdf", *NENGA)
    assert all(len(page) == 2 for page in red_marks(out))
    plan = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"), *NENGA, "--log",
                                     str(shop / "log.sqlite"), "--format", "json"])
    assert json.loads(plan.stdout)["paper"] == "official"


def test_the_plan_and_the_run_say_which_paper_to_load(shop):
    plan = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"), *NENGA, "--log",
                                     str(shop / "log.sqlite")])
    assert "用紙: 年賀はがき" in plan.output
    proof = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), *NENGA, "--log",
                                      str(shop / "log.sqlite"), "--paper", "a4", "--proof",
                                      "--out", str(shop / "proof.pdf")])
    assert "用紙: A4 用紙（1 枚に 4 面）" in proof.output
    print_run(shop, "real.pdf", *NENGA, "--run-sheet")
    with pdfplumber.open(shop / "real-sheet.pdf") as pdf:
        assert "用紙 年賀はがき" in pdf.pages[0].extract_text()


def test_a_paper_the_shop_has_not_is_refused_with_the_choices(shop):
    with (shop / "hagaki.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[paper]\nnenga = "washi"\n')
    result = CliRunner().invoke(main, ["plan", str(shop / "customers.csv"), *NENGA])
    assert result.exit_code == 1
    assert "[paper] nenga = 'washi'" in result.output and "nenga, official, plain, a4" in \
        result.output


def test_a_paper_and_a_layout_that_may_disagree_are_refused(shop):
    result = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), *NENGA,
                                       "--paper", "nenga", "--layout", "official"])
    assert result.exit_code == 1 and "--paper は --layout・--impose と一緒には使えません" in \
        result.output


def test_cards_cut_from_a4_get_the_mark_whatever_layout_they_copy(shop):
    out = print_run(shop, "a4-nenga-layout.pdf", *NENGA, "--layout", "nenga", "--impose", "a4")
    assert [len(page) for page in red_marks(out)] == [8, 2]


def test_a_layout_file_without_a_place_for_the_mark_says_so(shop):
    text = package_file("layouts", "official.toml").read_text("utf-8")
    (shop / "mine.toml").write_text(text.split("# 年賀状 on this card")[0], encoding="utf-8")
    result = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), *NENGA, "--log",
                                       str(shop / "log.sqlite"), "--layout",
                                       str(shop / "mine.toml"), "--out", str(shop / "m.pdf")])
    assert result.exit_code == 0, result.output
    assert "「年賀」を入れる場所（[nenga_mark]）がありません" in result.output


@pytest.mark.parametrize(("change", "message"), [
    (("x = 15.0", "x = 48.0"), "年賀は切手の列（左から 35 mm まで）の、消印の場所（上から 70 mm まで）より下"),
    (("top = 71.0", "top = 20.0"), "より下に入れてください"),
    (("width = 100.0", "width = 200.0"), "郵便はがきの大きさではありません"),
])
def test_a_layout_file_must_be_a_card_with_the_mark_below_the_stamp(shop, change, message):
    text = package_file("layouts", "official.toml").read_text("utf-8")
    old, new = change
    assert old in text
    (shop / "mine.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["print", str(shop / "customers.csv"), *NENGA,
                                       "--layout", str(shop / "mine.toml")])
    assert result.exit_code == 1 and message in result.output, result.output
