"""The demo shop's year of history: a shop folder (hagaki.toml, customers.csv, sales.csv and
its send log) where 寒中見舞い and 暑中見舞い went out with a held-out group, so that `hagaki
report` and the web's レポート page have an experiment to show.

In: a folder and the demo's settings file. Out: the shop folder's files, made the way a shop
makes them: the customers and their earlier sales, then each run through print_cards with
--holdout, then the sales that followed, the mailed customers a little more likely to come
back (a made-up effect: the report should find it, within its doubt). The same every time:
every draw and every sale comes from a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.draws import MAILED
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import load_settings

CUSTOMERS = 300
HOLDOUT = 20  # percent
START = dt.date(2025, 11, 23)
RUNS = (("kanchu", dt.date(2026, 1, 10)), ("shochu", dt.date(2026, 7, 20)))
END = dt.date(2026, 11, 23)  # the demo's day
BACK_WITH_CARD, BACK_WITHOUT = 0.34, 0.20  # came back within 90 days of the draw
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
GIVEN = ("一郎", "花子", "健太", "美咲", "大輔", "陽子", "翔太", "由美", "誠", "明美")
ITEMS = (("湯呑み", 3300), ("急須", 5500), ("茶葉", 1800), ("箸置き", 1200), ("土鍋", 8800))


def write_history(folder: Path, config: Path) -> Path:
    """Make the demo's history shop in `folder` (replacing an earlier one); return its
    customer list."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy(config, folder / "hagaki.toml")
    rng = random.Random("hagaki demo history")
    customers = folder / "customers.csv"
    customers.write_text("顧客ID,姓,名,敬称,郵便番号,住所1\n" + "".join(
        f"H{n:03d},{FAMILY[n % 10]},{GIVEN[n // 10 % 10]},様,160-0023,"
        f"東京都新宿区西新宿{n // 50 + 1}-{n % 50 + 1}-{n % 7 + 1}\n"
        for n in range(CUSTOMERS)), encoding="utf-8")
    sales = [(f"H{n:03d}", START + dt.timedelta(days=rng.randrange(40)), *rng.choice(ITEMS))
             for n in range(CUSTOMERS)]  # everyone bought once before the first card
    settings = load_settings(folder / "hagaki.toml")
    log = folder / "hagaki-log.sqlite"
    for situation, day in RUNS:
        _write_sales(folder / "sales.csv", sales)
        print_cards(customers, folder / f"{situation}-{day.isoformat()}.pdf", settings,
                    RunOptions(situation=situation, date=day, sales=folder / "sales.csv",
                               log=log, holdout=HOLDOUT, holdout_seed=f"demo-{situation}",
                               replace=True))
        with SendLog(log) as store:
            arms = {a.customer_id: a.arm for a in store.assignments()
                    if a.situation == situation}
        for customer_id, arm in sorted(arms.items()):
            if rng.random() < (BACK_WITH_CARD if arm == MAILED else BACK_WITHOUT):
                sales.append((customer_id, day + dt.timedelta(days=rng.randint(3, 85)),
                              *rng.choice(ITEMS)))
    _write_sales(folder / "sales.csv", sales)
    return customers


def _write_sales(path: Path, sales: list[tuple[str, dt.date, str, int]]) -> None:
    rows = sorted(sales, key=lambda sale: (sale[1], sale[0]))
    path.write_text("顧客ID,日付,商品,金額\n" + "".join(
        f"{cid},{day.isoformat()},{item},{amount}\n" for cid, day, item, amount in rows),
        encoding="utf-8")
