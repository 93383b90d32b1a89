"""Take the README's screenshots of `hagaki serve` on the bundled sample shop.

    .venv/bin/python tools/readme_screenshots.py

In: the sample lists and settings in mailmerge/data/, Debian's chromium (/usr/bin/chromium)
driven by Playwright. Out: docs/screenshots/plan.png (Japanese) and plan-en.png (English),
the 今日のはがき page at 1280×800.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "mailmerge" / "data"
TARGET = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


def sample_shop(folder: Path) -> Path:
    shutil.copy(DATA / "sample_hagaki.toml", folder / "hagaki.toml")
    shutil.copy(DATA / "sample_customers.csv", folder / "customers.csv")
    shutil.copy(DATA / "sample_sales.csv", folder / "sales.csv")
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url + "/static/style.css", timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("hagaki serve did not start") from None
            time.sleep(0.1)


@contextlib.contextmanager
def served_sample_shop(day: str | None = None) -> Iterator[str]:
    """The sample shop in a temporary folder, served by `hagaki serve` (on `day`, through
    HAGAKI_TODAY, when given) until the block ends; yields its address."""
    with tempfile.TemporaryDirectory() as folder:
        shop = sample_shop(Path(folder))
        port = free_port()
        environment = {**os.environ, "HAGAKI_TODAY": day} if day else None
        process = subprocess.Popen([sys.executable, "-m", "mailmerge", "serve", str(shop),
                                    "--no-browser", "--port", str(port)], env=environment)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright, closed when the block ends."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with served_sample_shop() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for name, switch in (("plan.png", None), ("plan-en.png", "English")):
            page.goto(url + "/plan")
            if switch:
                page.click(f"header >> text={switch}")
            while not page.evaluate(  # the previews in view have arrived
                    "[...document.images].filter(i => i.getBoundingClientRect().top"
                    " < innerHeight).every(i => i.complete && i.naturalWidth > 0)"):
                time.sleep(0.1)
            page.screenshot(path=TARGET / name)
            print("wrote", TARGET / name)

if __name__ == "__main__":
    main()
