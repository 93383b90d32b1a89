"""`hagaki serve` against an attacker: a body is limited while it streams (chunked or not), a
multipart body is read only after the login and the CSRF token were checked, wrong passwords
are throttled per address and in all while a right one never waits, only the shop's own PDFs
are served, and a print form prints the plan its page showed."""

from __future__ import annotations

import asyncio
import datetime as dt
import select
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette import formparsers
from starlette.routing import Route
from starlette.testclient import TestClient
from web_shop import csrf_token, logged_statuses, make_shop, print_form

from mailmerge import clock
from mailmerge.web import login, security
from mailmerge.web.app import create_app

PASSWORD = "hagaki-kanri-2026"
MB = 2**20
ATTACK_BYTES = 300 * MB
CHUNK = MB
BOUNDARY = "hagakiboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
URL_ENCODED = "application/x-www-form-urlencoded"


@pytest.fixture
def shop(tmp_path):
    return make_shop(tmp_path)


# --- a body limited while it streams ----------------------------------------------------------

def attack_body(content_type: str) -> Iterator[bytes]:
    """300 MB in 1 MB chunks: a file field of a multipart form, or one long form value."""
    if content_type == MULTIPART:
        yield (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
               f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n').encode()
    else:
        yield b"password="
    for _ in range(ATTACK_BYTES // CHUNK):
        yield b"a" * CHUNK


@pytest.fixture
def spooled(monkeypatch) -> list[int]:
    """The bytes written to each upload's spooled temporary file."""
    sizes: list[int] = []

    class Counted(formparsers.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            sizes.append(0)
            self._index = len(sizes) - 1

        def write(self, data):
            sizes[self._index] += len(data)
            return super().write(data)

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Counted)
    return sizes


def stream_to(app, path: str, content_type: str, headers: dict[str, str] | None = None,
              cookies: str = "") -> tuple[int, int, dict[bytes, bytes]]:
    """POST a chunked 300 MB body to the app as the server hands it over (one http.request
    message per chunk); (status, bytes the app read, response headers). Reading more than
    25 MB fails the test at once."""
    chunks = attack_body(content_type)
    read = 0
    answer: dict = {}

    async def receive():
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        assert read < 25 * MB, f"the app read {read / MB:.0f} MB of the body"
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        if message["type"] == "http.response.start":
            answer.update(status=message["status"], headers=dict(message["headers"]))

    sent = {"host": "testserver", "content-type": content_type, "transfer-encoding": "chunked",
            "cookie": cookies, **(headers or {})}
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "client": ("10.0.0.9", 40000),
             "server": ("testserver", 80),
             "headers": [(key.encode(), value.encode()) for key, value in sent.items()]}
    asyncio.run(app(scope, receive, send))
    return answer["status"], read, answer["headers"]


def browser(client: TestClient, page: str = "/print") -> tuple[dict[str, str], str]:
    """A browser's CSRF header and its cookies, as htmx would send them."""
    token = csrf_token(client, page)
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return {"x-csrf-token": token}, cookies


def post_paths(app) -> list[str]:
    return [route.path.replace("{row:int}", "2") for route in app.routes
            if isinstance(route, Route) and "POST" in (route.methods or ())]


def test_a_chunked_upload_stops_at_the_limit_without_spooling_300_mb(client, spooled):
    headers, cookies = browser(client)
    status, read, answer = stream_to(client.app, "/upload", MULTIPART, headers, cookies)
    assert status == 413
    assert security.MAX_UPLOAD_BYTES < read <= security.MAX_UPLOAD_BYTES + 64 * 1024 + CHUNK
    assert sum(spooled) < 25 * MB
    assert answer[b"connection"] == b"close"  # the rest is never read


@pytest.mark.parametrize("content_type", [MULTIPART, URL_ENCODED])
def test_every_other_post_reads_at_most_a_form_of_the_body(client, spooled, content_type):
    headers, cookies = browser(client)
    for path in post_paths(client.app):
        if path == "/upload":
            continue
        status, read, _answer = stream_to(client.app, path, content_type, headers, cookies)
        assert status == 413, path
        assert read <= security.MAX_FORM_BYTES + CHUNK, path
    assert sum(spooled) <= security.MAX_FORM_BYTES + CHUNK


def test_a_multipart_body_without_the_token_is_refused_unread(client, spooled):
    _headers, cookies = browser(client)
    status, read, answer = stream_to(client.app, "/upload", MULTIPART, cookies=cookies)
    assert (status, read, spooled) == (403, 0, [])
    assert answer[b"connection"] == b"close"


def test_a_token_that_is_not_ascii_is_refused_not_an_error(client):
    for sent in ({"data": {"csrf_token": "あ" * 64}}, {"params": {"csrf_token": "あ" * 64}}):
        assert client.post("/language", **sent).status_code == 403


def test_without_a_login_no_body_is_read(shop, spooled):
    app = create_app(shop, {"testserver"}, PASSWORD)
    with TestClient(app) as stranger:
        headers, cookies = browser(stranger, "/login")  # a token anyone may read
    for path in post_paths(app):
        assert stream_to(app, path, MULTIPART, headers, cookies)[:2] == (401, 0), path
    assert stream_to(app, "/login", MULTIPART, cookies=cookies)[:2] == (403, 0)
    status, read, _answer = stream_to(app, "/login", URL_ENCODED, headers, cookies)
    assert status == 413 and read <= security.MAX_FORM_BYTES + CHUNK
    assert spooled == []


def test_a_real_server_closes_a_chunked_300_mb_login_post_early(shop):
    """Through uvicorn and a socket: the client manages to send less than 25 MB."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(shop, {f"127.0.0.1:{port}"}, PASSWORD)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="critical", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        sent, reply = 0, b""
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         f"Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\n\r\n"
                         .encode())
            try:
                for chunk in attack_body(MULTIPART):
                    for start in range(0, len(chunk), 64 * 1024):
                        piece = chunk[start:start + 64 * 1024]
                        sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                        sent += len(piece)
                        if select.select([sock], [], [], 0)[0]:
                            raise ConnectionAbortedError  # the server answered
            except OSError:
                pass
            sock.settimeout(5)
            reply = sock.recv(4096)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert reply.startswith(b"HTTP/1.1 403")
    assert sent < 25 * MB


# --- wrong passwords --------------------------------------------------------------------------

DELAY = 0.2


@pytest.fixture
def sessions(monkeypatch) -> login.Sessions:
    monkeypatch.setattr(login, "FAILURE_DELAY_SECONDS", DELAY)
    return login.Sessions(PASSWORD)


async def _try(sessions: login.Sessions, password: str, client: str) -> tuple[str, float]:
    """("token" | "wrong" | "busy", seconds taken)."""
    started = time.monotonic()
    try:
        outcome = "token" if await sessions.log_in(password, client) else "wrong"
    except login.TooManyTries:
        outcome = "busy"
    return outcome, time.monotonic() - started


def test_200_addresses_together_get_a_few_guesses_a_second(sessions):
    seconds = 1.0

    async def attack() -> tuple[int, str]:
        checked = 0
        stop = time.monotonic() + seconds

        async def address(number: int) -> None:
            nonlocal checked
            while time.monotonic() < stop:
                outcome, _took = await _try(sessions, "wrong-guess", f"127.0.0.{number}")
                checked += outcome == "wrong"
                await asyncio.sleep(DELAY / 4 if outcome == "busy" else 0)

        tasks = [asyncio.create_task(address(number)) for number in range(1, 201)]
        await asyncio.sleep(DELAY / 2)
        right, _took = await _try(sessions, PASSWORD, "10.0.0.2")  # while the budget is spent
        await asyncio.gather(*tasks)
        return checked, right

    checked, right = asyncio.run(attack())
    limit = login.MAX_FAILING_AT_ONCE * (seconds / DELAY + 1)
    assert checked <= limit  # at most MAX_FAILING_AT_ONCE / DELAY guesses a second in all
    assert right == "busy"  # an attempt over the budget is not even checked


def test_a_right_password_never_waits_behind_wrong_ones(sessions):
    async def shared_address() -> list[tuple[str, float]]:
        guesses = [asyncio.create_task(_try(sessions, "wrong-guess", "10.0.0.9"))
                   for _ in range(10)]
        await asyncio.sleep(0)
        owner_same = await _try(sessions, PASSWORD, "10.0.0.9")
        owner_other = await _try(sessions, PASSWORD, "10.0.0.2")
        results = await asyncio.gather(*guesses)
        owner_after = await _try(sessions, PASSWORD, "10.0.0.9")
        return [owner_same, owner_other, owner_after, *results]

    same, other, after, *guesses = asyncio.run(shared_address())
    assert same[0] == "busy" and same[1] < 0.05  # told at once, never kept waiting
    assert other[0] == "token" and other[1] < 0.05
    assert after[0] == "token" and after[1] < 0.05
    assert sorted(outcome for outcome, _took in guesses) == ["busy"] * 9 + ["wrong"]
    assert max(took for _outcome, took in guesses) == pytest.approx(DELAY, abs=0.05)


def test_the_login_page_says_to_wait_when_guesses_are_being_made(shop, monkeypatch):
    monkeypatch.setattr(login, "FAILURE_DELAY_SECONDS", DELAY)
    with TestClient(create_app(shop, {"testserver"}, PASSWORD),
                    follow_redirects=False) as client:
        token = csrf_token(client, "/login")
        sessions = next(layer for layer in _layers(client.app)
                        if isinstance(layer, login.RequireLogin)).sessions
        sessions._failing.add("testclient")  # a wrong password of this address, pausing
        response = client.post("/login", data={"csrf_token": token, "password": PASSWORD})
        assert response.status_code == 429 and "数秒待って" in response.text
        sessions._failing.clear()
        response = client.post("/login", data={"csrf_token": token, "password": PASSWORD})
        assert response.status_code == 303


def _layers(app):
    layer = app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)


# --- only the shop's own PDFs -----------------------------------------------------------------

def test_a_link_inside_the_folder_is_not_served(client, shop):
    (shop / "notes.pdf").symlink_to(shop / "hagaki.toml")
    (shop / "real.pdf").write_bytes(b"%PDF-1.4 mine")
    (shop / "copy.pdf").symlink_to("real.pdf")
    (shop / "folder.pdf").mkdir()
    for name in ("notes.pdf", "copy.pdf", "folder.pdf"):
        assert client.get(f"/files/{name}").status_code == 404, name
    assert client.get("/files/real.pdf").content == b"%PDF-1.4 mine"


# --- the kind of card belongs to the browser, and a form prints what it showed ----------------

def logged_situations(shop) -> list[tuple[str, str]]:
    with sqlite3.connect(shop / "hagaki-log.sqlite") as db:
        return db.execute("SELECT customer_id, situation FROM cards ORDER BY id").fetchall()


def choose(client: TestClient, situation: str) -> None:
    response = client.post("/plan/situation", data={"csrf_token": csrf_token(client),
                                                    "situation": situation, "back": "/print"},
                           follow_redirects=False)
    assert response.status_code == 303


@pytest.fixture
def december():
    """A day in 寒中見舞い's print window, whatever day the suite runs."""
    with clock.on_day(dt.date(2026, 12, 7)) as day:
        yield day


def test_each_browser_chooses_its_own_kind_of_card(december, shop):
    app = create_app(shop, {"testserver"})
    with TestClient(app) as winter, TestClient(app) as thanks:
        choose(winter, "kanchu")
        assert "寒中見舞い 3枚" in winter.get("/print").text
        assert "お礼状 2枚" in thanks.get("/print").text
        assert 'value="kanchu" selected' in winter.get("/plan").text
        assert 'value="kanchu" selected' not in thanks.get("/plan").text
        response = thanks.post("/print", data={**print_form(thanks), "action": "real"})
        assert "印刷しました" in response.text
    assert logged_situations(shop) == [("C001", "thanks"), ("C002", "thanks")]


def test_a_tab_prints_what_it_showed_not_what_another_tab_chose(december, client, shop):
    shown = print_form(client)  # the first tab: the day's own cards
    assert shown["situation"] == ""
    choose(client, "kanchu")  # the second tab of the same browser
    assert "寒中見舞い 3枚" in client.get("/print").text
    client.post("/print", data={**shown, "action": "real"})
    assert logged_situations(shop) == [("C001", "thanks"), ("C002", "thanks")]


def test_a_plan_changed_since_the_page_was_shown_is_not_printed(client, shop):
    shown = print_form(client)
    client.post("/card/2/edit", data={"csrf_token": shown["csrf_token"],
                                      "action": "leave-out"})
    for sent in (shown, {**shown, "plan": ""}):  # a form from before, or one that shows nothing
        response = client.post("/print", data={**sent, "action": "real"})
        assert response.status_code == 200 and 'class="error"' in response.text
        assert "予定が変わりました" in response.text
    assert logged_statuses(shop) == []
    response = client.post("/print", data={**print_form(client), "action": "real"})
    assert "印刷しました" in response.text and logged_statuses(shop) == [("C002", "printed")]
