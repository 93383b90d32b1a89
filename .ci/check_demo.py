"""Read what `hagaki demo` wrote (run from the installed wheel) and fail unless every card of
every run is in its PDF, both sides for the two-sided run, each page with printed text.

Usage: check_demo.py DEMO_FOLDER (run with the test venv's python: it has pypdf)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from pypdf import PdfReader

EXPECTED = {"address-official.pdf": 1, "address-plain.pdf": 1, "cards-both-sides.pdf": 2,
            "shochu-messages.pdf": 1}  # pages per card


def main(folder: Path) -> None:
    with sqlite3.connect(folder / "demo-log.sqlite") as db:
        rows = db.execute(
            "SELECT f.path, COUNT(c.id) FROM run_files f JOIN cards c ON c.run_id = f.run_id "
            "WHERE f.state = 'in_place' GROUP BY f.path")
        # the log keeps its run files relative to its own folder
        cards = {(folder / path).resolve(): count for path, count in rows}
    for name, sides in EXPECTED.items():
        logged = cards.get((folder / name).resolve(), 0)
        pages = PdfReader(folder / name).pages
        texts = [page.extract_text() or "" for page in pages]
        if logged == 0 or len(pages) != sides * logged or not all(t.strip() for t in texts):
            raise SystemExit(f"{name}: {len(pages)} pages for {logged} logged cards "
                             f"({sides} a card); pages without text: "
                             f"{sum(not t.strip() for t in texts)}")
        print(f"{name}: {logged} cards, {len(pages)} pages")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
