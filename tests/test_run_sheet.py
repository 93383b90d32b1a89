"""The run sheet (発送明細) of a print run, read back and checked against the send log."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from click.testing import CliRunner
from msgspec.structs import replace

from mailmerge.cli import main
from mailmerge.paperwork.run_sheet import RunSheet, SheetLine, run_sheet_pdf
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.outputs import OutputError
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings, load_settings

A4 = (595.28, 841.89)


@pytest.fixture
def shop(tmp_path, customers_csv):
    """A shop folder whose settings have a sender and a post office (for 料金別納)."""
    config = tmp_path / "hagaki.toml"
    config.write_text('[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\n'
                      'address = "東京都渋谷区神宮前1-2-3"\n\n[print]\npost_office = "渋谷郵便局"\n'
                      "postage_yen = 85\n", encoding="utf-8")
    return load_settings(config)


def text_of(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def test_the_sheet_totals_are_those_of_the_log(tmp_path, customers_csv, shop):
    log_path = tmp_path / "log.sqlite"
    report = print_cards(customers_csv, tmp_path / "cards.pdf", shop, RunOptions(
        log=log_path, run_sheet=True, indicia="betsunou", batch_size=5))
    assert report.run_sheet == tmp_path / "cards-sheet.pdf"
    with SendLog(log_path) as log:
        rows = [row for row in log.cards() if row["run_id"] == report.run_id]
    text = text_of(report.run_sheet)
    assert len(rows) == 12
    assert f"枚数 {len(rows)}枚" in text
    assert f"郵送料 {len(rows) * 85:,}円（85円 × {len(rows)}枚）" in text
    assert f"料金別納の表示 {len(rows)}枚" in text
    for situation, count in Counter(row["situation"] for row in rows).items():
        assert situation == "greeting" and f"ご挨拶 {count}" in text
    listed = re.findall(r"^(\d+) (\d+) (C\d+) .* (cards-\d+\.pdf) (\d+)$", text, re.M)
    assert [(int(card), customer, file, int(page)) for _, card, customer, file, page in listed] == [
        (row["id"], row["customer_id"], Path(row["output_file"]).name, row["page"])
        for row in rows]
    assert listed[4][3:] == ("cards-002.pdf", "1")  # C011 is refused: batch 1 has 4 cards
    assert "区分" not in text  # fewer than 2,000 cards


def test_names_on_the_sheet_copy_back_exactly(tmp_path, customers_csv, shop):
    report = print_cards(customers_csv, tmp_path / "cards.pdf", shop,
                         RunOptions(log=tmp_path / "log.sqlite", run_sheet=True))
    reader = pypdf.PdfReader(report.run_sheet)
    copied = "".join(page.extract_text() for page in reader.pages)
    for name in ("𠮷田 花子", "葛\U000e0100城 陽子", "髙橋 一郎", "山﨑 健太"):
        assert name in copied and name in text_of(report.run_sheet), name
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4, abs=0.01)
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_the_command_writes_the_sheet_beside_the_cards(tmp_path, customers_csv):
    config = tmp_path / "hagaki.toml"
    config.write_text('[sender]\nname = "ささき雑貨店"\npostal_code = "150-0001"\n'
                      'address = "東京都渋谷区神宮前1-2-3"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["print", str(customers_csv), "--config", str(config),
                                       "--run-sheet", "--date", "2026-12-01"])
    sheets = list(tmp_path.glob("cards-*-run0001-sheet.pdf"))
    assert len(sheets) == 1 and f"発送明細 → {sheets[0]}" in result.output
    assert result.exit_code == 1  # rows with errors, as without the sheet
    verify = CliRunner().invoke(main, ["log", "verify", "--config", str(config)])
    assert verify.exit_code == 0 and "記録にありません" not in verify.output, verify.output


def test_a_sheet_that_cannot_be_written_leaves_the_run_logged(tmp_path, customers_csv, shop,
                                                              monkeypatch):
    def broken(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mailmerge.paperwork.run_sheet.run_sheet_pdf", broken)
    log_path = tmp_path / "log.sqlite"
    report = print_cards(customers_csv, tmp_path / "cards.pdf", shop,
                         RunOptions(log=log_path, run_sheet=True))
    assert report.written and report.run_sheet is None
    assert any("発送明細 cards-sheet.pdf を書けませんでした" in note for note in report.notes)
    assert not (tmp_path / "cards-sheet.pdf").exists()
    with SendLog(log_path) as log:
        assert [row["status"] for row in log.cards()] == ["printed"] * 12
        assert log.settle_unfinished() == []


def test_an_existing_sheet_is_refused_before_anything_is_printed(tmp_path, customers_csv, shop):
    (tmp_path / "cards-sheet.pdf").write_bytes(b"last month's sheet")
    log_path = tmp_path / "log.sqlite"
    with pytest.raises(OutputError, match="cards-sheet.pdf"):
        print_cards(customers_csv, tmp_path / "cards.pdf", shop,
                    RunOptions(log=log_path, run_sheet=True))
    assert not (tmp_path / "cards.pdf").exists()
    with SendLog(log_path) as log:
        assert log.cards() == []


def test_a_proof_has_no_sheet(tmp_path, customers_csv, shop):
    report = print_cards(customers_csv, tmp_path / "proof.pdf", shop,
                         RunOptions(log=tmp_path / "log.sqlite", run_sheet=True, proof=True))
    assert report.written and report.run_sheet is None
    assert not (tmp_path / "proof-sheet.pdf").exists()


def sheet_of(count: int, sorted_by_postal: bool = True) -> RunSheet:
    prefixes = ["100", "150", "530"]
    lines = [SheetLine(order, order, f"C{order}", "𠮷田 花子",
                       f"{prefixes[order * 3 // (count + 1)]}0001", "nenga", None,
                       "cards.pdf", order) for order in range(1, count + 1)]
    return RunSheet(7, "2026-12-10T10:00:00", lines, 85, "料金別納", count, sorted_by_postal)


def test_a_run_of_2000_cards_is_grouped_by_the_first_three_postal_digits():
    sheet = sheet_of(2000)
    assert sheet.sort_groups == [("100", 666), ("150", 667), ("530", 667)]
    assert sum(count for _, count in sheet.sort_groups) == len(sheet.lines)
    assert sheet.postage_total == 2000 * 85
    assert sheet_of(1999).sort_groups == []
    data = run_sheet_pdf(sheet, Settings())
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = pdf.pages[0].extract_text() + pdf.pages[1].extract_text()
    assert "区分（郵便番号の上3桁ごと、印刷順）" in first
    assert "100- 666" in first and "150- 667" in first and "530- 667" in first
    unsorted = run_sheet_pdf(replace(sheet, sorted_by_postal=False), Settings())
    with pdfplumber.open(io.BytesIO(unsorted)) as pdf:
        assert "--sort postal" in pdf.pages[0].extract_text()
