"""Benchmark: peak memory and time of the commands that read long inputs whole.

Each command runs as `python -m mailmerge …` in a fresh process under GNU time (peak
resident size): `hagaki preview` of a 10,000-page PDF, `hagaki print --preview` of 2,000
two-sided cards, and `hagaki fonts --check` on 200,000 rows. --tree runs the commands on
another copy of the package (e.g. `git archive HEAD | tar -x -C /tmp/before`), to compare
before and after; --timeout stops a command that takes too long and records it as stopped.

Usage: python benchmarks/memory.py [--tree DIR] [--label TEXT] [--timeout 900]
       [--only preview,print-preview,fonts-check] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CONFIG, ENVIRONMENT, machine, write_customers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES = ("preview", "print-preview", "fonts-check")


def environment(tree: Path) -> dict[str, str]:
    """The environment that makes `python -m mailmerge` load the package from `tree`."""
    return {**ENVIRONMENT, "PYTHONPATH": str(tree)}


def measure(command: list[str], tree: Path, folder: Path,
            timeout: float) -> tuple[str, str, int | None]:
    """(seconds, peak MB, exit code) of one command run in `folder` (not in the repository:
    `python -m` puts the working folder first on the path); '> timeout' when stopped."""
    start = time.perf_counter()
    try:
        result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True,
                                text=True, env=environment(tree), cwd=folder, timeout=timeout,
                                check=False)
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} (stopped)", "–", None
    seconds = time.perf_counter() - start
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    peak = f"{int(found.group(1)) / 1024:.0f}" if found else "?"
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
    return f"{seconds:.2f}", peak, result.returncode


def hagaki(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "mailmerge", *arguments]


def make_cards(folder: Path, count: int, name: str) -> tuple[Path, list[str]]:
    """A customer list of `count` rows and the print command for both sides of each card."""
    customers = folder / f"{name}.csv"
    write_customers(customers, count)
    command = hagaki("print", str(customers), "--side", "both", "--situation", "shochu",
                     "--date", "2026-07-20", "--config", str(CONFIG), "--force",
                     "--log", str(folder / f"{name}.sqlite"), "--out", str(folder / f"{name}.pdf"))
    return folder / f"{name}.pdf", command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="folder holding mailmerge/")
    parser.add_argument("--label", default="")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--rows", type=int, default=200_000, help="rows for fonts --check")
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    wanted = args.only.split(",")
    tree = args.tree.resolve()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "preview" in wanted:
            pdf, command = make_cards(folder, 5_000, "long")  # 10,000 pages
            subprocess.run(command, env=environment(tree), cwd=folder, check=True,
                           capture_output=True)
            seconds, peak, code = measure(
                hagaki("preview", str(pdf), "--out", str(folder / "long.png")), tree, folder,
                args.timeout)
            rows.append(f"| preview of a 10,000-page PDF | {seconds} | {peak} | {code} |")
        if "print-preview" in wanted:
            _, command = make_cards(folder, 2_000, "cards")
            seconds, peak, code = measure([*command, "--preview"], tree, folder, args.timeout)
            rows.append(f"| print --preview, 2,000 two-sided cards | {seconds} | {peak} | {code} |")
        if "fonts-check" in wanted:
            customers = folder / "many.csv"
            write_customers(customers, args.rows)
            seconds, peak, code = measure(
                hagaki("fonts", "--check", str(customers), "--config", str(CONFIG)), tree,
                folder, args.timeout)
            rows.append(f"| fonts --check, {args.rows:,} rows | {seconds} | {peak} | {code} |")
    table = [f"{args.label or 'memory'} ({machine()}; tree {tree.name or tree}):", "",
             "| command | seconds | peak MB | exit |", "| --- | ---: | ---: | ---: |", *rows]
    print("\n".join(table))
    if args.record:
        with args.record.open("a", encoding="utf-8") as stream:
            stream.write("\n".join(table) + "\n\n")


if __name__ == "__main__":
    main()
