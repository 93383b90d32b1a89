"""`hagaki serve`: --host only with a password (a login page, a session cookie, a pause after
each wrong password, the Host check kept), 127.0.0.1 without one; and the day's plan kept
between requests until the shop changes."""

from __future__ import annotations

import re
import time

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from web_shop import csrf_token, make_shop

from mailmerge import clock
from mailmerge.cli import main
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.sendlog.store import SendLog
from mailmerge.web import desk as desk_module
from mailmerge.web import login, server
from mailmerge.web.app import create_app

PASSWORD = "hagaki-kanri-2026"
DELAY = 0.3


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


@pytest.fixture
def started(monkeypatch):
    """What `hagaki serve` would have served (no server is started)."""
    calls: list[dict] = []

    def record(folder, port, open_browser, say, host=None, password=None):
        calls.append({"host": host, "password": password})

    monkeypatch.setattr(server, "serve", record)
    monkeypatch.delenv("HAGAKI_PASSWORD", raising=False)
    return calls


@pytest.fixture
def guarded(shop, monkeypatch):
    """The app with a password, through Starlette's client (redirects not followed)."""
    monkeypatch.setattr(login, "FAILURE_DELAY_SECONDS", DELAY)
    with TestClient(create_app(shop, {"testserver"}, PASSWORD),
                    follow_redirects=False) as client:
        yield client


def log_in(client: TestClient, password: str, token: str | None = None, next_page: str = "/"):
    token = token if token is not None else csrf_token(client, "/login")
    return client.post(f"/login?next={next_page}",
                       data={"csrf_token": token, "password": password})


# --- --host and its password ----------------------------------------------------------------

def test_host_without_a_password_is_refused_as_wrong_usage(shop, started):
    result = CliRunner().invoke(main, ["serve", str(shop), "--host", "0.0.0.0", "--no-browser"])
    assert result.exit_code == 2
    assert "パスワードが要ります" in result.output and "HAGAKI_PASSWORD" in result.output
    assert started == []


def test_a_short_password_or_a_password_file_without_host_is_refused(shop, started, tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("1234567\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", str(shop), "--host", "0.0.0.0",
                                       "--password-file", str(short)])
    assert result.exit_code == 2 and "8 文字以上" in result.output
    result = CliRunner().invoke(main, ["serve", str(shop), "--password-file", str(short)])
    assert result.exit_code == 2 and "--host と一緒に" in result.output
    assert started == []


