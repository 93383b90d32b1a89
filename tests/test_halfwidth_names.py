"""Names a register exported in half-width katakana (ﾀﾅｶ ﾀﾛｳ) stand full width in the card's
columns, as a typesetter sets them; names in other scripts stay exactly as typed."""

from __future__ import annotations

from pdfread import glyphs

from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards

ROWS = [
    "顧客ID,姓,名,敬称,会社名,部署,郵便番号,住所1,住所2,連名",
    "K1,ﾀﾅｶ,ﾀﾛｳ,ｻﾏ,ｶﾌﾞｼｷｶﾞｲｼｬ ﾐﾄﾞﾘ,ｴｲｷﾞｮｳﾌﾞ,1600023,東京都新宿区西新宿2-8-1,,ﾊﾅｺ",
    "K2,,,,ﾕｳｹﾞﾝｶﾞｲｼｬ ﾊﾟﾝﾔ,,6048141,京都府京都市中京区六角通新町西入ル西六角町1,,",
    "K3,髙橋,一郎,,,,1600023,東京都新宿区西新宿2-8-2,,",
]


def printed(tmp_path, settings) -> dict[str, str]:
    """Each customer's page as its glyphs' text, columns only (every glyph upright)."""
    source = tmp_path / "customers.csv"
    source.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    report = print_cards(source, tmp_path / "cards.pdf", settings, RunOptions(
        log=tmp_path / "log.sqlite", sort="id", side="address"))
    assert [c.customer_id for c in report.printed] == ["K1", "K2", "K3"]
    return {customer.customer_id: "".join(g.text for g in glyphs(tmp_path / "cards.pdf", page)
                                          if g.vertical)
            for page, customer in enumerate(report.printed)}


def test_half_width_katakana_names_are_set_full_width_in_their_columns(tmp_path, settings):
    pages = printed(tmp_path, settings)
    for text in ("タナカ", "タロウ", "ハナコ", "サマ", "カブシキガイシャ", "ミドリ", "エイギョウブ"):
        assert text in pages["K1"], text
    assert "ユウゲンガイシャ" in pages["K2"] and "パンヤ" in pages["K2"]
    assert not any("\uff61" <= ch <= "\uff9f" for page in pages.values() for ch in page)


def test_names_in_other_scripts_stay_as_typed(tmp_path, settings):
    assert "髙橋" in printed(tmp_path, settings)["K3"]
