"""Benchmark: `hagaki check` on a 100,000-row customer CSV, end to end in a fresh process.

Prints seconds and peak resident memory; --record appends the line to benchmarks/RESULTS.md.
Usage: python benchmarks/check_100k.py [--rows 100000] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine, write_customers  # noqa: E402  (the customers run.py generates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        customers = Path(folder) / "customers.csv"
        write_customers(customers, args.rows)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "mailmerge", "check", str(customers),
                                 "--format", "json"], stdout=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line = (f"`hagaki check` on {args.rows:,} rows: {seconds:.2f} s, peak {peak_mb:.0f} MB, "
            f"exit {result.returncode} ({machine()})")
    print(line)
    if args.record:
        with args.record.open("a", encoding="utf-8") as stream:
            stream.write(line + "\n\n")


if __name__ == "__main__":
    main()
