"""The readers of lists, settings and templates speak the language asked for: Japanese as
written, English from the catalogue. Codes, rows and fields stay the same in both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mailmerge.errors import ConfigError, InputError, TemplateProblem
from mailmerge.i18n import speaking
from mailmerge.shop.settings import load_settings
from mailmerge.sources.sourceset import read_customers
from mailmerge.templates.engine import Templates
from mailmerge.templates.filters import jikou, month_day, wareki_date

HEADER = "顧客ID,姓,名,郵便番号,住所1\n"
GOOD = "C001,髙橋,一郎,160-0023,東京都新宿区西新宿2-8-1\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "csv: 3 行目（テキストの 3 行目）で始まる引用符（\"）が最後まで閉じていません"),
    ("en", "csv: the quote (\") that starts in row 3 (line 3 of the text) is never closed"),
])
def test_an_unbalanced_quote(tmp_path, lang, expected):
    path = write(tmp_path, "c.csv", HEADER + GOOD + 'C002,"山田,花子,160-0023,東京都\n')
    with speaking(lang), pytest.raises(InputError) as raised:
        read_customers(path)
    assert expected in str(raised.value)


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "郵便番号 '12345' は 7 桁ではありません（100-0001 のように書いてください）"),
    ("en", "Postal code '12345' is not 7 digits (write it like 100-0001)"),
])
def test_a_bad_postal_code_row(tmp_path, lang, expected):
    path = write(tmp_path, "c.csv", HEADER + GOOD + "C002,山田,花子,12345,東京都新宿区\n")
    with speaking(lang):
        result = read_customers(path)
    [problem] = result.problems
    assert (problem.row, problem.column, problem.code, problem.severity) == (
        3, "郵便番号", "postal-format", "error")
    assert problem.message == expected
    assert [c.customer_id for c in result.customers] == ["C001"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "mine.j2 2 行目: 変数 'nickname' はありません。"),
    ("en", "mine.j2 line 2: there is no variable 'nickname'."),
])
def test_a_template_mistake(tmp_path, lang, expected):
    path = write(tmp_path, "mine.j2", "{% block body %}\n{{ nickname }}さん\n{% endblock %}\n")
    with speaking(lang), pytest.raises(TemplateProblem) as raised:
        Templates(single_file=path).render(path.name, {})
    assert str(raised.value).startswith(expected)


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "hagaki.toml 3 行目: [print] ofset_x という設定はありません。"
           "「offset_x」の書き間違いではありませんか？"),
    ("en", "hagaki.toml line 3: there is no setting [print] ofset_x. Did you mean \"offset_x\"?"),
])
def test_a_misspelt_setting(tmp_path, lang, expected):
    path = write(tmp_path, "hagaki.toml", '[print]\noffset_y = 1.0\nofset_x = 0.5\n')
    with speaking(lang), pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(raised.value) == f"{tmp_path}/{expected}"


def test_card_words_stay_japanese_in_english():
    """Only messages change: what a template writes on the card is the same in both."""
    day = dt.date(2026, 11, 23)
    with speaking("en"):
        assert (wareki_date(day), month_day(day), jikou(day)) == (
            "令和八年十一月二十三日", "十一月二十三日", "晩秋の候")
