"""A small shop folder for the web tests: settings with a sender, three customers (one whose
name looks like HTML) and sales dated a few days before today, so two thank-you cards are due
whatever day the tests run."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
from pathlib import Path

from mailmerge import clock

DATA = Path(__file__).parent / "data"
SCRIPT_NAME = "<img src=x onerror=alert(1)>"


def make_shop(folder: Path) -> Path:
    """Write hagaki.toml, customers.csv and sales.csv into `folder`; return it."""
    shutil.copy(DATA / "hagaki.toml", folder / "hagaki.toml")
    (folder / "customers.csv").write_text(
        "顧客ID,姓,名,敬称,郵便番号,住所1\n"
        "C001,髙橋,一郎,様,160-0023,東京都新宿区西新宿2-8-1\n"
        f"C002,{SCRIPT_NAME},花子,様,530-0001,大阪府大阪市北区梅田3-1-1\n"
        "C003,山田,太郎,様,231-0023,神奈川県横浜市中区山下町10-3\n", encoding="utf-8")
    day = clock.today() - dt.timedelta(days=3)
    (folder / "sales.csv").write_text(
        "顧客ID,日付,商品,金額\n"
        f"C001,{day},急須,5500\n"
        f"C002,{day},湯呑み,3300\n", encoding="utf-8")
    return folder


def logged_statuses(folder: Path) -> list[tuple[str, str]]:
    """(customer id, status) of every card in the shop's send log, read with SQLite itself."""
    log = folder / "hagaki-log.sqlite"
    if not log.exists():
        return []
    with sqlite3.connect(log) as db:
        return db.execute("SELECT customer_id, status FROM cards ORDER BY id").fetchall()


def csrf_token(client, page: str = "/print") -> str:
    """The server's CSRF token, read from a page's form as a browser would."""
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"',
                     client.get(page).text).group(1)


def print_form(client) -> dict[str, str]:
    """The print page's hidden fields, as the browser would send them."""
    page = client.get("/print").text
    form = page[page.index('class="print-form"'):]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
