"""Screenshots of every page of `hagaki serve`, on a computer and on a phone, to look at.

    .venv/bin/python tools/screenshots.py

In: the bundled sample shop (mailmerge/data/sample_*), served on a fixed day (HAGAKI_TODAY) so
thank-you cards are due, and Debian's chromium (/usr/bin/chromium) driven by Playwright.
Out: docs/screenshots/pages/NAME-desktop.png (1280×800) and NAME-phone.png (390×844), whole
pages, walking a run as a shop does: the lists, the plan, a card, a proof, a print and its
page, the run marked mailed, the log, the report, the settings and an error page.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Page
from readme_screenshots import chromium, served_sample_shop

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "screenshots" / "pages"
DAY = "2026-11-25"  # a week after the sample sales: thank-you cards are due
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def images_loaded(page: Page) -> None:
    """Wait until the page's fonts and images have arrived (the card previews)."""
    page.evaluate("document.fonts.ready.then(() => true)")
    deadline = time.monotonic() + 30
    while not page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)"):
        if time.monotonic() > deadline:
            return
        time.sleep(0.1)


def shoot(pages: list[Page], name: str, go) -> None:
    """Bring each page (one per size) to a state with `go(page)`, then take it whole."""
    for size, page in zip(SIZES, pages, strict=True):
        go(page)
        images_loaded(page)
        path = TARGET / f"{name}-{size}.png"
        page.screenshot(path=path, full_page=True)
        print("wrote", path.relative_to(ROOT))


def walk(url: str, pages: list[Page]) -> None:
    """A shop's run, page by page; the phone follows the computer on the same shop."""
    def visit(path: str):
        return lambda page: page.goto(url + path)

    for name, path in (("home", "/"), ("customers", "/customers"),
                       ("mapping", "/customers/map"), ("plan", "/plan"), ("card", "/card/2"),
                       ("print", "/print")):
        shoot(pages, name, visit(path))

    def proof(page: Page) -> None:
        page.goto(url + "/print")
        page.click("#proof")
        page.wait_for_selector("#print-result")

    shoot(pages, "proof", proof)
    desktop = pages[0]
    desktop.goto(url + "/print")
    desktop.click("#real")
    desktop.wait_for_url("**/print/runs/**")
    run_page = desktop.url
    shoot(pages, "run", lambda page: page.goto(run_page))
    shoot(pages, "home-waiting", visit("/"))
    shoot(pages, "print-after", visit("/print"))
    desktop.goto(url + "/")
    desktop.click("#waiting button[type=submit]")
    desktop.wait_for_selector("#mailed-done")
    shoot(pages, "home-mailed", lambda page: page.goto(url + "/"))
    for name, path in (("log", "/log"), ("report", "/report"), ("settings", "/settings"),
                       ("not-found", "/nope")):
        shoot(pages, name, visit(path))


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with served_sample_shop(DAY) as url, chromium() as browser:
        pages = [browser.new_page(viewport={"width": w, "height": h},
                                  is_mobile=size == "phone", device_scale_factor=1)
                 for size, (w, h) in SIZES.items()]
        walk(url, pages)

if __name__ == "__main__":
    main()
