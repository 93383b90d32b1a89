"""The web app's guards: the Host header, a CSRF token on every POST, and a size limit.

In: the names the server answers to (127.0.0.1:PORT, localhost:PORT, and with --host the names
of server.host_names) and a per-server secret.
Out: an ASGI middleware that refuses a foreign Host (400: a DNS-rebinding page cannot reach the
shop) and a body over the limit (413) and gives every response a content security policy
(this server's files only, no framing), and `checked_form`, which every POST handler reads its
form through: the token must be in the cookie and in the form field or the X-CSRF-Token
header (htmx sends the header), else 403.
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
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024  # one upload and its form fields


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
    """ASGI middleware: refuse a foreign Host header and an oversized body."""

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
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            response = PlainTextResponse(_("送られたデータが大きすぎます"), 413)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send))


def _with_headers(send: Send) -> Send:
    """`send` adding the page headers: nothing but this server's own files and forms, never
    inside another site's frame."""
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *PAGE_HEADERS]
        await send(message)

    return sending


async def checked_form(request: Request) -> FormData:
    """The POSTed form, once its CSRF token is this browser's (403 otherwise)."""
    form = await request.form(max_files=1, max_fields=50)
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    known_browser = BROWSER_COOKIE in request.cookies
    if not (known_browser and isinstance(sent, str)
            and hmac.compare_digest(sent, csrf_token(request))):
        await form.close()
        raise HTTPException(403, _("フォームの確認用の値が合いません。ページを開き直してください"))
    return form

