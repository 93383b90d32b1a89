"""Benchmarks: hagaki end to end (`python -m mailmerge print` in a fresh process, so start-up,
font loading, layout, subsetting, the atomic write and the send log are all included),
against the floor: reportlab itself writing the same number of pages and text strings with
a built-in font.

Prints a Markdown table (cards, sides, seconds, ratio to the floor, peak MB, bytes per
card); --record appends it to benchmarks/RESULTS.md.

The floor needs reportlab: pip install -e '.[bench]'.
Usage: python benchmarks/run.py [--quick] [--jobs N] [--record benchmarks/RESULTS.md]
(benchmarks/compare.py runs an old tree and this one in turn, with the floor, for every row.)
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mailmerge" / "data" / "sample_hagaki.toml"
FAMILIES = ["髙橋", "佐藤", "鈴木", "山﨑", "渡邉", "齋藤", "德永", "田中", "伊藤", "中村"]
GIVENS = ["一郎", "花子", "健太", "美咲", "誠", "由美", "陽子", "直人", "恵", "翔太"]
PLACES = [
    ("1600023", "東京都新宿区西新宿{a}-{b}-{c}", "ウエストタワー{r}号"),
    ("5300001", "大阪府大阪市北区梅田{a}-{b}-{c}", "ｸﾞﾗﾝﾌﾛﾝﾄ{r}"),
    ("2310023", "神奈川県横浜市中区山下町{a}-{b}-{c}", ""),
    ("4600001", "愛知県名古屋市中区三の丸{a}-{b}-{c}", "三の丸ハイツ{r}"),
    ("0600001", "北海道札幌市中央区北一条西{a}丁目{b}番{c}号", "時計台ビル{r}"),
]
# Python's bytecode cache on, as after any installation (a PYTHONDONTWRITEBYTECODE=1 shell
# would make every start compile hagaki's modules again: about 60 ms more per run).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FLOOR_SCRIPT = """
import sys, time
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
rl_config.useA85 = 0
pages, strings, target = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
canvas = Canvas(target, pagesize=(283.46, 419.53), invariant=1, pageCompression=1)
for page in range(pages):
    canvas.setFont("Helvetica", 10)
    for i in range(strings):
        canvas.drawString(20 + (i % 7) * 30, 20 + (i // 7 % 30) * 12, "hagaki 1234")
    canvas.showPage()
canvas.save()
"""


def machine() -> str:
    """What the figures were measured on."""
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}")


def publish(lines: list[str], record: Path | None) -> None:
    """Print a result table, and append it to `record` (RESULTS.md) when given."""
    text = "\n".join(lines)
    print(text)
    if record:
        with record.open("a", encoding="utf-8") as stream:
            stream.write("\n" + text + "\n")


def write_customers(path: Path, count: int) -> None:
    """A customer list of `count` distinct customers with rare kanji, half-width kana
    buildings and a 連名 on every 7th card."""
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


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one command (GNU time when present)."""
    start = time.perf_counter()
    if Path("/usr/bin/time").exists():
        result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True,
                                text=True, check=True, env=ENVIRONMENT)
        seconds = time.perf_counter() - start
        peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
        return seconds, int(peak.group(1)) / 1024 if peak else float("nan")
    subprocess.run(command, capture_output=True, check=True, env=ENVIRONMENT)
    return time.perf_counter() - start, float("nan")


def hagaki(count: int, side: str, folder: Path, attempt: str = "",
           jobs: int | None = None) -> dict:
    customers = folder / f"customers-{count}.csv"
    if not customers.exists():
        write_customers(customers, count)
    output = folder / f"cards-{count}-{side}{attempt}.pdf"
    command = [sys.executable, "-m", "mailmerge", "print", str(customers), "--out", str(output),
               "--config", str(CONFIG),
               "--log", str(folder / f"log-{count}-{side}{attempt}.sqlite"),
               "--side", side]
    if side != "address":  # a seasonal message of ~150 characters
        command += ["--situation", "shochu", "--date", "2026-07-20"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    seconds, peak = timed(command)
    files = [output] if output.exists() else sorted(folder.glob(f"{output.stem}-*.pdf"))
    return {"cards": count, "side": side, "seconds": seconds, "peak_mb": peak,
            "bytes_per_card": sum(f.stat().st_size for f in files) / count, "pdf": files[0],
            "files": len(files)}


def strings_per_page(pdf: Path) -> int:
    """How many text strings (TJ operators) hagaki drew per page, on average."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    sample = range(min(len(reader.pages), 200))
    shown = sum(reader.pages[i].get_contents().get_data().count(b" TJ") for i in sample)
    return round(shown / len(sample))


def floor(pages: int, strings: int, folder: Path) -> float:
    script = folder / "floor.py"
    script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    seconds, _ = timed([sys.executable, str(script), str(pages), str(strings),
                        str(folder / "floor.pdf")])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 50,000-card run")
    parser.add_argument("--record", type=Path, help="append the table to this Markdown file")
    parser.add_argument("--jobs", type=int,
                        help="hagaki print --jobs (default: hagaki's own, one per core)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        hagaki(10, "both", folder, "warm-up")  # writes the bytecode cache, if it was missing
        # The ratio row: best of three of each, so a busy moment on the machine does not decide
        two_sided = min((hagaki(2000, "both", folder, f"try{n}", args.jobs) for n in range(3)),
                        key=lambda row: row["seconds"])
        strings = strings_per_page(two_sided["pdf"])
        floor_seconds = min(floor(4000, strings, folder) for _ in range(3))
        two_sided["ratio"] = two_sided["seconds"] / floor_seconds
        rows.append(two_sided)
        rows.append(min((hagaki(1000, "address", folder, f"try{n}", args.jobs) for n in range(3)),
                        key=lambda row: row["seconds"]))
        for count in (1000, 10000) + (() if args.quick else (50000,)):
            rows.append(hagaki(count, "both", folder, jobs=args.jobs))
    lines = [
        f"End to end ({machine()}). Floor: reportlab writing 4,000 pages of {strings} "
        f"strings each with Helvetica: {floor_seconds:.2f} s (best of 3; the 2,000-card and the "
        "1,000 address-side rows too). printha, a C++ address printer, makes 1,000 address "
        "sides in about 0.45 s on this kind of machine.",
        "",
        "| cards | sides | files | seconds | ratio to floor | ms per card | peak MB | "
        "bytes per card |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "–"
        lines.append(f"| {row['cards']:,} | {row['side']} | {row['files']} | "
                     f"{row['seconds']:.2f} | {ratio} | {row['seconds'] / row['cards'] * 1000:.2f} "
                     f"| {row['peak_mb']:.0f} | {row['bytes_per_card']:.0f} |")
    publish(lines, args.record)


if __name__ == "__main__":
    main()
