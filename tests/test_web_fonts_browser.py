"""Every Japanese character of ホーム is drawn with a face that has it: the reader's own
Japanese font, or the bundled one where the system has none (never a generic family's box).
Chromium says which font drew each element (CSS.getPlatformFontsForNode)."""

from __future__ import annotations

import re
import subprocess

import pytest
from test_web_browser import ARGS, CHROMIUM, IN_CI, serving
from web_shop import make_shop

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI,
                                reason="/usr/bin/chromium is not installed (CI installs it)")
HEADINGS = "h1, h2, nav a, .badge, th, td, p, li, button"


def japanese_fonts() -> set[str]:
    """The system's font families that have Japanese (fontconfig's answer)."""
    listed = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True,
                            check=False).stdout
    return {name for line in listed.splitlines() for name in line.split(",")}


def test_every_japanese_heading_and_badge_is_drawn_with_a_japanese_face(tmp_path):
    from playwright.sync_api import sync_playwright

    allowed = {"BIZ UDMincho"} | japanese_fonts()
    with serving(make_shop(tmp_path)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + "/")
            page.wait_for_load_state("networkidle")
            page.evaluate("document.fonts.ready.then(() => true)")
            page.screenshot(path=tmp_path / "home.png")
            devtools = page.context.new_cdp_session(page)
            devtools.send("DOM.enable")
            devtools.send("CSS.enable")
            root = devtools.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            drawn = {}
            for node in devtools.send("DOM.querySelectorAll",
                                      {"nodeId": root, "selector": HEADINGS})["nodeIds"]:
                text = devtools.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                drawn[text] = {font["familyName"] for font in fonts}
        finally:
            browser.close()
    assert any("ホーム" in text for text in drawn)
    for html, families in drawn.items():
        text = re.sub(r"<[^>]*>", "", html).strip()
        if any("\u3040" <= char <= "\u9fff" for char in text):
            assert families & allowed, (text, families)
        if text and not any(char.isascii() for char in text):
            assert families <= allowed, (text, families)  # all Japanese: no other face
