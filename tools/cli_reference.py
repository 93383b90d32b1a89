"""Write docs/cli.md, the command-line reference, from the click commands themselves.

Usage: python tools/cli_reference.py   (tests/test_cli_reference.py checks it is current)
"""

from __future__ import annotations

from pathlib import Path

import click

from mailmerge.cli import main

TARGET = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def reference() -> str:
    """Every command's --help, in order, as Markdown."""
    parts = ["# hagaki command reference", "",
             "Generated from the code by `python tools/cli_reference.py`; do not edit.", ""]

    def walk(command: click.Command, path: list[str]) -> None:
        context = click.Context(command, info_name=" ".join(path), terminal_width=88,
                                max_content_width=88, help_option_names=["-h", "--help"])
        parts.extend([f"## {' '.join(path)}", "", "```", command.get_help(context), "```", ""])
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                walk(command.get_command(context, name), [*path, name])

    walk(main, ["hagaki"])
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(reference(), encoding="utf-8")
    print(f"wrote {TARGET}")
