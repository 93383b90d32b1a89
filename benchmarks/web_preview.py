"""Benchmark: `hagaki serve` feeling direct — one card's preview and the plan page.

A generated shop of 1,000 customers (benchmarks/run.py's list: rare kanji, 連名) with a sale
each three days ago, so 1,000 お礼状 are due; the shop's settings are tests/data/hagaki.toml.
Measured in this process through Starlette's TestClient, after one warm-up request:
- one card's preview: laying out the message side (template, layout), writing its PDF and
  rendering the PNG at screen resolution (425 × 630 px) — the target is ≤ 150 ms;
- the same preview as an HTTP request, which also reads the lists and plans the day;
- the 今日のはがき page for 1,000 customers (HTML; thumbnails load lazily) — target ≤ 1 s.
Median of --repeat runs. --record appends the table to RESULTS.md.
Usage: python benchmarks/web_preview.py [--customers 1000] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from msgspec.structs import replace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine, publish, write_customers  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from mailmerge import clock
from mailmerge.render.page_png import page_png  # noqa: E402
from mailmerge.web import preview  # noqa: E402
from mailmerge.web.app import create_app  # noqa: E402

SETTINGS = Path(__file__).resolve().parent.parent / "tests" / "data" / "hagaki.toml"
TARGETS_MS = {"card": 150, "plan": 1000}


def make_shop(folder: Path, customers: int) -> None:
    shutil.copy(SETTINGS, folder / "hagaki.toml")
    write_customers(folder / "customers.csv", customers)
    day = clock.today() - dt.timedelta(days=3)
    with (folder / "sales.csv").open("w", encoding="utf-8") as stream:
        stream.write("顧客ID,日付,商品,金額\n")
        stream.writelines(f"C{i:06d},{day},急須,5500\n" for i in range(customers))


def median_ms(action, repeat: int) -> float:
    action()  # warm-up: fonts, templates and Japan Post's data loaded once
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def card_only(desk, row: int):
    """The card's part of a preview: layout + PDF + PNG (the plan made once, outside)."""
    maker, job = preview._card(desk, clock.today(), row, "message")

    def draw() -> bytes:
        pages, _ = maker.pages(replace(job, edit=None))
        return page_png(pages[0])

    return draw


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        make_shop(folder, args.customers)
        app = create_app(folder, {"testserver"})
        with TestClient(app) as client:
            start = time.perf_counter()
            plan_page = client.get("/plan")
            first_ms = (time.perf_counter() - start) * 1000
            planned = plan_page.text.count('class="planned"')
            rows = [
                ("card", "one card's preview: layout + PDF + PNG (message side)",
                 median_ms(card_only(app.state.desk, 2), args.repeat)),
                ("request", "the same as an HTTP request (the day's plan kept by the server)",
                 median_ms(lambda: client.get("/preview/2/message.png"), max(3, args.repeat // 3))),
                ("plan", f"今日のはがき page, {args.customers:,} customers ({planned:,} cards): "
                         "first request, reading and planning (fonts loaded cold)", first_ms),
                ("kept", "the same page again (the plan kept)",
                 median_ms(lambda: client.get("/plan"), max(3, args.repeat // 3))),
            ]
    lines = [f"## {time.strftime('%Y-%m-%d')}, hagaki serve: preview and plan page", "",
             f"{machine()}. Median of runs after a warm-up, in this process (TestClient).", "",
             "| what | ms | target |", "| --- | ---: | ---: |"]
    lines += [f"| {label} | {ms:,.0f} | {f'≤ {TARGETS_MS[key]:,}' if key in TARGETS_MS else '–'} |"
              for key, label, ms in rows]
    publish(lines, args.record)


if __name__ == "__main__":
    main()