def test_the_password_comes_from_its_file_or_the_environment(shop, started, tmp_path,
                                                              monkeypatch):
    secret = tmp_path / "password.txt"
    secret.write_text(f"{PASSWORD}\r\nnot this line\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", str(shop), "--host", "0.0.0.0",
                                       "--password-file", str(secret), "--no-browser"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("HAGAKI_PASSWORD", "from-the-environment")
    assert CliRunner().invoke(main, ["serve", str(shop), "--host", "shop-pc.local"]).exit_code == 0
    assert CliRunner().invoke(main, ["serve", str(shop)]).exit_code == 0
    assert started == [{"host": "0.0.0.0", "password": PASSWORD},
                       {"host": "shop-pc.local", "password": "from-the-environment"},
                       {"host": None, "password": None}]


def test_the_server_itself_refuses_a_host_without_a_password(shop):
    with pytest.raises(server.ServeError, match="パスワード"):
        server.serve(shop, 0, False, print, host="0.0.0.0", password=None)


def test_the_names_answered_to_are_the_host_and_this_computer():
    assert server.host_names("192.168.1.20", 8080) == {
        "192.168.1.20:8080", "127.0.0.1:8080", "localhost:8080"}
    everywhere = server.host_names("0.0.0.0", 8080)
    assert {"127.0.0.1:8080", "localhost:8080"} < everywhere
    assert "0.0.0.0:8080" not in everywhere and len(everywhere) >= 3
    assert "[::1]:80" in server.host_names("::1", 80) and "[::1]" in server.host_names("::1", 80)


def test_an_address_that_is_not_this_computers_is_a_clear_error():
    with pytest.raises(server.ServeError, match="192.0.2.55"):
        server.bind(0, "192.0.2.55")
    with server.bind(0, "127.0.0.1") as sock:
        assert sock.getsockname()[0] == "127.0.0.1"


def test_without_a_session_pages_go_to_the_login_and_posts_get_401(guarded):
    for page in ("/", "/plan", "/preview/2/address.png", "/log"):
        response = guarded.get(page)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={page}"
    assert guarded.post("/customers/correct", data={"customer_id": "C001"}).status_code == 401
    assert guarded.post("/language", data={"lang": "en"}).status_code == 401
    login_page = guarded.get("/login")
    assert login_page.status_code == 200 and 'type="password"' in login_page.text
    assert str(login_page.request.url).endswith("/login")
    assert guarded.get("/static/style.css").status_code == 200


def test_a_wrong_password_is_refused_after_a_pause(guarded):
    token = csrf_token(guarded, "/login")
    start = time.perf_counter()
    refused = log_in(guarded, PASSWORD + "x", token)
    assert time.perf_counter() - start >= DELAY
    assert refused.status_code == 401 and "パスワードが違います" in refused.text
    assert login.SESSION_COOKIE not in refused.cookies
    assert log_in(guarded, "", token).status_code == 401
    assert guarded.get("/").status_code == 303


def test_a_login_without_the_csrf_token_is_refused(guarded):
    guarded.get("/login")
    response = guarded.post("/login", data={"password": PASSWORD})
    assert response.status_code == 403 and login.SESSION_COOKIE not in response.cookies


def test_the_right_password_opens_every_page_with_a_strict_httponly_cookie(guarded):
    response = log_in(guarded, PASSWORD, next_page="/plan")
    assert response.status_code == 303 and response.headers["location"] == "/plan"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{login.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert len(response.cookies[login.SESSION_COOKIE]) >= 40
    assert guarded.get("/").status_code == 200
    plan = guarded.get("/plan")
    assert plan.status_code == 200 and plan.text.count('class="planned"') == 2
    assert guarded.get("/preview/2/address.png").headers["content-type"] == "image/png"
    assert guarded.get("/login").headers["location"] == "/"
    guarded.cookies.clear()
    guarded.cookies.set(login.SESSION_COOKIE, "made-up-token")
    assert guarded.get("/plan").status_code == 303


def test_the_login_goes_back_only_to_this_server(guarded):
    response = log_in(guarded, PASSWORD, next_page="//evil.example/")
    assert response.headers["location"] == "/"


def test_the_host_check_still_refuses_foreign_hosts_with_a_password(guarded):
    assert guarded.get("/login", headers={"Host": "evil.example"}).status_code == 400
    log_in(guarded, PASSWORD)
    assert guarded.get("/", headers={"Host": "evil.example:8080"}).status_code == 400
    assert guarded.get("/").status_code == 200


def test_on_127_0_0_1_no_login_is_asked(client):
    assert client.get("/").status_code == 200
    assert client.get("/login").status_code == 404
    assert login.SESSION_COOKIE not in client.cookies


# --- the day's plan, kept ---------------------------------------------------------------------

@pytest.fixture
def plans(monkeypatch):
    """How many times the day was planned, and the customer list read for the cards' sales."""
    counts = {"plan": 0, "read": 0}

    def counted(name, real):
        def call(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(desk_module, "plan_cards", counted("plan", desk_module.plan_cards))
    monkeypatch.setattr(desk_module, "read_lists", counted("read", desk_module.read_lists))
    return counts


def planned(client) -> list[str]:
    return re.findall(r'<tr class="planned" id="card-(\d+)"', client.get("/plan").text)


def test_the_plan_is_made_once_for_the_page_and_its_thumbnails(client, plans):
    assert planned(client) == ["2", "3"]
    for row in (2, 3, 2, 3, 2):
        for side in ("address", "message"):
            assert client.get(f"/preview/{row}/{side}.png").status_code == 200
    assert client.get("/card/2").status_code == 200
    assert planned(client) == ["2", "3"]
    assert plans == {"plan": 1, "read": 1}


def test_a_correction_or_an_edit_is_seen_at_once(client, shop, plans):
    before = client.get("/preview/2/address.png").content
    response = client.post("/customers/correct", data={
        "csrf_token": csrf_token(client, "/customers"), "customer_id": "C001",
        "field": "address2", "value": "はがき荘 101"})
    assert response.status_code == 200
    assert client.get("/preview/2/address.png").content != before
    assert plans["plan"] == 2
    client.post("/card/2/edit", data={"csrf_token": csrf_token(client), "action": "leave-out"})
    assert planned(client) == ["3"]
    assert plans["plan"] == 3


def test_an_upload_or_a_changed_file_is_seen_at_once(client, shop, plans):
    assert planned(client) == ["2", "3"]
    customers = (shop / "customers.csv").read_text(encoding="utf-8")
    without_c002 = "\n".join(line for line in customers.splitlines() if "C002" not in line)
    response = client.post(f"/upload?csrf_token={csrf_token(client)}", data={"kind": "customers"},
                           files={"file": ("list.csv", without_c002.encode("utf-8"))})
    assert response.status_code == 200
    assert planned(client) == ["2"]
    (shop / "customers.csv").write_text(customers, encoding="utf-8")  # as another program would
    assert planned(client) == ["2", "3"]
    assert plans["plan"] == 3


def test_a_print_or_a_status_change_is_seen_at_once(client, shop, plans):
    desk = client.app.state.desk
    assert planned(client) == ["2", "3"]
    log_path = desk.shop().log_path
    print_cards(shop / "customers.csv", None, desk.shop().settings,  # as `hagaki print` would
                RunOptions(sales=shop / "sales.csv", log=log_path, folder=shop,
                           date=clock.today()))
    assert planned(client) == []
    with SendLog(log_path) as log:
        card_ids = [row["id"] for row in log.cards()]
    desk.set_status("cancelled", card_ids)
    assert planned(client) == ["2", "3"]
    assert plans["plan"] == 3


def test_the_login_page_speaks_english_when_the_browser_chose_it(guarded):
    guarded.cookies.set("hagaki_lang", "en")
    page = guarded.get("/login").text
    assert "<h1>Log in</h1>" in page and 'lang="en"' in page
    assert "Wrong password" in log_in(guarded, "not-the-password").text


def test_a_link_out_of_the_shop_folder_is_not_served(client, shop, tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret")
    (shop / "leak.pdf").symlink_to(secret)
    assert client.get("/files/leak.pdf").status_code == 404
    (shop / "real.pdf").write_bytes(b"%PDF-1.4 mine")
    assert client.get("/files/real.pdf").content == b"%PDF-1.4 mine"


def test_csrf_tokens_belong_to_one_browser_and_one_login(guarded, shop):
    """A token read by another browser, or before logging in, is refused."""
    stranger = TestClient(guarded.app)
    stolen = csrf_token(stranger, "/login")
    assert stolen != csrf_token(guarded, "/login")
    log_in(guarded, PASSWORD)
    mine = csrf_token(guarded, "/plan")
    assert mine != stolen
    assert guarded.post("/language", data={"csrf_token": stolen, "lang": "en"}).status_code == 403
    response = guarded.post("/language", data={"csrf_token": mine, "lang": "en"},
                            follow_redirects=False)
    assert response.status_code == 303


def test_logging_out_forgets_the_session(guarded):
    log_in(guarded, PASSWORD)
    assert guarded.get("/plan", follow_redirects=False).status_code == 200
    session = guarded.cookies.get(login.SESSION_COOKIE)
    page = guarded.get("/plan").text
    assert 'id="logout"' in page
    response = guarded.post("/logout", data={"csrf_token": csrf_token(guarded, "/plan")},
                            follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    guarded.cookies.set(login.SESSION_COOKIE, session)  # the old cookie no longer works
    assert guarded.get("/plan", follow_redirects=False).status_code == 303
