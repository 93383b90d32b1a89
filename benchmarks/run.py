"""Benchmark: address sides for 1,000 and 10,000 customers, end to end (`hagaki print` in a
fresh process, start-up included). Writes a generated customer list, times the command,
measures peak memory and output size, and prints a Markdown table.

Usage: python benchmarks/run.py [--counts 1000 10000] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ["髙橋", "佐藤", "鈴木", "山﨑", "渡邉", "齋藤", "德永", "田中", "伊藤", "中村"]
GIVENS = ["一郎", "花子", "健太", "美咲", "誠", "由美", "陽子", "直人", "恵", "翔太"]
PLACES = [
    ("1600023", "東京都新宿区西新宿{a}-{b}-{c}", "ウエストタワー{r}号"),
    ("5300001", "大阪府大阪市北区梅田{a}-{b}-{c}", "ｸﾞﾗﾝﾌﾛﾝﾄ{r}"),
    ("2310023", "神奈川県横浜市中区山下町{a}-{b}-{c}", ""),
    ("4600001", "愛知県名古屋市中区三の丸{a}-{b}-{c}", "三の丸ハイツ{r}"),
    ("0600001", "北海道札幌市中央区北一条西{a}丁目{b}番{c}号", "時計台ビル{r}"),
]


def write_customers(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["顧客ID", "姓", "名", "敬称", "郵便番号", "住所1", "住所2", "連名"])
        for i in range(count):
            postal, address, building = PLACES[i % len(PLACES)]
            numbers = {"a": i % 9 + 1, "b": i % 23 + 1, "c": i + 1, "r": 100 + i % 900}
            writer.writerow([
                f"C{i:06d}", FAMILIES[i % 10], GIVENS[(i // 10) % 10], "様", postal,
                address.format(**numbers), building.format(**numbers),
                "花子" if i % 7 == 0 else "",
            ])


def run_once(count: int, folder: Path) -> dict:
    customers = folder / f"customers-{count}.csv"
    write_customers(customers, count)
    output = folder / f"cards-{count}.pdf"
    command = [sys.executable, "-m", "mailmerge", "print", str(customers), "--out", str(output),
               "--config", str(ROOT / "mailmerge" / "data" / "sample_hagaki.toml")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "cards": count,
        "seconds": seconds,
        "per_1000": seconds / count * 1000,
        "peak_mb": max(peak_kb, before) / 1024,
        "bytes_per_card": output.stat().st_size / count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--record", type=Path, help="append the table to this Markdown file")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for count in args.counts:
            rows.append(run_once(count, Path(folder)))
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    lines = [
        f"Address sides, `hagaki print` end to end ({machine})",
        "",
        "| cards | seconds | s per 1,000 | peak MB | bytes per card |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {r['cards']:,} | {r['seconds']:.2f} | {r['per_1000']:.2f} | "
              f"{r['peak_mb']:.0f} | {r['bytes_per_card']:.0f} |" for r in rows]
    table = "\n".join(lines)
    print(table)
    if args.record:
        with args.record.open("a", encoding="utf-8") as stream:
            stream.write(table + "\n\n")


if __name__ == "__main__":
    main()
