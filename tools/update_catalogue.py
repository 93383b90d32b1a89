"""Bring the message catalogue up to date: extract every marked text, keep the translations
already made, add those of the given .po fragments, and compile the .mo.

    .venv/bin/python tools/update_catalogue.py [--dry-run] [FRAGMENT.po ...]

In: mailmerge/**.py and mailmerge/web/templates/*.html (the `_`, `ngettext`, `pgettext`, `N_`
marks); mailmerge/i18n/locale/en/LC_MESSAGES/hagaki.po. Out: that .po rewritten and hagaki.mo
compiled beside it (not with --dry-run); the texts still without an English translation are
listed with where they are (exit 1).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "mailmerge/i18n/locale/en/LC_MESSAGES/hagaki.po"
MO = PO.with_suffix(".mo")
METHODS = [("mailmerge/**.py", "python"),
           ("mailmerge/web/templates/**.html", "jinja2.ext:babel_extract")]
STAMP = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)  # fixed: no churn per run
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def extracted() -> Catalog:
    """Every marked text in the package, as a template catalogue."""
    template = _new_catalog()
    for filename, line, message, comments, context in extract_from_dir(
            ROOT, METHODS, keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True):
        template.add(message, locations=[(filename, line)], auto_comments=comments,
                     context=context)
    return template


def _new_catalog() -> Catalog:
    return Catalog(locale="en", domain="hagaki", project="hagaki", version="0.1",
                   copyright_holder="the hagaki authors", msgid_bugs_address="-",
                   last_translator="the hagaki authors", language_team="-",
                   creation_date=STAMP, revision_date=STAMP, fuzzy=False)


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale="en", domain="hagaki")


def updated(fragments: list[Path]) -> Catalog:
    """The English catalogue with every extracted text, translated where anyone has (a
    fragment's translation replaces the catalogue's)."""
    catalog = read(PO) if PO.exists() else _new_catalog()
    catalog.update(extracted(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.revision_date = STAMP
    for fragment in fragments:
        for message in read(fragment):
            if not message.id or not message.string:
                continue
            mine = catalog.get(message.id, message.context)
            if mine is not None:  # a fragment is newer than the catalogue: its words win
                mine.string = message.string
    return catalog


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def _write(path: Path, writer) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as file:
        writer(file)
    os.replace(temporary, path)


def main(arguments: list[str]) -> int:
    dry_run = "--dry-run" in arguments
    catalog = updated([Path(argument) for argument in arguments if argument != "--dry-run"])
    if not dry_run:  # written whole and renamed: others may run this at the same time
        _write(PO, lambda file: write_po(file, catalog, width=100, sort_output=True))
        _write(MO, lambda file: write_mo(file, catalog, use_fuzzy=False))
    missing = [message for message in catalog if message.id and not _translated(message)]
    for message in missing:
        where = " ".join(f"{path}:{line}" for path, line in message.locations)
        print(f"untranslated: {where} {message.id!r}")
    print(f"{len(catalog)} texts, {len(missing)} without English")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
