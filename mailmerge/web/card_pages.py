"""今日のはがき: the plan, each card large, its words edited with a live preview, a customer left
out of the run or put back."""

from __future__ import annotations

import base64

from msgspec.structs import replace
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.templates.card_edit import MAX_LINE_CHARS, CardEdit
from mailmerge.templates.titles import template_title
from mailmerge.web import preview
from mailmerge.web.desk import Desk, situation_named
from mailmerge.web.rendering import SITUATION_COOKIE, ask, page_situation, render
from mailmerge.web.security import checked_form

CARD_ACTIONS = ("save", "reset", "leave-out", "put-back")
PAGE_SIZE = 100  # cards a plan page lists (a 年賀状 run of 300 is three pages)


async def plan_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        view = await ask(desk.plan, clock.today(), page_situation(request))
    except HagakiError as error:
        return render(request, "plan.html", error=str(error))
    edits = await ask(desk.plan_edits, view, clock.today())
    own = (await ask(desk.shop)).settings.templates_folder
    titles = [template_title(name, entry.situation, own)  # 文面 1, never thanks-1.j2
              for entry, name in zip(view.plan.cards, view.templates, strict=True)]
    return render(request, "plan.html", view=view, titles=titles, edits=edits,
                  page_start=_page_start(request, len(view.plan.cards)), PAGE_SIZE=PAGE_SIZE)


def _page_start(request: Request, count: int) -> int:
    """The first card of the page asked for (?from=101: the 101st), within the plan."""
    asked = request.query_params.get("from", "1")
    first = int(asked) - 1 if asked.isascii() and asked.isdigit() and int(asked) > 0 else 0
    return min(first - first % PAGE_SIZE, max(count - 1, 0) // PAGE_SIZE * PAGE_SIZE)


async def choose_situation(request: Request) -> Response:
    """Plan (and print) the cards of one kind — a 年賀状 run — or the day's own again, in this
    browser's session (a cookie: another browser keeps its own choice)."""
    form = await checked_form(request)
    try:
        chosen = situation_named(str(form.get("situation") or ""))
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    response = RedirectResponse(_local_page(str(form.get("back") or "/plan")), status_code=303)
    response.set_cookie(SITUATION_COOKIE, chosen or "", httponly=True, samesite="strict")
    return response


def _local_page(path: str) -> str:
    return path if path in ("/plan", "/print") else "/plan"


async def card_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        words = await ask(preview.card_words, desk, clock.today(), page_situation(request),
                          request.path_params["row"])
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
        png = await ask(preview.card_png, desk, clock.today(), page_situation(request),
                        request.path_params["row"], "message", draft)
    except HagakiError as error:
        return render(request, "_draft.html", error=str(error))
    return render(request, "_draft.html", png=base64.b64encode(png).decode("ascii"))


async def card_edit(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    row = request.path_params["row"]
    action = str(form.get("action") or "save")
    if action not in CARD_ACTIONS:
        raise HTTPException(400, _("操作の指定が違います"))
    try:
        words = await ask(preview.card_words, desk, clock.today(), page_situation(request), row)
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
        png = await ask(preview.card_png, desk, clock.today(), page_situation(request),
                        request.path_params["row"], side)
    except HagakiError as error:
        raise HTTPException(404, str(error)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/plan", plan_page),
    Route("/plan/situation", choose_situation, methods=["POST"]),
    Route("/preview/{row:int}/{side}.png", card_preview),
    Route("/card/{row:int}", card_page),
    Route("/card/{row:int}/draft", card_draft),
    Route("/card/{row:int}/edit", card_edit, methods=["POST"]),
]
