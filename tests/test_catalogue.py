"""The one message catalogue: every marked text has English, the compiled .mo is the .po, the
fields of a text survive translation, and the CLI speaks the language asked for."""

from __future__ import annotations

import ast
import io
import re
import string
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import update_catalogue  # noqa: E402

from mailmerge.cli import main  # noqa: E402
from mailmerge.i18n import _, language_from_environment, ngettext, speaking, yen  # noqa: E402

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalog():
    return update_catalogue.read(update_catalogue.PO)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def test_every_marked_text_has_english(catalog):
    extracted = update_catalogue.extracted()
    missing = [message.id for message in extracted
               if message.id and not all(_strings(catalog.get(message.id, message.context)
                                                  or extracted.get(message.id)))]
    assert missing == []
    assert len(extracted) > 10


def test_english_has_no_japanese_left(catalog):
    left = [text for message in catalog if message.id for text in _strings(message)
            if JAPANESE.search(text.replace("円", "").replace("枚", ""))]
    assert left == []


def test_fields_survive_translation(catalog):
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    broken = [(message.id, text) for message in catalog if message.id
              for text in _strings(message)
              if fields(text) - {"n"} != fields(_ids(message)[0]) - {"n"}]
    assert broken == []


def test_compiled_catalogue_is_the_po(catalog):
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    assert compiled.getvalue() == update_catalogue.MO.read_bytes()


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
    ({"LANGUAGE": "ja:en", "LANG": "C"}, "ja"), ({"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP"}, "en"),
    ({"HAGAKI_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"), ({"HAGAKI_LANG": "xx", "LANG": "ja_JP"}, "ja"),
])
def test_language_follows_the_locale(environ, expected):
    assert language_from_environment(environ) == expected


def test_counters_and_yen_read_naturally():
    with speaking("en"):
        assert ngettext("{n:,}枚", "{n:,}枚", 1) == "1 card"
        assert ngettext("{n:,}枚", "{n:,}枚", 2000) == "2,000 cards"
        assert yen(12345) == "¥12,345"
    with speaking("ja"):
        assert ngettext("{n:,}枚", "{n:,}枚", 2000) == "2,000枚"
        assert yen(12345) == "12,345円"
        assert _("番号が違います") == "番号が違います"


def _help_pages(lang: str) -> dict[str, str]:
    """Every command's --help (the group, its commands, `log`'s commands) in `lang`."""
    runner = CliRunner()
    pages = {}

    def walk(command, path: list[str]) -> None:
        result = runner.invoke(main, ["--lang", lang, *path, "--help"])
        assert result.exit_code == 0, result.output
        pages[" ".join(path) or "hagaki"] = result.output
        for name in getattr(command, "commands", {}):
            walk(command.commands[name], [*path, name])

    walk(main, [])
    return pages


def test_cli_help_in_each_language():
    english, japanese = _help_pages("en"), _help_pages("ja")
    assert len(english) == len(japanese) >= 18  # 12 commands, log and its 6
    for name, page in english.items():
        assert not JAPANESE.search(page), (name, page)
        assert "Show this message and exit." in page
    for name, page in japanese.items():
        assert JAPANESE.search(page.split("Options:")[0]), (name, page)
        assert "この説明を表示して終わります。" in page, name
    assert "Print the cards due today" in english["print"]
    assert "今日送るはがきを印刷します" in japanese["print"]
    assert "Mark cards as posted" in english["log"]  # a subgroup's short help
    assert "\n  Exit codes: 0 done" in english["hagaki"]  # a \b paragraph keeps its lines
    assert _("番号が違います") == "番号が違います"  # the language was not left behind


def _own_scope(function: ast.AST):
    """The nodes of a function's own scope (not of nested functions, lambdas or
    comprehensions, whose names are their own)."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, nested):
            stack.extend(ast.iter_child_nodes(node))


def test_no_function_hides_the_translation_function():
    """`kind, _, value = …` in a function that also calls `_(…)` makes `_` a string there:
    the message would crash with a traceback instead of being shown."""
    hiding = []
    for path in sorted((ROOT / "mailmerge").rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            own = list(_own_scope(function))
            binds = any(isinstance(node, ast.Name) and node.id == "_"
                        and isinstance(node.ctx, ast.Store) for node in own)
            calls = any(isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
                        for node in ast.walk(function))
            if binds and calls:
                hiding.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name}")
    assert hiding == []
