"""Write the command-line reference from the click commands themselves: docs/cli.md in
English and docs/cli.ja.md in Japanese.

Usage: python tools/cli_reference.py   (tests/test_cli_reference.py checks both are current)
"""

from __future__ import annotations

from pathlib import Path

import click

from mailmerge.cli import main
from mailmerge.i18n import speaking

DOCS = Path(__file__).resolve().parent.parent / "docs"
TARGETS = {"en": DOCS / "cli.md", "ja": DOCS / "cli.ja.md"}
TITLES = {"en": ("# hagaki command reference",
                 "Generated from the code by `python tools/cli_reference.py`; do not edit."),
          "ja": ("# hagaki コマンド一覧",
                 "`python tools/cli_reference.py` がコードから作ります。手で直さないでください。")}


def reference(lang: str) -> str:
    """Every command's --help in `lang`, in order, as Markdown."""
    title, note = TITLES[lang]
    parts = [title, "", note, ""]

    def walk(command: click.Command, path: list[str]) -> None:
        context = click.Context(command, info_name=" ".join(path), terminal_width=88,
                                max_content_width=88, help_option_names=["-h", "--help"])
        parts.extend([f"## {' '.join(path)}", "", "```", command.get_help(context), "```", ""])
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                walk(command.get_command(context, name), [*path, name])

    with speaking(lang):
        walk(main, ["hagaki"])
    return "\n".join(parts)


if __name__ == "__main__":
    for lang, target in TARGETS.items():
        target.write_text(reference(lang), encoding="utf-8")
        print(f"wrote {target}")
