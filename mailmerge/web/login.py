"""The password of `hagaki serve --host`: a login page, a session cookie, and a middleware that
lets no other request through without them.

In: the password the shop chose (None when served on 127.0.0.1 alone: no login). Out:
RequireLogin, an ASGI middleware that answers /login itself (GET: the page; POST: the password,
CSRF-checked) and /logout (POST: the session forgotten), and sends every other request without a
valid session to the login page, its body unread (a GET is redirected to /login, anything else
gets 401). The password is compared in constant time; a right one is answered at once, a wrong
one after a pause. While a wrong password of the same address, or MAX_FAILING_AT_ONCE of all
addresses, are in their pause, an attempt is refused unchecked (429, "wait a few seconds"): one
guess a second from an address and five in all, however many are sent at once. A right
password gets a random session token in an HttpOnly, SameSite=Strict cookie; the server keeps
only the tokens' hashes, in memory (a restart logs everyone out).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.web.rendering import render
from mailmerge.web.security import SESSION_COOKIE, checked_form

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
PASSWORD_VARIABLE = "HAGAKI_PASSWORD"
MIN_PASSWORD_CHARS = 8
FAILURE_DELAY_SECONDS = 1.0
MAX_FAILING_AT_ONCE = 5  # wrong passwords pausing at once, from all addresses
MAX_SESSIONS = 100  # the oldest login is forgotten beyond this
OPEN_PATHS = ("/static/", "/fonts/")  # what the login page itself loads (public files)


class PasswordError(HagakiError):
    """--host was given without a usable password."""


class TooManyTries(HagakiError):
    """A login attempt refused unchecked while wrong passwords are pausing."""


def password_for_host(password_file: Path | None, environ: Mapping[str, str],
                      ask: Callable[[], str] | None) -> str:
    """The password for `serve --host`: the first line of `password_file`, else
    $HAGAKI_PASSWORD, else what `ask` reads (hidden) when there is a terminal to ask on."""
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise PasswordError(_("パスワードのファイル {path} を読めません（{reason}）",
                                  path=password_file, reason=error)) from None
        password = lines[0] if lines else ""
    elif environ.get(PASSWORD_VARIABLE):
        password = environ[PASSWORD_VARIABLE]
    elif ask is not None:
        password = ask()
    else:
        raise PasswordError(_("--host でほかのコンピューターから開くにはパスワードが要ります。"
                              "--password-file FILE（1 行目がパスワード）か環境変数 "
                              "HAGAKI_PASSWORD で渡してください"))
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(_("パスワードは {n} 文字以上にしてください（短いと当てられます）",
                              n=MIN_PASSWORD_CHARS))
    return password


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class Sessions:
    """Checks the password and remembers who logged in (by their token's hash)."""

    def __init__(self, password: str) -> None:
        self._password = _digest(password)
        self._tokens: OrderedDict[bytes, None] = OrderedDict()
        self._failing: set[str] = set()  # the addresses whose wrong password is pausing

    async def log_in(self, password: str, client: str) -> str | None:
        """A new session token for the right password, at once; None, after a pause, for a
        wrong one. TooManyTries, unchecked, while this address's last wrong password or
        MAX_FAILING_AT_ONCE of them are pausing: guessing in parallel is no faster."""
        if client in self._failing or len(self._failing) >= MAX_FAILING_AT_ONCE:
            raise TooManyTries(_("ログインの失敗が続いているため、確かめられませんでした。"
                                 "数秒待ってから、もう一度ログインしてください"))
        if hmac.compare_digest(_digest(password), self._password):
            token = secrets.token_urlsafe(32)
            self._tokens[_digest(token)] = None
            while len(self._tokens) > MAX_SESSIONS:
                self._tokens.popitem(last=False)
            return token
        self._failing.add(client)
        try:
            await asyncio.sleep(FAILURE_DELAY_SECONDS)
        finally:
            self._failing.discard(client)
        return None

    def knows(self, token: str) -> bool:
        return bool(token) and _digest(token) in self._tokens

    def log_out(self, token: str) -> None:
        self._tokens.pop(_digest(token), None)


class RequireLogin:
    """ASGI middleware: with a password, only a logged-in browser reaches the app."""

    def __init__(self, app: ASGIApp, password: str | None) -> None:
        self.app = app
        self.sessions = Sessions(password) if password else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.sessions is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        logged_in = self.sessions.knows(request.cookies.get(SESSION_COOKIE, ""))
        if scope["path"] == LOGIN_PATH:
            response = await self._login(request, logged_in)
        elif scope["path"] == LOGOUT_PATH and request.method == "POST":
            response = await self._logout(request)
        elif logged_in or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        elif request.method in ("GET", "HEAD"):
            response = RedirectResponse(f"{LOGIN_PATH}?next={quote(request.url.path)}", 303)
        else:
            response = PlainTextResponse(_("ログインしてください"), 401)
        await response(scope, receive, send)

    async def _login(self, request: Request, logged_in: bool) -> Response:
        """GET: the login page; POST: the password tried (back where the browser was going)."""
        back = _local_path(request.query_params.get("next", "/"))
        if request.method not in ("GET", "HEAD", "POST"):
            return PlainTextResponse("", 405)
        if logged_in:
            return RedirectResponse(back, 303)
        if request.method != "POST":
            return render(request, "login.html", back=back)
        try:
            form = await checked_form(request)
        except HTTPException as refused:
            return render(request, "login.html", refused.status_code, back=back,
                          error=refused.detail)
        client = request.client.host if request.client else ""
        try:
            token = await self.sessions.log_in(str(form.get("password") or ""), client)
        except TooManyTries as busy:
            return render(request, "login.html", 429, back=back, error=str(busy))
        if token is None:
            return render(request, "login.html", 401, back=back,
                          error=_("パスワードが違います"))
        response = RedirectResponse(back, 303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
        return response


    async def _logout(self, request: Request) -> Response:
        """Forget this browser's session (CSRF-checked), back to the login page."""
        try:
            await checked_form(request)
        except HTTPException as refused:
            return PlainTextResponse(str(refused.detail), refused.status_code)
        self.sessions.log_out(request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse(LOGIN_PATH, 303)
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
        return response


def _local_path(path: str) -> str:
    """`path` when it is a path on this server, else "/" (never another site)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
