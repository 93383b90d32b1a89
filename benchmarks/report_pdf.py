"""Benchmark: `hagaki report --out report.pdf` for 10,000 customers, end to end.

A generated shop: benchmarks/run.py's customer list (rare kanji such as 𠮷 included), about
four sales per customer over three years and a send log with a card for every other customer.
Each command runs in a fresh process (start-up included); the stock-take's two stages (the
measures, the PDF) are also timed in this process. --record appends the table to RESULTS.md.
Usage: python benchmarks/report_pdf.py [--customers 10000] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine, timed, write_customers  # noqa: E402

from mailmerge.paperwork.stocktake import stocktake_pdf  # noqa: E402
from mailmerge.report.build import build_report  # noqa: E402
from mailmerge.sendlog.card_rows import LoggedCard, card_rows  # noqa: E402
from mailmerge.sendlog.store import PlannedFile, SendLog  # noqa: E402
from mailmerge.shop.settings import Settings  # noqa: E402
from mailmerge.sources.customers import ReadOptions  # noqa: E402

DAY = dt.date(2026, 11, 23)
SITUATIONS = ("thanks", "dormant", "winback", "nenga")


def write_sales(path: Path, customers: int, seed: int = 17) -> int:
    """About four sales per customer over the three years before DAY; returns the count."""
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["顧客ID", "日付", "商品", "金額"])
        for i in range(customers):
            for _ in range(rng.randint(0, 8)):
                day = DAY - dt.timedelta(days=rng.randint(0, 3 * 365))
                writer.writerow([f"C{i:06d}", day.isoformat(), "湯呑み",
                                 rng.choice((800, 1500, 3000, 5000, 12000))])
                rows += 1
    return rows


def write_log(path: Path, customers: int, seed: int = 17) -> int:
    """A send log with one printed card for every other customer; returns the count."""
    rng = random.Random(seed)
    cards = [LoggedCard(f"C{i:06d}", rng.choice(SITUATIONS), "bench", "builtin",
                        DAY - dt.timedelta(days=rng.randint(1, 400)), i // 2 + 1, "")
             for i in range(0, customers, 2)]
    with SendLog(path) as log:
        run_id, files = log.begin_run("print", [PlannedFile(1, "cards",
                                                            path.with_name("cards.pdf"))])
        log.record_batch(run_id, card_rows(run_id, log.next_card_id(), cards, "bench"),
                         {file_id: ("0" * 64, len(cards)) for file_id in files.values()})
        log.record_run(run_id, {}, [])
        log.finish_run(run_id)
    return len(cards)


def _children_cpu() -> float:
    """User + system seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        customers, sales, log = base / "customers.csv", base / "sales.csv", base / "log.sqlite"
        write_customers(customers, args.customers)
        sale_count = write_sales(sales, args.customers)
        card_count = write_log(log, args.customers)
        common = [sys.executable, "-m", "mailmerge", "report", str(customers), "--sales",
                  str(sales), "--log", str(log), "--date", DAY.isoformat()]
        rows = []
        for name in ("report.pdf", "report.xlsx"):
            target = base / name
            before = _children_cpu()
            seconds, peak = timed([*common, "--out", str(target)])
            rows.append((f"`hagaki report --out {name}`", seconds, _children_cpu() - before,
                         f"{peak:.0f}", f"{target.stat().st_size:,}"))
        start, cpu = time.perf_counter(), time.process_time()
        measures = build_report(customers, sales, Settings(), ReadOptions(), log, DAY)
        rows.append(("in process: the measures (build_report)", time.perf_counter() - start,
                     time.process_time() - cpu, "", ""))
        start, cpu = time.perf_counter(), time.process_time()
        data = stocktake_pdf(measures, Settings())
        rows.append(("in process: the PDF (stocktake_pdf)", time.perf_counter() - start,
                     time.process_time() - cpu, "", f"{len(data):,}"))
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")
    lines = [f"{args.customers:,} customers, {sale_count:,} sales, {card_count:,} logged cards "
             f"({machine()}); the PDF has {pages} A4 pages, "
             f"{len(measures.to_call):,} customers in its 連絡リスト.", "",
             "| what | seconds | CPU seconds | peak MB | bytes |",
             "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {what} | {seconds:.2f} | {cpu:.2f} | {peak} | {size} |"
              for what, seconds, cpu, peak, size in rows]
    print("\n".join(lines))
    if args.record:
        with args.record.open("a", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
