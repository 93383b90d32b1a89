"""Shared fixtures: the hard-case customer list printed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from shop_days import SHOP_DAYS

from mailmerge import clock
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.shop.settings import load_settings

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def japanese(monkeypatch):
    """Tests read hagaki in Japanese, its users' language, whatever the machine's locale (the
    English catalogue has its own tests)."""
    monkeypatch.setenv("HAGAKI_LANG", "ja")


@pytest.fixture(autouse=True)
def isolated_send_log(monkeypatch, tmp_path):
    """Every test gets its own send log (never one beside tests/data/hagaki.toml)."""
    def beside(config_path):
        return tmp_path / "hagaki-log.sqlite"

    monkeypatch.setattr("mailmerge.shop.folder.log_beside", beside)
    monkeypatch.setattr("mailmerge.runs.run.log_beside", beside)


@pytest.fixture(params=SHOP_DAYS, ids=str)
def shop_day(request):
    """The test runs once on each of SHOP_DAYS, set as the shop's day for every module."""
    with clock.on_day(request.param) as day:
        yield day


@pytest.fixture(scope="session")
def customers_csv() -> Path:
    return DATA / "customers.csv"


@pytest.fixture(scope="session")
def settings():
    return load_settings(DATA / "hagaki.toml")


@pytest.fixture(scope="session")
def printed(tmp_path_factory, customers_csv, settings):
    """The hard cases printed on the official card: (report, pdf path, page of customer id)."""
    folder = tmp_path_factory.mktemp("print")
    out = folder / "cards.pdf"
    report = print_cards(customers_csv, out, settings, RunOptions(log=folder / "log.sqlite",
                                                                  sort="id"))
    pages = {customer.customer_id: index for index, customer in enumerate(report.printed)}
    return report, out, pages


@pytest.fixture
def client(shop):
    """`hagaki serve`'s app on the test module's `shop` folder, through Starlette's client."""
    from starlette.testclient import TestClient

    from mailmerge.web.app import create_app

    with TestClient(create_app(shop, {"testserver"})) as test_client:
        yield test_client
