"""Run as a script in an empty folder: use hagaki as a shop would (the demo, a 年賀状 run on
年賀はがき and on A4, check, the report, a shop's first steps, every page of `hagaki serve` in
both languages) and print, as JSON, every file of the package the code opened (Python's audit
hook sees each open)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import mailmerge

PACKAGE = Path(mailmerge.__file__).resolve().parent
opened: set[str] = set()


def _record(event: str, args: tuple) -> None:
    if event != "open" or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path = Path(os.fsdecode(args[0])).resolve()
    if PACKAGE in path.parents and path.suffix not in (".py", ".pyc"):
        opened.add(path.relative_to(PACKAGE).as_posix())


def _invoke(*arguments: str) -> None:
    from click.testing import CliRunner

    from mailmerge.cli import main

    result = CliRunner().invoke(main, list(arguments))
    if result.exit_code not in (0, 1):  # 1: the command refused the input, as it may
        raise SystemExit(f"hagaki {' '.join(arguments)}: {result.output}{result.exception!r}")


def use_the_commands() -> Path:
    """The demo, seasonal runs, check, report, init; the shop folder made by init."""
    data = PACKAGE / "data"
    _invoke("demo", "--out", "demo")
    shop = Path("shop")
    _invoke("init", str(shop), "--name", "喫茶さくら", "--postal-code", "604-0925",
            "--address", "京都府京都市中京区寺町通御池上る上本能寺前町488")
    shutil.copy(data / "sample_customers.csv", shop / "customers.csv")
    shutil.copy(data / "sample_sales.csv", shop / "sales.csv")
    customers, config = str(shop / "customers.csv"), str(shop / "hagaki.toml")
    for layout in ("nenga", "official"):
        _invoke("print", customers, "--config", config, "--situation", "nenga", "--date",
                "2026-12-10", "--layout", layout, "--side", "both", "--proof",
                "--out", f"nenga-{layout}.pdf")
    _invoke("print", customers, "--config", config, "--impose", "a4", "--proof",
            "--out", "a4.pdf")
    _invoke("check", customers, "--config", config)
    _invoke("--lang", "en", "report", customers, "--config", config, "--sales",
            str(shop / "sales.csv"), "--out", "report.pdf")
    _invoke("fonts")
    return shop


def use_the_pages(shop: Path) -> None:
    """Every page of `hagaki serve`, in Japanese and in English, and what the pages load."""
    from starlette.testclient import TestClient

    from mailmerge.web.app import create_app

    pages = ["/", "/customers", "/plan", "/print", "/log", "/report", "/report/report.xlsx",
             "/settings", "/settings/calibration.pdf", "/preview/2/address.png",
             "/preview/2/message.png", "/card/2"]
    with TestClient(create_app(shop.resolve(), {"testserver"})) as client:
        for language in ("ja", "en"):
            client.cookies.set("hagaki_lang", language)
            for page in pages:
                text = client.get(page).text
                for asset in re.findall(r'(?:href|src)="(/(?:static|fonts|settings)/[^"]+)"',
                                        text):
                    client.get(asset)


def bundled_fonts() -> set[str]:
    """The bundled fonts the catalogue opens (HarfBuzz opens them in C, unseen by the hook)."""
    from mailmerge.typeface.catalog import bundled_entries

    return {entry.path.resolve().relative_to(PACKAGE).as_posix() for entry in bundled_entries()}


if __name__ == "__main__":
    sys.addaudithook(_record)
    use_the_pages(use_the_commands())
    opened |= bundled_fonts()
    print(json.dumps(sorted(opened), ensure_ascii=False))
