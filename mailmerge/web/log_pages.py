"""送付履歴: the send log, filtered, and a card marked returned or cancelled."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailmerge.web.desk import Desk
from mailmerge.web.rendering import STATUS_MOVES, STATUS_WORDS, ask, number, render
from mailmerge.web.security import checked_form


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


ROUTES = [
    Route("/log", log_page),
    Route("/log/status", log_status, methods=["POST"]),
]
