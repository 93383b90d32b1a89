"""A print run accounts for every row: printed, skipped with a reason, or excluded by a rule."""

from __future__ import annotations

import csv
import os

import pytest
from pdfread import glyphs

from mailmerge.errors import InputError
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards


def test_every_row_is_printed_skipped_or_excluded(printed, customers_csv):
    report, _, _ = printed
    with customers_csv.open(encoding="utf-8") as stream:
        ids = [row["顧客ID"] for row in csv.DictReader(stream)]
    printed_ids = [c.customer_id for c in report.printed]
    skipped = {p.customer_id: p for p in report.skipped}
    excluded = {n.customer.customer_id: n for n in report.not_sent}
    assert sorted(printed_ids + list(skipped) + list(excluded)) == sorted(ids)
    assert skipped["C011"].code == "glyph-missing"
    assert skipped["C011"].column == "名" and "U+1F600" in skipped["C011"].message
    assert skipped["C014"].code == "postal-format" and skipped["C014"].row == 15
    assert skipped["C015"].code == "missing-address"
    assert excluded["C013"].code == "do-not-mail"


def test_the_same_input_gives_a_byte_identical_pdf(tmp_path, customers_csv, settings):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    print_cards(customers_csv, first, settings, RunOptions(log=tmp_path / "a.sqlite"))
    print_cards(customers_csv, second, settings, RunOptions(log=tmp_path / "b.sqlite"))
    assert first.read_bytes() == second.read_bytes()


def test_offsets_shift_everything_by_millimetres(tmp_path, customers_csv, settings, printed):
    _, reference, _ = printed
    shifted = tmp_path / "shifted.pdf"
    print_cards(customers_csv, shifted, settings, RunOptions(offset_x=1.5, offset_y=-2.0,
                                                             sort="id"))
    before, after = glyphs(reference, 0), glyphs(shifted, 0)
    assert [g.text for g in before] == [g.text for g in after]
    for old, new in zip(before, after, strict=True):
        assert new.x0 - old.x0 == pytest.approx(1.5, abs=0.01)
        assert new.top - old.top == pytest.approx(-2.0, abs=0.01)


def test_strict_writes_nothing_when_a_row_has_an_error(tmp_path, customers_csv, settings):
    target = tmp_path / "cards.pdf"
    target.write_bytes(b"the previous file")
    report = print_cards(customers_csv, target, settings, RunOptions(strict=True, replace=True))
    assert not report.written and report.skipped
    assert target.read_bytes() == b"the previous file"
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".cards")]


def test_a_missing_file_is_a_clear_error(tmp_path, settings):
    with pytest.raises(InputError, match="ファイルがありません"):
        print_cards(tmp_path / "nope.csv", tmp_path / "x.pdf", settings)
