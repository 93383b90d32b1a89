"""--docx: the Word file embeds the fonts it uses, subset and obfuscated as Word does."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fontTools.ttLib import TTFont

from mailmerge.render.docx import docx_bytes
from mailmerge.render.docx_fonts import obfuscate
from mailmerge.templates.engine import Message

MESSAGE = Message("t.j2", "暑中お見舞い申し上げます",
                  ("葛\U000E0100城様\n　暑さ厳しき折、どうぞご自愛ください。",), "敬具",
                  "令和八年　盛夏", "ささき雑貨店")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def word() -> bytes:
    return docx_bytes([MESSAGE])


def embedded(data: bytes) -> dict[str, TTFont]:
    """Each embedded font, read back: de-obfuscated with its key and opened by fontTools."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    table = archive.read("word/fontTable.xml").decode()
    relationships = archive.read("word/_rels/fontTable.xml.rels").decode()
    fonts = {}
    for name, rid, key in re.findall(
            r'<w:font w:name="([^"]+)">.*?<w:embedRegular r:id="([^"]+)" '
            r'w:fontKey="(\{[0-9A-F-]{36}\})" w:subsetted="1"/>', table):
        target = re.search(rf'Id="{rid}" Type="[^"]+/font" Target="([^"]+)"',
                           relationships).group(1)
        raw = archive.read(f"word/{target}")
        assert raw[:4] != b"\x00\x01\x00\x00"  # obfuscated as stored
        fonts[name] = TTFont(io.BytesIO(obfuscate(raw, key)))
    return fonts


def test_every_font_used_is_embedded_as_a_subset_that_reads_back(word):
    fonts = embedded(word)
    assert set(fonts) == {"Klee One", "BIZ UDMincho", "KouzanBrushFont"}
    klee = fonts["Klee One"]
    assert klee["name"].getDebugName(1) == "Klee One"
    drawn = {chr(code) for code in klee.getBestCmap()}
    assert set("暑さ厳しき折、どうぞご自愛ください。敬具令和八年盛夏ささき雑貨店") <= drawn
    assert len(drawn) < 40  # a subset, not the whole font
    assert "vert" in {r.FeatureTag for r in klee["GSUB"].table.FeatureList.FeatureRecord}
    mincho = fonts["BIZ UDMincho"]
    assert set("葛城様") == {chr(code) for code in mincho.getBestCmap()}
    variations = {(code, selector) for table in mincho["cmap"].tables if table.format == 14
                  for selector, pairs in table.uvsDict.items() for code, _ in pairs}
    assert (ord("葛"), 0xE0100) in variations  # 葛󠄀 keeps its variation sequence
    heading = {chr(code) for code in fonts["KouzanBrushFont"].getBestCmap()}
    assert heading == set("暑中お見舞い申し上げます")


def test_runs_name_the_font_the_card_uses_and_word_is_told_to_use_embedded_fonts(word):
    archive = zipfile.ZipFile(io.BytesIO(word))
    document = archive.read("word/document.xml").decode()
    runs = re.findall(r'w:eastAsia="([^"]+)"/>.*?<w:t[^>]*>([^<]*)<', document)
    assert runs[:3] == [("KouzanBrushFont", "暑中お見舞い申し上げます"),
                        ("BIZ UDMincho", "葛\U000E0100城様"),
                        ("Klee One", "\u3000暑さ厳しき折、どうぞご自愛ください。")]
    assert "<w:br/>" in document  # the template's line break
    settings = archive.read("word/settings.xml").decode()
    assert "<w:embedTrueTypeFonts/><w:saveSubsetFonts/>" in settings
    types = archive.read("[Content_Types].xml").decode()
    assert ('<Default Extension="odttf" ContentType="application/vnd.openxmlformats-'
            'officedocument.obfuscatedFont"/>') in types


def test_the_same_messages_give_the_same_bytes(word):
    assert docx_bytes([MESSAGE]) == word


def test_obfuscation_is_the_first_32_bytes_xored_with_the_reversed_key():
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    data = bytes(range(40))
    hidden = obfuscate(data, key)
    assert hidden[0] == 0 ^ 0xFF and hidden[15] == 15 ^ 0x00 and hidden[16] == 16 ^ 0xFF
    assert hidden[32:] == data[32:] and obfuscate(hidden, key) == data


def test_the_word_file_has_the_words_the_card_prints():
    import io

    import docx as python_docx

    from mailmerge.render.docx import docx_bytes
    from mailmerge.templates.engine import Message

    message = Message("x.j2", "", ("贈答用タオル 10%オフ、3,000円",), "", "", "店")
    document = python_docx.Document(io.BytesIO(docx_bytes([message])))
    text = "".join(p.text for p in document.paragraphs)
    assert "十％オフ" in text and "三千円" in text and "10" not in text
