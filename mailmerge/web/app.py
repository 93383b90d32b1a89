"""`hagaki serve`'s web app: the routes of each page's module (customer_pages, card_pages, …),
which read a request, ask the Desk (the library) and render a Jinja2 page (rendering.py), in
Japanese unless the browser switched to English.

In: the shop folder and the host names the server is bound to. Out: the ASGI app. Every POST
goes through `checked_form` (CSRF); the Guard middleware refuses foreign Host headers. htmx
requests (HX-Request) get the page's fragment; other requests the whole page, so every page
also works without JavaScript.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import LANGUAGES, N_, _
from mailmerge.package_files import package_file
from mailmerge.web import (
    card_pages,
    customer_pages,
    log_pages,
    mapping_pages,
    print_pages,
    report_pages,
    settings_pages,
)
from mailmerge.web.desk import Desk
from mailmerge.web.login import RequireLogin
from mailmerge.web.rendering import (
    LANGUAGE_COOKIE,
    STATIC,
    OnceTokens,
    Speaking,
    ask,
    page_situation,
    render,
)
from mailmerge.web.security import Guard, checked_form, new_secret

STATUS_MESSAGES = {404: N_("そのページはありません"), 405: N_("その操作はできません")}
UI_FONTS = {"ui.ttf": "BIZUDMincho-Regular.ttf", "ui-rare.ttf": "ipamjm.ttf"}


def create_app(folder: Path, allowed_hosts: set[str], password: str | None = None) -> Starlette:
    """The app for one shop folder, answering only to `allowed_hosts` (host:port), and with a
    `password` only to a browser logged in with it (login.py)."""
    routes = [
        Route("/", home),
        *customer_pages.ROUTES,
        *mapping_pages.ROUTES,
        *card_pages.ROUTES,
        *print_pages.ROUTES,
        *log_pages.ROUTES,
        *report_pages.ROUTES,
        *settings_pages.ROUTES,
        Route("/fonts/{name}", ui_font),
        Route("/language", choose_language, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, allowed_hosts=allowed_hosts),
                                                Middleware(Speaking),
                                                Middleware(RequireLogin, password=password)],
                    exception_handlers={HTTPException: _http_error})
    app.state.desk = Desk(folder)
    app.state.csrf_secret = new_secret()
    app.state.logins = password is not None  # the pages offer ログアウト
    app.state.once = OnceTokens()
    return app


async def _http_error(request: Request, error: HTTPException) -> Response:
    """The error page; Starlette's own English words for a status become ours."""
    message = error.detail
    if message == HTTPStatus(error.status_code).phrase:
        message = _(STATUS_MESSAGES.get(error.status_code, N_("できませんでした")))
    return render(request, "error.html", error.status_code, message=message)


async def home(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    on = clock.today()
    runs = await ask(desk.runs)
    context: dict = {"on": on, "seasons": desk.seasons(on), "runs": runs,
                     "waiting": [run for run in runs if "printed" in run.statuses],
                     "returned": await ask(desk.log_rows, "returned")}
    try:
        view = await ask(desk.plan, on, page_situation(request))
        context.update(view=view, postage=desk.postage(view),
                       check=await ask(desk.check), mourning=await ask(desk.in_mourning))
    except HagakiError as error:
        context["error"] = str(error)
    context["files"] = {"customers": desk.files.customers(), "sales": desk.files.sales()}
    return render(request, "home.html", **context)


async def ui_font(request: Request) -> Response:
    """The pages' fonts: BIZ UD Mincho, and IPAmj Mincho for the rare characters of names."""
    file_name = UI_FONTS.get(request.path_params["name"])
    if file_name is None:
        raise HTTPException(404, _("そのファイルはありません"))
    return FileResponse(package_file("fonts", file_name), media_type="font/ttf",
                        headers={"Cache-Control": "max-age=86400"})


async def choose_language(request: Request) -> Response:
    """Switch this browser's pages to the language chosen (a cookie), back to the page it was on."""
    form = await checked_form(request)
    chosen = str(form.get("lang"))
    if chosen not in LANGUAGES:
        raise HTTPException(400, _("言語の指定が違います"))
    back = str(form.get("back") or "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, chosen, samesite="strict", max_age=365 * 24 * 3600)
    return response
