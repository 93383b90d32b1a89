"""Opening font files: what is read from their tables, and the files that are refused."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from mailmerge.errors import FontError
from mailmerge.typeface.catalog import bundled_dir, scan_entries
from mailmerge.typeface.face import open_face

KLEE = bundled_dir() / "KleeOne-Regular.ttf"
MINCHO = bundled_dir() / "BIZUDMincho-Regular.ttf"


def test_it_reads_names_units_and_the_em_box():
    face = open_face(MINCHO)
    assert (face.family, face.postscript_name) == ("BIZ UDMincho", "BIZUDMincho-Regular")
    assert (face.units_per_em, face.ascender, face.descender) == (2048, 1802, -246)
    assert face.bounding_box == (-3, -262, 2048, 1802)
    assert face.truetype_outlines


def test_the_values_agree_with_fonttools():
    face = open_face(KLEE)
    with TTFont(KLEE, lazy=True) as font:
        head, os2 = font["head"], font["OS/2"]
        assert face.family == font["name"].getBestFamilyName()
        assert face.units_per_em == head.unitsPerEm
        assert face.bounding_box == (head.xMin, head.yMin, head.xMax, head.yMax)
        assert (face.ascender, face.descender) == (os2.sTypoAscender, os2.sTypoDescender)


def test_a_file_that_is_not_a_font_is_refused(tmp_path):
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font", encoding="utf-8")
    with pytest.raises(FontError, match="fake.ttf を開けません: TrueType/OpenType のフォントではありません"):
        open_face(fake)
    assert scan_entries([tmp_path], "configured") == []


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(FontError, match="フォント .*gone.ttf を開けません"):
        open_face(tmp_path / "gone.ttf")


def test_a_font_that_forbids_embedding_is_refused(tmp_path):
    restricted = tmp_path / "restricted.ttf"
    with TTFont(KLEE) as font:
        font["OS/2"].fsType = 0x0002
        font.save(restricted)
    with pytest.raises(FontError, match=r"埋め込みが許されていません（OS/2 fsType 0x0002）"):
        open_face(restricted)


def test_scanning_names_each_font_by_its_family(tmp_path):
    entries = scan_entries([bundled_dir()], "configured")
    assert {entry.name for entry in entries} >= {"Klee One", "BIZ UDMincho", "IPAmjMincho"}


def test_a_postscript_name_is_kept_to_what_a_pdf_name_may_hold(tmp_path):
    renamed = tmp_path / "renamed.ttf"
    with TTFont(KLEE) as font:
        font["name"].setName("Klee One 明朝/(x)", 6, 3, 1, 0x409)
        font.save(renamed)
    assert open_face(renamed).postscript_name == "KleeOnex"
