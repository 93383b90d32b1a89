"""`hagaki serve`'s web app: Starlette routes that read a request, ask the Desk (the library)
and render a Jinja2 page (autoescaped) in Japanese.

In: the shop folder and the host names the server is bound to. Out: the ASGI app. Every POST
goes through `checked_form` (CSRF); the Guard middleware refuses foreign Host headers. htmx
requests (HX-Request) get the page's fragment; other requests the whole page, so every page
also works without JavaScript.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mailmerge.errors import HagakiError
from mailmerge.i18n import LANGUAGES, _
from mailmerge.package_files import package_file
from mailmerge.report.figures import key_figures
from mailmerge.summary import summary_lines
from mailmerge.templates.card_edit import MAX_LINE_CHARS, CardEdit
from mailmerge.web import preview
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import (
    LANGUAGE_COOKIE,
    SIDES,
    STATIC,
    STATUS_MOVES,
    STATUS_WORDS,
    Speaking,
    ask,
    number,
    render,
    today,
)
from mailmerge.web.security import Guard, checked_form, new_token
from mailmerge.web.shopfiles import MAX_UPLOAD_BYTES

CARD_ACTIONS = ("save", "reset", "leave-out", "put-back")


def create_app(folder: Path, allowed_hosts: set[str]) -> Starlette:
    """The app for one shop folder, answering only to `allowed_hosts` (host:port)."""
    routes = [
        Route("/", home),
        Route("/customers", customers_page),
        Route("/customers/correct", correct, methods=["POST"]),
        Route("/customers/undo", undo_correction, methods=["POST"]),
        Route("/plan", plan_page),
        Route("/preview/{row:int}/{side}.png", card_preview),
        Route("/card/{row:int}", card_page),
        Route("/card/{row:int}/draft", card_draft),
        Route("/card/{row:int}/edit", card_edit, methods=["POST"]),
        Route("/print", print_page),
        Route("/print", print_post, methods=["POST"]),
        Route("/print/mailed", mark_mailed, methods=["POST"]),
        Route("/log", log_page),
        Route("/log/status", log_status, methods=["POST"]),
        Route("/report", report_page),
        Route("/upload", upload, methods=["POST"]),
        Route("/files/{name}", download),
        Route("/fonts/ui.ttf", ui_font),
        Route("/language", choose_language, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, allowed_hosts=allowed_hosts),
                                                Middleware(Speaking)],
                    exception_handlers={HTTPException: _http_error})
    app.state.desk = Desk(folder)
    app.state.csrf_token = new_token()
    return app


async def _http_error(request: Request, error: HTTPException) -> Response:
    return render(request, "error.html", error.status_code, message=error.detail)


async def home(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    on = today()
    context: dict = {"on": on, "seasons": desk.seasons(on), "runs": await ask(desk.runs),
                     "returned": await ask(desk.log_rows, "returned")}
    try:
        view = await ask(desk.plan, on)
        context.update(view=view, postage=desk.postage(view),
                       check=await ask(desk.check))
    except HagakiError as error:
        context["error"] = str(error)
    context["files"] = {"customers": desk.files.customers(), "sales": desk.files.sales()}
    return render(request, "home.html", **context)


async def customers_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    context: dict = {"files": {"customers": desk.files.customers(), "sales": desk.files.sales()},
                     "corrections": await ask(desk.corrections)}
    try:
        context["check"] = await ask(desk.check)
    except HagakiError as error:
        context["error"] = str(error)
    return render(request, "customers.html", **context)


async def correct(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    try:
        await ask(desk.correct, str(form.get("customer_id") or ""),
                   str(form.get("field") or ""), str(form.get("value") or ""))
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    return RedirectResponse("/customers#corrections", status_code=303)


async def undo_correction(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    try:
        await ask(desk.undo_correction, number(form.get("correction_id")))
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    return RedirectResponse("/customers#corrections", status_code=303)


async def plan_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        view = await ask(desk.plan, today())
    except HagakiError as error:
        return render(request, "plan.html", error=str(error))
    edits = await ask(desk.plan_edits, view, today())
    return render(request, "plan.html", view=view, templates_used=view.templates, edits=edits)


async def card_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        words = await ask(preview.card_words, desk, today(), request.path_params["row"])
    except HagakiError as error:
        raise HTTPException(404, str(error)) from None
    return render(request, "card.html", words=words, row=request.path_params["row"],
                  max_line=MAX_LINE_CHARS)


async def card_draft(request: Request) -> Response:
    """The message side as typed so far (not stored): an <img> for htmx to swap in."""
    desk: Desk = request.app.state.desk
    query = request.query_params
    draft = CardEdit("", "", query.get("body"), query.get("personal_line"))
    try:
        png = await ask(preview.card_png, desk, today(), request.path_params["row"],
                         "message", draft)
    except HagakiError as error:
        return render(request, "_draft.html", error=str(error))
    return render(request, "_draft.html", png=base64.b64encode(png).decode("ascii"))


async def card_edit(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    row = request.path_params["row"]
    action = str(form.get("action") or "save")
    if action not in CARD_ACTIONS:
        raise HTTPException(400, f"操作の指定が違います: {action}")
    try:
        words = await ask(preview.card_words, desk, today(), row)
        stored = words.edit or CardEdit(words.entry.customer.customer_id, words.campaign)
        if action == "save":
            body = str(form.get("body") or "")
            edit = replace(stored, body=None if body.strip() == words.template_body.strip()
                           else body, personal_line=str(form.get("personal_line") or ""))
        elif action == "reset":
            edit = replace(stored, body=None, personal_line=None)
        else:
            edit = replace(stored, left_out=action == "leave-out")
        await ask(desk.save_card_edit, edit)
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    return RedirectResponse(f"/card/{row}", status_code=303)


async def card_preview(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    side = request.path_params["side"]
    try:
        png = await ask(preview.card_png, desk, today(), request.path_params["row"], side)
    except HagakiError as error:
        raise HTTPException(404, str(error)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


async def print_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        view = await ask(desk.plan, today())
    except HagakiError as error:
        return render(request, "print.html", error=str(error))
    return render(request, "print.html", view=view, postage=desk.postage(view))


async def print_post(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    proof = form.get("action") != "real"
    side = str(form.get("side") or "both")
    if side not in SIDES:
        raise HTTPException(400, f"面の指定が違います: {side}")
    context: dict = {"fragment": "_print_result.html", "proof": proof}
    try:
        report = await ask(desk.print_run, today(), side, proof)
    except HagakiError as error:
        context["error"] = str(error)
    else:
        yen = desk.shop().settings.postage_yen
        context.update(report=report, lines=summary_lines(report, False, yen),
                       downloads=[path.name for path in report.outputs])
    return render(request, "print_result.html", **context)


async def mark_mailed(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    run_id = number(form.get("run_id"))
    card_ids = await ask(desk.run_card_ids, run_id)
    context: dict = {"fragment": "_mailed.html", "run_id": run_id}
    try:
        context["change"] = await ask(desk.set_status, "mailed", card_ids)
    except HagakiError as error:
        context["error"] = str(error)
    return render(request, "mailed.html", **context)


async def log_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    status = request.query_params.get("status") or None
    if status is not None and status not in STATUS_WORDS:
        raise HTTPException(400, f"状態の指定が違います: {status}")
    rows = await ask(desk.log_rows, status)
    return render(request, "log.html", rows=rows, status=status, fragment="_log_rows.html")


async def log_status(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    status = str(form.get("status"))
    if status not in STATUS_MOVES:
        raise HTTPException(400, f"状態の指定が違います: {status}")
    await ask(desk.set_status, status, [number(form.get("card_id"))])
    return RedirectResponse("/log", status_code=303)


async def report_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        measures = await ask(desk.report, today())
    except HagakiError as error:
        return render(request, "report.html", error=str(error))
    return render(request, "report.html", measures=measures, figures=key_figures(measures))


async def upload(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    try:
        sent = form.get("file")
        if not isinstance(sent, UploadFile):
            raise HTTPException(400, "ファイルを選んでください")
        content = await sent.read(MAX_UPLOAD_BYTES + 1)
        kind = str(form.get("kind"))
        stored = await ask(desk.files.store, kind, sent.filename or "", content)
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    finally:
        await form.close()
    return render(request, "uploaded.html", kind=kind, stored=stored.name)


async def download(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    path = desk.files.download(request.path_params["name"])
    if path is None:
        raise HTTPException(404, "そのファイルはありません")
    return FileResponse(path, media_type="application/pdf", filename=path.name)


async def ui_font(request: Request) -> Response:
    return FileResponse(package_file("fonts", "BIZUDMincho-Regular.ttf"), media_type="font/ttf",
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
