"""docs/cli.md and docs/cli.ja.md are generated from the commands and must match them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "cli_reference.py"


def test_the_cli_reference_is_current():
    spec = importlib.util.spec_from_file_location("cli_reference", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for lang, target in module.TARGETS.items():
        assert target.read_text(encoding="utf-8") == module.reference(lang), (
            "run `python tools/cli_reference.py` and commit docs/cli.md and docs/cli.ja.md")
