"""Click's own words (Usage:, Options, Error: …, Missing option …) in Japanese when hagaki
speaks Japanese.

Click writes them through the standard library's gettext, bound in each of its modules as `_`
and `ngettext`; it ships no Japanese. `install()` points those names at `clicks_word`, which
gives the Japanese below when the current language (mailmerge.i18n) is Japanese and click's
English otherwise. A text click adds later and this table lacks stays English.
In: click's English msgids. Out: the same text, in Japanese where the table has it.
"""

from __future__ import annotations

import importlib

from mailmerge.i18n import language

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui",
                 "types", "utils")
JAPANESE = {
    "Usage:": "使い方:",
    "Options": "オプション",
    "Commands": "コマンド",
    "Error: {message}": "エラー: {message}",
    "Try '{command} {option}' for help.": "説明は '{command} {option}' で見られます。",
    "Missing argument": "次の引数がありません:",
    "Missing option": "次のオプションがありません:",
    "Missing parameter": "次の指定がありません:",
    "Missing {param_type}": "{param_type} がありません",
    "Missing parameter: {param_name}": "指定がありません: {param_name}",
    "Missing command.": "コマンドを指定してください。",
    "No such command {name!r}.": "コマンド {name!r} はありません。",
    "No such option {name!r}.": "オプション {name!r} はありません。",
    "Option {name!r} does not take a value.": "オプション {name!r} に値は付けられません。",
    "Invalid value for {param_hint}: {message}": "{param_hint} の値が違います: {message}",
    "Invalid value: {message}": "値が違います: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} は数ではありません。",
    "{value} is not in the range {range}.": "{value} は {range} の範囲にありません。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} がありません。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} はフォルダです。",
    "{name} {filename!r} is a file.": "{name} {filename!r} はファイルです。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} を読めません。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} に書けません。",
    "file": "ファイル",
    "directory": "フォルダ",
    "path": "パス",
    "default: {default}": "既定: {default}",
    "required": "必須",
    "Show the version and exit.": "版を表示して終わります。",
    "Aborted!": "中止しました。",
    "Repeat for confirmation": "確かめのため、もう一度入れてください",
    "Error: The two entered values do not match.": "エラー: 二つの入力が違います。",
    "Error: invalid input": "エラー: 入力が違います",
    "Do you want to continue?": "続けますか？",
}
JAPANESE_PLURALS = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("{possibility} のことですか？", "（{possibilities} のどれかのことですか？）"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("余分な引数があります（{args}）", "余分な引数があります（{args}）"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("オプション {name!r} には値が要ります。",
         "オプション {name!r} には値が {nargs} 個要ります。"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} は {choice} ではありません。", "{value!r} は {choices} のどれでもありません。"),
}


def clicks_word(message: str) -> str:
    """Click's `message` in the current language."""
    return JAPANESE.get(message, message) if language() == "ja" else message


def clicks_plural(singular: str, plural: str, n: int) -> str:
    """Click's singular or plural text for `n` in the current language."""
    if language() == "ja" and (singular, plural) in JAPANESE_PLURALS:
        singular, plural = JAPANESE_PLURALS[(singular, plural)]
    return singular if n == 1 else plural


def install() -> None:
    """Make click's modules ask `clicks_word` / `clicks_plural` for their words."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = clicks_word
        if hasattr(module, "ngettext"):
            module.ngettext = clicks_plural
