"""Benchmark: the 今日のはがき page and its thumbnails, as a browser loads them.

The shop of benchmarks/web_preview.py (1,000 customers, each with a sale three days ago, so
1,000 お礼状 are due; tests/data/hagaki.toml's settings). Through Starlette's TestClient, in
this process, after one warm-up shop (fonts, templates and Japan Post's data loaded once):
- the first 今日のはがき page of a fresh server (it plans the day);
- then 20 thumbnails (/preview/ROW/SIDE.png: the first 10 cards, both sides), one by one;
- the page again, and one thumbnail after a correction (the day must be planned again).
Both ways, one after the other on the same machine: keeping the day's plan between requests
(the Desk's cache), and planning afresh for every request (as before the cache; --fresh only).
--record appends the table to RESULTS.md.
Usage: python benchmarks/web_thumbnails.py [--customers 1000] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine, publish  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from web_preview import make_shop  # noqa: E402

from mailmerge.web.app import create_app  # noqa: E402
from mailmerge.web.desk import Desk  # noqa: E402

THUMBNAILS = 20


def timed(action) -> float:
    """Milliseconds `action` took (it must succeed)."""
    start = time.perf_counter()
    response = action()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (response.status_code, response.text[:200])
    return elapsed


def measure(folder: Path) -> dict[str, float]:
    """The page, the thumbnails and a page after a change, on a fresh server for `folder`."""
    with TestClient(create_app(folder, {"testserver"})) as client:
        first = timed(lambda: client.get("/plan"))
        page = client.get("/plan").text
        rows = [int(row) for row in re.findall(r"/preview/(\d+)/address\.png", page)]
        paths = [f"/preview/{row}/{side}.png" for row in rows[:THUMBNAILS // 2]
                 for side in ("address", "message")]
        thumbnails = [timed(lambda path=path: client.get(path)) for path in paths]
        again = timed(lambda: client.get("/plan"))
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
        corrected = client.post("/customers/correct", follow_redirects=False,
                                data={"csrf_token": token, "customer_id": "C000001",
                                      "field": "address2", "value": "はがき荘 101"})
        assert corrected.status_code == 303, corrected.text[:200]
        changed = timed(lambda: client.get(f"/preview/{rows[1]}/address.png"))
    return {"first": first, "total": sum(thumbnails), "median": statistics.median(thumbnails),
            "slowest": max(thumbnails), "again": again, "changed": changed}


def fresh(desk: Desk, key: tuple, make):
    """Desk._keep without keeping: every request plans the day again."""
    return make()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    kept_way = Desk._keep
    results = {}
    with tempfile.TemporaryDirectory() as warm:
        make_shop(Path(warm), 50)
        measure(Path(warm))
        for way, keep in (("fresh", fresh), ("kept", kept_way)):
            Desk._keep = keep
            with tempfile.TemporaryDirectory() as temporary:
                make_shop(Path(temporary), args.customers)
                results[way] = measure(Path(temporary))
    Desk._keep = kept_way
    n = f"{args.customers:,}"
    rows = [(f"今日のはがき page, first request of a fresh server ({n} customers)", "first"),
            (f"{THUMBNAILS} thumbnails after it, one by one: all together", "total"),
            ("… one thumbnail (median)", "median"),
            ("… the slowest thumbnail (the first: it reads the sales)", "slowest"),
            ("the page again, nothing changed", "again"),
            ("a thumbnail right after a correction (plans again)", "changed")]
    lines = [f"## {time.strftime('%Y-%m-%d')}, hagaki serve: thumbnails with the day's plan kept",
             "", f"{machine()}. One run of each in this process (TestClient), after a warm-up "
             "shop; planned afresh per request (as before) and kept by the Desk (now).", "",
             "| what | afresh, ms | kept, ms |", "| --- | ---: | ---: |"]
    lines += [f"| {label} | {results['fresh'][key]:,.0f} | {results['kept'][key]:,.0f} |"
              for label, key in rows]
    publish(lines, args.record)


if __name__ == "__main__":
    main()
