"""Templates: each card's words, from Jinja2 templates run in a sandbox."""

from pathlib import Path

BUILTIN = Path(__file__).parent / "builtin"  # the templates hagaki comes with
