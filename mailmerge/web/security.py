"""The web app's guards: the Host header, a CSRF token on every POST, and a size limit.

In: the names the server answers to (127.0.0.1:PORT, localhost:PORT, and with --host the names
of server.host_names) and a per-server secret.
Out: an ASGI middleware that refuses a foreign Host (400: a DNS-rebinding page cannot reach the
shop), counts a body's bytes as they arrive, chunked or not, and answers 413 the moment they
pass the route's limit (an upload's, else a form's), closes the connection after a response
that left a body unread, and gives every response a content security policy (this server's
files only, no framing); and `checked_form`, which every POST handler reads its form through:
the token must be in the cookie and in the X-CSRF-Token header (htmx sends it), the query
string (a form with a file) or the field of a url-encoded form, else 403. A multipart body is
parsed only once the token was found before it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailmerge.i18n import _
from mailmerge.web.shopfiles import MAX_UPLOAD_BYTES

BROWSER_COOKIE = "hagaki_browser"  # a random id per browser, the CSRF token's subject
SESSION_COOKIE = "hagaki_session"  # set by web/login.py when the server has a password
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
PAGE_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"),
    (b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin")]
MAX_FORM_BYTES = 64 * 1024  # a form: a card's words, the settings, a password
BODY_LIMITS = {"/upload": MAX_UPLOAD_BYTES + MAX_FORM_BYTES}  # one upload and its fields
URL_ENCODED = "application/x-www-form-urlencoded"
CLOSE = (b"connection", b"close")


class BodyTooLarge(Exception):
    """A request body passed its route's limit while it was being read."""


def new_secret() -> bytes:
    """The server's CSRF secret: random per server start."""
    return secrets.token_bytes(32)


def browser_id(request: Request) -> str:
    """This browser's id: its cookie, else a new one (`render` sets it on the response)."""
    known = request.cookies.get(BROWSER_COOKIE, "")
    if len(known) >= 32:
        return known
    if not hasattr(request.state, "new_browser_id"):
        request.state.new_browser_id = secrets.token_urlsafe(24)
    return request.state.new_browser_id


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry: bound to its id and to its login session."""
    subject = f"{browser_id(request)}|{request.cookies.get(SESSION_COOKIE, '')}"
    return hmac.new(request.app.state.csrf_secret, subject.encode(), hashlib.sha256).hexdigest()


class Guard:
    """ASGI middleware: refuse a foreign Host header and a body over its route's limit."""

    def __init__(self, app: ASGIApp, allowed_hosts: set[str]) -> None:
        self.app = app
        self.allowed_hosts = {host.lower() for host in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1")
                   for key, value in scope["headers"]}
        if headers.get("host", "").lower() not in self.allowed_hosts:
            response = PlainTextResponse(_("このアドレスでは開けません（Host が違います）"), 400)
            await response(scope, receive, send)
            return
        limit = BODY_LIMITS.get(scope["path"], MAX_FORM_BYTES)
        length = headers.get("content-length", "")
        body = Body(limit, receive, has_body="transfer-encoding" in headers
                    or length not in ("", "0"))
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                closing = [CLOSE] if body.unread else []
                message["headers"] = [*message.get("headers", []), *PAGE_HEADERS, *closing]
            await send(message)

        try:
            if length.isdigit() and int(length) > limit:
                raise BodyTooLarge
            await self.app(scope, body.receive, sending)
        except BodyTooLarge:
            if started:
                raise
            response = PlainTextResponse(_("送られたデータが大きすぎます"), 413)
            await response(scope, receive, sending)


class Body:
    """A request's `receive`, counting the body's bytes: past `limit`, BodyTooLarge."""

    def __init__(self, limit: int, receive: Receive, has_body: bool) -> None:
        self.limit, self._receive, self.unread, self.read = limit, receive, has_body, 0

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            self.unread = message.get("more_body", False)
            if self.read > self.limit:
                self.unread = True
                raise BodyTooLarge
        return message


async def checked_form(request: Request) -> FormData:
    """The POSTed form, once its CSRF token is this browser's (403 otherwise). The token is
    taken from the header or the query string before the body is read; only a url-encoded
    form (small: MAX_FORM_BYTES) is read to find it in its field."""
    sent = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    if sent is None and request.headers.get("content-type", "").lower().startswith(URL_ENCODED):
        sent = (await request.form(max_files=0, max_fields=50)).get(CSRF_FIELD)
    expected = csrf_token(request).encode()
    if not (BROWSER_COOKIE in request.cookies and isinstance(sent, str)
            and hmac.compare_digest(sent.encode("utf-8", "replace"), expected)):
        raise HTTPException(403, _("フォームの確認用の値が合いません。ページを開き直してください"))
    return await request.form(max_files=1, max_fields=50)
