"""How the web app's pages are made: the Jinja2 environment (autoescaped, with the message
catalogue's `_`, `ngettext` and `yen`), `render`, and the page language.

In: a request and a template name with its context. Out: the HTML response, in the language
the browser chose (the `hagaki_lang` cookie; Japanese by default), with the CSRF cookie set;
and the kind of card this browser chose to plan (the `hagaki_situation` cookie).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter, OrderedDict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mailmerge.i18n import LANGUAGES, N_, _, cards, language, ngettext, pgettext, speaking, yen
from mailmerge.report.figures import SEGMENT_LABELS, SHARE
from mailmerge.runs.jobs import RunReport
from mailmerge.selection.plan import LABELS, SEASONAL, SITUATIONS
from mailmerge.sendlog.labels import STATUS_WORDS, kind_word, rule_word, status_word
from mailmerge.sources.corrections import shown, suggested_postal_code
from mailmerge.sources.problem_words import problem_word
from mailmerge.web.run_view import mark_words, posting_notes
from mailmerge.web.security import BROWSER_COOKIE, CSRF_FIELD, browser_id, csrf_token
from mailmerge.web.shopfiles import KINDS
from mailmerge.web.words import campaign_year

LANGUAGE_COOKIE = "hagaki_lang"
SITUATION_COOKIE = "hagaki_situation"  # this browser session's kind of card ("": the day's own)
WEB_LANGUAGE = "ja"  # the web app speaks Japanese unless the user switches
STATUS_MOVES = {"cancelled": N_("取り消す"), "returned": N_("返送された")}
SIDES = {"both": N_("両面（宛名と文面）"), "address": N_("宛名面だけ"), "message": N_("文面だけ")}
STATIC = Path(__file__).parent / "static"

class OnceTokens:
    """Tokens for forms that must act once (a reprint): a page reloaded, or sent back by the
    browser, brings the same token, which is refused the second time."""

    def __init__(self, remembered: int = 1000) -> None:
        self._used: OrderedDict[str, None] = OrderedDict()
        self._remembered = remembered
        self._lock = threading.Lock()

    def first_use(self, token: str) -> bool:
        """True the first time `token` (non-empty) is seen."""
        with self._lock:
            if not token or token in self._used:
                return False
            self._used[token] = None
            while len(self._used) > self._remembered:
                self._used.popitem(last=False)
            return True


def new_once() -> str:
    """A form's one-time token."""
    return secrets.token_urlsafe(16)


def page_situation(connection: HTTPConnection) -> str | None:
    """The kind of card this browser chose (its cookie); None, the day's own, by default."""
    chosen = connection.cookies.get(SITUATION_COOKIE, "")
    return chosen if chosen in SITUATIONS else None


templates = Environment(loader=PackageLoader("mailmerge.web", "templates"),
                        autoescape=select_autoescape(["html", "svg"], default=True))
templates.globals.update(LABELS=LABELS, STATUS_WORDS=STATUS_WORDS,
                         SEGMENT_LABELS=SEGMENT_LABELS,
                         SHARE=SHARE, KINDS=KINDS, SIDES=SIDES, STATUS_MOVES=STATUS_MOVES,
                         CSRF_FIELD=CSRF_FIELD, suggested_postal_code=suggested_postal_code,
                         shown=shown, _=_, cards=cards, ngettext=ngettext, pgettext=pgettext,
                         yen=yen, language=language, LANGUAGES=LANGUAGES, once=new_once,
                         CHOOSABLE=(*SEASONAL, "birthday"), page_situation=page_situation,
                         problem_word=problem_word, campaign_year=campaign_year,
                         kind_word=kind_word, rule_word=rule_word, status_word=status_word,
                         posting_notes=posting_notes, mark_words=mark_words)


def page_language(connection: HTTPConnection) -> str:
    """The language this browser asked for (its cookie), Japanese by default."""
    chosen = connection.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else WEB_LANGUAGE


class Speaking:
    """ASGI middleware: each request is answered in its browser's language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with speaking(page_language(HTTPConnection(scope))):
            await self.app(scope, receive, send)


def render(request: Request, name: str, http_status: int = 200, **context) -> HTMLResponse:
    """A page (or, for htmx, the fragment template `_NAME`), with the CSRF cookie set; never
    kept by the browser (the Back button asks again, so a page never shows an old plan)."""
    token = csrf_token(request)
    fragment = request.headers.get("hx-request") == "true" and context.pop("fragment", None)
    template = templates.get_template(fragment or name)
    html = template.render(request=request, csrf_token=token, folder=request.app.state.desk.folder,
                           **context)
    response = HTMLResponse(html, http_status, headers={"Cache-Control": "no-store"})
    if BROWSER_COOKIE not in request.cookies:
        response.set_cookie(BROWSER_COOKIE, browser_id(request), httponly=True,
                            samesite="strict")
    return response


async def ask(function, *args):
    """Run a library call off the event loop (a print run or the log's lock may take time);
    the call speaks the request's language (context variables follow it into the thread)."""
    return await run_in_threadpool(function, *args)


def run_result(desk, report: RunReport) -> dict:
    """What a proof or reprint shows of a run: the report, its cards by kind, the rows left
    out with an error, the postage and the files to open."""
    counts = Counter(entry.situation for entry in report.cards)
    return {"report": report, "kinds": counts.most_common(),
            "postage_yen": desk.shop().settings.postage_yen,
            "downloads": [path.name for path in report.outputs]}


def number(value) -> int:
    """A whole number from a form or path value (400 otherwise)."""
    if not isinstance(value, str) or not value.isdigit():
        raise HTTPException(400, _("番号が違います"))
    return int(value)
