"""docs/cli.md and docs/cli.ja.md are generated from the commands and must match them.

The reference is made in a fresh process with an English locale, as `python
tools/cli_reference.py` is run (click names its types, FILE or PATH, when the commands are
built, in the language of that moment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "cli_reference.py"
MADE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("cli_reference", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps({lang: [str(target), module.reference(lang)]
                  for lang, target in module.TARGETS.items()}))
"""


def test_the_cli_reference_is_current():
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("HAGAKI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    result = subprocess.run([sys.executable, "-c", MADE, str(TOOL)], capture_output=True,
                            text=True, encoding="utf-8", check=True,
                            env={**environment, "LANG": "C.UTF-8"})
    for target, made in json.loads(result.stdout).values():
        assert Path(target).read_text(encoding="utf-8") == made, (
            "run `python tools/cli_reference.py` and commit docs/cli.md and docs/cli.ja.md")
