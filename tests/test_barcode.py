"""Customer barcode against Japan Post's worked examples (spec/japan-post.md)."""

from __future__ import annotations

import pytest

from mailmerge.barcode import address_number, characters, check_character, encode


@pytest.mark.parametrize(("address", "town", "data"), [
    ("緑町3丁目30-8 郵便ビル403号", "緑町", "3-30-8-403"),
    ("台東5-6-3 ABCビル10F", "台東", "5-6-3-10"),
    ("北六条東4丁目 郵便センター6号館", "北六条東", "4-6"),
    ("韮崎400", "韮崎", "400"),
    ("東3丁目-20-5 郵便・A&bコーポB604号", "東", "3-20-5B604"),
    ("1-3-2-503", "", "1-3-2-503"),
    ("東京都千代田区丸の内1-9-1 グラントウキョウノースタワー40F", "丸の内", "1-9-1-40"),
])
def test_address_numbers_of_the_manuals_examples(address, town, data):
    assert address_number(address, town) == data


def test_kanji_numerals_become_digits():
    assert address_number("三丁目三十番八号") == "3-30-8"
    assert address_number("四〇三") == "403"


def test_the_manuals_check_character_example():
    data = characters("1000013", "1-3-2-503")
    assert data[7:] == ["1", "-", "3", "-", "2", "-", "5", "0", "3", "CC4", "CC4", "CC4",
                        "CC4"]
    assert check_character(data) == "9"


def test_letters_take_two_characters_and_the_sum_is_a_multiple_of_19():
    data, bars = encode("1000013", "東3丁目-20-5 郵便・A&bコーポB604号", "東")
    assert data[7:20] == ["3", "-", "2", "0", "-", "5", "CC1", "1", "6", "0", "4", "CC4",
                          "CC4"]
    values = {**{str(d): d for d in range(10)}, "-": 10, **{f"CC{n}": 10 + n for n in range(1, 9)}}
    assert sum(values[c] for c in data) % 19 == 0
    assert len(bars) == 67 and bars.startswith("FD") and bars.endswith("DF")


def test_letters_beyond_t_use_cc3():
    assert characters("1000013", "1U2")[7:11] == ["1", "CC3", "0", "2"]
    assert characters("1000013", "1K2")[7:11] == ["1", "CC2", "0", "2"]


def test_the_printed_bars_decode_back_to_the_address(tmp_path):
    import pdfplumber
    from click.testing import CliRunner

    from mailmerge.barcode import BARS
    from mailmerge.layout.profiles import load_profile

    customers = tmp_path / "c.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1,住所2\n"
                         "C1,山田,太郎,100-0005,東京都千代田区丸の内1-9-1,グラントウキョウノースタワー40F\n",
                         encoding="utf-8")
    out = tmp_path / "bar.pdf"
    from mailmerge.cli import main

    result = CliRunner().invoke(main, ["print", str(customers), "--barcode", "--out", str(out),
                                       "--log", str(tmp_path / "log.sqlite"), "--no-sender"])
    assert result.exit_code == 0, result.output
    profile = load_profile("official")
    mm = 72 / 25.4
    with pdfplumber.open(out) as pdf:
        bars = sorted((r for r in pdf.pages[0].rects if r["fill"]), key=lambda r: r["x0"])
    assert len(bars) == 67
    scale = profile.barcode_grade_pt / 10
    kinds = []
    for bar in bars:
        top = bar["top"] / mm - profile.barcode_top
        height = (bar["bottom"] - bar["top"]) / mm
        assert (bar["x1"] - bar["x0"]) / mm == pytest.approx(0.6 * scale, abs=0.01)
        if height > 3.0 * scale:
            kinds.append("F")
        elif height < 1.8 * scale:
            kinds.append("T")
        else:
            kinds.append("A" if top < 0.6 * scale else "D")
    pitches = {round((b["x0"] - a["x0"]) / mm, 3) for a, b in zip(bars, bars[1:], strict=False)}
    assert pitches == {round(1.2 * scale, 3)}
    decoded = "".join(kinds)
    assert decoded[:2] == "FD" and decoded[-2:] == "DF"
    by_bars = {bars_: char for char, bars_ in BARS.items()}
    characters_ = [by_bars[decoded[i:i + 3]] for i in range(2, 65, 3)]
    assert characters_[:7] == list("1000005")
    assert "".join(c for c in characters_[7:20] if c != "CC4") == "1-9-1-40"
    assert characters_ == encode("1000005", "東京都千代田区丸の内1-9-1グラントウキョウノースタワー40F",
                                 "丸の内")[0]
